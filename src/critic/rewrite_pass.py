"""The rewrite pass behind `critic rewrite` and `critic review --rewrite`.

Without `--llm` (or a model in [tool.critic.llm]) nothing leaves the machine: the deterministic scaffold is shown
and critic.llm is never imported. With a model, each selected bullet gets LLM candidates that the rubric has
verified (critic.llm.verify); `--interactive` asks accept / edit / reject for each, `--write` applies the accepted
ones to the file (critic.edit: exact spans, atomic, with a .bak backup) and `--diff` previews the change.
"""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass, field


from .models import BulletResult, DocumentResult


@dataclass(frozen=True)
class RewriteFlags:
    llm: str | None = None
    no_llm: bool = False
    base_url: str | None = None
    send_key_to_base_url: bool = False
    variants: int | None = None
    concurrency: int | None = None
    timeout: float | None = None
    max_retries: int | None = None
    max_cost: float | None = None
    rewrite_below: int | None = None
    redact: bool = False
    no_cache: bool = False
    dry_run: bool = False
    interactive: bool = False
    write: bool = False
    diff: bool = False
    backup: bool = True


def llm_requested(config, flags: RewriteFlags) -> bool:
    llm_table = getattr(config, "llm", None) or {}
    return not flags.no_llm and bool(flags.llm or llm_table.get("model"))


def resolve_llm(config, flags: RewriteFlags):
    """LLMSettings, or None when no model is asked for (critic.llm is then never imported)."""
    if not llm_requested(config, flags):
        return None
    from .llm.settings import resolve_llm_settings

    return resolve_llm_settings(config.llm, {
        "llm": flags.llm, "base_url": flags.base_url, "send_key_to_base_url": flags.send_key_to_base_url,
        "variants": flags.variants, "concurrency": flags.concurrency, "timeout": flags.timeout,
        "max_retries": flags.max_retries, "max_cost": flags.max_cost, "rewrite_below": flags.rewrite_below,
        "redact": True if flags.redact else None, "cache": False if flags.no_cache else None,
    }, config.path)


def warn(message: str) -> None:
    print(f"critic: warning: {message}", file=sys.stderr)


def _prompt(question: str, default: str) -> str:
    """Ask on standard output, read one line of standard input; the default on an empty line. EOFError at end of
    input."""
    sys.stdout.write(f"{question}: ")
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n") or default


def _console(buffer, color: bool | None):
    from rich.console import Console

    console = Console(file=buffer, force_terminal=color, no_color=bool(os.environ.get("NO_COLOR")) or color is False,
                      highlight=False, emoji=False)
    console.soft_wrap = not console.is_terminal
    return console


def _report_run(run) -> None:
    if run.fatal:
        warn(f"no LLM rewrite: {run.fatal}; showing the deterministic result")
    for message in run.warnings:
        warn(message)


def _safe_run(rewriter, bullets: list[str]):
    """The LLM pass never crashes a review: an unexpected failure is a warning and the deterministic result."""
    try:
        return rewriter.run(bullets)
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CRITIC_DEBUG"):
            raise
        from .llm.secrets import scrub

        warn(scrub(f"no LLM rewrite: {type(exc).__name__}: {exc}; showing the deterministic result"))
        return None


# --- critic rewrite ---------------------------------------------------------------------------------------------

def rewrite_bullets(text: str, settings, flags: RewriteFlags, format_name: str, color: bool | None) -> str:
    """`critic rewrite` for the bullets in `text`, one a line (list markers optional, blank lines skipped), one
    after another.

    One bullet prints as it always has (a `critic/rewrite` object in JSON); several print one block each, with a
    heading, and in JSON one `critic/rewrites` object holding a `critic/rewrite` object per bullet.
    """
    from .api import review_text
    from .rewrite_view import bullet_heading, dumps, rewrites_dict
    from .scaffold import build_scaffold

    results = review_text(text, kind="plain", rubric=settings.rubric, options=settings.options).bullets
    if not results:
        from .errors import InputError

        if text.strip():
            raise InputError("the bullet has no words to review (only markup or a critic directive comment)")
        raise InputError("no bullet to rewrite: the input is empty")
    llm = resolve_llm(settings.config, flags)
    if flags.dry_run:
        from .rewrite_view import render_rewrite

        if llm is None:
            warn("dry run: no model asked for (--llm or a model in [tool.critic.llm]); nothing would be sent")
            return "".join(render_rewrite(r, build_scaffold(r), format_name, color) for r in results)
        from .llm.rewriter import Rewriter
        from .llm.view import render_plan

        rewriter = Rewriter(llm, rubric=settings.rubric, options=settings.options)
        return render_plan(rewriter.plan([r.bullet.text for r in results]), llm, rewriter.price)
    if len(results) == 1:
        return _rewrite_one(results[0], settings, llm, format_name, color, as_data=False)
    if format_name == "json":
        return dumps(rewrites_dict([_rewrite_one(r, settings, llm, format_name, color, as_data=True)
                                    for r in results]))
    blocks = []
    for number, result in enumerate(results, start=1):
        blocks.append(bullet_heading(number, len(results), result.bullet.line, color)
                      + _rewrite_one(result, settings, llm, format_name, color, as_data=False))
    return "\n".join(blocks)


def _rewrite_one(result: BulletResult, settings, llm, format_name: str, color: bool | None, *, as_data: bool):
    """One bullet's critique and scaffold, and the verified LLM rewrite when a model is configured: the rendered
    text, or with `as_data` the JSON object."""
    from .rewrite_view import dumps, render_rewrite, rewrite_dict
    from .scaffold import build_scaffold

    scaffold = build_scaffold(result)
    run = None
    if llm is not None:
        from .llm.rewriter import Rewriter

        run = _safe_run(Rewriter(llm, rubric=settings.rubric, options=settings.options), [result.bullet.text])
        if run is not None:
            _report_run(run)
    if format_name == "json" or as_data:
        data = rewrite_dict(result, scaffold)
        if run is not None:
            from .llm.view import run_dict

            data["llm"] = {**run_dict(run), **run.outcomes[0].to_dict()}
        return data if as_data else dumps(data)
    text = render_rewrite(result, scaffold, format_name, color)
    if run is None:
        return text
    from rich.text import Text

    from .llm.view import outcome_texts, usage_line

    buffer = io.StringIO()
    console = _console(buffer, color)
    console.print()
    for line in outcome_texts(run.outcomes[0], llm.spec):
        console.print(line)
    console.print()
    console.print(Text(usage_line(run), style="dim"))
    return text + buffer.getvalue()


# --- critic review --rewrite ------------------------------------------------------------------------------------

@dataclass
class Proposal:
    path: str
    result: BulletResult
    scaffold: object
    outcome: object = None          # critic.llm.rewriter.Outcome when the LLM pass ran
    accepted: str | None = None     # the text the user accepted (or the verified rewrite with --write)
    notes: list[str] = field(default_factory=list)

    @property
    def verified_text(self) -> str | None:
        best = getattr(self.outcome, "best", None)
        return best.text if best is not None else None

    def to_dict(self) -> dict:
        data = {"path": self.path, "line": self.result.bullet.line, "column": self.result.bullet.column,
                "bullet": self.result.bullet.text, "score": self.result.score,
                "scaffold": self.scaffold.to_dict()}
        if self.outcome is not None:
            data["llm"] = self.outcome.to_dict()
        if self.accepted is not None:
            data["accepted"] = self.accepted
        return data


def select(results: list[DocumentResult], threshold: int) -> list[Proposal]:
    from .scaffold import build_scaffold

    return [Proposal(path=doc.path, result=b, scaffold=build_scaffold(b))
            for doc in results for b in doc.bullets if b.score < threshold]


def _threshold(config, flags: RewriteFlags, llm) -> int:
    if llm is not None:
        return llm.rewrite_below
    if flags.rewrite_below is not None:
        return flags.rewrite_below
    from .errors import ConfigError
    from .llm_limits import LIMITS, out_of_range

    table = getattr(config, "llm", None) or {}
    value = table.get("rewrite_below", table.get("rewrite-below"))
    if value is None:
        return LIMITS["rewrite_below"].default
    problem = out_of_range("rewrite_below", value)
    if problem:
        raise ConfigError(f"{getattr(config, 'path', None) or '[tool.critic.llm]'}: {problem}")
    return value


def _proposal_texts(proposal: Proposal, spec: str | None):
    from rich.text import Text

    bullet = proposal.result.bullet
    lines = [Text(f"{proposal.path}:{bullet.line}:{bullet.column}  score {proposal.result.score}", style="bold"),
             Text(f"  {bullet.text}")]
    if proposal.outcome is not None:
        from .llm.view import outcome_texts

        lines += [Text("  ") + t for t in outcome_texts(proposal.outcome, spec or "llm", indent="    ")]
    if proposal.verified_text is None:
        lines.append(Text("  Rewrite scaffold (fill in the [brackets]; nothing was invented):"))
        lines.append(Text(f"    {proposal.scaffold.text}"))
    return lines


def _section(proposals: list[Proposal], run, threshold: int, color: bool | None) -> str:
    from rich.text import Text

    buffer = io.StringIO()
    console = _console(buffer, color)
    console.print()
    spec = run.settings.spec if run is not None else None
    where = f"rewritten by {spec}, verified by the rubric" if run is not None else "deterministic scaffolds"
    console.print(Text(f"Rewrites: {len(proposals)} bullet(s) scoring below {threshold} ({where})", style="bold"))
    for proposal in proposals:
        console.print()
        for line in _proposal_texts(proposal, spec):
            console.print(line)
    if run is not None:
        from .llm.view import usage_line

        console.print()
        console.print(Text(usage_line(run), style="dim"))
    return buffer.getvalue()


def _choice() -> str:
    while True:
        answer = _prompt("Accept, edit, reject, or quit? [a/e/r/q]", "r").strip().lower()[:1]
        if answer in ("a", "e", "r", "q"):
            return answer
        print("  please answer a (accept), e (edit), r (reject) or q (quit)")


def _ask(proposals: list[Proposal], run, color: bool | None, settings) -> None:
    """--interactive: accept / edit / reject each proposal (answers are read from standard input)."""
    from .api import review_text

    spec = run.settings.spec if run is not None else None
    for index, proposal in enumerate(proposals, start=1):
        buffer = io.StringIO()
        console = _console(buffer, color)
        console.print()
        from rich.text import Text

        console.print(Text(f"[{index}/{len(proposals)}]", style="bold"))
        for line in _proposal_texts(proposal, spec):
            console.print(line)
        sys.stdout.write(buffer.getvalue())
        offered = proposal.verified_text or proposal.scaffold.text
        try:
            choice = _choice()
            if choice == "q":
                break
            if choice == "r":
                continue
            text = offered
            if choice == "e":
                text = " ".join(_prompt(f"Your version [{offered}]", offered).split())
        except EOFError:  # end of input: treat as quit, keep what was accepted so far
            print()
            break
        if choice == "e" and text:  # an edited version is re-scored, so the author sees what the edit did
            rescored = review_text(text, kind="plain", rubric=settings.rubric, options=settings.options).bullets
            if rescored:
                print(f"  score {proposal.result.score} -> {rescored[0].score}")
        if text and "[" in text and "]" in text:
            print("  note: it still has [placeholders] to fill")
        if text:
            proposal.accepted = text


def _apply(proposals: list[Proposal], sources: dict[str, str], flags: RewriteFlags, kind: str | None,
           max_bytes: int) -> None:
    """Plan each accepted rewrite on the text that was reviewed; apply_edits re-reads the file and refuses any
    bullet that changed since (while the prompt waited, say)."""
    from .edit import apply_edits, plan_edit

    by_path: dict[str, list] = {}
    for proposal in proposals:
        if proposal.accepted is None:
            continue
        if proposal.path not in sources:
            warn(f"{proposal.path}: cannot write to standard input; not rewritten")
            continue
        edit, why = plan_edit(sources[proposal.path], proposal.result.bullet, proposal.accepted)
        if edit is None:
            warn(f"{proposal.path}:{proposal.result.bullet.line}: not rewritten: {why}")
            continue
        by_path.setdefault(proposal.path, []).append(edit)
    if not by_path:
        print("critic: no rewrite was accepted; no file changed", file=sys.stderr)
        return
    for path, edits in by_path.items():
        result = apply_edits(path, edits, write=flags.write, backup=flags.backup, kind=kind, max_bytes=max_bytes)
        for edit, why in result.refused:
            warn(f"{path}:{edit.line}: not rewritten: {why}")
        if flags.diff:
            sys.stdout.write(result.diff)
        if result.written:
            details = ([f"backup {result.backup}"] if result.backup else []) + ([result.how] if result.how else [])
            details_text = f" ({'; '.join(details)})" if details else ""
            print(f"critic: wrote {len(result.applied)} rewrite(s) to {path}{details_text}", file=sys.stderr)
        elif not flags.write:
            print(f"critic: {len(result.applied)} rewrite(s) for {path} not written (pass --write to apply)",
                  file=sys.stderr)


def review_rewrites(results: list[DocumentResult], paths: list[str], settings, flags: RewriteFlags, *,
                    report: str, emit, format_name: str, color: bool | None, max_bytes: int,
                    sources: dict[str, str], kind: str | None = None) -> None:
    """Append the rewrite section to the report (or merge it into the JSON), then interact and write.

    `sources` holds the text of each reviewed file as it was read for the review: rewrites are planned on it.
    """
    from .errors import CriticError

    if format_name not in ("rich", "json"):
        raise CriticError("--rewrite works with --format rich or json")
    if flags.interactive and format_name == "json":
        raise CriticError("--interactive needs the terminal report, not --format json")
    if (flags.write or flags.diff) and "-" in paths:
        raise CriticError("--write and --diff need files, not standard input")
    if (flags.write or flags.diff) and any(p.lower().endswith(".docx") for p in paths):
        raise CriticError("--write and --diff edit Markdown and text files; a .docx is only reviewed")
    llm = resolve_llm(settings.config, flags)
    threshold = _threshold(settings.config, flags, llm)
    proposals = select(results, threshold)
    run = None
    if flags.dry_run:
        emit(report)
        if llm is None:
            warn("dry run: no model asked for (--llm or a model in [tool.critic.llm]); nothing would be sent")
            return
        from .llm.rewriter import Rewriter
        from .llm.view import render_plan

        rewriter = Rewriter(llm, rubric=settings.rubric, options=settings.options)
        plan = render_plan(rewriter.plan([p.result.bullet.text for p in proposals]), llm, rewriter.price)
        (sys.stderr if format_name == "json" else sys.stdout).write(plan)
        return
    if llm is not None and proposals:
        from .llm.rewriter import Rewriter

        run = _safe_run(Rewriter(llm, rubric=settings.rubric, options=settings.options),
                        [p.result.bullet.text for p in proposals])
        if run is not None:
            _report_run(run)
            for proposal, outcome in zip(proposals, run.outcomes):
                proposal.outcome = outcome
    if not flags.interactive and (flags.write or flags.diff):
        for proposal in proposals:
            proposal.accepted = proposal.verified_text
    if format_name == "json":
        data = json.loads(report)
        data["rewrites"] = [p.to_dict() for p in proposals]
        if run is not None:
            from .llm.view import run_dict

            data["llm"] = run_dict(run)
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif flags.interactive:
        emit(report)
        _ask(proposals, run, color, settings)
    else:
        emit(report + _section(proposals, run, threshold, color))
    if flags.write or flags.diff:
        if not any(p.accepted for p in proposals) and llm is None and not flags.interactive:
            print("critic: nothing to write: without --llm only deterministic scaffolds are proposed "
                  "(use --interactive to edit them in)", file=sys.stderr)
            return
        _apply(proposals, sources, flags, kind, max_bytes)
    elif flags.interactive and any(p.accepted for p in proposals):
        print("critic: accepted rewrites were not written (pass --write to apply them, --diff to preview)",
              file=sys.stderr)
