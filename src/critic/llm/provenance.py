"""Number provenance: every figure and absolute in a rewrite must come from the original bullet.

A claim is a money amount, a percentage (or percentage points, basis points), a multiplier ("3x", "doubled",
"twice"), an identifier with digits ("Q3", "p95", "v2"), any other number with the words after it (a count or a
duration: "12 engineers", "3 weeks", "800ms"), or an absolute ("zero", "all", "every", "never", "100%"...).
A claim in the rewrite is supported when the original has the same kind and value (money in the same currency;
a count or duration whose following words share a word with the original's, or where either side has none),
or when it sits inside an explicit placeholder (square brackets with no digit: [$X], [N%], [N customers]).

Both texts are first folded the same way: Unicode digits to ASCII, curly quotes and dashes to ASCII, Markdown
emphasis removed, thousands separators dropped, number words to digits ("twelve" -> 12, "a dozen" -> 12,
"twenty-five" -> 25; "one" is left alone, it is mostly a pronoun), "twice"/"doubled" -> 2x, "halved" -> 50%.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..text import normalize

PLACEHOLDER = re.compile(r"\[[^\[\]\d]*\]")

_UNITS = {"zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SMALL = {**_UNITS, "one": 1}
_NUMBER_WORDS = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[\s-](?P<unit>" + "|".join(k for k in _SMALL if k != "zero")
    + r"))?|(?P<small>" + "|".join(k for k in _UNITS if k != "zero") + r")|(?:a\s+)?(?P<dozen>dozens?))"
    r"(?:[\s-]hundred(?:\s+and)?(?:[\s-](?P<rest>\d+))?)?\b")
_MULTIPLIER_WORDS = [
    (re.compile(r"\b(?:twice|doubled|doubling|doubles)\b"), " 2x "),
    (re.compile(r"\b(?:tripled|tripling|triples)\b"), " 3x "),
    (re.compile(r"\b(?:quadrupled|quadrupling|quadruples)\b"), " 4x "),
    (re.compile(r"\b(?:halved|halving|halves|halve|(?:cut|reduced|dropped|fell)\s+(?:by\s+|in\s+)half)\b"),
     " 50% "),
]
_A_SCALE = re.compile(r"\b(?:a|one)\s+(hundred|thousand|million|billion)\b|\b(hundreds|thousands|millions|billions)"
                      r"\s+of\b")
_SCALES = {"k": 1e3, "thousand": 1e3, "hundred": 1e2, "m": 1e6, "mm": 1e6, "mn": 1e6, "million": 1e6,
           "b": 1e9, "bn": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}
_CURRENCIES = {"$": "usd", "usd": "usd", "dollar": "usd", "dollars": "usd", "€": "eur", "eur": "eur",
               "euro": "eur", "euros": "eur", "£": "gbp", "gbp": "gbp", "pound": "gbp", "pounds": "gbp",
               "¥": "jpy", "jpy": "jpy"}
NUM = r"\d+(?:\.\d+)?"
SCALE = r"(?:k|thousand|mm|mn|m|million|bn|b|billion|t|trillion)"
_MONEY = [
    re.compile(rf"(?P<cur>usd|eur|gbp|jpy|[$€£¥])\s?(?P<num>{NUM})(?:\s?(?P<scale>{SCALE})\b)?"),
    re.compile(rf"(?<![\w.])(?P<num>{NUM})(?:\s?(?P<scale>{SCALE}))?\s?(?P<cur>usd|eur|gbp|jpy|dollars?|euros?|"
               rf"pounds)\b"),
]
_PERCENT = re.compile(rf"(?<![\w.])(?P<num>{NUM})\s?(?P<unit>%|percentage\s+points?|percent|per\s?cent|pct\b|"
                      rf"pp\b|points?\b|pts?\b|bps\b|basis\s+points?)")
_MULTIPLIER = re.compile(rf"(?<![\w.])(?P<num>{NUM})\s?(?:x\b|times\b|-?fold\b)")
_IDENTIFIER = re.compile(r"\b[a-z][a-z_]*-?\d[\w.]*\b|(?<![\w.])\d+(?:st|nd|rd|th)\b")
_PLAIN = re.compile(rf"(?<![\w.])(?P<num>{NUM})(?P<suffix>[a-z]+)?\b(?:\s?(?P<scale>thousand|million|billion|"
                    rf"hundred)\b)?")
_ABSOLUTES = {
    "zero": "zero", "all": "all", "every": "every", "everyone": "every", "everything": "every",
    "everybody": "every", "everywhere": "every", "never": "never", "none": "none", "always": "always",
    "nobody": "nobody", "nothing": "nothing", "entirely": "entire", "entire": "entire", "completely": "complete",
    "complete": "complete", "fully": "full", "totally": "total", "perfect": "perfect", "perfectly": "perfect",
    "guarantee": "guarantee", "guaranteed": "guarantee", "guarantees": "guarantee", "eliminated": "eliminate",
    "eliminate": "eliminate", "eliminates": "eliminate", "eliminating": "eliminate",
}
_ABSOLUTE_WORDS = re.compile(r"\bno\s+one\b|\b(?:" + "|".join(sorted(_ABSOLUTES, key=len, reverse=True)) + r")\b")
_STOP = {"of", "to", "and", "or", "in", "on", "at", "by", "for", "from", "with", "the", "a", "an", "than", "more",
         "less", "fewer", "per", "across", "over", "under", "into", "our", "my", "their", "its", "new", "about",
         "around", "nearly", "almost", "roughly", "some", "that", "which", "who", "were", "was", "are", "is"}
_UNIT_ALIASES = {"h": "hour", "hr": "hour", "hrs": "hour", "min": "minute", "mins": "minute", "ms": "millisecond",
                 "msec": "millisecond", "s": "second", "sec": "second", "secs": "second", "wk": "week",
                 "wks": "week", "mo": "month", "mos": "month", "yr": "year", "yrs": "year", "y": "year",
                 "d": "day", "people": "person", "persons": "person"}


@dataclass(frozen=True)
class Claim:
    kind: str                      # money, percent, points, bps, multiplier, identifier, number, absolute
    value: float | str
    text: str                      # as found (folded), for messages
    context: frozenset[str] = frozenset()  # currency for money; following words for numbers

    def describe(self) -> str:
        return self.text.strip()


def fold(text: str) -> str:
    """Digits, punctuation, emphasis, separators and number words folded to one comparable form."""
    text = "".join(str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None
                   else ch for ch in text)
    text = normalize(unicodedata.normalize("NFKC", text))
    text = re.sub(r"[*`]+|(?<!\w)_+|_+(?!\w)", "", text).lower()
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    text = _A_SCALE.sub(lambda m: f"1 {m.group(1) or m.group(2)[:-1]}", text)
    text = _NUMBER_WORDS.sub(_number_word_value, text)
    for pattern, replacement in _MULTIPLIER_WORDS:
        text = pattern.sub(replacement, text)
    return text


def _number_word_value(match: re.Match) -> str:
    if match.group("tens"):
        value = _TENS[match.group("tens")] + (_SMALL[match.group("unit")] if match.group("unit") else 0)
    elif match.group("small"):
        value = _UNITS[match.group("small")]
    else:
        value = 12
    if "hundred" in match.group(0):
        value *= 100
        if match.group("rest"):
            value += int(match.group("rest"))
    return str(value)


def _value(num: str, scale: str | None) -> float:
    return round(float(num) * _SCALES.get((scale or "").strip(), 1.0), 6)


def _unit(word: str) -> str:
    word = _UNIT_ALIASES.get(word, word)
    if len(word) > 3 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return _UNIT_ALIASES.get(word, word)


def _following_words(text: str, end: int, suffix: str | None) -> frozenset[str]:
    words = [suffix] if suffix else []
    rest = re.match(r"[^\d,;:.()!?\[\]]*", text[end:]).group(0)
    for word in re.findall(r"[a-z][a-z']*", rest)[:4]:
        if word in _STOP:
            continue
        words.append(word)
        if len(words) >= 2:
            break
    return frozenset(_unit(w) for w in words)


def claims(text: str) -> list[Claim]:
    """Every claim in the text, placeholders excluded."""
    folded = PLACEHOLDER.sub(" ", fold(text))
    found: list[Claim] = []
    taken = [False] * len(folded)

    def free(m: re.Match) -> bool:
        return not any(taken[m.start():m.end()])

    def take(m: re.Match) -> None:
        for i in range(m.start(), m.end()):
            taken[i] = True

    for pattern in _MONEY:
        for m in pattern.finditer(folded):
            if free(m):
                take(m)
                found.append(Claim("money", _value(m.group("num"), m.group("scale")), m.group(0),
                                   frozenset({_CURRENCIES.get(m.group("cur"), m.group("cur"))})))
    for m in _PERCENT.finditer(folded):
        if free(m):
            take(m)
            unit = m.group("unit").replace(" ", "")
            kind = ("bps" if unit.startswith(("bps", "basis")) else
                    "points" if unit.startswith(("pp", "point", "pt", "percentagepoint")) else "percent")
            found.append(Claim(kind, _value(m.group("num"), None), m.group(0)))
    for m in _MULTIPLIER.finditer(folded):
        if free(m):
            take(m)
            found.append(Claim("multiplier", _value(m.group("num"), None), m.group(0)))
    for m in _IDENTIFIER.finditer(folded):
        if free(m):
            take(m)
            found.append(Claim("identifier", m.group(0).strip(".").replace("-", ""), m.group(0)))
    for m in _PLAIN.finditer(folded):
        if not free(m):
            continue
        take(m)
        suffix = m.group("suffix")
        scale = m.group("scale")
        if suffix in _SCALES:
            scale, suffix = suffix, None
        value = _value(m.group("num"), scale)
        if value == 0:
            found.append(Claim("absolute", "zero", m.group(0)))
            continue
        found.append(Claim("number", value, m.group(0) + _describe_context(folded, m.end()),
                           _following_words(folded, m.end(), suffix)))
    for m in _ABSOLUTE_WORDS.finditer(folded):
        word = re.sub(r"\s+", " ", m.group(0))
        found.append(Claim("absolute", "nobody" if word == "no one" else _ABSOLUTES[word], m.group(0)))
    return found


def _describe_context(text: str, end: int) -> str:
    rest = re.match(r"[^\d,;:.()!?\[\]]*", text[end:]).group(0)
    words = [w for w in re.findall(r"[a-z][a-z']*", rest) if w not in _STOP][:1]
    return (" " + words[0]) if words else ""


def _supports(original: Claim, claim: Claim) -> bool:
    if original.kind != claim.kind or original.value != claim.value:
        return False
    if claim.kind == "money":
        return not (original.context and claim.context) or bool(original.context & claim.context)
    if claim.kind == "number":
        return not original.context or not claim.context or bool(original.context & claim.context)
    return True


def unsupported(original: str, rewrite: str) -> list[Claim]:
    """Claims of the rewrite that the original bullet does not back (in order, without repeats)."""
    source = claims(original)
    missing: list[Claim] = []
    seen = set()
    for claim in claims(rewrite):
        if any(_supports(o, claim) for o in source):
            continue
        key = (claim.kind, claim.value, claim.text)
        if key not in seen:
            seen.add(key)
            missing.append(claim)
    return missing
