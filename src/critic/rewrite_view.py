"""How `critic rewrite` shows one bullet: score, findings, and the rewrite scaffold (terminal or JSON)."""

from __future__ import annotations

import io
import json


def rewrite_dict(result, scaffold) -> dict:
    return {
        "schema": "critic/rewrite",
        "schema_version": 1,
        "bullet": result.bullet.text,
        "score": result.score,
        "dimensions": dict(result.dimensions),
        "findings": [f.to_dict() for f in result.active_findings],
        "signals": [s.to_dict() for s in result.signals],
        "scaffold": scaffold.to_dict(),
    }


def render_rewrite(result, scaffold, format_name: str, color: bool | None) -> str:
    if format_name == "json":
        return json.dumps(rewrite_dict(result, scaffold), indent=2, ensure_ascii=False) + "\n"
    import os

    from rich.console import Console
    from rich.text import Text

    from .report.terminal import STYLE, _score_style

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=bool(os.environ.get("NO_COLOR")) or color is False,
                      highlight=False, emoji=False)
    head = Text("Score ")
    head.append(f"{result.score}/100", style="bold " + _score_style(result.score))
    head.append("  " + "  ".join(f"{k} {v}" for k, v in result.dimensions.items()), style="dim")
    console.print(head)
    console.print(Text(result.bullet.text))
    console.print()
    if result.active_findings:
        for f in result.active_findings:
            line = Text("  ")
            line.append(f"{f.severity.value:<7} ", style=STYLE[f.severity.value])
            line.append(f"{f.failure_mode} ", style="bold")
            line.append(f.message)
            console.print(line)
            console.print(Text("    fix: " + f.fix, style="dim"))
    else:
        console.print(Text("  No findings.", style="green"))
    if result.signals:
        console.print(Text("  strengths: " + ", ".join(s.rule for s in result.signals), style="dim green"))
    console.print()
    console.print(Text("Rewrite scaffold (fill in the [brackets]; nothing was invented):", style="bold"))
    console.print(Text("  " + scaffold.text))
    if scaffold.placeholders:
        console.print(Text("  to fill: " + "  ".join(scaffold.placeholders), style="dim"))
    for step in scaffold.steps:
        console.print(Text("  - " + step, style="dim"))
    return buffer.getvalue()
