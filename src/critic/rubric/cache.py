"""An on-disk cache that makes loading a rubric cheap: its parsed YAML and its compiled regular expressions.

A cold `critic review` spent most of its time compiling the rubric's regular expressions (tens of kilobytes of
vocabulary alternations) and importing and running the YAML parser. Both are pure functions of their input, so
their results are kept in the user's cache directory (`$CRITIC_CACHE_DIR`, else `$XDG_CACHE_HOME/critic`, else
`~/.cache/critic`; `CRITIC_NO_CACHE=1` turns the cache off):

- `yaml-<sha256 of the rubric file>.bin`: the YAML document (only when it is plain JSON data);
- `regex-<sha256 of the rubric file>.bin`: for each (pattern, flags) compiled while loading and matching that
  rubric, the code that Python's regex compiler produced, rebuilt with `_sre.compile` as `re.compile` itself does.
  Entries are looked up by the exact pattern text and flags, never by the rubric, so a stale file can only miss.

Every file is one JSON header line (format, the Python version and regex-engine magic number it was made by, a
SHA-256 of the payload) and then the payload in `marshal` format, which this interpreter reads about four times
faster than JSON (the compiled code of the default rubric is several megabytes).
Anything unexpected - a missing, truncated, corrupt, foreign or unwritable file, a changed private API - means the
cache is ignored and the normal path (yaml, re.compile) runs: the cache can make a run faster, never different.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path

FORMAT = 2  # 1: JSON payload; 2: marshal payload
SUFFIX = ".bin"  # of every cache file this format writes
KEEP_FILES = 48  # most recent cache files kept; older ones are removed when a new one is written

try:
    import _sre
    from re import _compiler, _parser

    _ENGINE = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-{_sre.MAGIC}"
except Exception:  # noqa: BLE001 - another interpreter: no regex cache
    _sre = None
    _ENGINE = None


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


def read(name: str):
    """The payload stored under `name`, or None if there is none or it is not exactly what was written."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        data = (directory / name).read_bytes()
        header_end = data.index(b"\n")
        header = json.loads(data[:header_end])
        body = data[header_end + 1:]
        if (not isinstance(header, dict) or header.get("format") != FORMAT or header.get("engine") != _ENGINE
                or header.get("sha256") != digest(body)):
            return None
        return marshal.loads(body)
    except Exception:  # noqa: BLE001 - a cache problem is never the user's problem
        return None


def write(name: str, payload) -> None:
    """Store `payload` (plain data: dicts, lists, strings, numbers) under `name`, atomically; failures are ignored.

    The file is one line of header (format, engine, SHA-256 of the rest) and then the payload, marshalled."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        body = marshal.dumps(payload)
        header = json.dumps({"format": FORMAT, "engine": _ENGINE, "sha256": digest(body)}).encode("utf-8")
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
    files = [p for p in directory.glob("*-*.*") if not p.name.startswith(".")]  # older formats' .json too
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        try:
            old.unlink()
        except OSError:
            pass


# --- regular expressions -------------------------------------------------------------------------------------

class RegexCache:
    """Compiled patterns for one rubric file, backed by `regex-<digest>.bin`."""

    def __init__(self, key: str | None):
        self.key = key
        self.entries: dict[str, list] = {}
        self.compiled: dict[tuple[str, int], re.Pattern] = {}
        self.dirty = False
        if key is not None and _ENGINE is not None:
            stored = read(f"regex-{key}{SUFFIX}")
            if isinstance(stored, dict):
                self.entries = stored

    def compile(self, source: str, flags: int) -> re.Pattern:
        """`re.compile(source, flags)`, from the cache when it has the pattern."""
        flags = int(flags)
        found = self.compiled.get((source, flags))
        if found is not None:
            return found
        pattern = None
        if _ENGINE is not None:
            entry_key = f"{flags}:{source}"
            entry = self.entries.get(entry_key)
            if entry is not None:
                pattern = _rebuild(source, flags, entry)
            if pattern is None:
                pattern, entry = _compile_with_code(source, flags)
                if entry is not None:
                    self.entries[entry_key] = entry
                    self.dirty = True
        if pattern is None:
            pattern = re.compile(source, flags)
        self.compiled[(source, flags)] = pattern
        return pattern

    def translation(self, pattern: re.Pattern, translate):
        """`translate(pattern)` (fastscan.translate: plain data, or an exception), remembered like compiled code."""
        entry_key = f"re2-2:{int(pattern.flags)}:{pattern.pattern}"  # bump when translate() changes
        entry = self.entries.get(entry_key)
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], bool):
            return entry[0], entry[1]
        if entry == "unsupported":
            raise ValueError("unsupported")
        try:
            source, contained = translate(pattern)
        except Exception:
            self.entries[entry_key] = "unsupported"
            self.dirty = True
            raise
        self.entries[entry_key] = [source, contained]
        self.dirty = True
        return source, contained

    def save(self) -> None:
        if self.dirty and self.key is not None:
            write(f"regex-{self.key}{SUFFIX}", self.entries)
            self.dirty = False


def _compile_with_code(source: str, flags: int):
    """(pattern, cache entry) the way re._compiler.compile does it; (re.compile(...), None) if that fails."""
    try:
        parsed = _parser.parse(source, flags)
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - private API changed: compile normally, cache nothing
        return re.compile(source, flags), None
    try:
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry = [int(flags | parsed.state.flags), [int(op) for op in code], parsed.state.groups - 1, groupindex,
                 indexgroup]  # plain ints: the entry is marshalled
        pattern = _rebuild(source, flags, entry)
        if pattern is None:
            return re.compile(source, flags), None
        return pattern, entry
    except Exception:  # noqa: BLE001
        return re.compile(source, flags), None


def _rebuild(source: str, flags: int, entry) -> re.Pattern | None:
    try:
        final_flags, code, groups, groupindex, indexgroup = entry
        pattern = _sre.compile(source, final_flags, code, groups, groupindex, tuple(indexgroup))
        if pattern.pattern != source or pattern.flags & flags != flags:
            return None
        return pattern
    except Exception:  # noqa: BLE001 - a bad entry is a miss
        return None


_NO_CACHE = RegexCache(None)
_current: RegexCache = _NO_CACHE


def regexes_for(key: str | None) -> RegexCache:
    """Make the cache of rubric file `key` (its sha256) the one `compile` uses, and return it."""
    global _current
    if key is None:
        _current = _NO_CACHE
    elif _current.key != key:
        _current = RegexCache(key)
    return _current


def compile(source: str, flags: int) -> re.Pattern:  # noqa: A001 - mirrors re.compile
    return _current.compile(source, flags)


def translation(pattern: re.Pattern, translate):
    return _current.translation(pattern, translate)


def save() -> None:
    _current.save()
