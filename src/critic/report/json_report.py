"""`--format json`: the versioned, documented schema of docs/json-schema.md."""

from __future__ import annotations

import json

from ..models import DocumentResult, Severity

SCHEMA = "critic/review"
SCHEMA_VERSION = 1


def as_dict(results: list[DocumentResult], context) -> dict:
    from .. import __version__

    by_severity = {s.value: 0 for s in Severity}
    for result in results:
        for finding in result.active_findings:
            by_severity[finding.severity.value] += 1
    data = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "critic_version": __version__,
        "files": [r.to_dict() for r in results],
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


def render(results: list[DocumentResult], context) -> str:
    return json.dumps(as_dict(results, context), indent=2, ensure_ascii=False) + "\n"
