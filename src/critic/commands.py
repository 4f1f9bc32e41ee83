"""The commands behind `critic`: each takes the parsed arguments (cli.py) and returns the exit code.

They only read flags and call the API, the engine and the reporters; errors the user can act on are one line on
standard error (`critic: error: ...`) with exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .cli import MAX_BYTES_DEFAULT
from .errors import CriticError, InputError


def fail(message: str, code: int = 2):
    """One line on stderr, no traceback, and exit."""
    print(f"critic: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def warn(message: str) -> None:
    print(f"critic: warning: {message}", file=sys.stderr)


def _color(choice: str) -> bool | None:
    return {"auto": None, "always": True, "never": False}[choice]


def _path(value: str | None) -> Path | None:
    return Path(value) if value is not None else None


def _write(text: str, output: Path | None, inputs: list[str]) -> None:
    _write_with(lambda stream: stream.write(text), output, inputs)


def _write_with(write, output: Path | None, inputs: list[str]) -> None:
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


def _read_stdin(kind: str, max_bytes: int) -> tuple[str, str]:
    from .document import read_document_text

    return read_document_text("-", max_bytes), "plain" if kind == "plain" else "markdown"


def _is_unicode(text: str) -> bool:
    """False for text with lone surrogates (bytes that were not UTF-8 on the command line)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _same_file(a: Path, b: Path) -> bool:
    from .inputs import safe_resolve

    return safe_resolve(a) == safe_resolve(b)


def _review_paths(paths: list[str], settings, kind: str, max_size: int, sources: dict | None = None) -> list:
    """Read and review each path (- is standard input) with the resolved settings; `sources` (if given) gets the
    text of each file as it was reviewed."""
    from .api import review_file, review_text
    from .document import is_docx, read_document_text

    results = []
    max_bytes = max_size * 1024 * 1024
    for path in paths:
        if path == "-":
            if kind == "docx":
                raise InputError("<stdin>: a .docx file is read by name, not from standard input")
            text, doc_kind = _read_stdin(kind, max_bytes)
            result = review_text(text, path="<stdin>", kind=doc_kind, rubric=settings.rubric,
                                 options=settings.options)
        elif kind == "docx" or (kind == "auto" and is_docx(path)):
            result = review_file(path, kind="docx", rubric=settings.rubric, options=settings.options,
                                 max_bytes=max_bytes)
        else:
            text = read_document_text(path, max_bytes=max_bytes)
            if sources is not None:
                sources[path] = text
            result = review_text(text, path=path, kind=None if kind == "auto" else kind, rubric=settings.rubric,
                                 options=settings.options)
        for warning in result.warnings:  # text that was not reviewed is never dropped silently
            warn(f"{result.path}:{warning.line}: {warning.message}")
        results.append(result)
    return results


def _rewrite_flags(args, **extra):
    from .rewrite_pass import RewriteFlags

    return RewriteFlags(llm=args.llm, no_llm=args.no_llm, base_url=args.base_url,
                        send_key_to_base_url=args.send_key_to_base_url, variants=args.variants,
                        timeout=args.timeout, max_cost=args.max_cost, redact=args.redact, no_cache=args.no_cache,
                        dry_run=args.dry_run, **extra)


# --- review / baseline -------------------------------------------------------------------------------------------

def review(args) -> int:
    from .report import ReportContext, render
    from .report import write as write_report
    from .runtime import resolve_settings, verdict

    output, baseline = _path(args.output), _path(args.baseline)
    try:
        first = next((p for p in args.paths if p != "-"), None)
        settings = resolve_settings(config=args.config, start=first, rubric=args.rubric,
                                    fail_under=args.fail_under, fail_on=args.fail_on)
        known = None
        if baseline is not None:
            from . import baseline as baselines

            known = baselines.load(baseline, max_bytes=args.max_size * 1024 * 1024)
            if output is not None and _same_file(output, baseline):
                raise InputError(f"{output}: refusing to write the report over the baseline file")
        rewriting = args.rewrite or args.interactive or args.write or args.diff or bool(args.llm) or args.dry_run
        sources: dict[str, str] = {}  # the text each file had when it was reviewed (for --write)
        results = _review_paths(args.paths, settings, args.kind, args.max_size, sources if rewriting else None)
        if known is not None:
            results = baselines.apply(results, known)
        passed, code = verdict(results, settings.fail_under, settings.fail_on)
        context = ReportContext(quiet=args.quiet, verbose=args.verbose, fail_under=settings.fail_under,
                                fail_on=settings.fail_on, passed=passed, exit_code=code, rubric=settings.rubric,
                                color=_color(args.color),
                                extra={"baseline": str(baseline)} if baseline is not None else {})
        if not rewriting:
            _write_with(lambda stream: write_report(args.format, results, context, stream), output, args.paths)
            return code
        from .rewrite_pass import review_rewrites

        flags = _rewrite_flags(args, concurrency=args.concurrency, rewrite_below=args.rewrite_below,
                               interactive=args.interactive, write=args.write, diff=args.diff,
                               backup=not args.no_backup)
        review_rewrites(results, args.paths, settings, flags, report=render(args.format, results, context),
                        format_name=args.format, color=_color(args.color),
                        max_bytes=args.max_size * 1024 * 1024, sources=sources,
                        kind=None if args.kind == "auto" else args.kind,
                        emit=lambda text: _write(text, output, args.paths))
        return code
    except CriticError as exc:
        fail(str(exc), exc.exit_code)


def baseline(args) -> int:
    from . import baseline as baselines
    from .runtime import resolve_settings

    try:
        first = next((p for p in args.paths if p != "-"), None)
        settings = resolve_settings(config=args.config, start=first, rubric=args.rubric)
        results = _review_paths(args.paths, settings, args.kind, args.max_size)
        _write(baselines.dumps(baselines.build(results, settings.rubric.fingerprint)), _path(args.output),
               args.paths)
        return 0
    except CriticError as exc:
        fail(str(exc), exc.exit_code)


# --- rewrite -----------------------------------------------------------------------------------------------------

def rewrite(args) -> int:
    from .rewrite_pass import rewrite_bullets
    from .runtime import resolve_settings

    try:
        settings = resolve_settings(config=args.config, start=None, rubric=args.rubric)
        flags = _rewrite_flags(args)

        def critique(text: str) -> str:
            return rewrite_bullets(text, settings, flags, args.format, _color(args.color))

        if args.bullet is None and sys.stdin.isatty():
            from .paste_loop import paste_loop

            return paste_loop(critique)
        bullet = args.bullet
        text = _read_stdin("plain", MAX_BYTES_DEFAULT)[0] if bullet is None or bullet == "-" else bullet
        if not text.strip():
            fail("the bullet is empty")
        if not _is_unicode(text):
            fail("the bullet is not valid UTF-8 text")
        sys.stdout.write(critique(text))
        return 0
    except CriticError as exc:
        fail(str(exc), exc.exit_code)


# --- rules / explain / eval --------------------------------------------------------------------------------------

def rules(args) -> int:
    import json

    from .rubric.load import load_rubric

    try:
        loaded = load_rubric(args.rubric)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    if args.format == "json":
        data = [{"id": r.id, "kind": r.kind, "failure_mode": r.failure_mode or None,
                 "severity": None if r.is_signal else r.severity.value, "dimension": r.dimension,
                 "scope": r.scope, "message": r.message} for r in loaded.rules]
        print(json.dumps({"rubric": loaded.fingerprint, "rules": data}, indent=2))
        return 0
    width = max(len(r.id) for r in loaded.rules)
    print(f"{loaded.fingerprint}: {len(loaded.rules)} rules ({loaded.path})")
    for r in loaded.rules:
        level = "signal +%d" % r.points if r.is_signal else r.severity.value
        print(f"  {r.id:<{width}}  {level:<10} {r.failure_mode or r.dimension:<22} {r.message}")
    return 0


def explain(args) -> int:
    import difflib

    from .rubric.load import load_rubric

    try:
        loaded = load_rubric(args.rubric)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    rule_id, text = args.rule_id, args.text
    if rule_id is None and text is None:
        fail("give a rule id (see `critic rules`), or --text \"BULLET\" to trace every rule")
    rule = loaded.rule(rule_id) if rule_id is not None else None
    if rule_id is not None and rule is None:
        by_mode = [r.id for r in loaded.rules if r.failure_mode == rule_id]
        if by_mode and text is None:  # the report names modes, so `critic explain MODE` explains each of its rules
            print(f"{rule_id} (failure mode): {loaded.failure_modes.get(rule_id, '')}".rstrip())
            print(f"Rules: {', '.join(by_mode)}\n")
            print("\n\n".join(_rule_explanation(loaded.rule(r)) for r in by_mode))
            return 0
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
        sys.stdout.write(render(bullet, found, clauses, traces, loaded, show_silent=args.all_rules or ids is not None))
        return 0
    print(_rule_explanation(rule))
    return 0


def _rule_explanation(rule) -> str:
    """What `critic explain RULE` prints: the message, why, the fix and the examples either side."""
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
    lines += ["", f"Trace a bullet: critic explain {rule.id} --text \"...\""]
    return "\n".join(lines)


def evaluate(args) -> int:
    import json

    from .evaluation import evaluate as measure
    from .evaluation import load_corpus, render_confusion, render_errors, render_groups, render_table
    from .runtime import resolve_settings

    try:
        settings = resolve_settings(config=args.config, start=None, rubric=args.rubric)
        report = measure(load_corpus(args.corpus), settings.rubric, settings.options)
    except CriticError as exc:
        fail(str(exc), exc.exit_code)
    shortfalls = report.shortfalls(args.min_precision, args.min_recall)
    if args.format == "json":
        data = report.to_dict()
        data["shortfalls"] = shortfalls
        if not args.errors:
            data.pop("errors")
        if args.by is None:
            data.pop("groups")
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        sections = [render_table(report), render_confusion(report)]
        if args.by == "group":
            sections.append(render_groups(report))
        if args.errors and report.errors:
            sections.append(render_errors(report))
        sys.stdout.write("\n".join(sections))
        for line in shortfalls:
            print(f"below target: {line}")
    return 1 if shortfalls else 0
