"""Provider errors, sorted by what to do about them.

transient  timeouts, connection errors, 408/409/429, 5xx: retried with backoff
fatal      authentication, permission, model not found, bad request, a missing key or package: one clear
           message, no retry, and no further calls in this run
other      anything else: this bullet falls back to the deterministic result with a warning

Classification looks at class names and `status_code`, so it works for the openai and anthropic SDKs (and
httpx underneath) without importing any of them.
"""

from __future__ import annotations

import asyncio

from .secrets import scrub

TRANSIENT_NAMES = {"APITimeoutError", "APIConnectionError", "RateLimitError", "InternalServerError",
                   "ServiceUnavailableError", "OverloadedError", "TimeoutException", "ConnectError", "ReadError",
                   "RemoteProtocolError", "ReadTimeout", "ConnectTimeout", "WriteTimeout", "PoolTimeout"}
AUTH_NAMES = {"AuthenticationError", "PermissionDeniedError"}
NOT_FOUND_NAMES = {"NotFoundError"}
BAD_REQUEST_NAMES = {"BadRequestError", "UnprocessableEntityError"}


class FatalProviderError(Exception):
    """Stops the LLM pass for the whole run; the message is already user-facing and scrubbed."""


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    if status is None:
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def classify(exc: BaseException) -> str:
    """"transient", "auth", "not_found", "bad_request" or "other"."""
    names = _names(exc)
    status = status_of(exc)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError, ConnectionError)) or names & TRANSIENT_NAMES:
        return "transient"
    if status is not None:
        if status in (408, 409, 429) or status >= 500:
            return "transient"
        if status in (401, 403):
            return "auth"
        if status == 404:
            return "not_found"
        if 400 <= status < 500:
            return "bad_request"
    if names & AUTH_NAMES:
        return "auth"
    if names & NOT_FOUND_NAMES:
        return "not_found"
    if names & BAD_REQUEST_NAMES:
        return "bad_request"
    return "other"


def retry_after(exc: BaseException, cap: float) -> float | None:
    """Seconds the server asked us to wait (Retry-After), capped; None if it did not say."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after")
    try:
        return min(max(float(value), 0.0), cap) if value is not None else None
    except (TypeError, ValueError):
        return None


def describe(exc: BaseException) -> str:
    """A short, scrubbed, one-line description of a provider error."""
    status = status_of(exc)
    kind = classify(exc)
    if kind == "transient" and (isinstance(exc, (asyncio.TimeoutError, TimeoutError))
                                or any("Timeout" in n for n in _names(exc))):
        return "the call timed out"
    text = " ".join(str(exc).split())
    if len(text) > 240:
        text = text[:240] + "..."
    label = type(exc).__name__
    if status is not None:
        label += f" (HTTP {status})"
    return scrub(f"{label}: {text}" if text else label)


def fatal_message(exc: BaseException, spec: str, where: str) -> str:
    kind = classify(exc)
    if kind == "auth":
        return scrub(f"{where} rejected the API key for {spec} ({describe(exc)}); check the key in the "
                     f"environment")
    if kind == "not_found":
        return scrub(f"{where} does not know the model {spec} or the endpoint ({describe(exc)}); check the model "
                     f"name and --base-url")
    return scrub(f"{where} refused the request for {spec} ({describe(exc)})")
