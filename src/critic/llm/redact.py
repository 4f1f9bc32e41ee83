"""--redact: money figures, percentages and customer/company names become stable tokens (MONEY_1, PERCENT_1,
NAME_1) before anything is sent, and are restored in the answer. The model cannot invent figures it never saw,
and verification still runs on the restored text against the real bullet.

Names are the user's list (`redact_names` in [tool.critic.llm]) plus runs of two or more capitalised words that
do not start a sentence ("renewed the Acme Corp contract").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MONEY = re.compile(
    r"[$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|mm|bn?|million|billion|thousand)\b)?"
    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:k|m|mm|bn?|million|billion|thousand)?\s?(?:usd|eur|gbp|dollars|euros|pounds)\b"
    r"|\b(?:usd|eur|gbp)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|mm|bn?|million|billion)\b)?", re.IGNORECASE)
_PERCENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:%|percent\b|per\s?cent\b|pp\b|percentage\s+points?\b|bps\b|"
                      r"basis\s+points?\b)", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][\w&'.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'.-]*)+")
_TOKEN = re.compile(r"\b(MONEY|PERCENT|NAME)_(\d+)\b")


@dataclass(frozen=True)
class Redaction:
    text: str
    mapping: dict[str, str] = field(default_factory=dict)  # token -> original text

    def restore(self, text: str) -> str:
        if not self.mapping:
            return text
        return _TOKEN.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), text)

    @property
    def active(self) -> bool:
        return bool(self.mapping)


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in ".!?:;"


def _name_spans(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            spans.append((m.start(), m.end()))
    for m in _CAPITALISED.finditer(text):
        start, words = m.start(), m.group(0).split()
        if _sentence_start(text, start):
            first = re.match(r"\S+\s+", m.group(0))
            start += first.end()
            words = words[1:]
        end = m.end()
        while end > start and text[end - 1] in ".'-&":
            end -= 1
        if len(words) >= 2:
            spans.append((start, end))
    return spans


def redact(text: str, names: tuple[str, ...] = ()) -> Redaction:
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in (("MONEY", _MONEY), ("PERCENT", _PERCENT)):
        spans += [(m.start(), m.end(), kind) for m in pattern.finditer(text)]
    spans += [(s, e, "NAME") for s, e in _name_spans(text, names)]
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, kind))
    mapping: dict[str, str] = {}
    by_value: dict[tuple[str, str], str] = {}
    counters = {"MONEY": 0, "PERCENT": 0, "NAME": 0}
    out, last = [], 0
    for start, end, kind in chosen:
        value = text[start:end]
        key = (kind, value)
        token = by_value.get(key)
        if token is None:
            counters[kind] += 1
            token = f"{kind}_{counters[kind]}"
            by_value[key] = token
            mapping[token] = value
        out.append(text[last:start])
        out.append(token)
        last = end
    out.append(text[last:])
    return Redaction(text="".join(out), mapping=mapping)
