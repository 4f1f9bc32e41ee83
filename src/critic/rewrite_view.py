"""How `critic rewrite` shows a bullet: score, the bullet with the words behind each finding highlighted, one line
per failure mode, how to fix, and the rewrite scaffold (terminal or JSON). Several bullets are shown one after
another; in JSON they form one `critic/rewrites` object (docs/json-schema.md)."""

from __future__ import annotations

import io
import json

REWRITE_SCHEMA = {"schema": "critic/rewrite", "schema_version": 1}
REWRITES_SCHEMA = {"schema": "critic/rewrites", "schema_version": 1}


def rewrite_dict(result, scaffold) -> dict:
    return {
        **REWRITE_SCHEMA,
        "bullet": result.bullet.text,
        "line": result.bullet.line,
        "score": result.score,
        "dimensions": dict(result.dimensions),
        "findings": [f.to_dict() for f in result.active_findings],
        "signals": [s.to_dict() for s in result.signals],
        "scaffold": scaffold.to_dict(),
    }


def rewrites_dict(items: list[dict]) -> dict:
    """Several bullets: each item is a `critic/rewrite` object (with its input `line`), in input order."""
    return {**REWRITES_SCHEMA, "count": len(items), "rewrites": items}


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def bullet_heading(number: int, total: int, line: int, color: bool | None) -> str:
    """The line above each bullet when several are reviewed one after another."""
    from rich.text import Text

    buffer = io.StringIO()
    _console(buffer, color).print(Text(f"Bullet {number} of {total} (line {line})", style="bold reverse"),
                                  soft_wrap=True)
    return buffer.getvalue()


def _console(buffer, color: bool | None):
    from .report import ReportContext
    from .report.terminal import _console as report_console

    return report_console(ReportContext(color=color), buffer)


def _packed(label: str, items, width: int, indent: int) -> list[str]:
    """`label` and the items two spaces apart, wrapped to `width` without breaking an item."""
    lines = [" " * indent + label]
    for item in items:
        if len(lines[-1]) + 2 + len(item) > width and lines[-1].strip() != label.strip():
            lines.append(" " * (indent + len(label)))
        lines[-1] += ("" if lines[-1].endswith(label) or not lines[-1].strip() else "  ") + item
    return lines


def render_rewrite(result, scaffold, format_name: str, color: bool | None) -> str:
    if format_name == "json":
        return dumps(rewrite_dict(result, scaffold))
    from rich.text import Text

    from .report import ReportContext
    from .report.terminal import Report, _hanging, _paragraph, _score_style, highlighted

    buffer = io.StringIO()
    console = _console(buffer, color)
    report = Report(console, ReportContext(color=color), console.width)
    width = report.width
    head = Text("Score ")
    head.append(f"{result.score}/100", style="bold " + _score_style(result.score))
    head.append("  " + "  ".join(f"{k} {v}" for k, v in result.dimensions.items()), style="dim")
    report.print(head)
    active = result.active_findings
    report.print(*_hanging(console, Text("  "), highlighted(result.bullet.text, active, report.colour), width, 2))
    if active:
        report.findings_block(active, result.bullet.text, None, 2, result.bullet.line)
    else:
        report.print(Text("  No findings.", style="green"))
    if result.signals:
        strengths = ", ".join(dict.fromkeys(s.rule for s in result.signals))
        report.print(*_paragraph(console, "strengths: " + strengths, width, 2, "dim green"))
    report.print(Text())
    report.how_to_fix(show_lines=False)
    report.print(Text("Rewrite scaffold (fill in the [brackets]; nothing was invented):", style="bold"))
    report.print(Text("  " + scaffold.text))  # one line, however long, so it copies whole into a document
    if scaffold.placeholders:
        for line in _packed("to fill: ", scaffold.placeholders, width, 2):
            report.print(Text(line, style="dim"))
    for step in scaffold.steps:
        report.print(*_hanging(console, Text("  - ", style="dim"), Text(step, style="dim"), width, 4))
    return buffer.getvalue()
