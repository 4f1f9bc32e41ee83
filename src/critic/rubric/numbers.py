"""Typed recognizers: numbers with a meaning, found in code rather than written as patterns in the rubric.

A rubric uses them by name like vocabularies (`{money}`, `{percent} ... {churn}`). Each takes the tokens of one
text and returns the spans (first token, last token + 1) where it recognises:

| name        | recognises                                                            | examples                       |
|-------------|-----------------------------------------------------------------------|--------------------------------|
| money       | an amount of money                                                    | $1.2M, €400K, 3 million USD    |
| percent     | a percentage or points                                                | 15%, 3 pp, 40 basis points     |
| multiplier  | a factor                                                              | 3x, 2.5x, two-fold             |
| number      | any figure written in digits                                          | 12, 1,200, 3.5, 10k            |
| count       | a figure that is not money, a percentage, a factor, a duration, a year | 1,200 prompts, 40 accounts    |
| duration    | a length of time                                                      | 9 h, 35 min, two weeks, 200ms  |
| year        | a calendar year                                                       | 2024                           |
| change      | a before/after pair                                                   | from 9% to 3%, 9 h -> 35 min   |
| window      | a bounded time window                                                 | in the 90 days after, in Q3    |

Every recognizer is a single left-to-right walk over the tokens: linear in the text, whatever it contains.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from .tokens import Tokens

Span = tuple[int, int]

_NUMERIC = re.compile(r"(\d[\d,.]*\d|\d)([a-z]*)")
CURRENCY_SYMBOLS = "$\u20ac\u00a3\u00a5"
_CURRENCY_WORDS = frozenset({"usd", "eur", "gbp", "dollar", "dollars", "euro", "euros", "pound", "pounds", "bucks"})
_CURRENCY_CODES = frozenset({"usd", "eur", "gbp", "aud", "cad", "chf", "inr", "jpy", "sgd"})
_SCALES = frozenset({"k", "m", "mm", "b", "bn", "million", "millions", "billion", "billions", "thousand",
                     "thousands", "trillion", "mn"})
_PERCENT_WORDS = frozenset({"percent", "pct", "pp", "pts", "pt", "points", "point", "bps"})
_PERCENT_PAIRS = {("per", "cent"), ("percentage", "point"), ("percentage", "points"), ("basis", "point"),
                  ("basis", "points")}
_TIME_UNITS = frozenset({
    "ms", "millisecond", "milliseconds", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute",
    "minutes", "h", "hr", "hrs", "hour", "hours", "day", "days", "d", "week", "weeks", "wk", "wks", "month",
    "months", "mo", "quarter", "quarters", "year", "years", "yr", "yrs", "sprint", "sprints", "fortnight",
    "fortnights", "night", "nights", "shift", "shifts"})
_UNIT_SUFFIXES = frozenset({"ms", "s", "sec", "secs", "min", "mins", "h", "hr", "hrs", "d", "wk", "wks", "mo",
                            "yr", "yrs"})
NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "dozen", "dozens",
    "hundreds", "thousands", "millions", "billions", "half", "quarter"})
_WINDOW_PREPOSITIONS = frozenset({"in", "over", "during", "for", "across", "within", "through", "throughout"})
_WINDOW_ORDINALS = frozenset({"first", "past", "last", "next", "following", "initial", "final", "previous",
                              "prior", "entire", "whole", "full"})
_WINDOW_PERIODS = frozenset({"day", "week", "month", "quarter", "year", "fortnight", "sprint", "season",
                             "half", "term", "cycle", "semester"})
_APPROXIMATELY = frozenset({"under", "below", "about", "around", "roughly", "nearly", "just", "less", "over"})
_WINDOW_TRIGGERS = _WINDOW_PREPOSITIONS | {"this", "last", "past"}
_HALVES_AND_QUARTERS = re.compile(r"[qh][1-4]|fy\d{2,4}|20\d\d|19\d\d")


@lru_cache(maxsize=4096)
def _parse_numeric(key: str) -> tuple[str, str] | None:
    match = _NUMERIC.fullmatch(key)
    return (match.group(1), match.group(2)) if match else None


def numeric(key: str) -> tuple[str, str] | None:
    """("1.5", "m") for "1.5m"; None for a word."""
    if not key[:1].isdigit():
        return None
    if len(key) <= 64:  # the memo holds short keys only
        return _parse_numeric(key)
    match = _NUMERIC.fullmatch(key)
    return (match.group(1), match.group(2)) if match else None


def _is_number(key: str) -> bool:
    return key[:1].isdigit() or key in NUMBER_WORDS


def _prefixed_by_currency(tokens: Tokens, index: int) -> bool:
    start = tokens.starts[index]
    return start > 0 and tokens.text[start - 1] in CURRENCY_SYMBOLS or (
        start > 1 and tokens.text[start - 1] in " ~" and tokens.text[start - 2] in CURRENCY_SYMBOLS)


def _followed_by_percent(tokens: Tokens, index: int) -> bool:
    end = tokens.ends[index]
    text = tokens.text
    return end < len(text) and (text[end] == "%" or (text[end] == " " and text[end + 1:end + 2] == "%"))


def _scale_end(tokens: Tokens, index: int) -> int:
    """The end of a number at `index`, including a following scale word ("3 million")."""
    keys = tokens.keys
    if index + 1 < len(keys) and keys[index + 1] in _SCALES and tokens.sentence[index + 1] == tokens.sentence[index]:
        return index + 2
    return index + 1


def money(tokens: Tokens) -> list[Span]:
    keys = tokens.keys
    spans = []
    for index in tokens.figures:
        key = keys[index]
        if _prefixed_by_currency(tokens, index):
            spans.append((index, _scale_end(tokens, index)))
            continue
        end = _scale_end(tokens, index)
        if end < len(keys) and keys[end] in _CURRENCY_WORDS:
            spans.append((index, end + 1))
        elif index > 0 and keys[index - 1] in _CURRENCY_CODES:
            spans.append((index - 1, end))
    return spans


def percent(tokens: Tokens) -> list[Span]:
    keys = tokens.keys
    spans = []
    for index in tokens.figures:
        parsed = numeric(keys[index])
        if parsed is None:
            continue
        if _followed_by_percent(tokens, index) or parsed[1] in ("pp", "pts", "pt", "bps"):
            spans.append((index, index + 1))
        elif index + 1 < len(keys) and keys[index + 1] in _PERCENT_WORDS:
            spans.append((index, index + 2))
        elif index + 2 < len(keys) and (keys[index + 1], keys[index + 2]) in _PERCENT_PAIRS:
            spans.append((index, index + 3))
    return spans


def multiplier(tokens: Tokens) -> list[Span]:
    keys = tokens.keys
    spans = []
    for index, key in enumerate(keys):
        parsed = numeric(key)
        if parsed is not None and parsed[1] == "x":
            spans.append((index, index + 1))
        elif (parsed is not None or key in NUMBER_WORDS) and index + 1 < len(keys) and keys[index + 1] in (
                "x", "fold"):
            spans.append((index, index + 2))
        elif key.endswith("fold") and key[:-4] in NUMBER_WORDS:
            spans.append((index, index + 1))
    return spans


# What may follow the digits of a figure ("10k", "3x", "9h", "1st"); anything else is a code ("3DS", "2FA").
_FIGURE_SUFFIXES = frozenset({"", "k", "m", "mm", "b", "bn", "x", "pp", "pts", "bps", "st", "nd", "rd", "th"}
                             | _UNIT_SUFFIXES)


def is_figure(key: str) -> bool:
    parsed = numeric(key)
    return parsed is not None and parsed[1] in _FIGURE_SUFFIXES


def is_year(key: str) -> bool:
    return len(key) == 4 and key.isdigit() and key[:2] in ("19", "20")


def number(tokens: Tokens) -> list[Span]:
    return [(index, index + 1) for index in tokens.figures if is_figure(tokens.keys[index])]


def year(tokens: Tokens) -> list[Span]:
    return [(index, index + 1) for index in tokens.figures if is_year(tokens.keys[index])]


def duration(tokens: Tokens) -> list[Span]:
    keys = tokens.keys
    spans = []
    for index, key in enumerate(keys):
        parsed = numeric(key)
        if parsed is not None and parsed[1] in _UNIT_SUFFIXES:
            spans.append((index, index + 1))
        elif (parsed is not None and not parsed[1] or key in NUMBER_WORDS) and index + 1 < len(keys) and \
                keys[index + 1] in _TIME_UNITS and tokens.sentence[index + 1] == tokens.sentence[index]:
            spans.append((index, index + 2))
    return spans


def count(tokens: Tokens) -> list[Span]:
    taken: set[int] = set()
    for recognizer in (money, percent, multiplier, duration, year):
        for start, end in recognizer(tokens):
            taken.update(range(start, end))
    spans = []
    for index in tokens.figures:
        key = tokens.keys[index]
        if index in taken or not is_figure(key):
            continue
        parsed = numeric(key)
        if parsed is not None and parsed[1] not in ("", "k", "m"):
            continue
        spans.append((index, _scale_end(tokens, index)))
    return spans


def _quantity_end(tokens: Tokens, index: int) -> int | None:
    """End of a quantity starting at `index` (a figure with an optional unit word), or None."""
    keys = tokens.keys
    if index >= len(keys) or not (_is_number(keys[index]) or keys[index] in ("a", "an")):
        return None
    end = _scale_end(tokens, index)
    if end < len(keys) and (keys[end] in _TIME_UNITS or keys[end] in _PERCENT_WORDS):
        end += 1
    return end if _is_number(keys[index]) or end > index + 1 else None


def change(tokens: Tokens) -> list[Span]:
    """from X to Y; X -> Y; (was X); down/up from X; X h to Y min."""
    keys, text = tokens.keys, tokens.text
    spans = []
    for index, key in enumerate(keys):
        sentence = tokens.sentence[index]
        if key == "from" and index + 1 < len(keys):
            first_end = _quantity_end(tokens, index + 1)
            if first_end is None:
                continue
            start = index - 1 if index > 0 and keys[index - 1] in ("down", "up") else index
            second_end = None
            for to in range(first_end, min(first_end + 4, len(keys))):
                if tokens.sentence[to] != sentence:
                    break
                if keys[to] == "to":
                    second_end = _quantity_end(tokens, to + 1)
                    if second_end is None and to + 2 < len(keys) and keys[to + 1] in _APPROXIMATELY:
                        second_end = _quantity_end(tokens, to + 2)
                    break
            if second_end is not None and tokens.sentence[second_end - 1] == sentence:
                spans.append((start, second_end))
            elif start < index or "(" in text[tokens.ends[index - 1]:tokens.starts[index]] if index else False:
                spans.append((start, first_end))  # "down from 40%", "(from 8%)"
        elif key in ("was", "from") and index > 0 and "(" in text[tokens.ends[index - 1]:tokens.starts[index]]:
            end = _quantity_end(tokens, index + 1)
            if end is not None:
                spans.append((index, end))
        elif numeric(key) is not None and index + 1 < len(keys):
            end = _quantity_end(tokens, index)
            if end is None or end >= len(keys) or tokens.sentence[end] != sentence:
                continue
            between = text[tokens.ends[end - 1]:tokens.starts[end]]
            if "->" in between or "\u2192" in between or "=>" in between:
                second = _quantity_end(tokens, end)
                if second is not None:
                    spans.append((index, second))
            elif keys[end] == "to" and end > index + 1 and keys[end - 1] in _TIME_UNITS:
                second = _quantity_end(tokens, end + 1)
                if second is not None and second > end + 2 and keys[second - 1] in _TIME_UNITS:
                    spans.append((index, second))
    return spans


def window(tokens: Tokens) -> list[Span]:
    """in the 90 days after; over the first 30 days; for six months; the first month; in Q3; this year."""
    keys = tokens.keys
    spans = []
    n = len(keys)
    for index, key in enumerate(keys):
        if key in ("this", "last", "past") and index + 1 < n and keys[index + 1] in _WINDOW_PERIODS:
            spans.append((index, index + 2))
            continue
        if key not in _WINDOW_PREPOSITIONS:
            continue
        at = index + 1
        if at < n and keys[at] == "the":
            at += 1
        ordinal = at < n and keys[at] in _WINDOW_ORDINALS
        if ordinal:
            at += 1
        if at < n and _HALVES_AND_QUARTERS.fullmatch(keys[at]):
            end = at + 1
            if end < n and _HALVES_AND_QUARTERS.fullmatch(keys[end]):
                end += 1
            spans.append((index, end))
            continue
        if at < n and (_is_number(keys[at]) or keys[at] in ("a", "an")):
            unit = _scale_end(tokens, at)
            if unit < n and keys[unit] in _TIME_UNITS:
                spans.append((index, unit + 1))
                continue
            parsed = numeric(keys[at])
            if parsed is not None and parsed[1] in _UNIT_SUFFIXES:
                spans.append((index, at + 1))
                continue
        if ordinal and at < n and keys[at] in _TIME_UNITS:
            spans.append((index, at + 1))
    return spans


def value(key: str) -> float | None:
    """The figure of a numeric token ("1,200" -> 1200.0, "3.5x" -> 3.5); None for a word."""
    parsed = numeric(key)
    if parsed is None:
        return {"zero": 0.0, "one": 1.0, "single": 1.0}.get(key)
    digits = parsed[0].replace(",", "")
    try:
        return float(digits)
    except ValueError:
        return None


def valued(recognizer: Callable[[Tokens], list[Span]], wanted: float) -> Callable[[Tokens], list[Span]]:
    """`{percent=100}`: the recognizer's spans whose first figure is `wanted`."""
    def recognize(tokens: Tokens) -> list[Span]:
        out = []
        for start, end in recognizer(tokens):
            figures = [value(tokens.keys[i]) for i in range(start, end)]
            if next((f for f in figures if f is not None), None) == wanted:
                out.append((start, end))
        return out

    recognize.__name__ = f"{recognizer.__name__}={wanted:g}"
    return recognize


def may_recognize(name: str, keys: set[str], has_figures: bool) -> bool:
    """Whether recognizer `name` (or a valued one, "percent=100") can find anything among these token keys: a
    cheap test that lets the matcher skip recognizers, and everything built on them, in texts without figures."""
    base = name.split("=", 1)[0]
    if base not in RECOGNIZERS:
        return True  # a recognizer supplied by a tool: always run
    if has_figures:
        return True
    if base == "window":
        return bool(keys & _WINDOW_TRIGGERS)
    if base in ("duration", "change", "multiplier"):
        return bool(keys & NUMBER_WORDS) or base == "multiplier" and any(key.endswith("fold") for key in keys)
    return False


RECOGNIZERS: dict[str, Callable[[Tokens], list[Span]]] = {
    "money": money, "percent": percent, "multiplier": multiplier, "number": number, "count": count,
    "duration": duration, "year": year, "change": change, "window": window,
}
