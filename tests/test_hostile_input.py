"""Issue 10: every input is finite or refused, no input gives an internal error, and nothing is dropped silently.

Each test is a reproduction from the issue, run through the installed `critic` command: a clear one-line error
naming the file and exit 2 (or the right result), never "internal error", never a hang.
"""

from __future__ import annotations

import io
import json
import os
import stat

import pytest

from critic.errors import InputError
try:
    from critic.inputs import read_stdin
except ImportError:
    read_stdin = None

from .conftest import run_critic, run_unprivileged

BULLET = "- Made sure every release passed the launch review\n"


def assert_one_line_error(proc, *words: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


def dossier(tmp_path, text: str = BULLET, name: str = "d.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- every input is finite or refused -----------------------------------------------------------------------------

@pytest.fixture
def fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_everywhere_instead_of_waited_on(tmp_path, fifo):
    doc = dossier(tmp_path)
    for args in (["review", str(fifo)], ["baseline", str(fifo)], ["review", "--baseline", str(fifo), str(doc)],
                 ["eval", str(fifo)], ["review", "--config", str(fifo), str(doc)]):
        proc = run_critic(*args, timeout=30)  # before issue 10 each of these waited for a writer for ever
        assert_one_line_error(proc, str(fifo), "not a regular file (a FIFO)")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_refused_not_read(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    proc = run_critic("review", device, timeout=30)  # their size is 0, so --max-size never stopped the read
    assert_one_line_error(proc, device, "not a regular file (a character device)")


def test_standard_input_is_held_to_max_size():
    proc = run_critic("review", "-", "--max-size", "1", input=b"- Cut churn 3%\n" * 200_000)  # 3 MB
    assert_one_line_error(proc, "<stdin>", "too large", "--max-size")
    assert run_critic("review", "-", "-q", input=BULLET).returncode == 1  # under the limit: reviewed


def test_standard_input_is_never_read_past_the_limit():
    class Endless(io.RawIOBase):
        served = 0

        def read(self, n=-1):
            assert n is not None and n >= 0, "an unbounded read"
            self.served += n
            return b"a" * n

    stream = Endless()
    with pytest.raises(InputError, match="too large"):
        read_stdin(1000, stream)
    assert stream.served == 1001


# --- no internal errors --------------------------------------------------------------------------------------------

def test_a_symlink_loop_is_named(tmp_path):
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    assert_one_line_error(run_critic("review", str(tmp_path / "a.md")), "a.md", "symlink loop")
    assert_one_line_error(run_critic("review", str(tmp_path / "a.md"), "-o", str(tmp_path / "r.txt")), "symlink")


@pytest.mark.parametrize("bullet", ["**", "<!-- critic-disable -->", "[]()"])
def test_rewrite_of_markup_without_words(bullet):
    assert_one_line_error(run_critic("rewrite", bullet), "no words to review")
    assert_one_line_error(run_critic("rewrite", input=bullet), "no words to review")


def test_rewrite_of_bytes_that_are_not_utf8():
    import subprocess

    from .conftest import critic_command

    proc = subprocess.run(critic_command() + ["rewrite", b"Cut churn \xff 3%"], capture_output=True, timeout=60,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2 and b"not valid UTF-8" in proc.stderr and b"internal error" not in proc.stderr


def corpus(tmp_path, *lines: str, name: str = "c.jsonl"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_eval_reads_an_id_longer_than_pythons_integer_limit(tmp_path):
    big_id = "7" * 4400  # int() refuses more than 4,300 digits
    path = corpus(tmp_path, '{"id": %s, "text": "Eliminated all risk.", "labels": ["perfect-safety-claim"]}' % big_id)
    proc = run_critic("eval", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["bullets"] == 1


def test_eval_of_deeply_nested_json(tmp_path):
    path = corpus(tmp_path, "[" * 100_000)
    assert_one_line_error(run_critic("eval", str(path)), f"{path}:1", "nested too deeply")


def test_eval_of_a_lone_surrogate(tmp_path):
    path = corpus(tmp_path, '{"text": "Cut risk \\ud800 to zero.", "labels": []}')
    assert_one_line_error(run_critic("eval", str(path)), f"{path}:1", "lone surrogate")


def test_a_baseline_of_deeply_nested_json(tmp_path):
    baseline = tmp_path / "b.json"
    baseline.write_text("[" * 100_000, encoding="utf-8")
    proc = run_critic("review", "--baseline", str(baseline), str(dossier(tmp_path)))
    assert_one_line_error(proc, "b.json", "nested too deeply")


@pytest.mark.parametrize("name,text,words", [
    (".critic.toml", 'tool = "mycritic"\n', "unknown key(s) tool"),
    ("pyproject.toml", "tool = 1\n", "`tool` must be a table"),
    ("pyproject.toml", "[tool]\ncritic = 5\n", "`tool.critic` must be a table"),
    ("pyproject.toml", "[tool.critic]\nfail-under = true\n", "`fail-under` must be a whole number"),
    (".critic.toml", "fail-under = true\n", "`fail-under` must be a whole number"),
    (".critic.toml", "fail-on = 3\n", "`fail-on` must be error, warning or info"),
    (".critic.toml", "[severity]\nweak-ownership = [1]\n", "severity of 'weak-ownership'"),
])
def test_config_type_errors(tmp_path, name, text, words):
    (tmp_path / name).write_text(text, encoding="utf-8")
    proc = run_critic("review", str(dossier(tmp_path)), cwd=tmp_path)
    assert_one_line_error(proc, name, words)


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-32-le", b"\xff\xfe\x00\x00")])
def test_utf16_and_utf32_are_named(tmp_path, encoding, bom):
    path = tmp_path / "d.md"
    path.write_bytes(bom + BULLET.encode(encoding))
    label = encoding[:6].upper()
    assert_one_line_error(run_critic("review", str(path)), "d.md", f"is {label} text", "save it as UTF-8")


def test_utf16_without_a_bom_is_named_too(tmp_path):
    path = tmp_path / "d.md"
    path.write_bytes(BULLET.encode("utf-16-le"))
    assert_one_line_error(run_critic("review", str(path)), "d.md", "UTF-16")


def test_a_bullet_after_a_line_separator_keeps_its_line_and_column(tmp_path):
    """U+2028 is not a line break in Markdown or JSON Lines; str.splitlines() treats it as one."""
    from critic import review_text

    md = "- First bullet \u2028 still the first line\n  - Eliminated all risk in the launch.\n"
    bullets = review_text(md, path="d.md").bullets
    assert [(b.bullet.line, b.bullet.column) for b in bullets] == [(1, 3), (2, 5)]
    finding = next(f for f in bullets[1].findings if f.failure_mode == "perfect-safety-claim")
    assert (finding.line, finding.column) == (2, 5)
    txt = "First bullet \u2028 same line\u0085 still\nEliminated all risk in the launch.\n"
    plain = review_text(txt, path="d.txt").bullets
    assert [(b.bullet.line, b.bullet.column) for b in plain] == [(1, 1), (2, 1)]
    proc = run_critic("review", str(dossier(tmp_path, md)), "--format", "line")
    assert f"{tmp_path / 'd.md'}:2:5: error" in proc.stdout


def test_eval_reads_a_raw_line_separator_inside_a_json_string(tmp_path):
    path = corpus(tmp_path, '{"id": "x1", "text": "Eliminated all risk\u2028in the launch.", '
                            '"labels": ["perfect-safety-claim"]}')
    proc = run_critic("eval", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["bullets"] == 1


# --- a file the user cannot read ----------------------------------------------------------------------------------

def test_an_unreadable_file_is_permission_denied(tmp_path):
    doc = dossier(tmp_path)
    data = corpus(tmp_path, '{"text": "Eliminated all risk.", "labels": []}')
    for path in (doc, data):
        path.chmod(0)
    run_unprivileged("--version")  # skips when this machine cannot drop root's file powers
    assert_one_line_error(run_unprivileged("review", str(doc)), "d.md", "permission denied")
    assert_one_line_error(run_unprivileged("eval", str(data)), "c.jsonl", "permission denied")
    assert stat.S_IMODE(doc.stat().st_mode) == 0


# --- nothing dropped silently --------------------------------------------------------------------------------------

def nested_list(levels: int) -> str:
    return "".join("  " * i + f"- Level {i} bullet made sure the release passed review\n" for i in range(levels))


def test_a_thirty_level_list_is_reviewed_in_full(tmp_path):
    proc = run_critic("review", str(dossier(tmp_path, nested_list(30))), "--format", "json")
    assert json.loads(proc.stdout)["summary"]["bullets"] == 30  # 9 before issue 10
    assert "warning" not in proc.stderr


def test_thirty_levels_of_block_quotes_are_reviewed():
    from critic import review_text

    text = "".join(">" * (i + 1) + f" - Quote level {i} cut churn 3%\n>" + ">" * i + "\n" for i in range(30))
    assert len(review_text(text).bullets) == 30  # 17 before issue 10


def test_content_nested_past_the_limit_is_reported_not_dropped(tmp_path):
    from critic.document import MAX_LIST_LEVELS

    path = dossier(tmp_path, nested_list(MAX_LIST_LEVELS + 5))
    proc = run_critic("review", str(path), "--format", "json")
    data = json.loads(proc.stdout)
    assert data["summary"]["bullets"] == MAX_LIST_LEVELS
    (warning,) = data["files"][0]["warnings"]
    assert warning["line"] == MAX_LIST_LEVELS + 1 and "not reviewed" in warning["message"]
    assert f"critic: warning: {path}:{MAX_LIST_LEVELS + 1}: lists or block quotes nested too deeply" in proc.stderr
    rich = run_critic("review", str(path))
    assert f"{MAX_LIST_LEVELS + 1}: warning: lists or block quotes nested too deeply" in rich.stdout
    github = run_critic("review", str(path), "--format", "github")
    assert f"::warning file={path},line={MAX_LIST_LEVELS + 1},title=critic::lists" in github.stdout.replace(
        "%3A", ":").replace("%2C", ",")
    sarif = json.loads(run_critic("review", str(path), "--format", "sarif").stdout)
    (note,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "not reviewed" in note["message"]["text"]
