"""The phrase language of rubric vocabularies and rules, parsed into elements the matcher compiles.

A phrase is words separated by spaces (see docs/rubric-format.md):

    signed contract            two words in a row (any case, inflections, punctuation between them)
    automat*                   any word that starts with "automat"
    sign/win/close             any one of these words at this place
    red-team                   the same as "red team"; "redteam" matches too
    {money}                    a vocabulary or a recognizer at this place; `{percent=100}`: that figure only
    =us                        this exact word, without inflections
    passed ... audit           up to 3 words between (same sentence); `...6` allows up to 6
    ^ {tech_artifact}          only at the very start of the text ( `$` at the end: only at its end)
    re:<regex>                 the escape hatch: an RE2 regular expression over the text

Everything here is syntax; what a word matches (its forms) is decided in words.py and match.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tokens import word_keys

DEFAULT_GAP = 3
MAX_GAP = 30
MIN_PREFIX = 3
_REF = re.compile(r"\{([a-z][a-z0-9_]*)(?:=(\d+(?:\.\d+)?))?\}")
_GAP = re.compile(r"\.\.\.(\d*)")
_REGEX_LOOKING = re.compile(r"[\\()\[\]|?+^$]")
_NUMBER_PAIR = re.compile(r"\d+/\d+")


class PhraseError(ValueError):
    """A phrase that cannot be read; the loader adds the file, line and owner."""


@dataclass(frozen=True)
class Word:
    """One word to match: `key` exactly (with its inflections) or, when `prefix`, any word starting with it."""

    key: str
    prefix: bool = False
    exact: bool = False     # `=word`: this form only, no inflections


@dataclass(frozen=True)
class Slot:
    """One place in a phrase: any of these word sequences (a plain word is a sequence of one)."""

    choices: tuple[tuple[Word, ...], ...]


@dataclass(frozen=True)
class Ref:
    name: str
    value: float | None = None  # `{percent=100}`: only hits whose figure is this value

    @property
    def label(self) -> str:
        return self.name if self.value is None else f"{self.name}={self.value:g}"


@dataclass(frozen=True)
class Gap:
    most: int


@dataclass(frozen=True)
class Anchor:
    at_start: bool


@dataclass(frozen=True)
class Regex:
    source: str


Element = Slot | Ref | Gap | Anchor


def _word_choice(text: str) -> tuple[Word, ...]:
    exact = text.startswith("=")
    prefix = text.endswith("*")
    body = text[1 if exact else 0:-1 if prefix else None]
    if "*" in body or "=" in body or exact and prefix:
        raise PhraseError(f"`*` may only end a word and `=` only start one, not both: {text!r}")
    keys = word_keys(body)
    if not keys:
        raise PhraseError(f"{text!r} has no letters or digits to match")
    if exact:
        return tuple(Word(k, exact=True) for k in keys)
    if prefix:
        if len(keys[-1]) < MIN_PREFIX:
            raise PhraseError(f"`{text}` is too short a prefix: give at least {MIN_PREFIX} letters before `*`")
        return tuple(Word(k) for k in keys[:-1]) + (Word(keys[-1], prefix=True),)
    return tuple(Word(k) for k in keys)


def _slot(part: str) -> Slot:
    if _NUMBER_PAIR.fullmatch(part):  # "24/7" is a figure, not two choices
        return Slot(((tuple(Word(k) for k in word_keys(part))),))
    choices = part.split("/")
    if any(not choice for choice in choices):
        raise PhraseError(f"empty choice in {part!r}: write `a/b`, not `a//b` or `a/`")
    return Slot(tuple(_word_choice(choice) for choice in choices))


def parse(phrase: str) -> tuple[Element, ...] | Regex:
    """A phrase -> its elements; raises PhraseError with a message a rubric author can act on."""
    if not isinstance(phrase, str) or not phrase.strip():
        raise PhraseError("an empty phrase matches nothing")
    text = phrase.strip()
    if text.startswith("re:"):
        source = text[3:].strip()
        if not source:
            raise PhraseError("`re:` needs a regular expression after it")
        return Regex(source)
    elements: list[Element] = []
    parts = text.split()
    for position, part in enumerate(parts):
        gap = _GAP.fullmatch(part)
        ref = _REF.fullmatch(part)
        if gap:
            most = int(gap.group(1) or DEFAULT_GAP)
            if not 1 <= most <= MAX_GAP:
                raise PhraseError(f"a gap allows 1 to {MAX_GAP} words: {part!r}")
            if not elements or isinstance(elements[-1], Gap) or (
                    isinstance(elements[-1], Anchor) and not elements[-1].at_start):
                raise PhraseError(f"`{part}` must come between two words or vocabularies")
            elements.append(Gap(most))
        elif ref:
            elements.append(Ref(ref.group(1), float(ref.group(2)) if ref.group(2) else None))
        elif part in ("^", "$"):
            if part == "^" and position != 0 or part == "$" and position != len(parts) - 1:
                raise PhraseError(f"`{part}` may only {'start' if part == '^' else 'end'} a phrase")
            elements.append(Anchor(at_start=part == "^"))
        elif "{" in part or "}" in part:
            raise PhraseError(f"{part!r}: a vocabulary is written `{{name}}`, lower_snake_case, alone between spaces")
        elif _REGEX_LOOKING.search(part.rstrip("*")) and not _NUMBER_PAIR.fullmatch(part):
            raise PhraseError(f"{part!r} looks like a regular expression: write plain words (`a/b` for choices, "
                              "`...` for a gap, `*` for any ending) or start the term with `re:`")
        else:
            elements.append(_slot(part))
    if isinstance(elements[-1], Gap):
        raise PhraseError("a phrase cannot end with a gap")
    if all(isinstance(e, Anchor) for e in elements):
        raise PhraseError("a phrase needs at least one word or vocabulary")
    return tuple(elements)


def references(elements: tuple[Element, ...] | Regex) -> list[str]:
    return [] if isinstance(elements, Regex) else [e.name for e in elements if isinstance(e, Ref)]
