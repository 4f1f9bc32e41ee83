"""The installed `critic` command: reports, exit codes, flags, stdin, rules/explain/rewrite, configuration."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import FIXTURES, run_critic

WEAK = str(FIXTURES / "weak-dossier.md")
STRONG = str(FIXTURES / "strong-dossier.md")


def test_weak_dossier_fails_on_errors_and_strong_passes():
    weak = run_critic("review", WEAK)
    strong = run_critic("review", STRONG)
    assert weak.returncode == 1, weak.stderr
    assert strong.returncode == 0, strong.stdout + strong.stderr
    assert "compliance-checklist" in weak.stdout and "perfect-safety-claim" in weak.stdout
    assert "Dossier checklist" in strong.stdout


def test_terminal_report_shows_line_score_finding_fix_and_checklist():
    proc = run_critic("review", WEAK)
    out = proc.stdout
    assert re.search(r"^\s+17\s+\d+  \[\[Made sure every Assist model release", out, re.M)
    assert re.search(rf"^\s+{re.escape(WEAK)}:17:3\s+error\s+compliance-checklist", out, re.M)
    assert "How to fix" in out
    assert "Residual risk register" in out and "\u2717" in out
    assert "\x1b[" not in out  # NO_COLOR and not a TTY: no escape codes


def test_color_always_forces_escape_codes_unless_no_color():
    forced = run_critic("review", WEAK, "--color", "always", env={"NO_COLOR": ""})
    assert "\x1b[" in forced.stdout


def test_json_report_schema():
    proc = run_critic("review", WEAK, STRONG, "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["schema"] == "critic/review" and data["schema_version"] == 1
    assert [f["path"] for f in data["files"]] == [WEAK, STRONG]
    bullet = data["files"][0]["bullets"][0]
    assert set(bullet) >= {"line", "column", "text", "score", "dimensions", "findings"}
    finding = bullet["findings"][0]
    assert set(finding) >= {"rule", "failure_mode", "severity", "line", "column", "message", "fix"}
    assert data["summary"]["passed"] is False and data["summary"]["exit_code"] == 1
    assert data["files"][0]["checklist"][0].keys() >= {"id", "title", "present", "lines"}


def test_fail_under_and_fail_on_thresholds():
    assert run_critic("review", STRONG, "--fail-under", "99").returncode == 1
    assert run_critic("review", STRONG, "--fail-under", "50").returncode == 0
    assert run_critic("review", STRONG, "--fail-on", "warning").returncode == 1
    assert run_critic("review", WEAK, "--fail-on", "none").returncode == 0


def test_quiet_prints_findings_only():
    proc = run_critic("review", STRONG, "--quiet")
    assert "Dossier checklist" not in proc.stdout and "How to fix" not in proc.stdout


def test_review_reads_standard_input():
    proc = run_critic("review", "-", "--format", "json", input="- Eliminated all risk from the launch.\n")
    data = json.loads(proc.stdout)
    assert data["files"][0]["path"] == "<stdin>"
    assert "perfect-safety-claim" in {f["failure_mode"] for f in data["files"][0]["bullets"][0]["findings"]}
    assert proc.returncode == 1


def test_usage_errors_exit_2():
    assert run_critic("review").returncode == 2
    assert run_critic("review", WEAK, "--fail-under", "150").returncode == 2
    assert run_critic("review", WEAK, "--format", "yaml").returncode == 2
    assert run_critic("frobnicate").returncode == 2


def test_rules_lists_every_rule_and_explain_shows_examples():
    rules = run_critic("rules")
    assert rules.returncode == 0
    for rule_id in ("compliance-gate-passed", "absolute-safety-claim", "money-figure"):
        assert rule_id in rules.stdout
    data = json.loads(run_critic("rules", "--format", "json").stdout)
    assert any(r["failure_mode"] == "missing-tradeoff" for r in data["rules"])
    explain = run_critic("explain", "absolute-safety-claim")
    assert explain.returncode == 0
    assert "Why:" in explain.stdout and "Fix:" in explain.stdout and "Flagged:" in explain.stdout


def test_explain_unknown_rule_suggests_and_exits_2():
    proc = run_critic("explain", "absolute-safety-clam")
    assert proc.returncode == 2
    assert "did you mean absolute-safety-claim" in proc.stderr


def test_explain_a_failure_mode_explains_each_of_its_rules():
    """The report names failure modes, so `critic explain tech-only-metric` is what a reader types; it used to be an
    error listing the rule ids."""
    rules = json.loads(run_critic("rules", "--format", "json").stdout)["rules"]
    ids = [r["id"] for r in rules if r["failure_mode"] == "tech-only-metric"]
    proc = run_critic("explain", "tech-only-metric")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("tech-only-metric (failure mode): A technical result")
    for rule_id in ids:
        assert f"\n{rule_id} (warning, failure mode tech-only-metric)\n" in proc.stdout
    assert proc.stdout.count("Fix: ") == len(ids)


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@pytest.mark.parametrize("bullet", [
    "Ensured our model passed all safety benchmarks",
    "Built an RLHF pipeline that cut toxic outputs 15%",
    "Got rid of every hallucination and safety problem in the latest model release",
    "Helped with the 3 launches of the moderation API in 2024",
    "Worked nights reviewing 400 transcripts by hand",
])
def test_rewrite_scaffold_never_invents_a_figure(bullet):
    proc = run_critic("rewrite", bullet, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    scaffold = data["scaffold"]["text"]
    outside_placeholders = re.sub(r"\[[^\]]*\]", "", scaffold)
    assert set(NUMBER.findall(outside_placeholders)) <= set(NUMBER.findall(bullet))
    assert data["scaffold"]["placeholders"], scaffold
    assert data["findings"]


def test_rewrite_terminal_output_and_stdin():
    proc = run_critic("rewrite", input="Built an RLHF pipeline that cut toxic outputs 15%\n")
    assert proc.returncode == 0
    assert "Score" in proc.stdout and "tech-only-metric" in proc.stdout and "[$X]" in proc.stdout
    assert run_critic("rewrite", "   ").returncode == 2


def test_config_file_is_found_by_walking_up_and_flags_override(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.critic]\nfail-on = "warning"\ndisable = ["weak-ownership"]\n'
        '[tool.critic.severity]\n"unquantified-impact" = "error"\n')
    sub = tmp_path / "dossier"
    sub.mkdir()
    doc = sub / "d.md"
    doc.write_text("- Helped with the launch review of the new filter.\n")
    data = json.loads(run_critic("review", str(doc), "--format", "json").stdout)
    findings = data["files"][0]["bullets"][0]["findings"]
    assert "weak-ownership" not in {f["failure_mode"] for f in findings}
    assert {f["severity"] for f in findings if f["rule"] == "unquantified-impact"} == {"error"}
    assert data["summary"]["fail_on"] == "warning"
    assert run_critic("review", str(doc), "--fail-on", "none").returncode == 0


def test_dot_critic_toml_and_explicit_config(tmp_path):
    (tmp_path / ".critic.toml").write_text("fail-under = 99\n")
    doc = tmp_path / "d.md"
    doc.write_text("- Accepted slower exports to ship SSO, cutting churn 3% and keeping two $1M accounts.\n")
    assert run_critic("review", str(doc)).returncode == 1
    other = tmp_path / "other.toml"
    other.write_text("fail-under = 10\n")
    assert run_critic("review", str(doc), "--config", str(other)).returncode == 0


@pytest.mark.parametrize("content, message", [
    ("colour = 'red'\n", "unknown key(s) colour"),
    ("fail-on = 'sometimes'\n", "`fail-on` must be"),
    ("disable = ['no-such-rule']\n", "'no-such-rule' is not a rule"),
    ("fail-under = [\n", "invalid TOML"),
])
def test_bad_config_is_one_line_exit_2(tmp_path, content, message):
    (tmp_path / ".critic.toml").write_text(content)
    doc = tmp_path / "d.md"
    doc.write_text("- Cut churn 3%.\n")
    proc = run_critic("review", str(doc))
    assert proc.returncode == 2
    assert message in proc.stderr and ".critic.toml" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_python_dash_m_critic_works():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "critic", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("critic ")


def test_completion_scripts_and_candidates():
    """--show-completion prints a script that calls critic back; the callback completes commands, options and
    option values, and leaves file names to the shell."""
    for shell, marker in (("bash", "complete -o default -F _critic_completion critic"),
                          ("zsh", "bashcompinit"), ("fish", "complete -c critic")):
        proc = run_critic("--show-completion", env={"SHELL": f"/bin/{shell}"})
        assert proc.returncode == 0 and marker in proc.stdout and "_CRITIC_COMPLETE" in proc.stdout
    def complete(words: str, cword: int) -> list[str]:
        env = {"_CRITIC_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return run_critic(env=env).stdout.split()
    assert complete("critic ", 1) == ["review", "baseline", "rewrite", "rules", "explain", "eval"]
    assert complete("critic review --fail-on w", 3) == ["warning"]
    assert "--fail-under" in complete("critic review --fail", 2)
    assert complete("critic review draft", 2) == []  # a file name: the shell's job


def test_no_command_prints_help_and_a_bad_value_is_a_usage_error():
    proc = run_critic()
    assert proc.returncode == 2 and "review" in proc.stdout and "eval" in proc.stdout
    proc = run_critic("review", "--fail-under", "101", "x.md")
    assert proc.returncode == 2 and "--fail-under" in proc.stderr and "out of range" in proc.stderr
    assert "Traceback" not in proc.stderr
