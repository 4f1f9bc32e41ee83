"""Text normalisation that keeps character offsets: every replacement is one character for one character,
so a match position in the normalised text is a position in the original."""

from __future__ import annotations

import re

_ONE_FOR_ONE = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u200a": " ", "\t": " ",
    "\u00d7": "x",  # "2×" is a multiplier
}
_TABLE = str.maketrans(_ONE_FOR_ONE)

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold curly quotes, dashes and odd spaces to ASCII, one character for one."""
    return text.translate(_TABLE)


def squash(text: str) -> str:
    """Collapse runs of whitespace to single spaces and trim."""
    return _SPACES.sub(" ", text).strip()


def word_count(text: str) -> int:
    return len(text.split())
