"""`--format github`: GitHub Actions workflow commands, so findings become annotations on the pull request.

    ::error file=dossier/me.md,line=17,col=3,title=compliance-checklist [compliance-gate-passed]::The work is…

Severity maps to the command: error -> `error`, warning -> `warning`, info -> `notice`. Escaping follows the
Actions runner: in the message `%`, CR and LF become %25, %0D, %0A; in a property value `:` and `,` also become
%3A and %2C. Findings a baseline marks as known are left out: they do not fail the run and would only repeat
old annotations. Document-level findings are annotated at line 1. Paths inside the working directory are
made relative to it (run from the repository root).
"""

from __future__ import annotations

from ..baseline import normalise_path
from ..models import DocumentResult, Severity
from .line import sorted_findings

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: list[DocumentResult], context) -> str:
    out = []
    for result in results:
        for warning in result.warnings:  # text that was not reviewed
            head = f"file={escape_property(normalise_path(result.path))},line={warning.line},title=critic"
            out.append(f"::warning {head}::{escape_data(warning.message)}\n")
        for f in sorted_findings(result):
            if f.known:
                continue
            props = {"file": normalise_path(result.path), "line": str(f.line), "col": str(f.column),
                     "title": f"{f.failure_mode or 'critic'} [{f.rule}]"}
            head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
            message = f"{f.message}\nFix: {f.fix}" if f.fix else f.message
            out.append(f"::{COMMAND[f.severity]} {head}::{escape_data(message)}\n")
    return "".join(out)
