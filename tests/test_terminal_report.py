"""The terminal report (issue 11): concise by default, highlighted words, one line per failure mode, fix hints once
per rule in "How to fix", a summary table by failure mode, a compact checklist, readable at 80 columns.

Snapshots: the exact output is stored under tests/snapshots/ and compared byte for byte, for

- every fixture in fixtures/ with the default rubric, as piped output (no colour: [[marked]] words) and with
  `--color always` (ANSI escapes), plus `--verbose` and `--quiet` for the sample dossier;
- a small dossier against TINY_RUBRIC below, so the layout is pinned independently of the default rubric.

The default rubric is being replaced concurrently, so the findings in the fixture snapshots will change. After
a deliberate change to the rubric or the report, regenerate the snapshots and review the diff before committing:

    CRITIC_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_terminal_report.py

A missing snapshot fails the test (it is never created silently). The tiny-rubric snapshots should change only
when the report's layout changes; the assertions after them check the layout's rules (merged marks, strongest
finding per mode, fixes once, 80 columns) without a snapshot, so regenerating cannot hide a regression there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, run_critic

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("CRITIC_UPDATE_SNAPSHOTS") == "1"
WIDTH = 80
# piped output at 80 columns, with nothing from the caller's terminal leaking in
PIPED = {"COLUMNS": str(WIDTH), "NO_COLOR": "1", "TERM": "dumb", "COLORTERM": "", "FORCE_COLOR": "",
         "TTY_COMPATIBLE": "", "TTY_INTERACTIVE": ""}
FORCED = {**PIPED, "NO_COLOR": "", "TERM": "xterm-256color"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"no snapshot {path}; create it with CRITIC_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (f"{name} differs from the snapshot (CRITIC_UPDATE_SNAPSHOTS=1 regenerates it; review "
                              f"the diff):\n{text}")


def width_ok(text: str) -> bool:
    return all(len(ANSI.sub("", line)) <= WIDTH for line in text.splitlines())


# --- the fixtures, default rubric --------------------------------------------------------------------------------

FIXTURE_FILES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".md", ".txt"))


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_fixture_report_snapshot_piped(name):
    proc = run_critic("review", f"fixtures/{name}", cwd=ROOT, env=PIPED)
    assert proc.returncode in (0, 1), proc.stderr
    assert "\x1b[" not in proc.stdout
    assert width_ok(proc.stdout)
    assert_snapshot(f"review-{name}.txt", proc.stdout)


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_fixture_report_snapshot_forced_colour(name):
    proc = run_critic("review", f"fixtures/{name}", "--color", "always", cwd=ROOT, env=FORCED)
    assert proc.returncode in (0, 1), proc.stderr
    assert "\x1b[" in proc.stdout and "[[" not in proc.stdout  # colour instead of marks
    assert width_ok(proc.stdout)
    assert_snapshot(f"review-{name}.color.txt", proc.stdout)


@pytest.mark.parametrize("flag", ["--verbose", "--quiet"])
def test_sample_dossier_snapshot_verbose_and_quiet(flag):
    proc = run_critic("review", "fixtures/sample-dossier.md", flag, cwd=ROOT, env=PIPED)
    assert proc.returncode == 1, proc.stderr
    assert width_ok(proc.stdout)
    assert_snapshot(f"review-sample-dossier.md{flag}.txt", proc.stdout)


def test_sample_dossier_report_is_concise_and_fixes_are_not_repeated():
    from critic import review_file

    result = review_file(FIXTURES / "sample-dossier.md")
    out = run_critic("review", "fixtures/sample-dossier.md", cwd=ROOT, env=PIPED).stdout
    lines = out.splitlines()
    assert len(lines) < 100 and width_ok(out)
    # one line per failure mode of a bullet, each with path:line:col; never the same mode twice for one bullet
    for bullet in result.bullets:
        modes = {f.failure_mode for f in bullet.active_findings}
        shown = [line for line in lines if re.match(rf"\s+fixtures/sample-dossier\.md:{bullet.bullet.line}:\d+ ", line)]
        assert sorted(line.split()[2] for line in shown) == sorted(modes), bullet.bullet.text
    # each fix hint appears once, in How to fix, although several bullets share the rule
    assert out.count("Add what the intervention cost or what risk you accepted") == 1
    assert lines.index("How to fix  (critic explain RULE: why, with examples)") > max(
        i for i, line in enumerate(lines) if "fixtures/sample-dossier.md:" in line)
    assert any(line.startswith("Summary by failure mode") for line in lines)
    # the checklist is compact: its title and what is missing
    assert "Dossier checklist: 6 of 9 shown" in out and "\u2717 Risk-utility matrix; Pre-mortem ritual" in out


# --- a tiny rubric written here: the layout, independent of the default rubric ------------------------------------
# Kept to `present` and `conditional` rules with simple patterns, in this one place.

TINY_RUBRIC = r"""
schema: 2
name: tiny-report
version: "1"
failure_modes:
  perfect-safety-claim: An absolute claim that risk is gone.
  tech-only-metric: A technical result with no business consequence.
  compliance-checklist: Work sold as passing a gate.
  personal-heroics: Effort instead of systems.
dimensions:
  credibility: Believable claims.
  impact: Business consequence.
  judgment: Decisions.
  leadership: Systems that scale.
rules:
  - id: eliminated-all
    kind: present
    failure_mode: perfect-safety-claim
    severity: error
    dimension: credibility
    pattern: 're:\beliminated all \w+'
    message: An absolute claim.
    rationale: Nobody believes perfect safety.
    fix: Give the measured reduction and the risk that remains.
    examples:
      bad: ["Eliminated all leaks.", "We eliminated all jailbreaks."]
      good: ["Cut leaks from 4% to 1%.", "Reduced jailbreaks."]
  - id: all-word
    kind: present
    failure_mode: perfect-safety-claim
    severity: warning
    dimension: credibility
    pattern: '=all'
    message: The word all claims too much.
    rationale: All is rarely true.
    fix: Say how many.
    examples:
      bad: ["Fixed all bugs.", "All tests pass."]
      good: ["Fixed most bugs.", "Nine in ten tests pass."]
  - id: leak-metric
    kind: present
    failure_mode: tech-only-metric
    severity: warning
    dimension: impact
    pattern: '=leaks'
    message: Leaks are a technical metric.
    rationale: The committee reads business results.
    fix: Say what fewer leaks were worth to the business.
    examples:
      bad: ["Cut leaks.", "Fewer leaks now."]
      good: ["Cut churn.", "Kept two accounts."]
  - id: gate-passed
    kind: conditional
    failure_mode: compliance-checklist
    severity: error
    dimension: judgment
    when: 'passed the'
    unless: '{money}'
    message: Sold as passing a gate.
    rationale: Passing is the minimum.
    fix: Name the decision you made inside the review.
    examples:
      bad: ["Passed the audit.", "The release passed the review."]
      good: ["Passed the audit, protecting $2M.", "Chose which controls to adapt."]
  - id: long-hours
    kind: present
    failure_mode: personal-heroics
    severity: info
    dimension: leadership
    pattern: 'nights and weekends'
    message: Effort is the story.
    rationale: A Lead is judged on systems.
    fix: Describe the system that replaced the effort.
    examples:
      bad: ["Worked nights and weekends.", "Spent nights and weekends on triage."]
      good: ["Automated triage.", "Built the rota."]
"""

TINY_DOSSIER = """# Dossier

- Eliminated all leaks in the new model.
- Passed the launch review and then worked nights and weekends on the follow-ups for the three teams that depend
  on it, in a sentence long enough to wrap.
- Shipped the quarterly pricing change with finance and kept every enterprise renewal on its original terms, ahead
  of plan.
<!-- critic-disable-next personal-heroics: quoting the team lead -->
- Worked nights and weekends, as the team lead wrote.
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A folder with the tiny rubric (rubric.yaml) and a dossier (dossier.md) that exercises the layout."""
    (tmp_path / "rubric.yaml").write_text(TINY_RUBRIC, encoding="utf-8")
    (tmp_path / "dossier.md").write_text(TINY_DOSSIER, encoding="utf-8")
    return tmp_path


def tiny_report(folder: Path, *flags: str, env: dict = PIPED) -> str:
    proc = run_critic("review", "dossier.md", "--rubric", "rubric.yaml", *flags, cwd=folder, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize("flags, name", [
    ((), "tiny.txt"),
    (("--verbose",), "tiny--verbose.txt"),
    (("--quiet",), "tiny--quiet.txt"),
])
def test_tiny_rubric_snapshot_piped(tiny, flags, name):
    assert_snapshot(name, tiny_report(tiny, *flags))


def test_tiny_rubric_snapshot_forced_colour(tiny):
    assert_snapshot("tiny.color.txt", tiny_report(tiny, "--color", "always", env=FORCED))


def test_overlapping_spans_of_different_findings_become_one_marked_region(tiny):
    out = tiny_report(tiny)
    # "Eliminated all leaks" (error), "all" (warning) and "leaks" (another mode) overlap: one region
    assert re.search(r"^   3 +\d+  \[\[Eliminated all leaks\]\] in the new model\.$", out, re.M), out
    assert "[[Passed the]] launch review" in out and "[[nights and weekends]]" in out


def test_overlapping_spans_are_coloured_by_the_most_severe_finding(tiny):
    out = tiny_report(tiny, "--color", "always", env=FORCED)
    line = next(line for line in out.splitlines() if "Eliminated" in line)
    # one styled run (bold red underline = error) covers the three overlapping findings
    assert "\x1b[1;4;31mEliminated all leaks\x1b[0m in the new model." in line


def test_one_line_per_failure_mode_with_the_strongest_finding(tiny):
    lines = tiny_report(tiny).splitlines()
    on_line_3 = [line.split() for line in lines if line.strip().startswith("dossier.md:3:")]
    assert [(words[1], words[2]) for words in on_line_3] == [("error", "perfect-safety-claim"),
                                                              ("warning", "tech-only-metric")]
    assert "(+1 more)" in next(line for line in lines if "perfect-safety-claim" in line)
    verbose = tiny_report(tiny, "--verbose")
    assert "all-word: The word all claims too much." in verbose


def test_fix_hints_appear_once_in_how_to_fix_after_the_bullets(tiny):
    out = tiny_report(tiny)
    flat = " ".join(out.split())  # hints wrap over lines
    assert flat.count("Give the measured reduction and the risk that remains.") == 1
    assert flat.count("Name the decision you made inside the review.") == 1
    assert "Say how many." not in flat  # all-word is not the strongest of its mode: its fix only with --verbose
    assert "Say how many." in " ".join(tiny_report(tiny, "--verbose").split())
    assert out.index("How to fix") > out.index("dossier.md:4:")


def test_wraps_to_80_columns_and_finding_lines_carry_path_line_col(tiny):
    out = tiny_report(tiny)
    assert width_ok(out)
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("   4 "))
    assert lines[first + 1].startswith(" " * 10 + "on the follow-ups") and lines[first + 2].strip().endswith("wrap.")
    finding_lines = [line for line in lines if re.search(r"\b(error|warning|info)\s{2}", line) and "dossier.md:" in line]
    assert len(finding_lines) == 4 and all(re.match(r" {10}dossier\.md:\d+:\d+\s", line) for line in finding_lines)
    assert "\u201cnights and weekends\u201d" in out  # the triggering words, quoted, when the line has room


def test_clean_bullets_are_one_line_and_suppressed_findings_are_named(tiny):
    out = tiny_report(tiny)
    clean = next(line for line in out.splitlines() if "Shipped the quarterly" in line)
    assert clean.endswith("\u2026") and len(clean) <= WIDTH
    assert "suppressed: long-hours" in out
    assert "quoting the team lead" in tiny_report(tiny, "--verbose")


def test_quiet_keeps_findings_and_summary_only(tiny):
    out = tiny_report(tiny, "--quiet")
    assert "dossier.md:3:" in out and "Summary by failure mode" in out
    assert "How to fix" not in out and "Shipped the quarterly" not in out and "suppressed:" not in out


def test_summary_table_counts_bullets_and_findings_per_mode(tiny):
    out = tiny_report(tiny)
    rows = {line.split()[0]: line.split()[1:] for line in out.split("Summary by failure mode")[1].splitlines()[1:]
            if line.strip() and not line.startswith("failed")}
    assert rows["perfect-safety-claim"] == ["1", "2", "error"]
    assert rows["compliance-checklist"] == ["1", "1", "error"]
    assert rows["tech-only-metric"] == ["1", "1", "warning"]
    assert rows["personal-heroics"] == ["1", "1", "info"]  # the suppressed one is not counted


def test_a_known_finding_never_hides_a_new_one_of_the_same_mode():
    from critic.models import Finding, Severity
    from critic.report.terminal import by_mode

    def finding(rule, severity, baseline):
        return Finding(rule=rule, failure_mode="perfect-safety-claim", severity=severity, line=3, column=3,
                       message="m", fix="f", baseline=baseline)

    known_error = finding("eliminated-all", Severity.ERROR, "known")
    new_warning = finding("all-word", Severity.WARNING, "new")
    assert by_mode([known_error, new_warning]) == [(new_warning, []), (known_error, [])]
    other = finding("other", Severity.WARNING, "new")
    assert by_mode([new_warning, known_error, other]) == [(new_warning, [other]), (known_error, [])]


def test_how_to_fix_names_the_file_of_each_line_when_several_files_are_reviewed(tiny):
    (tiny / "second.md").write_text("- We eliminated all jailbreaks.\n", encoding="utf-8")
    proc = run_critic("review", "dossier.md", "second.md", "--rubric", "rubric.yaml", cwd=tiny, env=PIPED)
    flat = " ".join(proc.stdout.split())
    assert "perfect-safety-claim (eliminated-all; dossier.md 3; second.md 1): Give the measured" in flat
    assert "compliance-checklist (gate-passed; dossier.md 4): Name the decision" in flat


def test_a_long_path_moves_finding_lines_left_instead_of_past_80_columns(tiny):
    """Finding lines never wrap; a path too long for them at the bullet's indent moves them left (a path longer
    than the whole width still overflows, as in any linter)."""
    deep = tiny / "committee-dossiers"
    deep.mkdir()
    (deep / "dossier.md").write_text(TINY_DOSSIER, encoding="utf-8")
    out = run_critic("review", "committee-dossiers/dossier.md", "--rubric", "rubric.yaml", cwd=tiny,
                     env=PIPED).stdout
    assert width_ok(out), out
    assert re.search(r"^ {2,9}committee-dossiers/dossier\.md:3:3\s+error", out, re.M), out
