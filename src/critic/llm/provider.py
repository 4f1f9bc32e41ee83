"""The chat model: LangChain's init_chat_model with the key from the environment and an explicit base URL.

The base URL is always passed explicitly (the official endpoint when none is configured), so neither an
OPENAI_BASE_URL / ANTHROPIC_BASE_URL variable nor anything else can redirect a paid key. The SDKs' own retries are
off (max_retries=0): rewriter.py retries transient errors itself, and never auth or bad-request errors.
"""

from __future__ import annotations

import importlib.util

from .failures import FatalProviderError
from .secrets import MissingKey, api_key, install_log_filter
from .settings import OFFICIAL_URLS, LLMSettings

PACKAGES = {"openai": "langchain_openai", "anthropic": "langchain_anthropic"}
STRUCTURED_DEFAULT = {"openai": "json_schema", "anthropic": "function_calling"}


def require_packages(provider: str) -> None:
    missing = [name for name in ("langchain", PACKAGES[provider]) if importlib.util.find_spec(name) is None]
    if missing:
        raise FatalProviderError(f"the LLM pass needs {', '.join(missing)}: pip install 'critic[{provider}]' "
                                 f"(or 'critic[llm]' for every provider)")


def build_model(settings: LLMSettings, environ=None):
    require_packages(settings.provider)
    try:
        key = api_key(settings, environ)
    except MissingKey as exc:
        raise FatalProviderError(str(exc)) from None
    install_log_filter()
    from langchain.chat_models import init_chat_model

    kwargs = {"base_url": settings.base_url or OFFICIAL_URLS[settings.provider], "api_key": key,
              "timeout": settings.timeout, "max_retries": 0, "max_tokens": settings.max_tokens}
    if settings.temperature is not None:
        kwargs["temperature"] = settings.temperature
    if settings.provider == "openai" and settings.custom_base_url:
        kwargs["use_responses_api"] = False  # local servers speak Chat Completions
    try:
        return init_chat_model(settings.spec, **kwargs)
    except Exception as exc:  # noqa: BLE001 - an SDK refusing its arguments is a setup problem, not a crash
        from .secrets import scrub

        raise FatalProviderError(scrub(f"cannot set up {settings.spec}: {type(exc).__name__}: {exc}")) from None


def structured(model, settings: LLMSettings):
    """(runnable, is_structured): the model asked for the answer schema, or the plain model when it cannot be.

    Either way the output goes through the lenient parser, so a model that ignores the schema still works.
    """
    method = settings.structured_output
    if method == "none":
        return model, False
    if method == "auto":
        method = STRUCTURED_DEFAULT.get(settings.provider, "function_calling")
    from .schema import answer_json_schema

    # a JSON-schema dict, not the Pydantic class: with the class, the openai SDK validates the answer itself and
    # raises on malformed JSON; with a dict, a bad answer reaches the lenient parser and is retried as invalid
    try:
        return model.with_structured_output(answer_json_schema(), method=method, include_raw=True), True
    except (NotImplementedError, ValueError, TypeError):
        return model, False
