"""The `critic` command line. It parses flags and calls the API; the work happens in api/engine/report.

Exit codes: 0 passed, 1 a threshold failed (--fail-under / --fail-on), 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import CriticError, InputError

app = typer.Typer(
    name="critic",
    help="A narrative critic for promotion dossiers: scores every bullet against what a promotion committee "
         "looks for, explains each weakness and scaffolds a stronger rewrite. Works fully offline.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, Enum):
    rich = "rich"
    json = "json"


class ReportFormat(str, Enum):
    """`critic review --format`: one per reporter in report/__init__.py FORMATS."""

    rich = "rich"
    json = "json"
    line = "line"
    sarif = "sarif"
    github = "github"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    none = "none"


class Kind(str, Enum):
    auto = "auto"
    markdown = "markdown"
    plain = "plain"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, no traceback."""
    typer.echo(f"critic: error: {message}", err=True)
    raise typer.Exit(code)


def _write(text: str, output: Optional[Path], inputs: list[str]) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if output.is_dir():
        raise InputError(f"{output}: is a directory; give --output a file name")
    resolved = output.resolve()
    if any(p != "-" and Path(p).resolve() == resolved for p in inputs):
        raise InputError(f"{output}: refusing to write the report over a file being reviewed")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: cannot write the report ({exc.strerror or exc})") from None


def _read_stdin(kind: Kind) -> tuple[str, str]:
    from .document import decode_document

    return decode_document(sys.stdin.buffer.read(), "<stdin>"), "plain" if kind == Kind.plain else "markdown"


def _color(color: Color) -> Optional[bool]:
    return {Color.auto: None, Color.always: True, Color.never: False}[color]


# --- review ----------------------------------------------------------------------------------------------------

@app.command()
def review(
    paths: Annotated[list[str], typer.Argument(help="Markdown or .txt dossiers to review; - reads standard input.",
                                               show_default=False)],
    format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="Report format: rich (terminal), json, line (path:line:col: severity rule: message), "
                               "sarif (SARIF 2.1.0 for code scanning) or github (Actions annotations).")
    ] = ReportFormat.rich,
    fail_under: Annotated[Optional[int], typer.Option(
        "--fail-under", min=0, max=100, help="Exit 1 if a document scores below this (0-100).")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        "--fail-on", help="Exit 1 if any finding is at least this severe. [default: error]")] = None,
    rubric: Annotated[Optional[str], typer.Option(
        "--rubric", help="Rubric YAML file, or the name of a bundled rubric. [default: default]")] = None,
    config: Annotated[Optional[Path], typer.Option(
        "--config", help="Config file to use instead of searching for .critic.toml / pyproject.toml.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only findings and the summary.")] = False,
    kind: Annotated[Kind, typer.Option(
        "--kind", help="How to read input: auto (.txt is plain, the rest Markdown), markdown or plain.")] = Kind.auto,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the report to this file instead of standard output.")] = None,
    color: Annotated[Color, typer.Option("--color", help="Colour in the terminal report.")] = Color.auto,
    max_size: Annotated[int, typer.Option("--max-size", min=1, help="Largest file to read, in MiB.")] = 32,
    baseline: Annotated[Optional[Path], typer.Option(
        "--baseline", help="Baseline file from `critic baseline`: findings recorded in it are reported as known "
                           "and do not fail the run (matched on file, rule and bullet text, not line).",
        show_default=False)] = None,
) -> None:
    """Score every bullet of one or more dossiers and report the dossier as a whole."""
    from .report import ReportContext, render
    from .runtime import resolve_settings, verdict

    try:
        first = next((p for p in paths if p != "-"), None)
        settings = resolve_settings(config=config, start=first, rubric=rubric, fail_under=fail_under,
                                    fail_on=fail_on.value if fail_on else None)
        known = None
        if baseline is not None:
            from . import baseline as baselines

            known = baselines.load(baseline)
        results = _review_paths(paths, settings, kind, max_size)
        if known is not None:
            results = baselines.apply(results, known)
        passed, code = verdict(results, settings.fail_under, settings.fail_on)
        context = ReportContext(quiet=quiet, fail_under=settings.fail_under, fail_on=settings.fail_on,
                                passed=passed, exit_code=code, rubric=settings.rubric, color=_color(color),
                                extra={"baseline": str(baseline)} if baseline is not None else {})
        _write(render(format.value, results, context), output, paths)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    if code:
        raise typer.Exit(code)


def _review_paths(paths: list[str], settings, kind: Kind, max_size: int) -> list:
    """Read and review each path (- is standard input) with the resolved settings."""
    from .api import review_text
    from .document import read_document_text

    results = []
    for path in paths:
        if path == "-":
            text, doc_kind = _read_stdin(kind)
            name = "<stdin>"
        else:
            text = read_document_text(path, max_bytes=max_size * 1024 * 1024)
            doc_kind = None if kind == Kind.auto else kind.value
            name = path
        results.append(review_text(text, path=name, kind=doc_kind, rubric=settings.rubric,
                                   options=settings.options))
    return results


# --- baseline --------------------------------------------------------------------------------------------------

@app.command()
def baseline(
    paths: Annotated[list[str], typer.Argument(
        help="Markdown or .txt dossiers whose current findings to record; - reads standard input.",
        show_default=False)],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the baseline to this file instead of standard output.")] = None,
    rubric: Annotated[Optional[str], typer.Option(
        "--rubric", help="Rubric YAML file, or the name of a bundled rubric. [default: default]")] = None,
    config: Annotated[Optional[Path], typer.Option(
        "--config", help="Config file to use instead of searching for .critic.toml / pyproject.toml.")] = None,
    kind: Annotated[Kind, typer.Option(
        "--kind", help="How to read input: auto (.txt is plain, the rest Markdown), markdown or plain.")] = Kind.auto,
    max_size: Annotated[int, typer.Option("--max-size", min=1, help="Largest file to read, in MiB.")] = 32,
) -> None:
    """Record the current findings as a baseline (JSON) for `critic review --baseline FILE`.

    Run it from the directory you will review from (the repository root): findings are matched on the path as
    given, the rule and the bullet text, so moved bullets stay known.
    """
    from . import baseline as baselines
    from .runtime import resolve_settings

    try:
        first = next((p for p in paths if p != "-"), None)
        settings = resolve_settings(config=config, start=first, rubric=rubric)
        results = _review_paths(paths, settings, kind, max_size)
        _write(baselines.dumps(baselines.build(results, settings.rubric.fingerprint)), output, paths)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)


# --- rewrite ---------------------------------------------------------------------------------------------------

@app.command()
def rewrite(
    bullet: Annotated[Optional[str], typer.Argument(
        help="The bullet to critique and rewrite; omit it or pass - to read standard input.",
        show_default=False)] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.rich,
    rubric: Annotated[Optional[str], typer.Option("--rubric", help="Rubric YAML file or bundled name.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Config file to use.")] = None,
    color: Annotated[Color, typer.Option("--color", help="Colour in the terminal output.")] = Color.auto,
) -> None:
    """Critique one bullet and show a stronger structure with [placeholders] for the facts only you have."""
    from .api import scaffold_rewrite
    from .runtime import resolve_settings
    from .rewrite_view import render_rewrite

    try:
        if bullet is None or bullet == "-":
            if sys.stdin.isatty():
                fail("give the bullet as an argument or on standard input")
            text, _ = _read_stdin(Kind.plain)
            bullet = " ".join(text.split())
        if not bullet.strip():
            fail("the bullet is empty")
        settings = resolve_settings(config=config, start=None, rubric=rubric)
        result, scaffold = scaffold_rewrite(" ".join(bullet.split()), rubric=settings.rubric,
                                            options=settings.options)
        sys.stdout.write(render_rewrite(result, scaffold, format.value, _color(color)))
    except CriticError as exc:
        fail(str(exc), exc.exit_code)


# --- rules / explain -------------------------------------------------------------------------------------------

@app.command()
def rules(
    rubric: Annotated[Optional[str], typer.Option("--rubric", help="Rubric YAML file or bundled name.")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.rich,
) -> None:
    """List the rubric's rules and positive signals."""
    import json

    from .rubric.load import load_rubric

    try:
        loaded = load_rubric(rubric)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    if format == OutputFormat.json:
        data = [{"id": r.id, "kind": r.kind, "failure_mode": r.failure_mode or None,
                 "severity": None if r.is_signal else r.severity.value, "dimension": r.dimension,
                 "scope": r.scope, "message": r.message} for r in loaded.rules]
        typer.echo(json.dumps({"rubric": loaded.fingerprint, "rules": data}, indent=2))
        return
    width = max(len(r.id) for r in loaded.rules)
    typer.echo(f"{loaded.fingerprint}: {len(loaded.rules)} rules ({loaded.path})")
    for r in loaded.rules:
        level = "signal +%d" % r.points if r.is_signal else r.severity.value
        mode = r.failure_mode or r.dimension
        typer.echo(f"  {r.id:<{width}}  {level:<10} {mode:<22} {r.message}")


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="A rule id from `critic rules`.", show_default=False)],
    rubric: Annotated[Optional[str], typer.Option("--rubric", help="Rubric YAML file or bundled name.")] = None,
) -> None:
    """Show a rule's rationale, how to fix it and its examples."""
    import difflib

    from .rubric.load import load_rubric

    try:
        loaded = load_rubric(rubric)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    rule = loaded.rule(rule_id)
    if rule is None:
        by_mode = [r.id for r in loaded.rules if r.failure_mode == rule_id]
        if by_mode:
            fail(f"{rule_id!r} is a failure mode; its rules are: {', '.join(by_mode)}")
        close = difflib.get_close_matches(rule_id, [r.id for r in loaded.rules], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see `critic rules`)"
        fail(f"no rule {rule_id!r} in {loaded.fingerprint}{hint}")
    kind = f"signal, +{rule.points} {rule.dimension}" if rule.is_signal else \
        f"{rule.severity.value}, failure mode {rule.failure_mode}"
    lines = [f"{rule.id} ({kind})", "", rule.message, "", "Why: " + rule.rationale, "", "Fix: " + rule.fix, ""]
    bad_label, good_label = ("Lacks the signal", "Shows the signal") if rule.is_signal else ("Flagged", "Not flagged")
    lines.append(f"{good_label if rule.is_signal else bad_label}:")
    first, second = (rule.examples.good, rule.examples.bad) if rule.is_signal else (rule.examples.bad,
                                                                                     rule.examples.good)
    lines += [f"  - {' / '.join(e.splitlines())}" for e in first]
    lines.append(f"{bad_label if rule.is_signal else good_label}:")
    lines += [f"  - {' / '.join(e.splitlines())}" for e in second]
    typer.echo("\n".join(lines))


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)] = False,
) -> None:
    if version:
        from . import __version__

        typer.echo(f"critic {__version__}")
        raise typer.Exit()


def main() -> None:
    """Entry point: any unexpected exception is one line too (CRITIC_DEBUG=1 shows the traceback)."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("critic: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence against tracebacks
        if os.environ.get("CRITIC_DEBUG"):
            raise
        typer.echo(f"critic: internal error: {type(exc).__name__}: {exc} (set CRITIC_DEBUG=1 for details)",
                   err=True)
        sys.exit(2)
