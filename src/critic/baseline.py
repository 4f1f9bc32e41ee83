"""Baselines: record today's findings so that a review reports them as known and fails only on new ones.

A finding is identified by (path, rule id, normalised bullet text), never by its line, so a baseline survives
bullets that move, lines inserted above them and whitespace or case edits. The same key can occur more than once
(two identical bullets, say), so a baseline is a multiset: each key has a count, and a review marks at most that
many of its findings with the key as known, in document order; the rest are new.

File format (JSON, sorted, stable across runs so that it diffs well):

    {"schema": "critic/baseline", "schema_version": 1, "critic_version": "0.1.0", "rubric": "default@…",
     "findings": [{"path": "dossier/me.md", "rule": "vanity-count", "text": "ran 3,400 red-team prompts…",
                   "count": 1}, …]}

Document-level findings (no bullet) have "text": "".
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .errors import InputError
from .inputs import read_bytes
from .models import DocumentResult, Finding
from .text import normalize, squash

MAX_BYTES_DEFAULT = 32 * 1024 * 1024
SCHEMA = "critic/baseline"
SCHEMA_VERSION = 1

Key = tuple[str, str, str]  # (path, rule id, normalised bullet text)


def normalise_text(text: str) -> str:
    """Bullet text as a baseline compares it: ASCII quotes and dashes, single spaces, case-folded."""
    return squash(normalize(text)).casefold()


def normalise_path(path: str) -> str:
    """A stable spelling of a reviewed path: relative to the working directory when inside it, `/`-separated."""
    if path.startswith("<") and path.endswith(">"):  # <stdin>, <text>
        return path
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(Path.cwd().resolve())
        except (ValueError, OSError):
            pass
    return PurePosixPath(os.path.normpath(str(p)).replace(os.sep, "/")).as_posix()


def keyed_findings(result: DocumentResult) -> list[tuple[Finding, Key]]:
    """Every active (not suppressed) finding of a document with its baseline key, in document order."""
    path = normalise_path(result.path)
    keyed: list[tuple[Finding, Key]] = []
    for bullet in result.bullets:
        text = normalise_text(bullet.bullet.text)
        keyed += [(f, (path, f.rule, text)) for f in bullet.findings if not f.suppressed]
    keyed += [(f, (path, f.rule, "")) for f in result.document_findings if not f.suppressed]
    return keyed


def build(results: list[DocumentResult], rubric: str = "") -> dict:
    """The baseline (as JSON-ready data) of a set of reviewed documents."""
    from . import __version__

    counts: Counter[Key] = Counter(key for result in results for _, key in keyed_findings(result))
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "critic_version": __version__,
        "rubric": rubric,
        "findings": [{"path": path, "rule": rule, "text": text, "count": count}
                     for (path, rule, text), count in sorted(counts.items())],
    }


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load(path: str | Path, max_bytes: int = MAX_BYTES_DEFAULT) -> Counter[Key]:
    """Read a baseline file; any problem is an InputError whose one-line message names the file."""
    name = str(path)
    data = read_bytes(path, max_bytes, directory="is a directory, not a baseline file",
                      missing=f"no such baseline file (create one with `critic baseline PATH... -o {name}`)")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not a critic baseline (not UTF-8 text)") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not a critic baseline (invalid JSON at line {exc.lineno}, column {exc.colno})"
                         ) from None
    except RecursionError:
        raise InputError(f"{name}: not a critic baseline (JSON nested too deeply)") from None
    except ValueError as exc:  # a number past Python's digit limit
        raise InputError(f"{name}: not a critic baseline ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(f"{name}: not a critic baseline (expected \"schema\": \"{SCHEMA}\")")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1 or version > SCHEMA_VERSION:
        raise InputError(f"{name}: unsupported baseline schema_version {version!r} (this critic reads "
                         f"{SCHEMA_VERSION}); recreate it with `critic baseline`")
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise InputError(f"{name}: not a critic baseline (\"findings\" must be a list)")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(entries, 1):
        if not (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("path", "rule", "text"))
                and isinstance(entry.get("count", 1), int) and not isinstance(entry.get("count", 1), bool)
                and entry.get("count", 1) >= 1):
            raise InputError(f"{name}: finding #{index} is malformed (needs string path, rule and text and a "
                             "positive integer count)")
        key = (normalise_path(entry["path"]), entry["rule"], normalise_text(entry["text"]))
        counts[key] += entry.get("count", 1)
    return counts


def apply(results: list[DocumentResult], baseline: Counter[Key]) -> list[DocumentResult]:
    """Copies of the results with every active finding tagged `baseline="known"` or `baseline="new"`."""
    remaining = Counter(baseline)
    out = []
    for result in results:
        tags: dict[int, str] = {}
        for finding, key in keyed_findings(result):
            if remaining[key] > 0:
                remaining[key] -= 1
                tags[id(finding)] = "known"
            else:
                tags[id(finding)] = "new"

        def tagged(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
            return tuple(replace(f, baseline=tags[id(f)]) if id(f) in tags else f for f in findings)

        bullets = tuple(replace(b, findings=tagged(b.findings)) for b in result.bullets)
        out.append(replace(result, bullets=bullets, document_findings=tagged(result.document_findings)))
    return out


def counts(results: list[DocumentResult]) -> dict[str, int]:
    """How many active findings are known and how many new (for the reporters' summaries)."""
    active = [f for r in results for f in r.active_findings]
    return {"known": sum(1 for f in active if f.baseline == "known"),
            "new": sum(1 for f in active if f.baseline == "new")}
