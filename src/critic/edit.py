"""Applying accepted rewrites to a dossier: only each bullet's exact source span changes, atomically.

A bullet's span runs from its first character to its last (Bullet.segments map text offsets to source line and
column), widened over adjacent inline markup such as `**` or a link's `](url)`. The list marker, indentation,
nested lists, other bullets and everything else in the file are left byte for byte as they were. Before writing,
each span is read again: if the file no longer holds the text that was reviewed there, that bullet is refused.
The new file is written to a temporary file in the same directory and renamed over the original (os.replace);
the previous version is kept as FILE.bak unless the caller asks for no backup.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .document import _mask, decode_document
from .errors import InputError
from .models import Bullet
from .text import normalize

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Span:
    start: int   # character offsets in the decoded file text
    end: int
    raw: str     # the source text of the span, as reviewed


@dataclass(frozen=True)
class Edit:
    line: int
    column: int
    original: str   # the bullet's text as reviewed
    new_text: str
    span: Span


@dataclass
class ApplyResult:
    path: str
    applied: list[Edit] = field(default_factory=list)
    refused: list[tuple[Edit, str]] = field(default_factory=list)
    diff: str = ""
    backup: str | None = None
    written: bool = False


def _lines(source: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each line's content, split the way the Markdown parser splits lines."""
    spans, start = [], 0
    for m in _NEWLINE.finditer(source):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(source)))
    return spans


def locate(source: str, bullet: Bullet) -> tuple[Span | None, str]:
    """The bullet's source span, or (None, why not)."""
    lines = _lines(source)
    segments = bullet.segments or ()
    if not segments:
        return None, "its position in the file is unknown"
    masked_cache: dict[int, str] = {}

    def masked(line_no: int) -> str:
        if line_no not in masked_cache:
            s, e = lines[line_no - 1]
            masked_cache[line_no] = _mask(normalize(source[s:e]))
        return masked_cache[line_no]

    for seg in segments:
        if not 1 <= seg.line <= len(lines):
            return None, "the file is shorter than when it was reviewed"
        s, e = lines[seg.line - 1]
        col = seg.column - 1
        if col < 0 or s + col + seg.length > e:
            return None, "the text at its position no longer matches"
        if masked(seg.line)[col:col + seg.length] != bullet.text[seg.offset:seg.offset + seg.length]:
            return None, "the text at its position no longer matches"
    first, last = segments[0], segments[-1]
    line_start, _ = lines[first.line - 1]
    start_col = first.column - 1
    text_first = source[line_start:lines[first.line - 1][1]]
    masked_first = masked(first.line)
    while start_col > 0 and not text_first[start_col - 1].isspace() and masked_first[start_col - 1] == " ":
        start_col -= 1
    last_start, last_end = lines[last.line - 1]
    end_col = last.column - 1 + last.length
    text_last = source[last_start:last_end]
    masked_last = masked(last.line)
    while end_col < len(text_last) and not text_last[end_col].isspace() and masked_last[end_col] == " ":
        end_col += 1
    start, end = line_start + start_col, last_start + end_col
    raw = source[start:end]
    if "<!--" in raw or "-->" in raw:
        return None, "it contains an HTML comment (a critic directive?); edit it by hand"
    return Span(start, end, raw), ""


def plan_edit(source: str, bullet: Bullet, new_text: str) -> tuple[Edit | None, str]:
    span, why = locate(source, bullet)
    if span is None:
        return None, why
    clean = " ".join(new_text.split())
    if not clean:
        return None, "the new text is empty"
    return Edit(line=bullet.line, column=bullet.column, original=bullet.text, new_text=clean, span=span), ""


def _read(path: Path) -> tuple[str, bool]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return decode_document(data, str(path)), data.startswith(b"\xef\xbb\xbf")


def apply_edits(path: str | Path, edits: list[Edit], *, write: bool = True, backup: bool = True) -> ApplyResult:
    """Apply the edits whose spans still hold the reviewed text; `write=False` only computes the diff."""
    path = Path(path)
    result = ApplyResult(path=str(path))
    source, bom = _read(path)
    chosen: list[Edit] = []
    for edit in sorted(edits, key=lambda e: e.span.start):
        if source[edit.span.start:edit.span.end] != edit.span.raw:
            result.refused.append((edit, f"line {edit.line} changed since it was reviewed"))
        elif chosen and edit.span.start < chosen[-1].span.end:
            result.refused.append((edit, f"line {edit.line} overlaps another rewrite"))
        else:
            chosen.append(edit)
    updated = source
    for edit in reversed(chosen):
        updated = updated[:edit.span.start] + edit.new_text + updated[edit.span.end:]
    result.applied = chosen
    result.diff = "".join(difflib.unified_diff(source.splitlines(keepends=True), updated.splitlines(keepends=True),
                                               fromfile=str(path), tofile=f"{path} (rewritten)"))
    if write and chosen and updated != source:
        result.backup = _replace(path, updated, bom, backup)
        result.written = True
    return result


def _replace(path: Path, text: str, bom: bool, backup: bool) -> str | None:
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    backup_path = None
    if backup:
        backup_path = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup_path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"{path}: cannot write the rewritten file ({exc.strerror or exc})") from None
    return str(backup_path) if backup_path else None
