"""`critic rewrite` with pasted bullets (issue 11): several lines on standard input are reviewed one after another
(they used to be merged into one bullet), JSON for several bullets is one `critic/rewrites` object, and with no
argument on a terminal a paste loop runs, tested here under a real pseudo-terminal (the `pty` module): Ctrl-D ends
it with exit code 0, Ctrl-C with 130 and no traceback."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import time

import pytest

from .conftest import ROOT, critic_command, run_critic
from .test_terminal_report import PIPED, assert_snapshot

THREE = """Eliminated all PII leakage from the summaries feature.

- Helped with the rollout of the new content filter.
Cut churn 3% by pricing SSO into the enterprise tier, accepting slower self-serve growth.
"""


def test_several_lines_on_standard_input_are_reviewed_one_after_another():
    proc = run_critic("rewrite", input=THREE, env=PIPED)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    headings = [line for line in out.splitlines() if line.startswith("Bullet ")]
    assert headings == ["Bullet 1 of 3 (line 1)", "Bullet 2 of 3 (line 3)", "Bullet 3 of 3 (line 4)"]
    blocks = out.split("Bullet ")[1:]
    assert "perfect-safety-claim" in blocks[0] and "weak-ownership" not in blocks[0]
    assert "weak-ownership" in blocks[1] and "[Led / Owned / Negotiated] the rollout" in blocks[1]
    assert "No findings." in blocks[2]
    assert out.count("Rewrite scaffold") == 3 and out.count("Score ") == 3


def test_one_line_keeps_the_single_bullet_output():
    proc = run_critic("rewrite", "-", input="Helped with the rollout of the new content filter.\n\n", env=PIPED)
    assert proc.returncode == 0 and "Bullet 1" not in proc.stdout and proc.stdout.startswith("Score ")
    data = json.loads(run_critic("rewrite", "-f", "json", input="Cut churn 3%.\n").stdout)
    assert data["schema"] == "critic/rewrite" and data["bullet"] == "Cut churn 3%." and data["line"] == 1


def test_json_for_several_bullets_is_one_rewrites_object_in_input_order():
    proc = run_critic("rewrite", "--format", "json", input=THREE)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == "critic/rewrites" and data["schema_version"] == 1 and data["count"] == 3
    items = data["rewrites"]
    assert [item["schema"] for item in items] == ["critic/rewrite"] * 3
    assert [item["line"] for item in items] == [1, 3, 4]
    assert items[1]["bullet"] == "Helped with the rollout of the new content filter."  # list marker dropped
    assert all(item["scaffold"]["text"].endswith(".") for item in items)
    assert {f["failure_mode"] for f in items[0]["findings"]} >= {"perfect-safety-claim"}


def test_empty_input_is_one_line_error():
    proc = run_critic("rewrite", input="\n  \n")
    assert proc.returncode == 2 and proc.stderr.strip() == "critic: error: the bullet is empty"


def test_rewrite_snapshot():
    proc = run_critic("rewrite", "Made sure every release passed the AI ethics review before launch.", cwd=ROOT,
                      env=PIPED)
    assert proc.returncode == 0, proc.stderr
    assert_snapshot("rewrite.txt", proc.stdout)


# --- the paste loop, under a pseudo-terminal ----------------------------------------------------------------------

class Terminal:
    """`critic ARGS` running with a pseudo-terminal as its controlling terminal (stdin, stdout and stderr)."""

    def __init__(self, *args: str, cwd=None, env: dict | None = None):
        full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **(env or {})}
        command = critic_command() + list(args)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes critic
            try:
                # A terminal session starts with Ctrl-C at its default; a test run started in the background
                # (`.ci/run &`) has SIGINT ignored, which exec would pass on and critic would then never see.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                if cwd:
                    os.chdir(cwd)
                os.execvpe(command[0], command, full_env)
            finally:
                os._exit(127)
        self.output = ""

    def expect(self, text: str, timeout: float = 60) -> str:
        """Read until `text` has appeared (after what earlier calls consumed); return what was read."""
        end = time.monotonic() + timeout
        start = len(self.output)
        while text not in self.output[start:]:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; got:\n{self.output}")
            ready, _, _ = select.select([self.fd], [], [], min(remaining, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"critic exited while waiting for {text!r}; got:\n{self.output}")
                self.output += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.output[start:]

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait(self, timeout: float = 60) -> int:
        """Drain the output until the child exits; its exit code."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._drain()
                return os.waitstatus_to_exitcode(status)
            self._drain(0.2)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError(f"critic did not exit; output:\n{self.output}")

    def _drain(self, timeout: float = 0) -> None:
        while select.select([self.fd], [], [], timeout)[0]:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
            timeout = 0

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.fixture
def terminal():
    sessions = []

    def start(*args, **kwargs) -> Terminal:
        session = Terminal(*args, **kwargs)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


def test_paste_loop_reviews_each_bullet_and_ends_on_ctrl_d(terminal):
    term = terminal("rewrite")
    assert "Ctrl-D ends" in term.expect("bullet> ")
    term.send("Eliminated all PII leakage from the summaries feature.\n")
    first = term.expect("bullet> ")
    assert "perfect-safety-claim" in first and "Rewrite scaffold" in first and "Cut [N%] of PII leakage" in first
    # two lines pasted at once: reviewed one after the other
    term.send("Helped with the rollout of the new content filter.\nReviewed hundreds of flagged outputs by hand.\n")
    both = term.expect("bullet> ") + term.expect("bullet> ")
    assert both.index("weak-ownership") < both.index("personal-heroics")
    term.send("\n")  # a blank line is skipped
    term.expect("bullet> ")
    term.send("\x04")  # Ctrl-D at the start of a line: end of input
    assert term.wait() == 0
    assert "Traceback" not in term.output


def test_paste_loop_ctrl_c_exits_130_without_a_traceback(terminal):
    term = terminal("rewrite")
    term.expect("bullet> ")
    term.send("Cut churn 3% by pricing SSO into the enterprise tier.\n")
    term.expect("bullet> ")
    term.send("\x03")  # Ctrl-C: the terminal sends SIGINT
    assert term.wait() == 130
    assert "Traceback" not in term.output and "Aborted" not in term.output


def test_paste_loop_shows_the_verified_llm_rewrite_when_a_model_is_configured(terminal, tmp_path):
    pytest.importorskip("langchain_openai")
    from .llm_fakes import FakeOpenAI

    with FakeOpenAI() as server:
        term = terminal("rewrite", "--llm", "openai:some-model", "--base-url", server.base_url, cwd=tmp_path,
                        env={"CRITIC_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": ""})
        term.expect("bullet> ")
        term.send("Helped with the jailbreak evaluation for the enterprise assistant launch last quarter.\n")
        out = term.expect("bullet> ")
        term.send("\x04")
        assert term.wait() == 0
    assert "Rewrite scaffold" in out and "LLM rewrite (openai:some-model" in out and "verified by the rubric" in out
    assert server.calls == 1
