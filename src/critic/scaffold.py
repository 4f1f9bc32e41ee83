"""The deterministic rewrite scaffold: the bullet restructured into business-impact form, with explicit
placeholders such as `[$X]` and `[what you traded off]` wherever a fact is needed that only the author has.

The scaffold is one sentence: an opening (the decision you drove), the bullet's own words, then one clause per
missing element, each a phrase that attaches to any main clause (", accepting ...", ", protecting ..."), never a
"so that" or "which" that needs a particular grammar before it. tests/test_scaffold.py checks the shapes on every
corpus bullet.

It never invents a figure: every number in the scaffold comes from the original bullet (a test checks this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import BulletResult

PLACEHOLDER = re.compile(r"\[[^\]]+\]")

# --- the opening: the decision you drove --------------------------------------------------------------------------

_WEAK_OPENER = re.compile(
    r"^\s*(?:i\s+|we\s+)?(?P<opener>(?:helped|assisted|supported|participated|contributed|aided|tried|attempted|"
    r"(?:was|were)\s+(?:involved|part|responsible|asked)|responsible|worked|tasked|took\s+part|involved|"
    r"collaborated|got)(?:\s+(?:with|in|on|to|for|of))?)\s+",
    re.IGNORECASE,
)
# after a bare "helped", a word that starts a noun phrase ("helped the team"); anything else is taken for a verb
# ("helped build the harness")
_NOUN_START = re.compile(r"^(?:the|a|an|our|my|their|his|her|its|this|that|these|those|every|each|all|some|"
                         r"several|many|two|three|four|five|\w+ing\b|(?-i:[A-Z0-9$~]))", re.IGNORECASE)
DECIDE_TO = "[Decided / Chose] to"
LED = "[Led / Owned / Negotiated]"
GATE_DECISION = "[Decided / adapted / negotiated what]"

# a gate-framed opening ("Ensured every release passed ...") becomes its infinitive after the decision:
# "[Decided / adapted / negotiated what] to ensure every release passed ..."
_GATE_VERBS = {
    "ensured": "ensure", "ensure": "ensure", "made sure": "make sure", "make sure": "make sure",
    "verified": "verify", "verify": "verify", "confirmed": "confirm", "confirm": "confirm",
    "guaranteed": "guarantee", "guarantee": "guarantee", "passed": "pass", "cleared": "clear",
    "completed": "complete", "achieved": "achieve", "maintained": "maintain", "followed": "follow",
    "obtained": "obtain", "secured": "secure", "met": "meet", "ticked": "tick", "kept": "keep",
    "signed off": "sign off", "adhered": "adhere", "complied": "comply", "enforced": "enforce",
}
_GATE_OPENER = re.compile(r"^\s*(?:i\s+|we\s+)?(?P<verb>" + "|".join(
    sorted((v.replace(" ", r"\s+") for v in _GATE_VERBS), key=len, reverse=True)) + r")\b\s*", re.IGNORECASE)

# --- absolute claims -> measured wording (applied inside the words a perfect-safety finding matched) ---------------

_RARELY = "rarely ([N%] of cases)"
_SAFE_WORDS = r"(?:safe|secure|accurate|reliable|fair|protected|resistant|harmless|robust|private|correct)"
_ABSOLUTES = [
    (r"\b(?:eliminated|eradicated|wiped\s+out)\s+(?:all|every|each|any)\s+(?:(?:single|last|possible)\s+)?"
     r"(?:(?:piece|bit|one|instance|trace|case)s?\s+of\s+)?", "cut [N%] of "),
    (r"\b(?P<verb>removed|stopped|prevented|blocked|fixed|resolved|closed|caught|catches|stops|blocks|flags|"
     r"refuses|detects|detected)\s+(?:all|every|each|any)\s+(?:(?:single|last|possible)\s+)?"
     r"(?:(?:piece|bit|one|instance|trace|case)s?\s+of\s+)?", r"\g<verb> [N%] of "),
    (r"\b(?:eliminated|eradicated)\b", "cut [N%] of"),
    (r"\b100\s?%\s+of\b", "[N%] of"),
    (rf"\b100\s?%\s+(?={_SAFE_WORDS}\b)", "[N%] more "),
    (r"\b100\s?%(?=\s+\w)", "[N%]"),
    (r",?\s*\bguaranteed\b(?=\s*(?:[,.;:!?]|$))", ""),
    (r"\bguarantee[sd]?\s+that\b", "made it [N%] more likely that"),
    (r"\bguaranteed\b", "targeted"),
    (r"\bguarantees?\b", "targets"),
    (r"\b(?:went|dropped|fell|is\s+now|are\s+now|down)\s+to\s+(?:zero|0)\b|\bis\s+now\s+(?:zero|0)\b",
     "fell to [N]"),
    (r"\b(?:zero|no)-(?=\w)", "[N%] lower-"),
    (r"\b(?:zero|nil)\b|\bno\b(?!\s+(?:longer|one|way|matter)\b)", "[N]"),
    (r"\bnot\s+(?:a\s+single|once|one)\b", "[only N]"),
    (r"\b(?:impossible|not\s+possible)(?=\s+to\b)", "[N%] harder"),
    (r"\b(?:impossible|not\s+possible)\b", "[N%] less likely"),
    (r"\b(?:can(?:not|'t|\u2019t|\s+not)|could(?:n't|n\u2019t|\s+not))(?:\s+ever)?\b", "can " + _RARELY),
    (r"\b(?P<modal>can|will|could|would)\s+(?:no\s+longer|never(?:\s+again)?)\b", r"\g<modal> " + _RARELY),
    (r"\b(?:never(?:\s+again)?|no\s+longer)\b", _RARELY),
    (r"\bimmune\b", "[N%] more resistant"),
    (r"\b(?:unhackable|unbreakable|bullet-?proof|airtight)\b", "[N%] harder to break"),
    (r"\brisk-free\b", "[N%] less risky"),
    (r"\b(?P<what>[\w-]+)-(?:free|proof)\b", r"[N%] less \g<what>-prone"),
    (r"\b(?:a\s+thing\s+of\s+the\s+past|history|gone|a\s+solved\s+problem|a\s+closed\s+chapter|off\s+the\s+table|"
     r"stamped\s+out(?:\s+for\s+good)?)\b", "[down N%]"),
    (r"\b(?:fully|completely|totally|perfectly|entirely|absolutely|100\s?%)\s+(?=\w)", "measurably "),
]
_ABSOLUTES = [(re.compile(pattern, re.IGNORECASE), replacement) for pattern, replacement in _ABSOLUTES]
# emphasis that only repeats the absolute ("eliminated fraud entirely"), dropped at the end of a clause
_EMPHASIS = re.compile(r",?\s+(?:entirely|altogether|for\s+good|full\s+stop|period|ever|any\s?more)"
                       r"(?=\s*(?:[,.;:!?]|$))|\s+entirely\b|\b(?:fully|completely|totally|perfectly|absolutely)\s+"
                       r"(?=\[)", re.IGNORECASE)
# what a replacement can leave behind: "uptime, , in every region"
_LEFTOVER_COMMA = re.compile(r"\s*,(?:\s*,)+|\s+,")

# --- the clauses added for what is missing (participles and "with" phrases attach to any main clause) -------------

RESIDUAL_RISK = ", with [the residual risk you accepted] tracked through [how you monitor and respond]"
TRADE_OFF = ", accepting [what you traded off] to keep [what mattered more]"
IMPACT = ", [protecting / growing] [$X] in [ARR / renewals / avoided liability] ([N%] change in [business metric])"
SYSTEM = "; [the process or automation that now does this] saves [N hours] a [week]"
GATE_CALL = ", thanks to [the call you made: what you chose, adapted or negotiated]"

_ABBREVIATION = re.compile(r"(?:\b(?:St|Dr|Mr|Mrs|Ms|Jr|Sr|vs|etc|approx|Inc|Ltd|Co|No|e\.g|i\.e)|\b[A-Z])$")
_SENTENCE_BREAK = re.compile(r"(?<=\S)([.!?]+)\s+(?=\S)")
_TRAILING = re.compile(r"[\s.;:,!?\u2026\-\u2013\u2014]+$")
_LOWER_AFTER_BREAK = re.compile(r"^(?:The|This|That|These|Those|It|Its|We|Our|They|Their|Each|Every|All|A|An|"
                                r"[A-Z][a-z]+ed)\b")


@dataclass(frozen=True)
class Scaffold:
    text: str
    placeholders: tuple[str, ...]
    steps: tuple[str, ...]  # what changed and why, one line per failure addressed

    def to_dict(self) -> dict:
        return {"text": self.text, "placeholders": list(self.placeholders), "steps": list(self.steps)}


def _measured(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace the absolute wording inside each span (the words a perfect-safety finding matched); without a usable
    span, anywhere in the text."""
    def rewrite(part: str) -> str:
        for pattern, replacement in _ABSOLUTES:
            part = pattern.sub(replacement, part)
        return part

    spans = sorted((s, e) for s, e in spans if 0 <= s < e <= len(text))
    if not spans:
        return rewrite(text)
    merged: list[list[int]] = []
    for start, end in spans:  # overlapping findings: one span
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], rewrite(text[start:end])]
        last = end
    out.append(text[last:])
    changed = "".join(out)
    return changed if changed != text else rewrite(text)


def _own_brackets(text: str) -> str:
    """The bullet's own [brackets] as (parentheses), so every [bracket] in the scaffold is a placeholder. Same
    length, so finding spans still point at the same words."""
    return text.replace("[", "(").replace("]", ")")


def _one_sentence(text: str) -> str:
    """The bullet's words as one clause: whitespace collapsed, inner sentence breaks made semicolons, end
    punctuation dropped."""
    text = " ".join(text.split())

    parts = _SENTENCE_BREAK.split(text)
    # split() with one group returns text, punctuation, text, ...; rebuild, joining sentences with "; "
    out = parts[0]
    for punctuation, following in zip(parts[1::2], parts[2::2]):
        if punctuation == "." and _ABBREVIATION.search(out):
            out += ". " + following
        else:
            out = _TRAILING.sub("", out) + "; " + (following[:1].lower() + following[1:]
                                                   if _LOWER_AFTER_BREAK.match(following) else following)
    return _TRAILING.sub("", out)


def _capitalised(text: str) -> str:
    first = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first[1:]):  # a brand such as iOS or eBay keeps its case
        return text
    return text[:1].upper() + text[1:]


def build_scaffold(result: BulletResult) -> Scaffold:
    modes = result.failure_modes
    signal_rules = {s.rule for s in result.signals}
    steps: list[str] = []
    text = result.bullet.text

    if "perfect-safety-claim" in modes:
        spans = [(f.start, f.end) for f in result.active_findings if f.failure_mode == "perfect-safety-claim"]
        text = _LEFTOVER_COMMA.sub(",", _EMPHASIS.sub("", _measured(_own_brackets(text), spans)))
    else:
        text = _own_brackets(text)
    body = _one_sentence(text)
    opening = ""
    tail = ""

    if "weak-ownership" in modes:
        match = _WEAK_OPENER.match(body)
        if match:
            body = body[match.end():]
            opener = match.group("opener").lower()
            takes_verb = (opener.endswith(" to") and not opener.startswith("contributed")) or (
                opener == "helped" and not _NOUN_START.match(body))
            opening = DECIDE_TO if takes_verb else LED
            steps.append("Opened with the decision you drove instead of a supporting verb.")
        else:
            steps.append("Open with the decision you drove instead of a supporting verb.")
    if "compliance-checklist" in modes:
        match = _GATE_OPENER.match(body)
        if match:
            verb = _GATE_VERBS[" ".join(match.group("verb").lower().split())]
            body = f"{verb} {body[match.end():]}"
            opening = GATE_DECISION + " to"
        else:
            tail += GATE_CALL
        steps.append("Reframed the passed gate as the decision you made inside it.")
    if "perfect-safety-claim" in modes:
        tail += RESIDUAL_RISK
        steps.append("Replaced the absolute claim with a measured reduction and the residual risk you manage.")
    if "missing-tradeoff" in modes or ("explicit-tradeoff" not in signal_rules and "compliance-checklist" in modes):
        tail += TRADE_OFF
        steps.append("Stated the trade-off: what you gave up or accepted, and for what.")
    needs_impact = bool(modes & {"tech-only-metric", "ethics-abstraction", "unquantified-impact"}) or not (
        signal_rules & {"money-figure", "business-metric"})
    if needs_impact:
        tail += IMPACT
        steps.append("Added the business consequence with a figure the CFO would recognise.")
    if "personal-heroics" in modes:
        tail += SYSTEM
        steps.append("Turned personal effort into the system that scales it.")
    if not steps:
        steps.append("No failure found; the bullet already reads as business impact.")
    sentence = " ".join(part for part in (opening, body) if part) + tail
    text = _capitalised(sentence) + "."
    placeholders = tuple(dict.fromkeys(PLACEHOLDER.findall(text)))
    return Scaffold(text=text, placeholders=placeholders, steps=tuple(steps))
