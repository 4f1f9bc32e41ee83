"""LLM settings: command-line flags over `[tool.critic.llm]` over defaults.

API keys are not settings: they come only from the environment (see secrets.py). A key-like entry in the config
file is rejected by config.py before this module ever sees the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..llm_limits import LIMITS, out_of_range

PROVIDERS = ("openai", "anthropic")
# OpenAI-compatible local servers: `ollama:llama3.1` = `openai:llama3.1` with this base URL
LOCAL_ALIASES = {
    "ollama": "http://localhost:11434/v1",
    "vllm": "http://localhost:8000/v1",
    "llamacpp": "http://localhost:8080/v1",
    "lmstudio": "http://localhost:1234/v1",
}
STRUCTURED = ("auto", "json_schema", "function_calling", "json_mode", "none")


@dataclass(frozen=True)
class LLMSettings:
    provider: str                      # "openai" or "anthropic" (the wire protocol)
    model: str
    base_url: str | None = None        # None = the provider's official endpoint
    # numbers: ranges and defaults in critic/llm_limits.py
    timeout: float = LIMITS["timeout"].default
    max_retries: int = LIMITS["max_retries"].default
    max_attempts: int = LIMITS["max_attempts"].default
    concurrency: int = LIMITS["concurrency"].default
    variants: int = LIMITS["variants"].default
    max_cost: float | None = LIMITS["max_cost"].default
    prices: dict = field(default_factory=dict)
    rate_limit: float | None = LIMITS["rate_limit"].default
    rewrite_below: int = LIMITS["rewrite_below"].default
    redact: bool = False
    redact_names: tuple[str, ...] = ()
    structured_output: str = "auto"
    max_tokens: int = LIMITS["max_tokens"].default
    temperature: float | None = LIMITS["temperature"].default
    backoff: float = LIMITS["backoff"].default
    cache: bool = True
    send_key_to_base_url: bool = False  # flag only, never from config, and only for a --base-url from the flags
    config_path: str | None = None

    @property
    def spec(self) -> str:
        return f"{self.provider}:{self.model}"

    @property
    def custom_base_url(self) -> bool:
        return self.base_url is not None and not is_official(self.provider, self.base_url)


OFFICIAL_HOSTS = {"openai": "api.openai.com", "anthropic": "api.anthropic.com"}
OFFICIAL_URLS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}


def is_official(provider: str, base_url: str) -> bool:
    parts = urlsplit(base_url)
    return parts.scheme == "https" and parts.hostname == OFFICIAL_HOSTS.get(provider)


def parse_spec(spec: str, where: str) -> tuple[str, str, str | None]:
    """"openai:MODEL" -> ("openai", "MODEL", None); "ollama:MODEL" -> ("openai", "MODEL", local URL)."""
    provider, sep, model = spec.partition(":")
    provider = provider.strip().lower()
    model = model.strip()
    if not sep or not model:
        raise ConfigError(f"{where}: give the model as PROVIDER:MODEL, for example openai:gpt-4o-mini, "
                          f"anthropic:claude-haiku-4-5 or ollama:llama3.1 (got {spec!r})")
    if provider in LOCAL_ALIASES:
        return "openai", model, LOCAL_ALIASES[provider]
    if provider not in PROVIDERS:
        raise ConfigError(f"{where}: unknown provider {provider!r} (known: "
                          f"{', '.join(PROVIDERS + tuple(LOCAL_ALIASES))}; any OpenAI-compatible server works as "
                          f"openai:MODEL with --base-url)")
    return provider, model, None


# the keys of [tool.critic.llm]: the numbers of llm_limits.py and these
KEYS = set(LIMITS) | {"model", "provider", "base_url", "prices", "redact", "redact_names", "structured_output", "cache"}


def _validate(values: dict, where: str) -> dict:
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        if key in LIMITS:
            problem = out_of_range(key, value)
            if problem:
                raise ConfigError(f"{where}: {problem}")
            out[key] = LIMITS[key].kind(value)
        elif key in ("redact", "cache"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: `{key}` must be true or false")
            out[key] = value
        elif key == "redact_names":
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{where}: `redact_names` must be a list of names")
            out[key] = tuple(v.strip() for v in value)
        elif key == "structured_output":
            if value not in STRUCTURED:
                raise ConfigError(f"{where}: `structured_output` must be one of {', '.join(STRUCTURED)}")
            out[key] = value
        elif key == "prices":
            out[key] = _prices(value, where)
        elif key == "base_url":
            out[key] = _base_url(value, where)
        elif key in ("model", "provider"):
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: `{key}` must be a string")
            out[key] = value.strip()
    return out


def _base_url(value, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: `base_url` must be a URL")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: `base_url` must be an http(s) URL such as http://localhost:11434/v1")
    if parts.username or parts.password:
        raise ConfigError(f"{where}: `base_url` must not carry credentials; keys come from the environment")
    return value.strip().rstrip("/")


def _prices(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: `prices` must be a table of \"provider:model\" = {{input = USD per million "
                          f"input tokens, output = USD per million output tokens}}")
    prices = {}
    for model, entry in value.items():
        if (not isinstance(entry, dict) or set(entry) - {"input", "output"}
                or not all(isinstance(entry.get(k), (int, float)) and not isinstance(entry.get(k), bool)
                           and entry.get(k) >= 0 for k in ("input", "output"))):
            raise ConfigError(f"{where}: price of {model!r} must be {{input = N, output = N}} in USD per million "
                              f"tokens")
        prices[str(model)] = {"input": float(entry["input"]), "output": float(entry["output"])}
    return prices


def resolve_llm_settings(config_llm: dict | None, flags: dict, config_path: str | None = None
                         ) -> LLMSettings | None:
    """None when no model is asked for (nothing will leave the machine).

    `flags` holds command-line values (None = not given), under the same names as the config keys plus `llm`
    (PROVIDER:MODEL) and `send_key_to_base_url`.
    """
    where = config_path or "[tool.critic.llm]"
    raw = {str(k).replace("-", "_"): v for k, v in (config_llm or {}).items()}
    unknown = set(raw) - KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) in [tool.critic.llm]: {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(KEYS))})")
    merged = _validate(raw, where)
    flag_values = {k: v for k, v in flags.items() if k in KEYS and v is not None}
    merged.update(_validate(flag_values, "command line"))

    spec_where = "--llm"
    spec = flags.get("llm")
    if not spec:
        spec_where = where
        spec = merged.get("model")
        if spec and ":" not in spec and merged.get("provider"):
            spec = f"{merged['provider']}:{spec}"
    if not spec:
        return None
    provider, model, alias_url = parse_spec(spec, spec_where)
    base_url = merged.get("base_url")
    if flags.get("llm") and not flags.get("base_url") and raw.get("base_url"):
        # the config's base URL belongs to the config's model: keep it only for the same provider
        config_spec = merged.get("model") or ""
        config_provider = config_spec.partition(":")[0].lower() if ":" in config_spec else merged.get("provider")
        if config_provider and (LOCAL_ALIASES.get(config_provider) and "openai" or config_provider) != provider:
            base_url = None
    # where the server's address comes from: the key may only go to one the user named on the command line
    named_by = "--base-url" if flags.get("base_url") else where if base_url else spec_where
    base_url = base_url or alias_url
    send_key = bool(flags.get("send_key_to_base_url"))
    if send_key and base_url and not is_official(provider, base_url) and named_by not in ("--base-url", "--llm"):
        raise ConfigError(f"--send-key-to-base-url: the server {base_url} is named in {named_by}, not on the "
                          f"command line; critic sends your API key only to a server you name with --base-url")
    settings = {k: v for k, v in merged.items() if k not in ("model", "provider", "base_url")}
    return LLMSettings(provider=provider, model=model, base_url=base_url, send_key_to_base_url=send_key,
                       config_path=config_path, **settings)
