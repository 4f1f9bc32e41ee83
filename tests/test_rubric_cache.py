"""The on-disk rubric cache (parsed YAML, compiled regular expressions) can make a run faster, never different:
hits give the same patterns and reviews, and a corrupt, truncated or tampered cache is ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from critic import review_text
from critic.rubric import cache, load, match

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "fixtures" / "mixed-dossier.md").read_text(encoding="utf-8")


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """An empty cache directory and no in-process memory of rubrics or patterns."""
    monkeypatch.setenv("CRITIC_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("CRITIC_NO_CACHE", raising=False)

    def reset():
        load._load_cached.cache_clear()
        match._CACHE.clear()
        cache.regexes_for(None)

    reset()
    yield tmp_path
    reset()


def _review():
    rubric = load.load_rubric()
    return rubric, review_text(SAMPLE, rubric=rubric).to_dict()


def test_second_load_hits_the_cache_and_reviews_identically(fresh):
    _, first = _review()
    names = sorted(p.name.split("-")[0] for p in fresh.iterdir())
    assert names == ["regex", "yaml"]
    load._load_cached.cache_clear()
    match._CACHE.clear()
    cache.regexes_for(None)
    rubric, second = _review()
    assert second == first
    compiled = match.compile_rubric(rubric)
    for atom in compiled._atoms:  # rebuilt from the cache: the same pattern as re.compile gives
        fresh_pattern = re.compile(atom.pattern, atom.flags)
        assert atom.flags == fresh_pattern.flags
        assert [m.span() for m in atom.finditer(SAMPLE)] == [m.span() for m in fresh_pattern.finditer(SAMPLE)]


@pytest.mark.parametrize("damage", ["garbage", "truncate", "tamper", "empty", "directory"])
def test_a_damaged_cache_is_ignored(fresh, damage):
    _, expected = _review()
    for path in list(fresh.iterdir()):
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x00\xffnot json\n{")
        elif damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "tamper":  # a changed payload no longer matches its checksum
            middle = data.index(b"\n") + (len(data) - data.index(b"\n")) // 2
            path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:])
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.unlink()
            path.mkdir()
        assert cache.read(path.name) is None  # the damage is detected, not read as data
    load._load_cached.cache_clear()
    match._CACHE.clear()
    cache.regexes_for(None)
    _, again = _review()
    assert again == expected


def test_unwritable_cache_directory_is_ignored(monkeypatch, fresh):
    blocker = fresh / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CRITIC_CACHE_DIR", str(blocker / "sub"))
    _, result = _review()
    assert result["bullets"]


def test_no_cache_setting_writes_nothing(monkeypatch, fresh):
    monkeypatch.setenv("CRITIC_NO_CACHE", "1")
    _review()
    assert list(fresh.iterdir()) == []


def test_invalid_regex_is_still_reported(fresh, tmp_path):
    rubric = tmp_path / "bad.yaml"
    rubric.write_text("""
schema: 1
name: bad
failure_modes: {m: one}
rules:
  - id: broken
    kind: present
    failure_mode: m
    pattern: '(unclosed'
    message: x
    rationale: x
    fix: x
    examples: {bad: [a, b], good: [c, d]}
""")
    from critic.errors import RubricError

    for _ in range(2):  # the error is never cached
        load._load_cached.cache_clear()
        with pytest.raises(RubricError, match="invalid regex"):
            load.load_rubric(str(rubric))
