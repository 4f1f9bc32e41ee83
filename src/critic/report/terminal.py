"""The default terminal report, concise by default, rendered with rich.

Per file: a header with the score, then every bullet: its line, score and text, with the words that triggered a
finding highlighted, and one line per failure mode (`path:line:col  severity  mode  "words"`, so terminals and
editors can jump to it). The dossier's own findings and a compact checklist follow. After the files: "How to fix",
one fix hint per rule shown (never repeated per bullet; `critic explain RULE` is the long form), a summary table
by failure mode and the verdict.

Highlighting: on a colour terminal the triggering words are coloured by the most severe finding that covers them.
Without colour (output piped or redirected, `--color never`, NO_COLOR) they are wrapped in [[double brackets]];
overlapping or touching spans of different findings become one [[...]] region.

`--verbose` adds every finding of a mode (not only the strongest) with its rule and message, the positive
signals, suppression reasons and the checklist hints. `--quiet` keeps only the bullets with findings and the
summary. Text wraps to the console width (80 columns when not a terminal, unless COLUMNS says otherwise); finding
lines never wrap, so `grep` sees one finding per line.
"""

from __future__ import annotations

import io
import os

from ..models import BulletResult, DocumentResult, Finding, Severity

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
HIGHLIGHT = {"error": "bold red underline", "warning": "bold yellow underline", "info": "cyan underline"}
MARK_OPEN, MARK_CLOSE = "[[", "]]"
BULLET_INDENT = 10  # "  11  57  " : line number, score, then the text
LINES_SHOWN = 8     # "lines 1, 2, ..." in How to fix lists at most this many


def _score_style(score: int | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 70 else "yellow" if score >= 45 else "red"


def _console(context, buffer):
    from rich.console import Console

    force = None if context.color is None else context.color
    no_color = bool(os.environ.get("NO_COLOR")) or context.color is False
    return Console(file=buffer, force_terminal=force, no_color=no_color, width=context.width or None,
                   highlight=False, emoji=False)


def uses_colour(console) -> bool:
    """Whether highlights can be shown as colour; otherwise they are [[marked]]."""
    return console.color_system is not None and not console.no_color


# --- findings: the strongest per failure mode ---------------------------------------------------------------------

def by_mode(findings) -> list[tuple[Finding, list[Finding]]]:
    """(strongest, the others) per failure mode, the most severe mode first. The strongest is the most severe
    finding of the mode, the first one found on a tie (the score charges a mode once, at its largest penalty).
    Findings known from a --baseline form their own group, after the new ones, so a known finding never hides a
    new one."""
    groups: dict[tuple[str, bool], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.failure_mode, f.known), []).append(f)
    ordered = []
    for group in groups.values():
        strongest = max(group, key=lambda f: f.severity.rank)  # max keeps the first of equals
        ordered.append((strongest, [f for f in group if f is not strongest]))
    # stable: modes of equal severity keep the order they were found in
    return sorted(ordered, key=lambda pair: (pair[0].known, -pair[0].severity.rank))


def _span(f: Finding, text: str) -> tuple[int, int] | None:
    return (f.start, f.end) if 0 <= f.start < f.end <= len(text) else None


# --- highlighting -------------------------------------------------------------------------------------------------

def highlighted(text: str, findings, colour: bool):
    """The bullet text with the words each finding matched highlighted (see the module docstring)."""
    from rich.text import Text

    rank = [0] * len(text)  # per character: the most severe finding covering it (0 = none)
    for f in findings:
        span = _span(f, text)
        if span:
            for i in range(*span):
                rank[i] = max(rank[i], f.severity.rank)
    by_rank = {s.rank: s.value for s in Severity}
    out = Text()
    i = 0
    while i < len(text):
        j = i
        if colour:
            while j < len(text) and rank[j] == rank[i]:
                j += 1
            out.append(text[i:j], style=HIGHLIGHT[by_rank[rank[i]]] if rank[i] else "")
        else:
            marked = bool(rank[i])
            while j < len(text) and bool(rank[j]) == marked:
                j += 1
            out.append(f"{MARK_OPEN}{text[i:j]}{MARK_CLOSE}" if marked else text[i:j])
        i = j
    return out


# --- layout helpers -----------------------------------------------------------------------------------------------

def _hanging(console, first, rest, width: int, indent: int):
    """`first` (a prefix of width `indent`) then `rest` wrapped to `width`, continuation lines indented."""
    from rich.text import Text

    lines = rest.wrap(console, max(20, width - indent)) if rest.plain else [Text()]
    out = []
    for n, line in enumerate(lines):
        line.rstrip()
        out.append((first if n == 0 else Text(" " * indent)) + line)
    return out


def _paragraph(console, text: str, width: int, indent: int, style: str = ""):
    """Plain text wrapped to `width`, every line indented."""
    from rich.text import Text

    return _hanging(console, Text(" " * indent), Text(text, style=style), width, indent)


def _styled(text: str, style: str):
    """A Text whose style stays on these characters when more is appended (a Text's own style covers all of it)."""
    from rich.text import Text

    out = Text()
    out.append(text, style=style)
    return out


def _clip(text: str, room: int) -> str:
    """`text` cut to `room` characters at a word boundary where there is one, with an ellipsis."""
    if len(text) <= room:
        return text
    cut = text[:max(room - 1, 0)]
    if " " in cut[room // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "\u2026"


def _places(places: list[tuple[str, int | None]], several_files: bool = False) -> str:
    """Where a rule fired, for How to fix: "line 11", "lines 11, 14", "the dossier", and with several files
    "a.md 3, 7; b.md 2". At most LINES_SHOWN places are named."""
    by_path: dict[str, list[str]] = {}
    for path, line in dict.fromkeys(places):
        whole = "as a whole" if several_files else "the dossier"
        by_path.setdefault(path, []).append(whole if line is None else str(line))
    total = sum(len(names) for names in by_path.values())
    left, parts = LINES_SHOWN, []
    for path, names in by_path.items():
        if left <= 0:
            break
        shown, left = names[:left], left - len(names)
        if several_files:
            parts.append(f"{path} {', '.join(shown)}")
        else:
            numbered = shown[0].isdigit()
            parts.append(("line " if len(names) == 1 else "lines ") * numbered + ", ".join(shown))
    more = f" and {total - LINES_SHOWN} more" if total > LINES_SHOWN else ""
    return "; ".join(parts) + more


def _lines_list(numbers) -> str:
    return _places([("", n) for n in sorted(set(numbers))])


class Report:
    """The pieces of the report; critic rewrite (rewrite_view.py) uses them for its one bullet too."""

    def __init__(self, console, context, width: int):
        self.console = console
        self.context = context
        self.width = width
        self.colour = uses_colour(console)
        self.verbose = bool(getattr(context, "verbose", False))
        self.quiet = context.quiet
        self.several_files = False  # How to fix then names the file of each line
        # rule -> (a finding of it, where it fired as (path, line or None for the dossier)), for How to fix
        self.fixes: dict[str, tuple[Finding, list[tuple[str, int | None]]]] = {}

    def print(self, *texts) -> None:
        for text in texts:
            self.console.print(text, soft_wrap=True)

    # --- findings -----------------------------------------------------------------------------------------------

    def finding_line(self, f: Finding, text: str | None, path: str | None, indent: int, loc_width: int = 0,
                     more: int = 0):
        """One finding on one line: `path:line:col  severity  mode  "words"` (never wrapped)."""
        from rich.text import Text

        line = Text(" " * indent)
        if path is not None:
            loc = f"{path}:{f.line}:{f.column}"
            line.append(f"{loc:<{loc_width}}  ", style="dim")
        line.append(f"{f.severity.value:<7}  ", style="dim" if f.known else STYLE[f.severity.value])
        line.append(f.failure_mode, style="dim" if f.known else "bold")
        if more:
            line.append(f"  (+{more} more)", style="dim")
        if f.known:
            line.append("  (known)", style="dim")
        span = _span(f, text) if text is not None else None
        if span:
            words = " ".join(text[span[0]:span[1]].split())
            room = self.width - line.cell_len - 4
            if room >= 12:
                line.append(f"  \u201c{_clip(words, room)}\u201d", style="dim")
        return line

    def remember_fix(self, f: Finding, path: str | None, line: int | None) -> None:
        if f.known:
            return
        entry = self.fixes.setdefault(f.rule, (f, []))
        entry[1].append((path or "", line))

    def findings_block(self, findings, text: str | None, path: str | None, indent: int, line_no: int | None) -> None:
        """The failure-mode lines of one bullet (or of the dossier), and what How to fix needs."""
        from rich.text import Text

        groups = by_mode(findings)
        shown = [f for strongest, others in groups for f in ([strongest] + (others if self.verbose else []))]
        if path is not None:
            loc_width = max((len(f"{path}:{f.line}:{f.column}") for f in shown), default=0)
        else:
            loc_width = 0
        # a long path moves the finding lines left rather than past the width (they never wrap)
        longest = max((self.finding_line(strongest, None, path, 0, loc_width,
                                         more=0 if self.verbose else len(others)).cell_len
                       for strongest, others in groups), default=0)
        indent = max(2, min(indent, self.width - longest))
        for strongest, others in groups:
            if self.quiet and strongest.known:
                continue
            self.print(self.finding_line(strongest, text, path, indent, loc_width,
                                         more=0 if self.verbose else len(others)))
            self.remember_fix(strongest, path, line_no)
            if text is None and not self.verbose:  # a dossier finding has no words to show: say what it is
                self.print(*_paragraph(self.console, strongest.message, self.width, indent + 2, "dim"))
            if self.verbose:
                self.print(*_paragraph(self.console, f"{strongest.rule}: {strongest.message}", self.width,
                                       indent + 2, "dim"))
                for other in others:
                    self.print(self.finding_line(other, text, path, indent, loc_width))
                    self.print(*_paragraph(self.console, f"{other.rule}: {other.message}", self.width,
                                           indent + 2, "dim"))
                    self.remember_fix(other, path, line_no)

    # --- bullets ------------------------------------------------------------------------------------------------

    def bullet(self, bullet: BulletResult, path: str | None) -> None:
        from rich.text import Text

        active = bullet.active_findings
        if self.quiet and not any(not f.known for f in active):
            return
        b = bullet.bullet
        head = _styled(f"{b.line:>4} ", "dim")
        head.append(f"{bullet.score:>3}", style="bold " + _score_style(bullet.score))
        head.append("  ")
        if not active and not self.verbose:  # a clean bullet: one line
            self.print(head + Text(_clip(b.text, self.width - BULLET_INDENT)))
        else:
            marked = [f for f in active if not f.known]
            self.print(*_hanging(self.console, head, highlighted(b.text, marked, self.colour), self.width,
                                 BULLET_INDENT))
            self.findings_block(active, b.text, path, BULLET_INDENT, b.line)
        suppressed = [f for f in bullet.findings if f.suppressed]
        if suppressed and not self.quiet:
            if self.verbose:
                names = "; ".join(f"{f.rule} ({f.suppression_reason})" if f.suppression_reason else f.rule
                                  for f in suppressed)
            else:
                names = ", ".join(dict.fromkeys(f.rule for f in suppressed))
            self.print(*_paragraph(self.console, "suppressed: " + names, self.width, BULLET_INDENT, "dim"))
        if self.verbose and bullet.signals:
            strengths = ", ".join(dict.fromkeys(s.rule for s in bullet.signals))
            self.print(*_paragraph(self.console, "strengths: " + strengths, self.width, BULLET_INDENT,
                                   "dim green"))

    # --- a file -------------------------------------------------------------------------------------------------

    def document(self, result: DocumentResult) -> None:
        from rich.text import Text

        summary = result.summary()
        header = _styled(result.path, "bold underline")
        if result.score is None:
            header.append("  no bullets found", style="dim")
            self.print(header, Text())
            return
        header.append("  score ")
        header.append(f"{result.score}/100", style="bold " + _score_style(result.score))
        sev = summary["by_severity"]
        counts = (f"{summary['bullets']} bullets, {sev['error']} errors, {sev['warning']} warnings, "
                  f"{sev['info']} info")
        if summary["suppressed"]:
            counts += f", {summary['suppressed']} suppressed"
        known = sum(1 for f in result.active_findings if f.known)
        if known:
            counts += f", {known} of them known (baseline)"
        if header.cell_len + 2 + len(counts) <= self.width:
            self.print(header + Text("  " + counts, style="dim"))
        else:
            self.print(header, *_paragraph(self.console, counts, self.width, 2, "dim"))
        for warning in result.warnings:  # text the reader could not review
            self.print(*_paragraph(self.console, f"{warning.line}: warning: {warning.message}", self.width, 2,
                                   "yellow"))
        self.print(Text())
        for bullet in result.bullets:
            self.bullet(bullet, result.path)
        dossier = [f for f in result.document_findings if not f.suppressed and not (self.quiet and f.known)]
        if dossier:
            self.print(Text(), Text("Dossier", style="bold"))
            self.findings_block(dossier, None, result.path, 2, None)
        if not self.quiet and result.checklist:
            self.print(Text())
            self.checklist(result, summary)
        self.print(Text())

    def checklist(self, result: DocumentResult, summary: dict) -> None:
        from rich.text import Text

        self.print(Text(f"Dossier checklist: {summary['checklist_present']} of {summary['checklist_total']} shown",
                        style="bold"))
        present = [c for c in result.checklist if c.present]
        missing = [c for c in result.checklist if not c.present]
        if self.verbose:
            for item in present:
                text = Text(item.title)
                text.append(f" ({_lines_list(item.lines)})", style="dim")
                self.print(*_hanging(self.console, _styled("  \u2713 ", "green"), text, self.width, 4))
            for item in missing:
                self.print(*_hanging(self.console, _styled("  \u2717 ", "red"), Text(item.title), self.width, 4))
                self.print(*_paragraph(self.console, item.hint, self.width, 4, "dim"))
        elif missing:  # compact: what is missing; -v lists what is shown, with its lines, and hints
            text = Text("; ".join(item.title for item in missing))
            self.print(*_hanging(self.console, _styled("  \u2717 ", "red"), text, self.width, 4))

    # --- after the files ----------------------------------------------------------------------------------------

    def how_to_fix(self, show_lines: bool = True) -> None:
        from rich.text import Text

        if self.quiet or not self.fixes:
            return
        title = _styled("How to fix", "bold")
        title.append("  (critic explain RULE: why, with examples)", style="dim")
        self.print(title)
        # the most severe first; among equals, in the order they were first found
        for rule, (f, lines) in sorted(self.fixes.items(), key=lambda kv: -kv[1][0].severity.rank):
            head = Text("  ")
            head.append(f.failure_mode, style="bold")
            head.append(f" ({rule}; {_places(lines, self.several_files)}): " if show_lines else f" ({rule}): ", style="dim")
            self.print(*_hanging(self.console, Text(), head + Text(f.fix), self.width, 4))
        self.print(Text())

    def summary_table(self, results: list[DocumentResult]) -> None:
        from rich.text import Text

        modes: dict[str, dict] = {}
        for result in results:
            for bullet in result.bullets:
                for mode, group in _group(bullet.active_findings).items():
                    row = modes.setdefault(mode, {"bullets": 0, "findings": 0, "worst": 0})
                    row["bullets"] += 1
                    row["findings"] += len(group)
                    row["worst"] = max(row["worst"], max(f.severity.rank for f in group))
            for f in result.document_findings:
                if not f.suppressed:
                    row = modes.setdefault(f.failure_mode, {"bullets": 0, "findings": 0, "worst": 0})
                    row["findings"] += 1
                    row["worst"] = max(row["worst"], f.severity.rank)
        if not modes:
            return
        names = {s.rank: s.value for s in Severity}
        width = max(24, max(len(m) for m in modes) + 2)
        self.print(Text(f"{'Summary by failure mode':<{width + 2}}{'bullets':>8}{'findings':>10}  worst",
                        style="bold"))
        for mode, row in sorted(modes.items(), key=lambda kv: (-kv[1]["worst"], -kv[1]["bullets"], kv[0])):
            line = Text(f"  {mode:<{width}}{row['bullets']:>8}{row['findings']:>10}  ")
            line.append(names[row["worst"]], style=STYLE[names[row["worst"]]])
            self.print(line)
        self.print(Text())


def _group(findings) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.failure_mode, []).append(f)
    return groups


def render(results: list[DocumentResult], context) -> str:
    from rich.text import Text

    buffer = io.StringIO()
    console = _console(context, buffer)
    report = Report(console, context, context.width or console.width)
    report.several_files = len(results) > 1
    for result in results:
        report.document(result)
    report.how_to_fix()
    report.summary_table(results)

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
        report.print(verdict)
    return buffer.getvalue()
