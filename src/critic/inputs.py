"""The one way critic reads what the user hands it: dossiers, standard input, baselines, corpora, config files.

Every read is bounded. A path must name a regular file: a FIFO would block for ever waiting for a writer, and
/dev/zero or /dev/urandom report a size of 0 and never end, so they are refused before a byte is read (the open
itself does not block: O_NONBLOCK). At most `max_bytes + 1` bytes are read from a file or from standard input, so
a file that grows while it is read, or an endless pipe on standard input, is refused as too large instead of
filling memory. Every failure is an InputError whose one-line message names the file.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

STDIN = "-"
STDIN_NAME = "<stdin>"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


def _too_large(name: str, size: int | None, max_bytes: int) -> InputError:
    limit = f"{max_bytes / 1048576:.0f} MiB"
    if size is None:  # standard input, or a file that grew while it was read
        return InputError(f"{name}: too large (more than {limit}; raise the limit with --max-size)")
    return InputError(f"{name}: file is too large ({size / 1048576:.1f} MiB; the limit is {limit}, raise it with "
                      f"--max-size)")


def _read_at_most(stream: BinaryIO | int, max_bytes: int) -> bytes:
    """Up to max_bytes + 1 bytes from a file descriptor or a binary stream."""
    chunks, total = [], 0
    while total <= max_bytes:
        want = min(_CHUNK, max_bytes + 1 - total)
        chunk = os.read(stream, want) if isinstance(stream, int) else stream.read(want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_stdin(max_bytes: int, stream: BinaryIO | None = None) -> bytes:
    data = _read_at_most(stream if stream is not None else sys.stdin.buffer, max_bytes)
    if len(data) > max_bytes:
        raise _too_large(STDIN_NAME, None, max_bytes)
    return data


def _open_error(name: str, exc: OSError, missing: str) -> InputError:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return InputError(f"{name}: {missing}")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputError(f"{name}: permission denied")
    if exc.errno == errno.ELOOP:
        return InputError(f"{name}: too many levels of symbolic links (a symlink loop?)")
    return InputError(f"{name}: cannot be read ({exc.strerror or exc})")


def read_bytes(path: str | Path, max_bytes: int, *, missing: str = "no such file",
               directory: str = "is a directory") -> bytes:
    """The bytes of a regular file (or standard input for "-"), at most max_bytes of them."""
    if str(path) == STDIN:
        return read_stdin(max_bytes)
    name = str(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise InputError(f"{name}: {directory}") from None
        raise _open_error(name, exc, missing) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name}: {directory}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name}: not a regular file ({_kind(info.st_mode)}); critic reads regular files, and "
                             f"standard input given as -")
        if info.st_size > max_bytes:
            raise _too_large(name, info.st_size, max_bytes)
        try:
            data = _read_at_most(fd, max_bytes)
        except OSError as exc:
            raise _open_error(name, exc, missing) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # it grew while it was read
        raise _too_large(name, None, max_bytes)
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def safe_resolve(path: str | Path) -> Path:
    """Path.resolve() that never raises: a symlink loop or an unreadable directory gives the absolute path."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))
