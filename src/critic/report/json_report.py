"""`--format json`: the versioned, documented schema of docs/json-schema.md.

The report is streamed: `write` emits each file, and each bullet of a file, as it goes, so a dossier of 200,000
bullets never exists as one giant dict or string (that took 3 GB). The bytes are exactly those of
`json.dumps(report, indent=2, ensure_ascii=False)`: each piece is dumped with the same settings and indented to
its depth (JSON strings hold no raw newline, so re-indenting line starts is safe).
"""

from __future__ import annotations

import io
import json
from typing import Iterable, TextIO

from ..models import DocumentResult, Severity

SCHEMA = "critic/review"
SCHEMA_VERSION = 1


class Streamed:
    """A JSON array written item by item (items are produced only when written)."""

    def __init__(self, items: Iterable):
        self.items = items


def _file(result: DocumentResult) -> dict:
    data = result.to_dict(bullets=False)
    data["bullets"] = Streamed(b.to_dict() for b in result.bullets)  # same key, same place
    return data


def as_dict(results: list[DocumentResult], context, *, streamed: bool = False) -> dict:
    from .. import __version__

    by_severity = {s.value: 0 for s in Severity}
    for result in results:
        for finding in result.active_findings:
            by_severity[finding.severity.value] += 1
    data = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "critic_version": __version__,
        "files": Streamed(_file(r) for r in results) if streamed else [r.to_dict() for r in results],
        "summary": {
            "files": len(results),
            "bullets": sum(len(r.bullets) for r in results),
            "findings": sum(by_severity.values()),
            "by_severity": by_severity,
            "suppressed": sum(r.summary()["suppressed"] for r in results),
            "fail_under": context.fail_under,
            "fail_on": context.fail_on.value if context.fail_on else None,
            "passed": context.passed,
            "exit_code": context.exit_code,
        },
    }
    if context.extra.get("baseline"):
        # --baseline: every active finding carries "baseline": "known" or "new"; known ones never fail the run
        from ..baseline import counts

        data["summary"]["baseline"] = {"file": context.extra["baseline"], **counts(results)}
    return data


def _dumps(value, prefix: str) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + prefix)


def _has_streamed(value) -> bool:
    return isinstance(value, Streamed) or (isinstance(value, dict) and any(map(_has_streamed, value.values())))


def _write_value(value, stream: TextIO, prefix: str) -> None:
    """Write `value` as json.dumps(indent=2) would at this depth, streaming any Streamed array inside it."""
    inner = prefix + "  "
    if isinstance(value, Streamed):
        empty = True
        for item in value.items:
            stream.write(("[\n" if empty else ",\n") + inner)
            _write_value(item, stream, inner)
            empty = False
        stream.write("[]" if empty else "\n" + prefix + "]")
    elif isinstance(value, dict) and value and _has_streamed(value):
        for index, (key, item) in enumerate(value.items()):
            stream.write(("{\n" if index == 0 else ",\n") + inner + json.dumps(key, ensure_ascii=False) + ": ")
            _write_value(item, stream, inner)
        stream.write("\n" + prefix + "}")
    else:
        stream.write(_dumps(value, prefix))


def write(results: list[DocumentResult], context, stream: TextIO) -> None:
    _write_value(as_dict(results, context, streamed=True), stream, "")
    stream.write("\n")


def render(results: list[DocumentResult], context) -> str:
    buffer = io.StringIO()
    write(results, context, buffer)
    return buffer.getvalue()
