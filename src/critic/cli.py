"""The `critic` command line: every option declared once, here; the commands themselves are in commands.py.

Built on argparse (standard library) so that a run pays nothing for its CLI framework: `critic review` starts in
tens of milliseconds. Exit codes: 0 passed, 1 a threshold failed (--fail-under / --fail-on), 2 usage or input error;
a usage error prints the usage line and one `critic COMMAND: error: ...` line.
"""

from __future__ import annotations

import argparse
import os
import sys

MAX_BYTES_DEFAULT = 32 * 1024 * 1024  # --max-size default, and the bound on `critic rewrite -` input
FORMATS = ("rich", "json", "line", "sarif", "github", "html")  # one per reporter in report/__init__.py
KINDS = ("auto", "markdown", "plain", "docx")
FAIL_ON = ("error", "warning", "info", "none")
COLORS = ("auto", "always", "never")

DESCRIPTION = ("A narrative critic for promotion dossiers: scores every bullet against what a promotion committee "
               "looks for, explains each weakness and scaffolds a stronger rewrite. Works fully offline.")


def _bounded(kind, low, high=None):
    """An argparse type: `kind` (int or float) from `low` to `high`, with a one-line error otherwise."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"{text} is out of range: give a value {span}")
        return value

    parse.__name__ = kind.__name__
    return parse


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=min(100, _columns()))


def _columns() -> int:
    try:
        return int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
    except (ValueError, OSError):
        return 100


# --- options shared by several commands (each declared once) --------------------------------------------------------

def _rubric_options(parser: argparse.ArgumentParser, config: bool = True) -> None:
    parser.add_argument("--rubric", metavar="FILE|NAME",
                        help="Rubric YAML file, or the name of a bundled rubric. [default: default]")
    if config:
        parser.add_argument("--config", metavar="FILE",
                            help="Config file to use instead of searching for .critic.toml / pyproject.toml.")


def _input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=KINDS, default="auto", metavar="|".join(KINDS),
                        help="How to read input: auto (.txt is plain text, .docx is Word, the rest Markdown), "
                             "markdown, plain or docx (needs critic[docx]). [default: auto]")
    parser.add_argument("--max-size", type=_bounded(int, 1), default=MAX_BYTES_DEFAULT >> 20, metavar="MiB",
                        help="Largest file (or standard input) to read, in MiB; only regular files are read. "
                             "[default: 32]")


def _color_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--color", choices=COLORS, default="auto", metavar="|".join(COLORS),
                        help=f"Colour in the {what} (off when the output is not a terminal or NO_COLOR is set). "
                             "[default: auto]")


def _rich_or_json(parser: argparse.ArgumentParser) -> None:
    """--format of the commands that print either a terminal view or JSON."""
    parser.add_argument("--format", "-f", choices=("rich", "json"), default="rich", metavar="rich|json",
                        help="Output format. [default: rich]")


def _limited(group, name: str, metavar: str, help: str) -> None:
    """A numeric LLM option whose type, range and default are declared once, in llm_limits.py (the same entry
    validates `[tool.critic.llm]`)."""
    from .llm_limits import LIMITS

    limit = LIMITS[name]
    default = "" if limit.default is None else f" [default: {limit.default:g}]"
    group.add_argument("--" + name.replace("_", "-"), type=_bounded(limit.kind, limit.low, limit.high),
                       metavar=metavar, help=help + default)


def _llm_options(parser: argparse.ArgumentParser, concurrency: bool):
    """The options of the optional LLM rewrite pass (docs/llm.md)."""
    group = parser.add_argument_group("LLM rewrite (opt-in; see docs/llm.md)")
    group.add_argument("--llm", metavar="PROVIDER:MODEL",
                       help="Rewrite with this model (openai:..., anthropic:..., ollama:...). Without it (or a model "
                            "in [tool.critic.llm]) nothing leaves the machine.")
    group.add_argument("--base-url", metavar="URL",
                       help="An OpenAI-compatible (or Anthropic-compatible) server: Ollama, vLLM, llama.cpp, "
                            "LM Studio. It gets a dummy key.")
    group.add_argument("--send-key-to-base-url", action="store_true",
                       help="Send OPENAI_API_KEY / ANTHROPIC_API_KEY to the server named by --base-url (never to a "
                            "base_url from a config file).")
    group.add_argument("--no-llm", action="store_true",
                       help="Never call a model, even if [tool.critic.llm] names one.")
    _limited(group, "variants", "N", "Rewrites to ask for per bullet; the verified ones are ranked by score.")
    if concurrency:
        _limited(group, "concurrency", "N", "Model calls in flight at once.")
    _limited(group, "timeout", "SECONDS", "Seconds per model call, and per verification of its answer.")
    _limited(group, "max_cost", "USD", "Stop sending when the estimated cost could pass this; results so far are "
                                       "kept.")
    group.add_argument("--redact", action="store_true",
                       help="Replace money, percentages and customer/company names with tokens before sending.")
    group.add_argument("--no-cache", action="store_true",
                       help="Neither read nor write the cache of verified rewrites.")
    group.add_argument("--dry-run", action="store_true",
                       help="Print exactly what would be sent and the token estimate; send nothing.")
    return group


# --- the commands ---------------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="critic", description=DESCRIPTION, formatter_class=_Formatter)
    parser.add_argument("--version", action="store_true", help="Print the version and exit.")
    parser.add_argument("--install-completion", action="store_true",
                        help="Install completion for the current shell (bash, zsh or fish).")
    parser.add_argument("--show-completion", action="store_true",
                        help="Print the completion script for the current shell, to install it your own way.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    review = commands.add_parser(
        "review", formatter_class=_Formatter, help="Score every bullet of one or more dossiers and report the "
                                                   "dossier as a whole.",
        description="Score every bullet of one or more dossiers and report the dossier as a whole.")
    review.add_argument("paths", nargs="+", metavar="PATH",
                        help="Markdown, .txt or .docx dossiers to review; - reads standard input.")
    review.add_argument("--format", "-f", choices=FORMATS, default="rich", metavar="|".join(FORMATS),
                        help="Report format: rich (terminal), json, line (path:line:col: severity rule: message), "
                             "sarif (SARIF 2.1.0 for code scanning), github (Actions annotations) or html (a "
                             "self-contained page to share; use with -o report.html). [default: rich]")
    review.add_argument("--fail-under", type=_bounded(int, 0, 100), metavar="SCORE",
                        help="Exit 1 if a document scores below this (0-100).")
    review.add_argument("--fail-on", choices=FAIL_ON, metavar="|".join(FAIL_ON),
                        help="Exit 1 if any finding is at least this severe. [default: error]")
    _rubric_options(review)
    review.add_argument("--quiet", "-q", action="store_true", help="Only findings and the summary.")
    review.add_argument("--verbose", "-v", action="store_true",
                        help="Terminal report: every finding of each failure mode with its message, the strengths "
                             "and the checklist hints.")
    _input_options(review)
    review.add_argument("--output", "-o", metavar="FILE",
                        help="Write the report to this file instead of standard output.")
    _color_option(review, "terminal report")
    review.add_argument("--baseline", metavar="FILE",
                        help="Baseline file from `critic baseline`: findings recorded in it are reported as known "
                             "and do not fail the run (matched on file, rule and bullet text, not line).")
    rewriting = _llm_options(review, concurrency=True)
    rewriting.add_argument("--rewrite", action="store_true",
                           help="Propose rewrites of the bullets scoring below --rewrite-below: verified LLM "
                                "rewrites with --llm, else deterministic scaffolds.")
    _limited(rewriting, "rewrite_below", "SCORE", "Score under which a bullet is rewritten.")
    rewriting.add_argument("--interactive", "-i", action="store_true", help="Accept, edit or reject each rewrite.")
    rewriting.add_argument("--write", action="store_true",
                           help="Apply the accepted rewrites to the file (keeping a backup: FILE.bak, or FILE.bak.N "
                                "when that name is taken); without --interactive every verified rewrite is "
                                "accepted.")
    rewriting.add_argument("--diff", action="store_true",
                           help="Show the change to each file as a unified diff (without --write, nothing is "
                                "written).")
    rewriting.add_argument("--no-backup", action="store_true", help="With --write, do not keep a backup.")

    baseline = commands.add_parser(
        "baseline", formatter_class=_Formatter,
        help="Record the current findings as a baseline (JSON) for `critic review --baseline FILE`.",
        description="Record the current findings as a baseline (JSON) for `critic review --baseline FILE`.\n\n"
                    "Run it from the directory you will review from (the repository root): findings are matched "
                    "on the path as given, the rule and the bullet text, so moved bullets stay known.")
    baseline.add_argument("paths", nargs="+", metavar="PATH",
                          help="Markdown, .txt or .docx dossiers whose current findings to record; - reads "
                               "standard input.")
    baseline.add_argument("--output", "-o", metavar="FILE",
                          help="Write the baseline to this file instead of standard output.")
    _rubric_options(baseline)
    _input_options(baseline)

    rewrite = commands.add_parser(
        "rewrite", formatter_class=_Formatter,
        help="Critique a bullet and show a stronger structure with [placeholders] for the facts only you have.",
        description="Critique a bullet and show a stronger structure with [placeholders] for the facts only you "
                    "have.\n\nSeveral lines on standard input are reviewed one after another, each line a bullet. "
                    "With no argument on a terminal, paste bullets one at a time (Ctrl-D ends). With --llm (or a "
                    "model in [tool.critic.llm]) a model proposes rewrites too, and only ones the rubric has "
                    "verified are shown: higher score, no error, no invented figure.")
    rewrite.add_argument("bullet", nargs="?", metavar="BULLET",
                         help="The bullet to critique and rewrite; - reads standard input (one bullet a line). "
                              "Omitted: standard input, or a paste loop on a terminal.")
    _rich_or_json(rewrite)
    _rubric_options(rewrite)
    _color_option(rewrite, "terminal output")
    _llm_options(rewrite, concurrency=False)

    rules = commands.add_parser("rules", formatter_class=_Formatter, help="List the rubric's rules and positive "
                                                                          "signals.",
                                description="List the rubric's rules and positive signals.")
    _rubric_options(rules, config=False)
    _rich_or_json(rules)

    explain = commands.add_parser(
        "explain", formatter_class=_Formatter,
        help="Show a rule's rationale, how to fix it and its examples; with --text, trace how it reads a bullet.",
        description="Show a rule's rationale, how to fix it and its examples; with --text, trace how it reads a "
                    "bullet: each phrase matched, its clause, what silenced it.")
    explain.add_argument("rule_id", nargs="?", metavar="RULE",
                         help="A rule id from `critic rules`, or a failure mode (each of its rules); with --text "
                              "and no rule, every rule that matched.")
    explain.add_argument("--text", metavar="BULLET",
                         help="Trace how the rule reads this bullet: each phrase matched, its clause, what "
                              "silenced it.")
    explain.add_argument("--all", dest="all_rules", action="store_true",
                         help="With --text: also list rules that found nothing.")
    _rubric_options(explain, config=False)

    evaluate = commands.add_parser(
        "eval", formatter_class=_Formatter,
        help="Measure the rubric on a labelled corpus: precision, recall and F1 per failure mode.",
        description="Measure the rubric on a labelled corpus: precision, recall and F1 per failure mode, the "
                    "confusion between modes and, with --by group, the figures per source.")
    evaluate.add_argument("corpus", nargs="+", metavar="FILE",
                          help="Labelled corpus files (JSON Lines: text, labels, reason; optional group), e.g. "
                               "fixtures/corpus/test*.")
    _rich_or_json(evaluate)
    evaluate.add_argument("--min-precision", type=_bounded(float, 0.0, 1.0), metavar="P",
                          help="Exit 1 if any failure mode's precision is below this.")
    evaluate.add_argument("--min-recall", type=_bounded(float, 0.0, 1.0), metavar="R",
                          help="Exit 1 if any failure mode's recall is below this.")
    evaluate.add_argument("--errors", action=argparse.BooleanOptionalAction, default=True,
                          help="List false positives and false negatives. [default: --errors]")
    evaluate.add_argument("--by", choices=("group",), metavar="group",
                          help="Also break the figures down by group (the corpus file, or a record's \"group\" "
                               "field).")
    _rubric_options(evaluate)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point: exits with the command's code; any unexpected exception is one line too (CRITIC_DEBUG=1 shows
    the traceback)."""
    from .completion import complete_from_environment

    try:
        if complete_from_environment(build_parser):
            sys.exit(0)
        parser = build_parser()
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
        if args.version:
            from . import __version__

            print(f"critic {__version__}")
            sys.exit(0)
        if args.install_completion or args.show_completion:
            from .completion import install_or_show

            sys.exit(install_or_show(install=args.install_completion))
        if args.command is None:
            parser.print_help()
            sys.exit(2)
        from . import commands

        code = getattr(commands, args.command.replace("eval", "evaluate"))(args)
        sys.stdout.flush()  # a reader that went away shows here, not as a warning at exit
        sys.exit(code)
    except BrokenPipeError:
        # `critic ... | head`: the reader stopped reading. Stop quietly with the status of a process ended by
        # SIGPIPE, as shell tools do; stdout goes to /dev/null so the interpreter's own flush at exit is silent.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except KeyboardInterrupt:
        print("critic: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence against tracebacks
        if os.environ.get("CRITIC_DEBUG"):
            raise
        print(f"critic: internal error: {type(exc).__name__}: {exc} (set CRITIC_DEBUG=1 for details)",
              file=sys.stderr)
        sys.exit(2)
