"""Reporters: each turns the same result objects into one output format. They render; they never compute.

A reporter module exposes `render(results, context) -> str`, and may expose `write(results, context, stream)` to
stream a large report instead of building it as one string (json does). Formats are looked up by name, and the
module is imported only when that format is asked for (rich, for example, loads only for the terminal report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import TextIO

from ..models import DocumentResult, Severity

FORMATS = {
    "rich": "terminal",
    "json": "json_report",
    "line": "line",        # path:line:col: severity rule: message
    "sarif": "sarif",      # SARIF 2.1.0 for code scanning
    "github": "github",    # GitHub Actions workflow commands (annotations)
    "html": "html",        # one self-contained page to share and print
}


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may need besides the results."""

    quiet: bool = False
    verbose: bool = False          # terminal report: every finding, signals, suppression reasons, checklist hints
    fail_under: int | None = None
    fail_on: Severity | None = None
    passed: bool = True
    exit_code: int = 0
    rubric: object = None          # the Rubric, for formats that describe rules (SARIF)
    color: bool | None = None      # None = let rich decide (TTY and NO_COLOR)
    width: int | None = None
    extra: dict = field(default_factory=dict)


def render(format_name: str, results: list[DocumentResult], context: ReportContext) -> str:
    module = import_module(f"{__name__}.{FORMATS[format_name]}")
    return module.render(results, context)


def write(format_name: str, results: list[DocumentResult], context: ReportContext, stream: TextIO) -> None:
    """Write the report to a text stream, streamed when the format can (no whole report in memory)."""
    module = import_module(f"{__name__}.{FORMATS[format_name]}")
    if hasattr(module, "write"):
        module.write(results, context, stream)
    else:
        stream.write(module.render(results, context))
