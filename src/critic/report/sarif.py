"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

The run describes every finding rule of the rubric (`tool.driver.rules`: id, name, short description = the
rule's message, full description = its rationale, help = its fix, default level from its severity) and one
result per active finding, located by a path relative to the working directory and a 1-based line and column.
`partialFingerprints` hash the rule and the normalised bullet text (not the line), so code scanning keeps
tracking an alert when its bullet moves. A `.docx` file has no lines: its regions give the paragraph number as
`startLine` (column 1), and each bullet's result says so in `properties.paragraph`. With a baseline,
`baselineState` is `unchanged` for known findings and `new` for the rest.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from urllib.parse import quote

from ..baseline import normalise_path, normalise_text
from ..document import is_docx
from ..models import DocumentResult, Finding, Severity

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "criticBulletHash/v1"


def _name(rule_id: str) -> str:
    """`compliance-gate-passed` -> `ComplianceGatePassed`: SARIF's human-readable rule name."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.replace("_", "-").split("-") if part)


def _descriptor(rule) -> dict:
    descriptor = {
        "id": rule.id,
        "name": _name(rule.id),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.rationale or rule.message},
        "help": {"text": rule.fix or rule.message,
                 "markdown": f"**Fix:** {rule.fix or rule.message}\n\n**Why:** {rule.rationale or rule.message}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["promotion-dossier"] + ([rule.failure_mode] if rule.failure_mode else []),
                       "failure_mode": rule.failure_mode, "scope": rule.scope},
    }
    return descriptor


def _fallback_descriptor(finding: Finding) -> dict:
    """For a finding whose rule the context's rubric does not describe (should not happen)."""
    return {"id": finding.rule, "name": _name(finding.rule), "shortDescription": {"text": finding.message},
            "fullDescription": {"text": finding.message}, "help": {"text": finding.fix or finding.message},
            "defaultConfiguration": {"level": LEVEL[finding.severity]},
            "properties": {"tags": ["promotion-dossier", finding.failure_mode], "failure_mode": finding.failure_mode}}


def _uri(path: str) -> str:
    return quote(normalise_path(path), safe="/")


def _fingerprint(rule: str, text: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{rule}\0{normalise_text(text)}\0{occurrence}".encode("utf-8")).hexdigest()
    return digest[:32]


def as_dict(results: list[DocumentResult], context) -> dict:
    from .. import __version__

    rubric = getattr(context, "rubric", None)
    descriptors = [_descriptor(r) for r in rubric.rules if not r.is_signal] if rubric is not None else []
    index = {d["id"]: i for i, d in enumerate(descriptors)}

    sarif_results = []
    notifications = []  # text the reader could not review: tool notifications, not rule results
    for result in results:
        uri = _uri(result.path)
        paragraphs = is_docx(result.path)
        notifications += [{"level": "warning", "message": {"text": w.message},
                           "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                                               "region": {"startLine": w.line}}}]}
                          for w in result.warnings]
        seen: Counter[tuple[str, str]] = Counter()
        located = [(f, b.bullet.text) for b in result.bullets for f in b.active_findings]
        located += [(f, None) for f in result.document_findings if not f.suppressed]
        for finding, bullet_text in located:
            text = bullet_text or ""
            if finding.rule not in index:
                index[finding.rule] = len(descriptors)
                descriptors.append(_fallback_descriptor(finding))
            occurrence = seen[(finding.rule, normalise_text(text))]
            seen[(finding.rule, normalise_text(text))] += 1
            item = {
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }}],
                "partialFingerprints": {FINGERPRINT: _fingerprint(finding.rule, text, occurrence)},
                "properties": {"failure_mode": finding.failure_mode, "fix": finding.fix,
                               **({"match": finding.match} if finding.match else {}),
                               **({"paragraph": finding.line} if paragraphs and bullet_text is not None else {})},
            }
            if finding.baseline:
                item["baselineState"] = "unchanged" if finding.known else "new"
            sarif_results.append(item)

    driver = {"name": "critic", "version": __version__, "semanticVersion": __version__, "rules": descriptors}
    run = {
        "tool": {"driver": driver},
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True,
                         "exitCode": getattr(context, "exit_code", 0),
                         **({"toolExecutionNotifications": notifications} if notifications else {})}],
        "properties": {"rubric": rubric.fingerprint if rubric is not None else ""},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(results: list[DocumentResult], context) -> str:
    return json.dumps(as_dict(results, context), indent=2, ensure_ascii=False) + "\n"
