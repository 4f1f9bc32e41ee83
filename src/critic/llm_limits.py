"""The numeric settings of the LLM pass, each declared once: its type, its range and its default.

The command line (cli.py builds `--timeout`, `--concurrency` ... from this table) and `[tool.critic.llm]`
(llm/settings.py) are validated against the same entry, and help texts show the same default. Nothing is imported
here, so the command line can read the table without loading the LLM pass.
"""

from __future__ import annotations

from typing import NamedTuple


class Limit(NamedTuple):
    kind: type                # int or float
    low: float
    high: float
    default: float | None     # None: unset unless given


LIMITS = {
    "timeout": Limit(float, 0.001, 3600, 60.0),      # seconds per call, and per verification of its answer
    "max_retries": Limit(int, 0, 10, 2),             # retries of one call after a transient error
    "max_attempts": Limit(int, 1, 10, 3),            # answers asked for per variant before giving up
    "concurrency": Limit(int, 1, 64, 8),             # calls in flight at once
    "variants": Limit(int, 1, 10, 1),                # rewrites asked for per bullet
    "max_cost": Limit(float, 0, 1_000_000, None),         # US dollars per run
    "rate_limit": Limit(float, 0.001, 10000, None),  # requests per second
    "rewrite_below": Limit(int, 0, 101, 70),         # bullets scoring below this are rewritten
    "max_tokens": Limit(int, 16, 64000, 600),
    "temperature": Limit(float, 0, 2, None),
    "backoff": Limit(float, 0, 60, 0.5),             # first retry delay in seconds, doubled each time
}


def out_of_range(name: str, value) -> str | None:
    """Why `value` is not a valid `name` (a config value: bools are not numbers), or None when it is."""
    limit = LIMITS[name]
    ok_type = isinstance(value, int) if limit.kind is int else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not limit.low <= value <= limit.high:
        kind = "a whole number" if limit.kind is int else "a number"
        return f"`{name}` must be {kind} from {limit.low:g} to {limit.high:g}"
    return None
