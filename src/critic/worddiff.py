"""Word-level diff of an original bullet and its rewrite (difflib), as plain text or rich Text.

Plain form, wdiff style: `[-removed words-]` and `{+added words+}`.
"""

from __future__ import annotations

import difflib


def word_ops(original: str, rewrite: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "equal", "delete" or "insert", in reading order."""
    a, b = original.split(), rewrite.split()
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("equal", " ".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", " ".join(b[j1:j2])))
    return ops


def plain(original: str, rewrite: str) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[op].format(text) for op, text in word_ops(original, rewrite))


def rich_text(original: str, rewrite: str, prefix: str = ""):
    from rich.text import Text

    styles = {"equal": "", "delete": "red strike", "insert": "green"}
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    text = Text(prefix)
    for index, (op, words) in enumerate(word_ops(original, rewrite)):
        if index:
            text.append(" ")
        text.append(marks[op].format(words), style=styles[op])
    return text
