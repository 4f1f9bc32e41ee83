"""Texts -> tokens: the words and numbers the matcher compares, with their character offsets, and where each
sentence and clause starts.

A token's `key` is its lower-case, spelling-folded form ("Organisations" -> "organizations"); punctuation is not a
token but decides boundaries:
- a sentence ends at `;`, `!`, `?`, a line break, or a full stop followed by a space (not after a single letter,
  as in "e.g."); phrases and gaps never reach across a sentence;
- a clause also ends at `:`, brackets, a spaced dash, before the rubric's clause words ("but", "while", ...) and
  before its after-comma words (", which", ", and ..."): `unless_in_clause` looks only there.
Contractions are split into words ("can't" -> "can not", "we've" -> "we have"), and a possessive "'s" is dropped,
so the rubric can say "not" once for every negative form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .words import fold

# A number (1,200.50, 3.5x, 10k) or a word with optional inner apostrophes. One pass, no backtracking across tokens.
_TOKEN = re.compile(r"\d[\d,.]*\d[^\W_]*|[^\W_]+(?:['\u2019][^\W_]+)*")
_CONTRACTIONS = {"n't": "not", "'ve": "have", "'re": "are", "'ll": "will", "'m": "am", "'d": "would"}
_NEGATED_BASE = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
_SENTENCE_PUNCTUATION = frozenset(";!?\n")
_CLAUSE_PUNCTUATION = frozenset(":()[]{}")
_JOINERS = frozenset({"-", "'", "\u2019", "/", "."})  # tokens joined by these are one written word: a-b, 24/7


@dataclass(frozen=True)
class ClauseWords:
    """The rubric's words that open a new clause: always (`before`) or when a comma precedes them."""

    before: frozenset[str] = frozenset()
    after_comma: frozenset[str] = frozenset()


@dataclass
class Tokens:
    text: str
    keys: list[str]
    starts: list[int]
    ends: list[int]
    sentence: list[int]   # sentence number of each token
    clause: list[int]     # clause number of each token (clauses nest inside sentences)
    figures: list[int]    # the tokens written in digits (what most number recognizers look at)
    word: list[int]       # written-word number of each token: "drug-interaction" is one word of two tokens

    def __len__(self) -> int:
        return len(self.keys)

    def span_text(self, start: int, end: int) -> str:
        """The original text of tokens start..end-1 (end exclusive)."""
        if start >= end:
            return ""
        return self.text[self.starts[start]:self.ends[end - 1]]


_KEY_CACHE: dict[str, tuple[tuple[str, int, int], ...]] = {}


def _split(word: str) -> tuple[tuple[str, int, int], ...]:
    """A raw token -> (key, start offset, end offset) pieces: contractions split, possessive dropped, folded."""
    cached = _KEY_CACHE.get(word)
    if cached is not None:
        return cached
    lower = word.lower().replace("\u2019", "'")
    pieces: tuple[tuple[str, int, int], ...]
    if "'" not in lower:
        pieces = ((fold(lower), 0, len(word)),)
    else:
        pieces = ()
        for suffix, expansion in _CONTRACTIONS.items():
            if lower.endswith(suffix) and len(lower) > len(suffix):
                base = lower[:-len(suffix)]
                base = _NEGATED_BASE.get(base, base) if suffix == "n't" else base
                cut = len(word) - len(suffix)
                pieces = ((fold(base), 0, cut), (expansion, cut, len(word)))
                break
        if not pieces:
            if lower.endswith("'s"):
                lower = lower[:-2]
            pieces = ((fold(lower.replace("'", "")), 0, len(word)),)
    if word.lower() == "cannot":
        pieces = (("can", 0, 3), ("not", 3, 6))
    if len(word) <= 64 and len(_KEY_CACHE) < 100_000:  # a bounded memo: long tokens are rare and costly to keep
        _KEY_CACHE[word] = pieces
    return pieces


def word_keys(phrase_word: str) -> list[str]:
    """The keys of a word written in a rubric ("red-team" -> ["red", "team"], "can't" -> ["can", "not"])."""
    return [key for match in _TOKEN.finditer(phrase_word) for key, _, _ in _split(match.group())]


def _sentence_break(separator: str, previous_key: str) -> bool:
    if not separator:
        return False
    if _SENTENCE_PUNCTUATION.intersection(separator):
        return True
    dot = separator.find(".")
    if dot < 0 or dot + 1 >= len(separator) or not separator[dot + 1].isspace():
        return False
    return len(previous_key) > 1  # "e.g. the", "J. Smith": not the end of a sentence


def _clause_break(separator: str, key: str, words: ClauseWords) -> bool:
    if key in words.before:
        return True
    if not separator.strip():
        return False
    if _CLAUSE_PUNCTUATION.intersection(separator):
        return True
    if "-" in separator and separator[0].isspace() and separator[-1].isspace():
        return True  # a spaced dash ("cut costs - but ..."), not a hyphen
    return "," in separator and key in words.after_comma


def tokenize(text: str, clause_words: ClauseWords = ClauseWords()) -> Tokens:
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    sentence: list[int] = []
    clause: list[int] = []
    word: list[int] = []
    sentence_no = clause_no = word_no = 0
    last_end = 0
    for match in _TOKEN.finditer(text):
        begin = match.start()
        for index, (key, piece_start, piece_end) in enumerate(_split(match.group())):
            if keys and index == 0:
                separator = text[last_end:begin]
                if separator not in _JOINERS:
                    word_no += 1
                if _sentence_break(separator, keys[-1]):
                    sentence_no += 1
                    clause_no += 1
                elif _clause_break(separator, key, clause_words):
                    clause_no += 1
            keys.append(key)
            starts.append(begin + piece_start)
            ends.append(begin + piece_end)
            sentence.append(sentence_no)
            clause.append(clause_no)
            word.append(word_no)
        last_end = match.end()
    figures = [index for index, key in enumerate(keys) if key[:1].isdigit()]
    return Tokens(text, keys, starts, ends, sentence, clause, figures, word)
