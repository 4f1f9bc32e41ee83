"""Shared helpers: the repository layout, the bundled rubric, and running the *installed* `critic` command."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

# critic's on-disk rubric cache (src/critic/rubric/cache.py): one fresh directory per test session, so that tests
# neither read nor fill the user's ~/.cache/critic (subprocesses inherit it through the environment)
if "CRITIC_CACHE_DIR" not in os.environ:
    os.environ["CRITIC_CACHE_DIR"] = tempfile.mkdtemp(prefix="critic-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CRITIC_CACHE_DIR"], True)


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


# As root every file is readable and writable, so permission tests drop the capabilities that allow it
# (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH; CAP_CHOWN and CAP_FOWNER too, so a file of another user cannot be
# given away or re-moded): file modes and owners then apply as they do to an ordinary user.
DROPPED_CAPS = "-dac_override,-dac_read_search,-chown,-fowner"


def unprivileged_prefix() -> list[str]:
    """A command prefix that runs without root's power over files ([] when not root); skips the test if the
    machine cannot provide one."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    return ["setpriv", "--inh-caps", DROPPED_CAPS, "--bounding-set", DROPPED_CAPS]


def run_unprivileged(*args: str, input: str | None = None, cwd=None, env: dict | None = None
                     ) -> subprocess.CompletedProcess:
    proc = subprocess.run(unprivileged_prefix() + critic_command() + list(args), input=input, capture_output=True,
                          text=True, timeout=120, cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})})
    if proc.returncode != 0 and "--version" in args:
        pytest.skip(f"cannot run critic unprivileged here: {proc.stderr.strip()}")
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
