"""Token usage, the price table (critic/llm/prices.json, overridable in [tool.critic.llm.prices]) and --max-cost.

Prices are US dollars per million tokens. A model without a price has an unknown cost, and the output says so.
The bundled table applies only to the providers' own endpoints: a local server's model has no bundled price.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .settings import LLMSettings

_DATED = re.compile(r"-(?:\d{4}-?\d{2}-?\d{2}|latest|\d{8})$")


@dataclass(frozen=True)
class Price:
    input: float   # USD per million input tokens
    output: float  # USD per million output tokens
    source: str = "bundled"

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input + output_tokens * self.output) / 1_000_000


@lru_cache(maxsize=1)
def bundled_prices() -> dict[str, dict]:
    data = json.loads((Path(__file__).parent / "prices.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _find(table: dict, provider: str, model: str) -> dict | None:
    for key in (f"{provider}:{model}", model):
        if key in table:
            return table[key]
    base = _DATED.sub("", model)
    if base != model:
        return _find(table, provider, base)
    return None


def lookup_price(settings: LLMSettings) -> Price | None:
    entry = _find(settings.prices, settings.provider, settings.model)
    if entry is not None:
        return Price(entry["input"], entry["output"], source="config")
    if settings.custom_base_url:
        return None
    entry = _find(bundled_prices(), settings.provider, settings.model)
    return Price(entry["input"], entry["output"]) if entry else None


def unknown_cost_note(settings: LLMSettings) -> str:
    where = "a local or custom server" if settings.custom_base_url else "the bundled price table"
    return (f"cost unknown: no price for {settings.spec} in {where}; add one under [tool.critic.llm.prices] as "
            f"\"{settings.spec}\" = {{input = USD per million tokens, output = USD per million tokens}}")


@dataclass
class Usage:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    estimated: bool = False   # some call reported no usage; its tokens were estimated
    cache_hits: int = 0

    def add(self, input_tokens: int, output_tokens: int, estimated: bool = False) -> None:
        self.calls += 1
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self.estimated = self.estimated or estimated

    def merge(self, other: "Usage") -> None:
        self.calls += other.calls
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.estimated = self.estimated or other.estimated
        self.cache_hits += other.cache_hits

    def cost(self, price: Price | None) -> float | None:
        return None if price is None else price.cost(self.input_tokens, self.output_tokens)

    def to_dict(self, price: Price | None) -> dict:
        cost = self.cost(price)
        return {"calls": self.calls, "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "tokens_estimated": self.estimated, "cache_hits": self.cache_hits,
                "estimated_cost_usd": None if cost is None else round(cost, 6)}


def usage_of(message, fallback_input: int, fallback_output_text: str) -> tuple[int, int, bool]:
    """(input, output, estimated) tokens of one answer, from its usage metadata or estimated from text."""
    meta = getattr(message, "usage_metadata", None) or {}
    if meta.get("input_tokens") is not None and meta.get("output_tokens") is not None:
        return int(meta["input_tokens"]), int(meta["output_tokens"]), False
    return fallback_input, max(1, len(fallback_output_text) // 4), True


class Budget:
    """--max-cost: each call reserves its worst case before it is sent; the run stops cleanly when the next call
    could exceed the limit. Calls already answered are kept (partial results)."""

    def __init__(self, max_cost: float | None, price: Price | None):
        self.max_cost = max_cost
        self.price = price
        self.spent = 0.0
        self.reserved = 0.0
        self.exhausted = False
        self._lock = threading.Lock()

    def reserve(self, input_tokens: int, max_output_tokens: int) -> float | None:
        """The amount reserved, or None if this call would go over the limit."""
        if self.max_cost is None or self.price is None:
            return 0.0
        worst = self.price.cost(input_tokens, max_output_tokens)
        with self._lock:
            if self.exhausted or self.spent + self.reserved + worst > self.max_cost:
                self.exhausted = True
                return None
            self.reserved += worst
            return worst

    def settle(self, reserved: float, input_tokens: int, output_tokens: int) -> None:
        actual = self.price.cost(input_tokens, output_tokens) if self.price else 0.0
        with self._lock:
            self.reserved -= reserved
            self.spent += actual

    def release(self, reserved: float) -> None:
        with self._lock:
            self.reserved -= reserved
