"""The pre-commit hook, driven through the real `pre-commit` framework (issue 5).

`pre-commit try-repo` needs the hook repository to be a git repository with `.pre-commit-hooks.yaml` committed, so
the working tree of this repository is copied to a temporary folder and committed there. pre-commit then builds
its own virtual environment and pip-installs critic from that copy, exactly as it would for a user (this needs
the package index, and takes a minute or so the first time; PRE_COMMIT_HOME is a temporary folder, so nothing is
shared with the user's own pre-commit cache).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from critic import review_file, review_text
from critic.models import Severity

from .conftest import FIXTURES, ROOT

HOOK_ID = "critic"
IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", ".ci-venv", "build", "dist", "*.egg-info", "__pycache__",
                                ".pytest_cache", ".hypothesis", ".critic-cache", "node_modules", "*.pyc")


def _env(pre_commit_home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"PRE_COMMIT_HOME": str(pre_commit_home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never",
                "GIT_AUTHOR_NAME": "critic tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
                "GIT_COMMITTER_NAME": "critic tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid"})
    return env


def _git(cwd: Path, env: dict, *args: str) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env,
                   check=True, capture_output=True)


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory) -> dict:
    return _env(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory, pre_commit_env) -> Path:
    """A committed snapshot of this repository's current working tree."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to drive pre-commit")
    dest = tmp_path_factory.mktemp("hook-repo") / "critic"
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    assert (dest / ".pre-commit-hooks.yaml").is_file()
    _git(dest, pre_commit_env, "init", "-q")
    _git(dest, pre_commit_env, "add", "-A")
    _git(dest, pre_commit_env, "commit", "-q", "-m", "snapshot for pre-commit try-repo")
    return dest


@pytest.fixture
def user_repo(tmp_path, pre_commit_env) -> Path:
    """A user's repository with a weak and a strong dossier, a plain-text list of bullets and a Python file the
    hook must not touch."""
    repo = tmp_path / "user"
    repo.mkdir()
    _git(repo, pre_commit_env, "init", "-q")
    _git(repo, pre_commit_env, "config", "user.name", "Dossier Author")
    _git(repo, pre_commit_env, "config", "user.email", "author@example.invalid")
    shutil.copy(FIXTURES / "weak-dossier.md", repo / "weak.md")
    shutil.copy(FIXTURES / "strong-dossier.md", repo / "strong.md")
    (repo / "notes.py").write_text('"""Eliminated all hallucinations; worked nights and weekends."""\n')
    (repo / "bullets.txt").write_text("- Eliminated all hallucinations in the new model.\n")
    _git(repo, pre_commit_env, "add", "-A")
    return repo


def _try_repo(hook_repo: Path, user_repo: Path, env: dict, *files: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), HOOK_ID, "--color", "never",
           "--files", *files]
    proc = subprocess.run(cmd, cwd=user_repo, env=env, capture_output=True, text=True, timeout=900)
    proc.output = proc.stdout + proc.stderr
    return proc


def _failing_bullets(path: Path) -> list[tuple[int, int, str]]:
    """(line, column, text) of each bullet that fails the default verdict (a finding at `error` or worse)."""
    result = review_file(path)
    return [(b.bullet.line, b.bullet.column, b.bullet.text) for b in result.bullets
            if any(f.severity.rank >= Severity.ERROR.rank for f in b.active_findings)]


def test_hook_definition_is_offline_python_on_dossier_files():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == HOOK_ID
    assert hook["entry"] == "critic review"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True and hook["require_serial"] is False
    assert set(hook["types_or"]) == {"markdown", "plain-text"}


def test_weak_dossier_fails_and_names_each_failing_bullet(hook_repo, user_repo, pre_commit_env):
    proc = _try_repo(hook_repo, user_repo, pre_commit_env, "weak.md", "notes.py", "bullets.txt")
    assert proc.returncode != 0, proc.output
    assert "Failed" in proc.output and "exit code: 1" in proc.output, proc.output
    assert "weak.md" in proc.output
    failing = _failing_bullets(user_repo / "weak.md")
    assert len(failing) >= 3
    rows = proc.output.splitlines()
    for line, _column, text in failing:
        # the concise report: the bullet under its line number and score, then a path:line:col line per failure
        # mode (one a bullet at least: the error that fails it)
        bullet = re.compile(rf"^\s*{line}\s+\d+\s+{re.escape(text[:30])}")
        finding = re.compile(rf"^\s*weak\.md:{line}:\d+\s+error\s")
        unmarked = [row.replace("[[", "").replace("]]", "") for row in rows]  # the words behind findings are [[marked]]
        assert any(bullet.match(row) for row in unmarked), f"bullet on line {line} not named:\n{proc.output}"
        assert any(finding.match(row) for row in rows), f"no path:line:col for line {line}:\n{proc.output}"
    assert "How to fix" in proc.output and "fix:" not in proc.output  # hints once per rule, not per bullet
    assert "notes.py" not in proc.output  # the hook only receives Markdown and .txt files
    assert re.search(r"^bullets\.txt\s+score", proc.output, re.MULTILINE), proc.output


def test_strong_dossier_passes(hook_repo, user_repo, pre_commit_env):
    proc = _try_repo(hook_repo, user_repo, pre_commit_env, "strong.md")
    assert proc.returncode == 0, proc.output
    assert re.search(r"^critic.*Passed$", proc.output, re.MULTILINE), proc.output


# --- the example configurations of docs/integrations.md, run with `pre-commit run` ----------------------------

MEDIOCRE = """- Shipped a new toxicity classifier that cut toxic generations 18% on our internal benchmark.
- Ran more than 3,400 red-team prompts across 11 harm categories this half.
- Held the launch two weeks to cut refund errors from 4% to 1%, costing $400K of Q3 bookings but protecting $1.9M
  in renewals.
"""


def _documented_configs() -> list[str]:
    text = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    configs = [b for b in blocks if b.startswith("repos:")]
    assert len(configs) == 3, "docs/integrations.md should show three pre-commit configurations"
    return configs


def _head(repo: Path, env: dict) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def dossier_repo(user_repo, pre_commit_env) -> Path:
    """user_repo plus a dossier/ folder (weak and mediocre dossiers) and a weak README.md outside it."""
    (user_repo / "dossier").mkdir()
    shutil.copy(FIXTURES / "weak-dossier.md", user_repo / "dossier" / "weak.md")
    (user_repo / "dossier" / "mediocre.md").write_text(MEDIOCRE)
    (user_repo / "README.md").write_text("# Notes\n\n- Eliminated all hallucinations in the new model.\n")
    _git(user_repo, pre_commit_env, "add", "-A")
    return user_repo


def _run_documented(index: int, hook_repo: Path, repo: Path, env: dict, *files: str) -> subprocess.CompletedProcess:
    import yaml

    config = yaml.safe_load(_documented_configs()[index])
    config["repos"][0]["repo"] = str(hook_repo)
    config["repos"][0]["rev"] = _head(hook_repo, env)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _git(repo, env, "add", ".pre-commit-config.yaml")
    cmd = [sys.executable, "-m", "pre_commit", "run", "critic", "--color", "never", "--files", *files]
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    proc.output = proc.stdout + proc.stderr
    return proc


def test_documented_configurations_are_valid_for_pre_commit(tmp_path):
    from pre_commit.clientlib import load_config, load_manifest

    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["id"] == HOOK_ID
    for i, text in enumerate(_documented_configs()):
        path = tmp_path / f"config{i}.yaml"
        path.write_text(text)
        (repo,) = load_config(str(path))["repos"]
        assert [h["id"] for h in repo["hooks"]] == [HOOK_ID]


def test_documented_configurations_behave_as_described(hook_repo, dossier_repo, pre_commit_env):
    mediocre = review_text(MEDIOCRE, path="mediocre.md")
    assert mediocre.score < 70 and not any(f.severity == Severity.ERROR for f in mediocre.active_findings)
    files = ("README.md", "notes.py", "dossier/weak.md", "dossier/mediocre.md")

    every = _run_documented(0, hook_repo, dossier_repo, pre_commit_env, *files)  # all Markdown and text files
    assert every.returncode != 0
    assert re.search(r"^README\.md\s+score", every.output, re.MULTILINE), every.output
    assert re.search(r"^dossier/weak\.md\s+score", every.output, re.MULTILINE)
    assert "notes.py" not in every.output

    folder = _run_documented(1, hook_repo, dossier_repo, pre_commit_env, *files)  # files: ^dossier/
    assert folder.returncode != 0
    assert re.search(r"^dossier/weak\.md\s+score", folder.output, re.MULTILINE), folder.output
    assert "README.md" not in folder.output

    lenient = _run_documented(1, hook_repo, dossier_repo, pre_commit_env, "dossier/mediocre.md")
    assert lenient.returncode == 0, lenient.output
    strict = _run_documented(2, hook_repo, dossier_repo, pre_commit_env, "dossier/mediocre.md")  # --fail-under 70
    assert strict.returncode != 0, strict.output
    assert "fail under 70" in strict.output
