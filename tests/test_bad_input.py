"""Bad input: one line naming the file, exit 2, no traceback, and the user's file untouched."""

from __future__ import annotations

import hashlib
import json

import pytest

from .conftest import run_critic


def assert_clean_error(proc, name: str, words: str):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert name in lines[0] and words in lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_file(tmp_path):
    assert_clean_error(run_critic("review", str(tmp_path / "nope.md")), "nope.md", "no such file")


def test_directory(tmp_path):
    assert_clean_error(run_critic("review", str(tmp_path)), str(tmp_path), "is a directory")
    # the hint does not double the slash of "dossier/" ("dossier//*.md" before)
    proc = run_critic("review", f"{tmp_path}/")
    assert_clean_error(proc, f"{tmp_path}/*.md", "is a directory")
    assert "//" not in proc.stderr


def test_binary_file(tmp_path):
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_clean_error(run_critic("review", str(path)), "image.md", "binary")


def test_non_utf8_file_names_the_line(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("- first bullet\n- caf\u00e9 second\n".encode("latin-1"))
    assert_clean_error(run_critic("review", str(path)), "latin1.md:2", "not valid UTF-8")


@pytest.mark.parametrize("content", ["", "# Only a heading\n\nAnd a paragraph, no list.\n"])
def test_empty_or_bulletless_file_says_so_and_exits_0(tmp_path, content):
    path = tmp_path / "empty.md"
    path.write_text(content)
    proc = run_critic("review", str(path))
    assert proc.returncode == 0
    assert "no bullets found" in proc.stdout
    data = json.loads(run_critic("review", str(path), "--format", "json").stdout)
    assert data["files"][0]["score"] is None and data["files"][0]["bullets"] == []


def test_file_over_the_size_limit_fails_cleanly(tmp_path):
    path = tmp_path / "huge.md"
    path.write_bytes(b"- Cut churn 3% for the bank.\n" * (2 * 1024 * 1024 // 29 + 1))
    assert_clean_error(run_critic("review", str(path), "--max-size", "1"), "huge.md", "too large")


def test_fifty_megabyte_file_fails_cleanly_and_quickly_by_default(tmp_path):
    path = tmp_path / "fifty.md"
    line = b"- Shipped the filter and cut toxic outputs 15% for enterprise tenants.\n"
    with path.open("wb") as handle:
        handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert_clean_error(run_critic("review", str(path), timeout=60), "fifty.md", "too large")


def test_the_reviewed_file_is_never_modified(tmp_path):
    path = tmp_path / "d.md"
    path.write_text("- Eliminated all hallucinations.\n- Helped with the audit.\n")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run_critic("review", str(path))
    run_critic("review", str(path), "--format", "json", "--output", str(tmp_path / "report.json"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert json.loads((tmp_path / "report.json").read_text())["files"][0]["path"] == str(path)


def test_output_over_the_reviewed_file_is_refused(tmp_path):
    path = tmp_path / "d.md"
    path.write_text("- Eliminated all hallucinations.\n")
    before = path.read_bytes()
    assert_clean_error(run_critic("review", str(path), "--output", str(path)), "d.md", "refusing")
    assert path.read_bytes() == before


def test_a_bad_file_among_good_ones_still_exits_2(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("- Cut churn 3%.\n")
    assert_clean_error(run_critic("review", str(good), str(tmp_path / "missing.md")), "missing.md", "no such file")


@pytest.mark.parametrize("args", [("rules", "--format", "json"), ("review", "fixtures/sample-dossier.md"),
                                  ("review", "fixtures/sample-dossier.md", "--format", "json")])
def test_a_reader_that_stops_reading_ends_the_run_quietly(args):
    """`critic rules --format json | head -3` printed "internal error: BrokenPipeError". The reader here closes the
    pipe before critic writes anything, so every write fails."""
    import os
    import subprocess

    from .conftest import critic_command

    proc = subprocess.Popen(critic_command() + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "NO_COLOR": "1"})
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert stderr == ""
