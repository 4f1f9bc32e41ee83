"""Applying accepted rewrites to a dossier: only each bullet's exact source span changes, and nothing else is lost.

A bullet's span runs from its first character to its last (Bullet.segments map text offsets to source line and
column), widened over adjacent inline markup such as `**` or a link's `](url)`. The list marker, indentation,
nested lists, other bullets and everything else in the file are left byte for byte as they were. A link inside the
span is kept: its markup goes back around the same words in the rewrite, and a rewrite that drops those words (or
a bare URL) is refused rather than losing the link.

Spans are planned on the text that was reviewed. Before writing, the file is read again and each bullet is
refused unless it is still exactly what was reviewed: the same bytes on all of its lines, and, parsed again, the
same bullet (so text appended on its line, or a continuation line added while the prompt waited, is caught).

Writing (see write_file): the previous version is kept as FILE.bak, or FILE.bak.1, FILE.bak.2, ... when that name
is taken; a backup is created exclusively and never through a symlink, so an existing file, link or directory
of that name is never written into. A symlinked dossier is written through to its target (the link stays). The
new text goes to a temporary file in the target's directory, gets the original's mode, owner and group, and is
renamed over it (atomic). When that would break something, the file is overwritten in place instead, after the
backup: when it has other hard links (a rename would detach them), or when its owner or group cannot be given
to a new file (a file of another user in a directory you can write).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .document import _mask, decode_document, parse_text
from .errors import InputError
from .inputs import read_bytes
from .models import Bullet
from .text import normalize, split_lines_keepends, squash

_NEWLINE = re.compile(r"\r\n|\r|\n")
MAX_BYTES_DEFAULT = 32 * 1024 * 1024
MAX_BACKUPS = 1000   # FILE.bak, FILE.bak.1 ... FILE.bak.999
_BACKUP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_CLOEXEC", 0))

# A link or image as it sits in a span: `[words](dest "title")`, `[words][label]`, `![alt](src)`
_LINK = re.compile(r"(!?)\[([^\[\]]*)\]"
                   r"(\((?:<[^<>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
                   r"|\[[^\[\]]*\])")
_URL = re.compile(r"<(?:https?|mailto|ftp):[^<>\s]*>|\b(?:https?://|www\.)[^\s<>()]+")


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
    lines: Span | None = None   # the bullet's whole source lines, first to last, as reviewed


@dataclass
class ApplyResult:
    path: str
    applied: list[Edit] = field(default_factory=list)
    refused: list[tuple[Edit, str]] = field(default_factory=list)
    diff: str = ""
    backup: str | None = None
    written: bool = False
    how: str = ""   # how the file was written when it was not a plain atomic replace


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


def _whole_lines(source: str, first: int, last: int) -> Span:
    lines = _lines(source)
    start, end = lines[first - 1][0], lines[last - 1][1]
    return Span(start, end, source[start:end])


def keep_links(raw: str, new_text: str) -> tuple[str | None, str]:
    """The new text with each link of the span `raw` put back around the same words, or (None, why not).

    The bullet text that was reviewed and rewritten has no link markup (a link's URL is not prose), so a splice
    would lose the link. Its markup goes back around the first occurrence of its words in the new text; a rewrite
    without those words, or one that drops a bare URL, is refused instead.
    """
    taken: list[tuple[int, int]] = []   # where markup was put back: never search inside it again
    for match in _LINK.finditer(raw):
        markup = " ".join(match.group(0).split())
        if markup in new_text:  # the writer kept the link
            continue
        words = squash(_mask(normalize(match.group(2))))
        found = None
        if words:
            for candidate in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", new_text):
                if not any(s < candidate.end() and candidate.start() < e for s, e in taken):
                    found = candidate
                    break
        if found is None:
            kind = "image" if match.group(1) else "link"
            return None, (f"the rewrite drops the {kind} {markup}; keep its words ({words!r}) in the rewrite, or edit "
                          f"the bullet by hand")
        shift = len(markup) - (found.end() - found.start())
        taken = [(s + shift, e + shift) if s >= found.end() else (s, e) for s, e in taken]
        taken.append((found.start(), found.start() + len(markup)))
        new_text = new_text[:found.start()] + markup + new_text[found.end():]
    outside_links = _LINK.sub(lambda m: " " * len(m.group(0)), raw)
    for match in _URL.finditer(outside_links):
        if match.group(0).strip("<>") not in new_text:
            return None, f"the rewrite drops the URL {match.group(0)}; edit the bullet by hand"
    return new_text, ""


def plan_edit(source: str, bullet: Bullet, new_text: str) -> tuple[Edit | None, str]:
    """The edit that puts `new_text` in place of the bullet in `source` (the text that was reviewed)."""
    span, why = locate(source, bullet)
    if span is None:
        return None, why
    clean = " ".join(new_text.split())
    if not clean:
        return None, "the new text is empty"
    clean, why = keep_links(span.raw, clean)
    if clean is None:
        return None, why
    lines = _whole_lines(source, bullet.segments[0].line, bullet.segments[-1].line)
    return Edit(line=bullet.line, column=bullet.column, original=bullet.text, new_text=clean, span=span,
                lines=lines), ""


def _still_as_reviewed(source: str, edit: Edit, bullets_now: dict) -> bool:
    """The bullet's span and whole lines are byte for byte as reviewed, and it parses to the same bullet."""
    if source[edit.span.start:edit.span.end] != edit.span.raw:
        return False
    if edit.lines is not None:
        lines = edit.lines
        if source[lines.start:lines.end] != lines.raw:
            return False
        if lines.start > 0 and source[lines.start - 1] not in "\r\n":
            return False
        if lines.end < len(source) and source[lines.end] not in "\r\n":  # text was added at the end of the line
            return False
    now = bullets_now.get((edit.line, edit.column))
    return now is not None and now.text == edit.original  # a continuation line changes the bullet's text


def apply_edits(path: str | Path, edits: list[Edit], *, write: bool = True, backup: bool = True,
                kind: str | None = None, max_bytes: int = MAX_BYTES_DEFAULT) -> ApplyResult:
    """Apply the edits whose bullets are still exactly as reviewed; `write=False` only computes the diff."""
    path = Path(path)
    result = ApplyResult(path=str(path))
    data = read_bytes(path, max_bytes)
    source = decode_document(data, str(path))
    bullets_now = {(b.line, b.column): b for b in parse_text(source, str(path), kind).bullets}
    chosen: list[Edit] = []
    for edit in sorted(edits, key=lambda e: e.span.start):
        if not _still_as_reviewed(source, edit, bullets_now):
            result.refused.append((edit, f"line {edit.line} changed since it was reviewed"))
        elif chosen and edit.span.start < chosen[-1].span.end:
            result.refused.append((edit, f"line {edit.line} overlaps another rewrite"))
        else:
            chosen.append(edit)
    updated = source
    for edit in reversed(chosen):
        updated = updated[:edit.span.start] + edit.new_text + updated[edit.span.end:]
    result.applied = chosen
    result.diff = "".join(difflib.unified_diff(split_lines_keepends(source), split_lines_keepends(updated),
                                               fromfile=str(path), tofile=f"{path} (rewritten)"))
    if write and chosen and updated != source:
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        result.backup, result.how = write_file(path, bom + updated.encode("utf-8"), data, backup)
        result.written = True
    return result


# --- writing ------------------------------------------------------------------------------------------------------

def write_file(path: Path, data: bytes, previous: bytes, backup: bool = True) -> tuple[str | None, str]:
    """Replace the file's contents with `data`, keeping `previous` as a backup. (backup path, how it was written)."""
    target = Path(os.path.realpath(path))  # a symlinked dossier is written through to its target
    try:
        info = os.stat(target)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the rewritten file ({exc.strerror or exc})") from None
    saved = write_backup(path, previous, info) if backup else None
    how = f"through the symlink to {target}" if path.is_symlink() else ""
    if info.st_nlink > 1:
        _overwrite(target, data, path)
        how = (how + ", " if how else "") + f"in place, keeping its {info.st_nlink - 1} other hard link(s)"
    elif not _replace(target, data, info, path):
        _overwrite(target, data, path)
        how = (how + ", " if how else "") + "in place, keeping its owner and group"
    return saved, how


def write_backup(path: Path, data: bytes, info: os.stat_result) -> str:
    """Write FILE.bak, or the first free FILE.bak.N: created exclusively (never an existing file, directory or
    symlink of that name, and never through a link), with the original's mode, owner (where allowed) and times."""
    for number in range(MAX_BACKUPS):
        candidate = path.with_name(path.name + (".bak" if number == 0 else f".bak.{number}"))
        try:
            fd = os.open(candidate, _BACKUP_FLAGS, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(f"{candidate}: cannot write the backup ({exc.strerror or exc}); {path} is unchanged"
                             ) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                _copy_owner(handle.fileno(), info)
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
                os.utime(handle.fileno(), ns=(info.st_atime_ns, info.st_mtime_ns))
                os.fsync(handle.fileno())
        except OSError as exc:
            _unlink(candidate)
            raise InputError(f"{candidate}: cannot write the backup ({exc.strerror or exc}); {path} is unchanged"
                             ) from None
        return str(candidate)
    raise InputError(f"{path}: {MAX_BACKUPS} backups ({path.name}.bak, {path.name}.bak.1, ...) already exist; "
                     f"remove old ones or pass --no-backup")


def _copy_owner(fd: int, info: os.stat_result) -> bool:
    """Give the open file the original's owner and group; False when not allowed (another user's file)."""
    if not hasattr(os, "fchown"):
        return True
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        return False
    return True


def _replace(target: Path, data: bytes, info: os.stat_result, shown: Path) -> bool:
    """Atomic replace through a temporary file; False (nothing changed) if the owner or group cannot be kept."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:  # a read-only directory, say
        raise InputError(f"{shown}: cannot write the rewritten file: no new file can be created in "
                         f"{target.parent} ({exc.strerror or exc}); it is unchanged") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if not _copy_owner(handle.fileno(), info):
                _unlink(tmp)
                return False
            os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        _unlink(tmp)
        raise InputError(f"{shown}: cannot write the rewritten file ({exc.strerror or exc}); it is unchanged"
                         ) from None
    return True


def _overwrite(target: Path, data: bytes, shown: Path) -> None:
    """Write in place (same inode: hard links, owner and group stay). Not atomic, so it runs after the backup."""
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{shown}: cannot write the rewritten file ({exc.strerror or exc}); it is unchanged"
                         ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise InputError(f"{shown}: writing the rewritten file failed part-way ({exc.strerror or exc}); restore it "
                         f"from its backup") from None


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
