"""`critic baseline` and `critic review --baseline` (issue 5): known findings survive moved lines and do not fail the
run; new ones do; a bad baseline file is a one-line error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from critic import review_text
from critic.baseline import apply, build, load
from critic.runtime import verdict

from .conftest import FIXTURES, run_critic

NEW_WEAK_BULLET = "- Guaranteed that the new agent tools can never leak customer data."


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A working directory with the weak dossier and a baseline made from it (paths relative, as in a repo)."""
    (tmp_path / ".critic.toml").write_text("")  # stop the config search here
    (tmp_path / "dossier").mkdir()
    shutil.copy(FIXTURES / "weak-dossier.md", tmp_path / "dossier" / "me.md")
    proc = run_critic("baseline", "dossier/me.md", "-o", "baseline.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    return tmp_path


def _review_json(repo: Path, *args: str):
    proc = run_critic("review", "--baseline", "baseline.json", "-f", "json", *args, "dossier/me.md", cwd=repo)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _findings(data: dict) -> list[dict]:
    file = data["files"][0]
    return [f for b in file["bullets"] for f in b["findings"]] + file["document_findings"]


def _move_things_around(text: str) -> str:
    """Insert lines above every bullet, move the last section to the top and reflow one bullet over two lines."""
    head, body = text.split("## Launch readiness", 1)
    body = "## Launch readiness" + body
    sections = body.split("\n## ")
    last = sections.pop()
    moved = "\n## ".join(["## " + last.rstrip("\n") + "\n"] + [sections[0].removeprefix("## ")] + sections[1:])
    moved = moved.replace("- Ran more than 3,400 red-team prompts across 11 harm categories this half.",
                          "- Ran more than 3,400 red-team prompts\n  across 11   harm categories this half.")
    intro = "## Context\n\nA new paragraph.\n\nAnd another one,\nover two lines.\n\n"
    return head + intro + moved


def test_baseline_file_shape_and_stdout(repo):
    data = json.loads((repo / "baseline.json").read_text())
    assert data["schema"] == "critic/baseline" and data["schema_version"] == 1
    assert data["rubric"].startswith("default@")
    entries = data["findings"]
    assert entries and all(set(e) == {"path", "rule", "text", "count"} for e in entries)
    assert {e["path"] for e in entries} == {"dossier/me.md"}
    assert not any("line" in e for e in entries)  # matching never uses line numbers
    assert entries == sorted(entries, key=lambda e: (e["path"], e["rule"], e["text"]))
    # without -o it goes to standard output, byte for byte the same (deterministic)
    proc = run_critic("baseline", "dossier/me.md", cwd=repo)
    assert proc.returncode == 0 and proc.stdout == (repo / "baseline.json").read_text()


def test_unchanged_dossier_is_all_known_and_passes(repo):
    plain = run_critic("review", "dossier/me.md", cwd=repo)
    assert plain.returncode == 1  # fails without the baseline
    code, data = _review_json(repo)
    assert code == 0
    findings = _findings(data)
    assert findings and all(f["baseline"] == "known" for f in findings)
    assert data["summary"]["baseline"] == {"file": "baseline.json", "known": len(findings), "new": 0}
    assert data["summary"]["passed"] is True


def test_moved_and_inserted_lines_stay_known(repo):
    dossier = repo / "dossier" / "me.md"
    original = _review_json(repo)[1]
    dossier.write_text(_move_things_around(dossier.read_text()))
    code, data = _review_json(repo)
    findings = _findings(data)
    assert code == 0
    assert all(f["baseline"] == "known" for f in findings), [f for f in findings if f["baseline"] != "known"]
    assert len(findings) == len(_findings(original))
    # every bullet (and so every finding) now sits on another line than when the baseline was made
    line_of = {" ".join(b["text"].split()): b["line"] for b in original["files"][0]["bullets"]}
    moved = {" ".join(b["text"].split()): b["line"] for b in data["files"][0]["bullets"]}
    assert set(moved) == set(line_of)
    assert all(moved[text] != line_of[text] for text in moved)
    # the terminal report counts them and dims them rather than failing
    rich = run_critic("review", "--baseline", "baseline.json", "dossier/me.md", cwd=repo)
    assert rich.returncode == 0
    assert f"{len(findings)} of them known (baseline)" in rich.stdout
    assert "(known)" in rich.stdout and "passed" in rich.stdout


def test_new_weak_bullet_fails_and_only_it_is_new(repo):
    dossier = repo / "dossier" / "me.md"
    text = _move_things_around(dossier.read_text())
    text = text.replace("## Models and guardrails\n\n", "## Models and guardrails\n\n" + NEW_WEAK_BULLET + "\n")
    dossier.write_text(text)
    new_line = text.splitlines().index(NEW_WEAK_BULLET) + 1
    code, data = _review_json(repo)
    assert code == 1
    new = [f for f in _findings(data) if f["baseline"] == "new"]
    assert new and {f["line"] for f in new} == {new_line}
    assert any(f["severity"] == "error" for f in new)
    assert data["summary"]["baseline"]["new"] == len(new)
    # the line format marks the rest as known; the github format annotates only the new bullet
    line = run_critic("review", "--baseline", "baseline.json", "-f", "line", "dossier/me.md", cwd=repo)
    unmarked = [row for row in line.stdout.splitlines() if not row.endswith(" (known)")]
    assert unmarked and all(row.startswith(f"dossier/me.md:{new_line}:") for row in unmarked)
    github = run_critic("review", "--baseline", "baseline.json", "-f", "github", "dossier/me.md", cwd=repo)
    assert github.returncode == 1
    rows = github.stdout.splitlines()
    assert len(rows) == len(new) and all(f"line={new_line}," in row for row in rows)
    sarif = json.loads(run_critic("review", "--baseline", "baseline.json", "-f", "sarif", "dossier/me.md",
                                  cwd=repo).stdout)
    states = [r["baselineState"] for r in sarif["runs"][0]["results"]]
    assert states.count("new") == len(new) and set(states) == {"new", "unchanged"}


def test_baseline_is_a_multiset(repo):
    """A second copy of a recorded bullet is new: each key is known only as many times as it was recorded."""
    dossier = repo / "dossier" / "me.md"
    original = "- Removed every known jailbreak path from the v4 system prompt before launch."
    text = dossier.read_text()
    assert original in text
    dossier.write_text(text.replace(original, original + "\n" + original.upper()))
    code, data = _review_json(repo, "--fail-on", "info")
    assert code == 1
    new = [f for f in _findings(data) if f["baseline"] == "new"]
    lines = {f["line"] for f in new}
    assert len(lines) == 1
    copy_line = dossier.read_text().splitlines().index(original.upper()) + 1
    assert lines == {copy_line}


def test_score_threshold_still_applies_with_a_baseline(repo):
    proc = run_critic("review", "--baseline", "baseline.json", "--fail-under", "90", "dossier/me.md", cwd=repo)
    assert proc.returncode == 1


@pytest.mark.parametrize("content, problem", [
    ("{not json", "invalid JSON"),
    ("[]", "not a critic baseline"),
    ('{"schema": "critic/baseline", "schema_version": 99, "findings": []}', "schema_version"),
    ('{"schema": "critic/baseline", "schema_version": 1, "findings": [{"path": 1}]}', "malformed"),
    (b"\xff\xfe\x00garbage", "not a critic baseline"),
])
def test_corrupt_baseline_is_one_line_exit_2(repo, content, problem):
    bad = repo / "bad baseline.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    proc = run_critic("review", "--baseline", bad.name, "dossier/me.md", cwd=repo)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("critic: error: bad baseline.json: ") and problem in proc.stderr


def test_missing_baseline_is_one_line_exit_2(repo):
    proc = run_critic("review", "--baseline", "nope.json", "dossier/me.md", cwd=repo)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "nope.json" in proc.stderr


def test_verdict_ignores_known_findings_and_keeps_its_signature():
    from critic.models import Severity

    text = "- Eliminated all hallucinations in the new model.\n"
    results = [review_text(text, path="a.md")]
    assert verdict(results, None, Severity.ERROR) == (False, 1)  # positional call, as before
    tagged = apply(results, _load_from(build(results)))
    assert all(f.known for f in tagged[0].active_findings)
    assert verdict(tagged, None, Severity.ERROR) == (True, 0)
    assert verdict(tagged, fail_under=100, fail_on=Severity.ERROR) == (False, 1)  # the score still counts


def _load_from(data: dict):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.json"
        path.write_text(json.dumps(data))
        return load(path)
