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
_NEWLINE = re.compile(r"\r\n|\r|\n")
_NEWLINE_BYTES = re.compile(rb"\r\n|\r|\n")


def normalize(text: str) -> str:
    """Fold curly quotes, dashes and odd spaces to ASCII, one character for one."""
    return text.translate(_TABLE)


def squash(text: str) -> str:
    """Collapse runs of whitespace to single spaces and trim."""
    return _SPACES.sub(" ", text).strip()


def word_count(text: str) -> int:
    return len(text.split())


def split_lines(text: str) -> list[str]:
    """Lines split on \\n, \\r\\n and \\r only, as Markdown and JSON Lines count them. str.splitlines() also splits
    on U+2028, U+0085, form feeds and more, which would shift every line number after one."""
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line; it does not start another
    return lines


def split_lines_keepends(text: str) -> list[str]:
    """split_lines() with each line's own line ending kept (for diffs)."""
    out, start = [], 0
    for match in _NEWLINE.finditer(text):
        out.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def line_number(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting \\n, \\r\\n and \\r as line ends."""
    return sum(1 for _ in _NEWLINE_BYTES.finditer(data, 0, offset)) + 1
