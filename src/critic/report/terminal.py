"""The default terminal report, rendered with rich: per bullet its score and findings (coloured by severity, with
the fix hint), the dossier checklist, and a summary. Colour follows rich's rules: off when not a TTY or when
NO_COLOR is set."""

from __future__ import annotations

import io

from ..models import BulletResult, DocumentResult, Finding

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _score_style(score: int | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 70 else "yellow" if score >= 45 else "red"


def _console(context, buffer):
    import os

    from rich.console import Console

    force = None if context.color is None else context.color
    no_color = bool(os.environ.get("NO_COLOR")) or context.color is False
    console = Console(file=buffer, force_terminal=force, no_color=no_color, width=context.width or None,
                      highlight=False, emoji=False)
    # piped output keeps one finding per line (grep-friendly); a terminal wraps to its width
    console.soft_wrap = not console.is_terminal
    return console


def render(results: list[DocumentResult], context) -> str:
    from rich.markup import escape
    from rich.text import Text

    buffer = io.StringIO()
    console = _console(context, buffer)

    def finding_line(f: Finding, indent: str, show_fix: bool) -> None:
        if f.known:  # in the --baseline file: dimmed, no fix hint, hidden by --quiet
            if not context.quiet:
                console.print(Text(f"{indent}{f.line}:{f.column} {f.severity.value:<7} {f.failure_mode} "
                                   f"{f.message}  [{f.rule}] (known)", style="dim"))
            return
        line = Text(indent)
        line.append(f"{f.line}:{f.column} ", style="dim")
        line.append(f"{f.severity.value:<7} ", style=STYLE[f.severity.value])
        line.append(f"{f.failure_mode} ", style="bold")
        line.append(f.message)
        line.append(f"  [{f.rule}]", style="dim")
        console.print(line)
        if show_fix:
            console.print(Text(indent + "  fix: " + f.fix, style="dim"))

    for result in results:
        summary = result.summary()
        header = Text()
        header.append(result.path, style="bold underline")
        if result.score is None:
            header.append("  no bullets found", style="dim")
            console.print(header)
            console.print()
            continue
        header.append("  score ")
        header.append(f"{result.score}/100", style="bold " + _score_style(result.score))
        sev = summary["by_severity"]
        header.append(f"  {summary['bullets']} bullets, {sev['error']} errors, {sev['warning']} warnings, "
                      f"{sev['info']} info", style="dim")
        if summary["suppressed"]:
            header.append(f", {summary['suppressed']} suppressed", style="dim")
        known = sum(1 for f in result.active_findings if f.known)
        if known:
            header.append(f", {known} of them known (baseline)", style="dim")
        console.print(header)
        for warning in result.warnings:
            console.print(Text(f"  {warning.line}: warning: {warning.message}", style="yellow"))
        console.print()

        for bullet in result.bullets:
            _bullet(console, bullet, context, finding_line, escape)

        for f in result.document_findings:
            if not f.suppressed and not (context.quiet and f.known):
                console.print(Text("Dossier:", style="bold"))
                finding_line(f, "  ", not context.quiet)
        if not context.quiet and result.checklist:
            present = summary["checklist_present"]
            console.print(Text(f"Dossier checklist: {present} of {summary['checklist_total']} shown",
                               style="bold"))
            for item in result.checklist:
                row = Text("  ")
                if item.present:
                    row.append("\u2713 ", style="green")
                    row.append(item.title)
                    row.append("  line" + ("s " if len(item.lines) > 1 else " ")
                               + ", ".join(str(n) for n in item.lines), style="dim")
                else:
                    row.append("\u2717 ", style="red")
                    row.append(item.title)
                    row.append("  " + item.hint, style="dim")
                console.print(row)
        console.print()

    baseline = context.extra.get("baseline")
    if len(results) > 1 or context.fail_under is not None or not context.passed or baseline:
        verdict = Text()
        verdict.append("passed" if context.passed else "failed", style="bold green" if context.passed else "bold red")
        reasons = []
        if context.fail_on is not None:
            reasons.append(f"fail on {context.fail_on.value}")
        if context.fail_under is not None:
            reasons.append(f"fail under {context.fail_under}")
        if baseline:
            known = sum(1 for r in results for f in r.active_findings if f.known)
            reasons.append(f"{known} known in baseline {baseline} ignored")
        if reasons:
            verdict.append(f" ({', '.join(reasons)})", style="dim")
        console.print(verdict)
    return buffer.getvalue()


def _bullet(console, bullet: BulletResult, context, finding_line, escape) -> None:
    from rich.text import Text

    active = bullet.active_findings
    if context.quiet and not any(not f.known for f in active):
        return
    b = bullet.bullet
    head = Text()
    head.append(f"{b.line:>4}:{b.column:<3}", style="dim")
    head.append(f"{bullet.score:>3} ", style="bold " + _score_style(bullet.score))
    text = b.text if len(b.text) <= 110 or not context.quiet else b.text[:107] + "..."
    head.append(text)
    console.print(head)
    for f in active:
        finding_line(f, "          ", not context.quiet)
    suppressed = [f for f in bullet.findings if f.suppressed]
    if suppressed and not context.quiet:
        names = ", ".join(f.rule for f in suppressed)
        console.print(Text(f"          suppressed: {names}", style="dim"))
    if not context.quiet and bullet.signals and not active:
        console.print(Text("          strengths: " + ", ".join(s.rule for s in bullet.signals), style="dim green"))
