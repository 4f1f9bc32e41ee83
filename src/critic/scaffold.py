"""The deterministic rewrite scaffold: the bullet restructured into business-impact form, with explicit
placeholders such as `[$X]` and `[what you traded off]` wherever a fact is needed that only the author has.

It never invents a figure: every number in the scaffold comes from the original bullet (a test checks this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import BulletResult

PLACEHOLDER = re.compile(r"\[[^\]]+\]")

_WEAK_OPENER = re.compile(
    r"^\s*(?:i\s+|we\s+)?(?:helped(?:\s+(?:with|to))?|assisted(?:\s+with)?|supported|participated\s+in|contributed\s+to|"
    r"aided|tried\s+to|attempted\s+to|was\s+involved\s+in|were\s+involved\s+in|was\s+part\s+of|worked\s+on|"
    r"was\s+responsible\s+for|responsible\s+for|tasked\s+with|took\s+part\s+in|involved\s+in|collaborated\s+on|"
    r"was\s+asked\s+to|got\s+to)\s+",
    re.IGNORECASE,
)
_GATE_OPENER = re.compile(
    r"^\s*(?:i\s+|we\s+)?(?:ensured|made\s+sure|verified|confirmed|guaranteed)\s+(?:that\s+)?", re.IGNORECASE)

# absolute wording -> measured wording; the figure is left for the author
_ABSOLUTES = [
    (re.compile(r"\b(?:eliminated|eradicated|removed|wiped\s+out|stopped|prevented|blocked|fixed|resolved)\s+"
                r"(?:all|every|each|any)\s+", re.I), "cut [N%] of "),
    (re.compile(r"\b(?:eliminated|eradicated)\s+", re.I), "cut [N%] of "),
    (re.compile(r"\b(?:zero|no|nil)\s+(?=\w)", re.I), "[N%] fewer "),
    (re.compile(r"\b100\s?%\s+(?=safe|secure|harmless|accurate|reliable)", re.I), "[N%] more "),
    (re.compile(r"\b(?:fully|completely|totally|perfectly|entirely|absolutely)\s+", re.I), "measurably "),
    (re.compile(r"\bguarantee[sd]?\s+", re.I), "reduced the risk that "),
    (re.compile(r"\b(?:can|will|could)\s+(?:no\s+longer|never)\s+", re.I), "[N%] less often will "),
    (re.compile(r"\bnever\s+", re.I), "[N%] less often "),
]


@dataclass(frozen=True)
class Scaffold:
    text: str
    placeholders: tuple[str, ...]
    steps: tuple[str, ...]  # what changed and why, one line per failure addressed

    def to_dict(self) -> dict:
        return {"text": self.text, "placeholders": list(self.placeholders), "steps": list(self.steps)}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[:2].isupper() else text


def build_scaffold(result: BulletResult) -> Scaffold:
    modes = result.failure_modes
    rules = {f.rule for f in result.active_findings}
    signal_rules = {s.rule for s in result.signals}
    body = result.bullet.text.strip().rstrip(".;")
    steps: list[str] = []

    if "weak-ownership" in modes:
        body = "[Decided / Led / Negotiated] " + _WEAK_OPENER.sub("", body, count=1)
        steps.append("Opened with the decision you drove instead of a supporting verb.")
    if "compliance-checklist" in modes:
        stripped = _GATE_OPENER.sub("", body, count=1)
        body = f"[The call you made: chose / adapted / negotiated what] so that {_lower_first(stripped)}"
        steps.append("Reframed the passed gate as the decision you made inside it.")
    if "perfect-safety-claim" in modes:
        for pattern, replacement in _ABSOLUTES:
            new_body = pattern.sub(replacement, body, count=1)
            if new_body != body:
                body = new_body
                break
        body += ", with [the residual risk you accepted] tracked through [how you monitor and respond]"
        steps.append("Replaced the absolute claim with a measured reduction and the residual risk you manage.")
    if "missing-tradeoff" in modes or ("explicit-tradeoff" not in signal_rules and "compliance-checklist" in modes):
        body += ", accepting [what you traded off] to protect [what mattered more]"
        steps.append("Stated the trade-off: what you gave up or accepted, and for what.")
    needs_impact = bool(modes & {"tech-only-metric", "ethics-abstraction", "unquantified-impact"}) or not (
        signal_rules & {"money-figure", "business-metric"})
    if needs_impact:
        body += ", which [protected / grew] [$X] in [ARR / renewals / avoided liability] ([N%] change in [business metric])"
        steps.append("Added the business consequence with a figure the CFO would recognise.")
    if "personal-heroics" in modes:
        body += "; [the process or automation that now does this] saves [N hours] a [week]"
        steps.append("Turned personal effort into the system that scales it.")
    if not steps:
        steps.append("No failure found; the bullet already reads as business impact.")
    text = body[:1].upper() + body[1:] + "."
    placeholders = tuple(dict.fromkeys(PLACEHOLDER.findall(text)))
    return Scaffold(text=text, placeholders=placeholders, steps=tuple(steps))
