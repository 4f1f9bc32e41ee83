"""Verification: the gate every model answer passes before anyone sees it.

A candidate is accepted only if all of these hold, checked cheapest first: an answer that is too long is
rejected before anything else looks at it, and the rubric re-scores only a candidate that passed every other
check (re-scoring is the one costly step, and its cost grows with the text).
- it has at most prompts.max_words(original) words (the larger of 1.5x the original's and the original plus 20,
  never more than 60; a [placeholder] counts as one word) and at most 3x its characters plus 100 (so one endless
  "word" such as "1,1,1,..." cannot pass as short);
- it is one line of plain text (no Markdown block, HTML, comment or link: nothing that could change how the
  document is read, such as a `critic-disable` comment);
- every figure and absolute in it comes from the original bullet or is a [placeholder] (provenance.py);
- it keeps the substance: at least half the original's words and a third of its content words (so "APPROVED"
  cannot replace a bullet);
- it uses no AI-tell word from prompts/ai-tell-words.txt that the original does not already use;
- re-scored by the deterministic rubric as plain text, it raises no error-level finding and scores higher than
  the original bullet re-scored the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import BulletResult, Severity
from . import provenance
from .prompts import ai_tell_words, max_words, max_words_rule

_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|>|```|~~~|\||={3,}|-{3,}|<)")
_MARKUP = re.compile(r"<!--|-->|</?[A-Za-z][^<>]*>|\]\(|!\[|`|critic-(?:disable|enable)", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
MIN_WORDS_RATIO = 0.5
MAX_CHARS_RATIO = 3
MAX_CHARS_SLACK = 100
MIN_CONTENT_KEPT = 1 / 3
_FUNCTION_WORDS = {"with", "from", "that", "this", "into", "over", "their", "which", "while", "were", "have", "also",
                   "than", "then", "when", "where", "about", "after", "before", "across", "through", "they", "them"}


@dataclass(frozen=True)
class Verdict:
    text: str
    accepted: bool
    reasons: tuple[str, ...]
    score: int | None = None
    result: BulletResult | None = field(default=None, compare=False)


def clean(text: str) -> str:
    """The candidate as it would be written: whitespace collapsed, a leading list marker and quotes removed."""
    text = " ".join(text.split())
    text = _LIST_MARKER.sub("", text, count=1)
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def word_count(text: str) -> int:
    """Words, with each [placeholder] counted as one word."""
    return len(PLACEHOLDER.sub(" PLACEHOLDER ", text).split())


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", PLACEHOLDER.sub(" ", text.lower()))
    return {w[:5] for w in words if len(w) >= 4 and w not in _FUNCTION_WORDS}


def content_kept(original: str, candidate: str) -> float:
    """Share of the original's content words (crudely stemmed) that the candidate keeps."""
    source = _stems(original)
    return len(source & _stems(candidate)) / len(source) if source else 1.0


def _tell_pattern(entry: str) -> re.Pattern:
    words = [re.escape(w) for w in re.split(r"[\s-]+", entry.rstrip("*"))]
    body = r"[\s-]+".join(words)
    tail = r"\w*" if entry.endswith("*") else r"(?:s|es|d|ed)?"
    return re.compile(rf"\b{body}{tail}\b", re.IGNORECASE)


def tell_words_in(text: str, entries: tuple[str, ...] | None = None) -> list[str]:
    found = []
    for entry in entries if entries is not None else ai_tell_words():
        match = _tell_pattern(entry).search(text)
        if match:
            found.append(match.group(0))
    return found


def rescore(text: str, rubric, options=None) -> BulletResult | None:
    from ..api import review_text

    result = review_text(text, kind="plain", rubric=rubric, options=options)
    return result.bullets[0] if len(result.bullets) == 1 else None


def max_chars(original: str) -> int:
    return MAX_CHARS_RATIO * len(" ".join(original.split())) + MAX_CHARS_SLACK


def too_long(original: str, text: str) -> str | None:
    """Why the (cleaned) candidate is too long, or None. Linear in the candidate, so it runs first."""
    limit = max_chars(original)
    if len(text) > limit:
        return f"too long: {len(text)} characters, the limit is {limit}; write one sentence"
    limit, words = max_words(original), word_count(text)
    if words > limit:
        return (f"too long: {words} words, the limit is {limit} ({max_words_rule()}; the original has "
                f"{len(original.split())}; a [placeholder] counts as one word)")
    return None


def verify(original: str, candidate: str, *, rubric, options=None, original_score: int | None = None,
           tell_words: tuple[str, ...] | None = None) -> Verdict:
    text = clean(candidate)
    reasons: list[str] = []
    if not text:
        return Verdict(text, False, ("the rewrite is empty",))
    length = too_long(original, text)
    if length:  # before anything else: every later check costs time in proportion to the text
        return Verdict(text, False, (length,))
    if text.strip().lower() == " ".join(original.split()).lower():
        return Verdict(text, False, ("the rewrite is the original bullet unchanged",))
    if _BLOCK_START.match(text) or _MARKUP.search(text):
        reasons.append("the rewrite contains Markdown or HTML markup; write one plain sentence")

    for claim in provenance.unsupported(original, text):
        if claim.kind == "absolute":
            reasons.append(f"adds the absolute {claim.describe()!r}, which the original does not claim")
        else:
            reasons.append(f"invented figure {claim.describe()!r}: it is not in the original bullet; use a "
                           f"placeholder such as [N%], [$X] or [N customers]")

    words = word_count(text)
    if words < max(1, MIN_WORDS_RATIO * len(original.split())):
        reasons.append(f"too short: {words} words for an original of {len(original.split())}; keep what the "
                       f"bullet says")
    elif content_kept(original, text) < MIN_CONTENT_KEPT:
        reasons.append("drops what the bullet is about: keep the original's subject and facts")

    original_tells = {w.lower() for w in tell_words_in(original, tell_words)}
    tells = [w for w in tell_words_in(PLACEHOLDER.sub(" ", text), tell_words) if w.lower() not in original_tells]
    if tells:
        reasons.append(f"uses AI-tell word(s) {', '.join(repr(t) for t in tells)}; use plain, specific verbs")
    if reasons:  # already rejected: the rubric is not asked
        return Verdict(text, False, tuple(reasons))

    result = rescore(text, rubric, options)
    if result is None:
        reasons.append("the rubric does not read the rewrite as one bullet")
        return Verdict(text, False, tuple(reasons))
    if original_score is None:
        base = rescore(original, rubric, options)
        original_score = base.score if base else 0
    errors = [f for f in result.active_findings if f.severity == Severity.ERROR]
    for f in errors:
        reasons.append(f"the rubric finds an error in the rewrite: {f.failure_mode}: {f.message}")
    if result.score <= original_score:
        reasons.append(f"does not score higher than the original ({result.score} vs {original_score}); address "
                       f"the findings")
    return Verdict(text, not reasons, tuple(reasons), result.score, result)
