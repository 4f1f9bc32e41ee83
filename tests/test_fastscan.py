"""The RE2-accelerated scan gives exactly the matches of Python's `re`, and the scan stays linear.

The reference below is the scan as it was before acceleration (each atom's finditer over the joined texts); the
accelerated scan must equal it on the fixtures, on generated dossiers and on random texts full of the characters
where RE2 and Python's `re` differ (non-ASCII letters and digits, case folds that leave ASCII, the placeholders
themselves, odd whitespace)."""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from critic import load_rubric, review_text
from critic.document import parse_text
from critic.rubric import fastscan, match
from critic.rubric.match import MAX_MATCHES_PER_TEXT, SEPARATOR, CompiledRubric

pytest.importorskip("re2")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import dossier  # noqa: E402

RUBRIC = load_rubric()


def reference_scan(atoms: list[re.Pattern], texts: list[str]) -> list[dict]:
    results: list[dict] = [{} for _ in texts]
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + len(SEPARATOR)
    joined = SEPARATOR.join(texts)
    for index, atom in enumerate(atoms):
        for m in atom.finditer(joined):
            begin, finish = m.span()
            if begin == finish:
                continue
            which = bisect_right(starts, begin) - 1
            if finish - starts[which] > len(texts[which]):
                continue
            spans = results[which].setdefault(index, [])
            if len(spans) < MAX_MATCHES_PER_TEXT:
                spans.append((begin - starts[which], finish - starts[which]))
    return results


@pytest.fixture(scope="module")
def compiled():
    return CompiledRubric(RUBRIC)


@pytest.fixture
def accelerated(monkeypatch):
    monkeypatch.setattr(match, "ACCELERATE_FROM_CHARS", 0)


@pytest.fixture
def python_only(monkeypatch):
    monkeypatch.setattr(match, "ACCELERATE_FROM_CHARS", float("inf"))


def _texts(source: str, path: str = "x.md") -> list[str]:
    parsed = parse_text(source, path)
    return [b.text for b in parsed.bullets] + [b.text for b in parsed.blocks]


def _documents():
    for path in sorted((ROOT / "fixtures").glob("*.md")) + [ROOT / "benchmarks" / "data" / "dossier-60.md"]:
        yield path.name, _texts(path.read_text(encoding="utf-8"))
    yield "plain-bullets.txt", _texts((ROOT / "fixtures" / "plain-bullets.txt").read_text(), "x.txt")
    yield "generated-1500", _texts(dossier(1500, seed=3))


def _presence_view(results: list[dict], presence: frozenset) -> list[dict]:
    return [{k: (v[:1] if k in presence else v) for k, v in found.items()} for found in results]


@pytest.mark.parametrize("name, texts", list(_documents()), ids=lambda v: v if isinstance(v, str) else "")
def test_accelerated_scan_equals_reference(name, texts, compiled, accelerated):
    expected = reference_scan(compiled._atoms, texts)
    assert compiled.scan(texts) == expected
    assert compiled.scan(texts, all_spans=False) == _presence_view(expected, compiled._presence_only)


def test_python_scan_equals_reference(compiled, python_only):
    texts = _texts((ROOT / "fixtures" / "mixed-dossier.md").read_text(encoding="utf-8"))
    expected = reference_scan(compiled._atoms, texts)
    assert compiled.scan(texts) == expected
    assert compiled.scan(texts, all_spans=False) == _presence_view(expected, compiled._presence_only)


def test_every_default_atom_has_an_re2_twin(compiled):
    accelerator = fastscan.Accelerator(compiled._atoms)
    assert all(accelerator.twin(i) is not None for i in range(len(compiled._atoms)))


def test_reviews_are_identical_with_and_without_acceleration(monkeypatch):
    source = dossier(800, seed=11)
    monkeypatch.setattr(match, "ACCELERATE_FROM_CHARS", float("inf"))
    slow = review_text(source, rubric=RUBRIC).to_dict()
    monkeypatch.setattr(match, "ACCELERATE_FROM_CHARS", 0)
    fast = review_text(source, rubric=RUBRIC).to_dict()
    assert fast == slow


# --- random texts where the engines differ ----------------------------------------------------------------------

WORDS = ["revenue", "churn", "ARR", "risk", "accepted", "trade-off", "eliminated", "all", "zero", "passed", "review",
         "ensured", "policy", "toxicity", "accuracy", "93%", "$1.2M", "20", "helped", "weekends", "manually",
         "instead", "of", "rather", "than", "not", "never", "launch", "held", "delay", "customers", "legal",
         "pipeline", "model", "built", "shipped", "because", "expected", "loss", "NIST", "register", "I", "we"]
ODD = ["\u00e9", "\u017f", "\u212a", "\u0131", "\u0130", "\u20ac", "\u2014", "\u00a0", "\u0663", "_", "\x01", "\x0b",
       "\x1c", "K", "S", "i", "k", "s", ".", ";", ",", "'", '"', "-", "(", ")", "\n"]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=3))
text = st.lists(token, max_size=30).map(lambda parts: " ".join(parts))


@settings(max_examples=150, deadline=None)
@given(st.lists(text, min_size=1, max_size=6))
def test_random_texts_scan_exactly_like_python(texts):
    compiled = _shared()
    old = match.ACCELERATE_FROM_CHARS
    match.ACCELERATE_FROM_CHARS = 0
    try:
        assert compiled.scan(texts) == reference_scan(compiled._atoms, texts)
    finally:
        match.ACCELERATE_FROM_CHARS = old


_SHARED: list = []


def _shared() -> CompiledRubric:
    if not _SHARED:
        _SHARED.append(CompiledRubric(RUBRIC))
    return _SHARED[0]


TRICKY = [
    r"\bcost\b", r"(?<!no )\brisk\b", r"\bfoo(?!bar)\w*", r"[^.;]{0,20}\bheld\b", r"\d+(?:\.\d+)?\s?%",
    r"(?:\w+\s+){0,3}review", r"^\s*(?:helped|supported)\b", r"\bK\w+", r"[a-z]+\s[A-Z]", r"\S+\W\s", r"(a)\1",
    r"x?", r"\bkiss\b|\bSKI\b", r"\u00e9t\u00e9", r"[\u00e0-\u00ff]+", r"(?i:caf\u00e9)", r"(?>ab|a)c", r"a*+b",
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TRICKY), st.lists(st.one_of(st.sampled_from(WORDS + ODD), st.text(max_size=4)), max_size=25))
def test_tricky_patterns_find_exactly_pythons_matches(source, parts):
    pattern = re.compile(source, re.IGNORECASE | re.MULTILINE)
    subject = " ".join(parts)
    accelerator = fastscan.Accelerator([pattern])
    twin = accelerator.twin(0)
    if twin is None:  # not translatable (back-reference, empty match): stays on Python's engine
        return
    search, _contained = twin
    hay = fastscan.haystack(subject)
    found, pos = [], 0
    while pos <= len(hay):
        begin = search(accelerator.unanchored, hay, pos, len(hay))[0][0]
        if begin < 0:
            break
        m = pattern.match(subject, begin)
        if m is None:
            pos = begin + 1
            continue
        found.append(m.span())
        pos = m.end()
    assert found == [m.span() for m in pattern.finditer(subject)]


def test_ascii_letters_that_fold_outside_ascii_are_known():
    """Every non-ASCII character that IGNORECASE matches to an ASCII letter folds from FOLDS_OUTSIDE_ASCII."""
    letters = re.compile("[a-z]", re.IGNORECASE)
    folding = set()
    for code in range(128, sys.maxunicode + 1):
        char = chr(code)
        if letters.fullmatch(char):
            folding |= {c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(c, char, re.IGNORECASE)}
    assert {c.lower() for c in fastscan.FOLDS_OUTSIDE_ASCII} >= folding


# --- linear, counted rather than timed ---------------------------------------------------------------------------

def test_scan_work_grows_linearly_with_the_document(monkeypatch):
    """Count the regex-engine calls of the accelerated scan: 4x the bullets must be about 4x the calls."""
    monkeypatch.setattr(match, "ACCELERATE_FROM_CHARS", 0)
    compiled = CompiledRubric(RUBRIC)
    compiled.scan(_texts(dossier(50, seed=5)))
    calls = [0]
    accelerator = compiled._accelerator()
    for index, twin in enumerate(accelerator._twins):
        if twin:
            def counting(*args, _search=twin[0]):
                calls[0] += 1
                return _search(*args)
            accelerator._twins[index] = (counting, twin[1])

    def work(n: int) -> int:
        calls[0] = 0
        compiled.scan(_texts(dossier(n, seed=5)), all_spans=False)
        return calls[0]

    small, large = work(500), work(2000)
    assert 3.0 <= large / small <= 5.0, (small, large)


def test_lazy_unless_scan_gives_the_same_findings(compiled, python_only):
    """Atoms used only in `unless` are searched only where a trigger of their rule matched (the engine's scan);
    every rule must still fire or stay silent exactly as with the full scan."""
    import json

    texts = []
    for name in ("dev-k.jsonl", "dev-l.jsonl"):
        path = ROOT / "fixtures" / "corpus" / name
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()][:150]
    full = compiled.scan(texts, all_spans=False)
    lazy = compiled.scan(texts, all_spans=False, lazy_unless=True)
    assert compiled._unless_only  # the default rubric has such atoms, so this test tests something
    assert any(set(a) != set(b) for a, b in zip(full, lazy))  # and the lazy scan really skipped some
    for text, a, b in zip(texts, full, lazy):
        assert compiled.evaluate(text, a) == compiled.evaluate(text, b), text
