"""Shared helpers: the repository layout, the bundled rubric, and running the *installed* `critic` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def critic_command() -> list[str]:
    """The console script installed next to this interpreter (what a user runs), else `python -m critic`."""
    script = Path(sys.executable).parent / "critic"
    if script.exists():
        return [str(script)]
    found = shutil.which("critic")
    return [found] if found else [sys.executable, "-m", "critic"]


def run_critic(*args: str, input: str | bytes | None = None, cwd: Path | str | None = None,
               env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run(critic_command() + list(args), input=data, capture_output=True, cwd=cwd, env=full_env,
                          timeout=timeout)
    proc.stdout = proc.stdout.decode("utf-8", "replace")
    proc.stderr = proc.stderr.decode("utf-8", "replace")
    return proc


@pytest.fixture(scope="session")
def rubric():
    from critic import load_rubric

    return load_rubric()


@pytest.fixture
def review(rubric):
    """review("bullet text") -> BulletResult of a one-bullet plain document."""
    from critic import review_text

    def _review(text: str):
        result = review_text(text, kind="plain", rubric=rubric)
        assert len(result.bullets) == 1, text
        return result.bullets[0]

    return _review
