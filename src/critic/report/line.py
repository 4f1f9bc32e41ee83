"""`--format line`: one finding a line, `path:line:col: severity rule: message`, for editors, grep and CI logs.

Document-level findings sit at 1:1. Findings a baseline marks as known end in ` (known)`. A Word file has no
lines: for a `.docx` path the line is the paragraph number and the column is 1, and the line ends in
` (paragraph N)` to say so. Nothing else is printed: no header, no summary, and no output at all when there is
nothing to report.
"""

from __future__ import annotations

from ..document import is_docx
from ..models import DocumentResult, Finding


def sorted_findings(result: DocumentResult) -> list[Finding]:
    """The document's active findings by position, the most severe first at one position."""
    return sorted(result.active_findings, key=lambda f: (f.line, f.column, -f.severity.rank, f.rule))


def render(results: list[DocumentResult], context) -> str:
    lines = []
    for result in results:
        paragraphs = is_docx(result.path)
        whole_document = {id(f) for f in result.document_findings}
        for f in sorted_findings(result):
            message = " ".join(f.message.split())
            suffix = (f" (paragraph {f.line})" if paragraphs and id(f) not in whole_document else "") \
                + (" (known)" if f.known else "")
            lines.append(f"{result.path}:{f.line}:{f.column}: {f.severity.value} {f.rule}: {message}{suffix}")
    return "".join(line + "\n" for line in lines)
