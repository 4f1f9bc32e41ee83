"""API keys: read from the environment only, handed to the SDK client, never printed, logged, cached or shown.

A paid key goes only to the provider's official endpoint. A custom base URL (a local server, a proxy) gets a
dummy key unless the user passes `--send-key-to-base-url` on the command line (a config file cannot ask for it:
a cloned repository's pyproject.toml must not be able to send your key to its own server).
"""

from __future__ import annotations

import logging
import os
import re

from .settings import LLMSettings

KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
DUMMY_KEY = "critic-local-no-key"
REDACTED = "***"
# shapes of provider keys, scrubbed even when the value is not one we know
_KEY_SHAPES = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{6,}|\bsk-ant-[A-Za-z0-9_\-]+|\bBearer\s+[A-Za-z0-9._\-]{8,}",
                         re.IGNORECASE)


class MissingKey(Exception):
    """The provider's key is not in the environment."""


def api_key(settings: LLMSettings, environ=None) -> str:
    """The key to give the SDK for these settings."""
    environ = os.environ if environ is None else environ
    if settings.custom_base_url and not settings.send_key_to_base_url:
        return DUMMY_KEY
    name = KEY_ENV[settings.provider]
    value = (environ.get(name) or "").strip()
    if not value:
        if settings.custom_base_url:
            return DUMMY_KEY
        raise MissingKey(f"{name} is not set: export it in your shell (critic never reads keys from config "
                         f"files), or use a local server with --base-url")
    return value


def known_secrets(environ=None) -> list[str]:
    environ = os.environ if environ is None else environ
    values = [environ.get(name, "") for name in KEY_ENV.values()]
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 4}, key=len, reverse=True)


def scrub(text: object, environ=None) -> str:
    """The text with every known key value (and anything shaped like a key) replaced by ***."""
    out = str(text)
    for secret in known_secrets(environ):
        out = out.replace(secret, REDACTED)
    return _KEY_SHAPES.sub(REDACTED, out)


_LOGGERS = ("openai", "anthropic", "httpx", "httpcore", "langchain", "langsmith", "critic")
_installed = False


def install_log_filter() -> None:
    """Scrub keys from whatever the SDKs log (OPENAI_LOG=debug, httpx debug logging), child loggers included."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if record.name.split(".")[0] in _LOGGERS:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a malformed record is not ours to fix
                return record
            cleaned = scrub(message)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
