"""An on-disk cache of compiled rubrics, so that a `critic review` does not parse and compile the rubric every run.

Reading the default rubric's YAML and compiling its phrases into the token trie takes a few hundred milliseconds;
both are pure functions of the rubric files. The result (the Rubric and the compiled matcher, as plain data) is
kept in the user's cache directory (`$CRITIC_CACHE_DIR`, else `$XDG_CACHE_HOME/critic`, else `~/.cache/critic`;
`CRITIC_NO_CACHE=1` turns it off) under `rubric-<sha256 of the rubric file and the engine version>.bin`.

A file is one JSON header line (format, Python version, a SHA-256 of the payload, the SHA-256 of every rubric file
the entry was built from, `extends` included) and the payload in `marshal` format, which holds only plain data
(no code runs when it is read). Anything unexpected - a missing, truncated, corrupt or foreign file, a base rubric
that changed - means the cache is ignored and the rubric is compiled again: the cache can make a run faster, never
different.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import os
import sys
import tempfile
from pathlib import Path

FORMAT = 3           # 3: compiled phrase rubrics (schema 2)
SUFFIX = ".bin"
KEEP_FILES = 24      # most recent cache files kept; older ones are removed when a new one is written
_PYTHON = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"


def cache_dir() -> Path | None:
    if os.environ.get("CRITIC_NO_CACHE"):
        return None
    explicit = os.environ.get("CRITIC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "critic"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: str) -> str | None:
    try:
        return digest(Path(path).read_bytes())
    except OSError:
        return None


def entry_name(rubric_bytes: bytes, engine_version: str) -> str:
    key = digest(engine_version.encode("utf-8") + b"\0" + rubric_bytes)
    return f"rubric-{key}{SUFFIX}"


def read(name: str):
    """The payload stored under `name`, or None if there is none, it is damaged, or a file it was built from
    (listed in its header) has changed since."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        data = (directory / name).read_bytes()
        header_end = data.index(b"\n")
        header = json.loads(data[:header_end])
        body = data[header_end + 1:]
        if (not isinstance(header, dict) or header.get("format") != FORMAT or header.get("python") != _PYTHON
                or header.get("sha256") != digest(body)):
            return None
        for path, expected in header.get("files", {}).items():
            if _file_digest(path) != expected:
                return None
        collecting = gc.isenabled()
        gc.disable()  # tens of thousands of small dicts: the collector would scan them again and again
        try:
            return marshal.loads(body)
        finally:
            if collecting:
                gc.enable()
    except Exception:  # noqa: BLE001 - a cache problem is never the user's problem
        return None


def write(name: str, payload, files: list[str]) -> None:
    """Store `payload` (plain data) under `name`, atomically, remembering the digests of `files`; failures are
    ignored."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        body = marshal.dumps(payload)
        header = json.dumps({"format": FORMAT, "python": _PYTHON, "sha256": digest(body),
                             "files": {path: _file_digest(path) for path in files}}).encode("utf-8")
        directory.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=SUFFIX)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header + b"\n" + body)
            os.replace(temp, directory / name)
        except BaseException:
            os.unlink(temp)
            raise
        _prune(directory)
    except Exception:  # noqa: BLE001
        return


def _prune(directory: Path) -> None:
    files = [p for p in directory.glob("*-*.*") if not p.name.startswith(".")]
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        try:
            old.unlink()
        except OSError:
            pass
