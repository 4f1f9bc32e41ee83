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

MAX_BYTES_DEFAULT = 32 * 1024 * 1024  # --max-size default, and the bound on `critic rewrite -` input

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
    html = "html"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    none = "none"


class Kind(str, Enum):
    auto = "auto"
    markdown = "markdown"
    plain = "plain"
    docx = "docx"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


KIND_HELP = ("How to read input: auto (.txt is plain text, .docx is Word, the rest Markdown), markdown, plain or "
             "docx (needs critic[docx]).")


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, no traceback."""
    typer.echo(f"critic: error: {message}", err=True)
    raise typer.Exit(code)


def _write(text: str, output: Optional[Path], inputs: list[str]) -> None:
    _write_with(lambda stream: stream.write(text), output, inputs)


def _write_with(write, output: Optional[Path], inputs: list[str]) -> None:
    """Call write(stream) with standard output or the --output file (streamed: no whole report in memory)."""
    if output is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    from .inputs import safe_resolve

    if output.is_dir():
        raise InputError(f"{output}: is a directory; give --output a file name")
    resolved = safe_resolve(output)
    if any(p != "-" and safe_resolve(p) == resolved for p in inputs):
        raise InputError(f"{output}: refusing to write the report over a file being reviewed")
    try:
        with open(output, "w", encoding="utf-8") as stream:
            write(stream)
    except OSError as exc:
        raise InputError(f"{output}: cannot write the report ({exc.strerror or exc})") from None


def _read_stdin(kind: Kind, max_bytes: int) -> tuple[str, str]:
    from .document import read_document_text

    return read_document_text("-", max_bytes), "plain" if kind == Kind.plain else "markdown"


def _is_unicode(text: str) -> bool:
    """False for text with lone surrogates (bytes that were not UTF-8 on the command line)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _color(color: Color) -> Optional[bool]:
    return {Color.auto: None, Color.always: True, Color.never: False}[color]


MaxSizeOpt = Annotated[int, typer.Option(
    "--max-size", min=1, help="Largest file (or standard input) to read, in MiB; only regular files are read.")]


# --- LLM rewrite options, shared by review and rewrite (docs/llm.md) ---------------------------------------------

LlmOpt = Annotated[Optional[str], typer.Option(
    "--llm", help="Rewrite with this model, PROVIDER:MODEL (openai:..., anthropic:..., ollama:...). Without it (or "
                  "a model in [tool.critic.llm]) nothing leaves the machine.", show_default=False,
    rich_help_panel="LLM rewrite")]
BaseUrlOpt = Annotated[Optional[str], typer.Option(
    "--base-url", help="An OpenAI-compatible (or Anthropic-compatible) server: Ollama, vLLM, llama.cpp, LM Studio. "
                       "It gets a dummy key.", show_default=False, rich_help_panel="LLM rewrite")]
SendKeyOpt = Annotated[bool, typer.Option(
    "--send-key-to-base-url", help="Send OPENAI_API_KEY / ANTHROPIC_API_KEY to the server named by --base-url "
                                   "(never to a base_url from a config file).",
    rich_help_panel="LLM rewrite")]
NoLlmOpt = Annotated[bool, typer.Option(
    "--no-llm", help="Never call a model, even if [tool.critic.llm] names one.", rich_help_panel="LLM rewrite")]
VariantsOpt = Annotated[Optional[int], typer.Option(
    "--variants", min=1, max=10, help="Rewrites to ask for per bullet; the verified ones are ranked by score.",
    show_default=False, rich_help_panel="LLM rewrite")]
ConcurrencyOpt = Annotated[Optional[int], typer.Option(
    "--concurrency", min=1, max=64, help="Model calls in flight at once. [default: 8]", show_default=False,
    rich_help_panel="LLM rewrite")]
TimeoutOpt = Annotated[Optional[float], typer.Option(
    "--timeout", min=0.001, help="Seconds per model call, and per verification of its answer. [default: 60]",
    show_default=False,
    rich_help_panel="LLM rewrite")]
MaxCostOpt = Annotated[Optional[float], typer.Option(
    "--max-cost", min=0, help="Stop sending when the estimated cost (USD) could pass this; results so far are "
                              "kept.", show_default=False, rich_help_panel="LLM rewrite")]
RedactOpt = Annotated[bool, typer.Option(
    "--redact", help="Replace money, percentages and customer/company names with tokens before sending.",
    rich_help_panel="LLM rewrite")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Neither read nor write the cache of verified rewrites.", rich_help_panel="LLM rewrite")]
DryRunOpt = Annotated[bool, typer.Option(
    "--dry-run", help="Print exactly what would be sent and the token estimate; send nothing.",
    rich_help_panel="LLM rewrite")]


# --- review ----------------------------------------------------------------------------------------------------

@app.command()
def review(
    paths: Annotated[list[str], typer.Argument(help="Markdown, .txt or .docx dossiers to review; - reads standard "
                                                    "input.",
                                               show_default=False)],
    format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="Report format: rich (terminal), json, line (path:line:col: severity rule: message), "
                               "sarif (SARIF 2.1.0 for code scanning), github (Actions annotations) or html "
                               "(a self-contained page to share; use with -o report.html).")
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
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Terminal report: every finding of each failure mode with its message, the "
                                "strengths and the checklist hints.")] = False,
    kind: Annotated[Kind, typer.Option(
        "--kind", help=KIND_HELP)] = Kind.auto,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the report to this file instead of standard output.")] = None,
    color: Annotated[Color, typer.Option("--color", help="Colour in the terminal report.")] = Color.auto,
    max_size: MaxSizeOpt = MAX_BYTES_DEFAULT >> 20,
    baseline: Annotated[Optional[Path], typer.Option(
        "--baseline", help="Baseline file from `critic baseline`: findings recorded in it are reported as known "
                           "and do not fail the run (matched on file, rule and bullet text, not line).",
        show_default=False)] = None,
    rewrite: Annotated[bool, typer.Option(
        "--rewrite", help="Propose rewrites of the bullets scoring below --rewrite-below: verified LLM rewrites "
                          "with --llm, else deterministic scaffolds.", rich_help_panel="LLM rewrite")] = False,
    rewrite_below: Annotated[Optional[int], typer.Option(
        "--rewrite-below", min=0, max=101, help="Score under which a bullet is rewritten. [default: 70]",
        show_default=False, rich_help_panel="LLM rewrite")] = None,
    interactive: Annotated[bool, typer.Option(
        "--interactive", "-i", help="Accept, edit or reject each rewrite.", rich_help_panel="LLM rewrite")] = False,
    write: Annotated[bool, typer.Option(
        "--write", help="Apply the accepted rewrites to the file (keeping a backup: FILE.bak, or FILE.bak.N when "
                        "that name is taken); without --interactive every verified rewrite is accepted.",
        rich_help_panel="LLM rewrite")] = False,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Show the change to each file as a unified diff (without --write, nothing is written).",
        rich_help_panel="LLM rewrite")] = False,
    no_backup: Annotated[bool, typer.Option(
        "--no-backup", help="With --write, do not keep a backup.", rich_help_panel="LLM rewrite")] = False,
    llm: LlmOpt = None,
    base_url: BaseUrlOpt = None,
    send_key_to_base_url: SendKeyOpt = False,
    no_llm: NoLlmOpt = False,
    variants: VariantsOpt = None,
    concurrency: ConcurrencyOpt = None,
    timeout: TimeoutOpt = None,
    max_cost: MaxCostOpt = None,
    redact: RedactOpt = False,
    no_cache: NoCacheOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Score every bullet of one or more dossiers and report the dossier as a whole."""
    from .report import ReportContext, render
    from .report import write as write_report
    from .runtime import resolve_settings, verdict

    try:
        first = next((p for p in paths if p != "-"), None)
        settings = resolve_settings(config=config, start=first, rubric=rubric, fail_under=fail_under,
                                    fail_on=fail_on.value if fail_on else None)
        known = None
        if baseline is not None:
            from . import baseline as baselines

            known = baselines.load(baseline, max_bytes=max_size * 1024 * 1024)
            if output is not None and _same_file(output, baseline):
                raise InputError(f"{output}: refusing to write the report over the baseline file")
        rewriting = rewrite or interactive or write or diff or bool(llm) or dry_run
        sources: dict[str, str] = {}  # the text each file had when it was reviewed (for --write)
        results = _review_paths(paths, settings, kind, max_size, sources if rewriting else None)
        if known is not None:
            results = baselines.apply(results, known)
        passed, code = verdict(results, settings.fail_under, settings.fail_on)
        context = ReportContext(quiet=quiet, verbose=verbose, fail_under=settings.fail_under,
                                fail_on=settings.fail_on, passed=passed, exit_code=code, rubric=settings.rubric, color=_color(color),
                                extra={"baseline": str(baseline)} if baseline is not None else {})
        if not rewriting:
            _write_with(lambda stream: write_report(format.value, results, context, stream), output, paths)
        else:
            report = render(format.value, results, context)
            from .rewrite_pass import RewriteFlags, review_rewrites

            flags = RewriteFlags(llm=llm, no_llm=no_llm, base_url=base_url, send_key_to_base_url=send_key_to_base_url,
                                 variants=variants, concurrency=concurrency, timeout=timeout, max_cost=max_cost,
                                 rewrite_below=rewrite_below, redact=redact, no_cache=no_cache, dry_run=dry_run,
                                 interactive=interactive, write=write, diff=diff, backup=not no_backup)
            review_rewrites(results, paths, settings, flags, report=report, format_name=format.value,
                            color=_color(color), max_bytes=max_size * 1024 * 1024, sources=sources,
                            kind=None if kind == Kind.auto else kind.value,
                            emit=lambda text: _write(text, output, paths))
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    if code:
        raise typer.Exit(code)


def _same_file(a: Path, b: Path) -> bool:
    from .inputs import safe_resolve

    return safe_resolve(a) == safe_resolve(b)


def _review_paths(paths: list[str], settings, kind: Kind, max_size: int, sources: dict | None = None) -> list:
    """Read and review each path (- is standard input) with the resolved settings; `sources` (if given) gets the
    text of each file as it was reviewed."""
    from .api import review_file, review_text
    from .document import read_document_text
    from .docx_reader import is_docx

    results = []
    max_bytes = max_size * 1024 * 1024
    for path in paths:
        if path == "-":
            if kind == Kind.docx:
                raise InputError("<stdin>: a .docx file is read by name, not from standard input")
            text, doc_kind = _read_stdin(kind, max_bytes)
            result = review_text(text, path="<stdin>", kind=doc_kind, rubric=settings.rubric,
                                 options=settings.options)
        elif kind == Kind.docx or (kind == Kind.auto and is_docx(path)):
            result = review_file(path, kind="docx", rubric=settings.rubric, options=settings.options,
                                 max_bytes=max_bytes)
        else:
            text = read_document_text(path, max_bytes=max_bytes)
            if sources is not None:
                sources[path] = text
            result = review_text(text, path=path, kind=None if kind == Kind.auto else kind.value,
                                 rubric=settings.rubric, options=settings.options)
        for warning in result.warnings:  # text that was not reviewed is never dropped silently
            typer.echo(f"critic: warning: {result.path}:{warning.line}: {warning.message}", err=True)
        results.append(result)
    return results


# --- baseline --------------------------------------------------------------------------------------------------

@app.command()
def baseline(
    paths: Annotated[list[str], typer.Argument(
        help="Markdown, .txt or .docx dossiers whose current findings to record; - reads standard input.",
        show_default=False)],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the baseline to this file instead of standard output.")] = None,
    rubric: Annotated[Optional[str], typer.Option(
        "--rubric", help="Rubric YAML file, or the name of a bundled rubric. [default: default]")] = None,
    config: Annotated[Optional[Path], typer.Option(
        "--config", help="Config file to use instead of searching for .critic.toml / pyproject.toml.")] = None,
    kind: Annotated[Kind, typer.Option(
        "--kind", help=KIND_HELP)] = Kind.auto,
    max_size: MaxSizeOpt = MAX_BYTES_DEFAULT >> 20,
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
        help="The bullet to critique and rewrite; - reads standard input (one bullet a line). Omitted: standard "
             "input, or a paste loop on a terminal.",
        show_default=False)] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.rich,
    rubric: Annotated[Optional[str], typer.Option("--rubric", help="Rubric YAML file or bundled name.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Config file to use.")] = None,
    color: Annotated[Color, typer.Option("--color", help="Colour in the terminal output.")] = Color.auto,
    llm: LlmOpt = None,
    base_url: BaseUrlOpt = None,
    send_key_to_base_url: SendKeyOpt = False,
    no_llm: NoLlmOpt = False,
    variants: VariantsOpt = None,
    timeout: TimeoutOpt = None,
    max_cost: MaxCostOpt = None,
    redact: RedactOpt = False,
    no_cache: NoCacheOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Critique a bullet and show a stronger structure with [placeholders] for the facts only you have.

    Several lines on standard input are reviewed one after another, each line a bullet. With no argument on a
    terminal, paste bullets one at a time (Ctrl-D ends). With --llm (or a model in [tool.critic.llm]) a model
    proposes rewrites too, and only ones the rubric has verified are shown: higher score, no error, no invented
    figure.
    """
    from .rewrite_pass import RewriteFlags, rewrite_bullets
    from .runtime import resolve_settings

    try:
        settings = resolve_settings(config=config, start=None, rubric=rubric)
        flags = RewriteFlags(llm=llm, no_llm=no_llm, base_url=base_url, send_key_to_base_url=send_key_to_base_url,
                             variants=variants, timeout=timeout, max_cost=max_cost, redact=redact,
                             no_cache=no_cache, dry_run=dry_run)

        def critique(text: str) -> str:
            return rewrite_bullets(text, settings, flags, format.value, _color(color))

        if bullet is None and sys.stdin.isatty():
            from .paste_loop import paste_loop

            code = paste_loop(critique)
            if code:
                raise typer.Exit(code)
            return
        text = _read_stdin(Kind.plain, MAX_BYTES_DEFAULT)[0] if bullet is None or bullet == "-" else bullet
        if not text.strip():
            fail("the bullet is empty")
        if not _is_unicode(text):
            fail("the bullet is not valid UTF-8 text")
        sys.stdout.write(critique(text))
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
    rule_id: Annotated[Optional[str], typer.Argument(
        help="A rule id from `critic rules`; with --text and no rule, every rule that matched.",
        show_default=False)] = None,
    text: Annotated[Optional[str], typer.Option(
        "--text", help="Trace how the rule reads this bullet: each phrase matched, its clause, what silenced it.",
        show_default=False)] = None,
    all_rules: Annotated[bool, typer.Option("--all", help="With --text: also list rules that found nothing.")
                         ] = False,
    rubric: Annotated[Optional[str], typer.Option("--rubric", help="Rubric YAML file or bundled name.")] = None,
) -> None:
    """Show a rule's rationale, how to fix it and its examples; with --text, trace how it reads a bullet."""
    import difflib

    from .rubric.load import load_rubric

    try:
        loaded = load_rubric(rubric)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    if rule_id is None and text is None:
        fail("give a rule id (see `critic rules`), or --text \"BULLET\" to trace every rule")
    rule = loaded.rule(rule_id) if rule_id is not None else None
    if rule_id is not None and rule is None:
        by_mode = [r.id for r in loaded.rules if r.failure_mode == rule_id]
        if by_mode and text is None:
            fail(f"{rule_id!r} is a failure mode; its rules are: {', '.join(by_mode)}")
        if not by_mode:
            close = difflib.get_close_matches(rule_id, [r.id for r in loaded.rules], n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else " (see `critic rules`)"
            fail(f"no rule {rule_id!r} in {loaded.fingerprint}{hint}")
    if text is not None:
        from .rubric.trace import Tracer, render
        from .text import normalize, squash

        bullet = squash(normalize(text))
        if not bullet:
            fail("the text to trace is empty")
        ids = None if rule_id is None else ([rule.id] if rule else [r.id for r in loaded.rules
                                                                     if r.failure_mode == rule_id])
        found, clauses, traces = Tracer(loaded).trace(bullet, ids)
        sys.stdout.write(render(bullet, found, clauses, traces, loaded, show_silent=all_rules or ids is not None))
        return
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
    lines.append("")
    lines.append(f"Trace a bullet: critic explain {rule.id} --text \"...\"")
    typer.echo("\n".join(lines))


@app.command(name="eval")
def eval_(
    corpus: Annotated[list[str], typer.Argument(
        help="Labelled corpus files (JSON Lines: text, labels, reason), e.g. fixtures/corpus/test*.",
        show_default=False)],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.rich,
    min_precision: Annotated[Optional[float], typer.Option(
        "--min-precision", min=0.0, max=1.0, help="Exit 1 if any failure mode's precision is below this.")] = None,
    min_recall: Annotated[Optional[float], typer.Option(
        "--min-recall", min=0.0, max=1.0, help="Exit 1 if any failure mode's recall is below this.")] = None,
    errors: Annotated[bool, typer.Option("--errors/--no-errors",
                                         help="List false positives and false negatives.")] = True,
    by: Annotated[Optional[str], typer.Option(
        "--by", help="Also break the figures down by `group` (the corpus file, or a record's \"group\" field).",
        show_default=False)] = None,
    rubric: Annotated[Optional[str], typer.Option("--rubric", help="Rubric YAML file or bundled name.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Config file to use.")] = None,
) -> None:
    """Measure the rubric on a labelled corpus: precision, recall and F1 per failure mode."""
    import json

    from .evaluation import evaluate, load_corpus, render_confusion, render_errors, render_groups, render_table
    from .runtime import resolve_settings

    if by not in (None, "group"):
        fail(f"--by accepts only `group`, not {by!r}")
    try:
        settings = resolve_settings(config=config, start=None, rubric=rubric)
        report = evaluate(load_corpus(corpus), settings.rubric, settings.options)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    shortfalls = report.shortfalls(min_precision, min_recall)
    if format == OutputFormat.json:
        data = report.to_dict()
        data["shortfalls"] = shortfalls
        if not errors:
            data.pop("errors")
        if by is None:
            data.pop("groups")
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        sections = [render_table(report), render_confusion(report)]
        if by == "group":
            sections.append(render_groups(report))
        if errors and report.errors:
            sections.append(render_errors(report))
        sys.stdout.write("\n".join(sections))
        for line in shortfalls:
            typer.echo(f"below target: {line}")
    if shortfalls:
        raise typer.Exit(1)


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
