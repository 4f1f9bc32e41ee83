"""Time is linear in the input, for every rubric and every text (issue: hostile input).

Timing tests that survive noisy, shared machines: each pathological shape is reviewed at two sizes (10 KB and
20 KB), best of a few runs; the larger must take less than 3x the smaller (a quadratic matcher takes 4x) and finish
within a generous bound. The shapes are the ones that made the regex engine of critic 0.1 quadratic (digit runs,
currency signs before digits) plus what stresses a token matcher (one endless sentence of phrase hits, gaps,
negations, thousands of sentences).
"""

from __future__ import annotations

import gc
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from critic import load_rubric, review_text

SMALL, LARGE = 10_000, 20_000
RATIO_LIMIT = 3.0
ABSOLUTE_LIMIT_S = 30.0

SHAPES = {
    "comma-digit run": lambda n: "- " + "1," * (n // 2),
    "digit run": lambda n: "- " + "1" * n,
    "currency then digits": lambda n: "- $" + "1" * n,
    "currency signs": lambda n: "- " + "$1 " * (n // 3),
    "percent signs": lambda n: "- " + "1% " * (n // 3),
    "one sentence of gate phrases": lambda n: "- " + "passed the audit and " * (n // 21),
    "negations and absolutes": lambda n: "- " + "not never zero all " * (n // 19),
    "thousands of sentences": lambda n: "- " + "Cut churn 3%. " * (n // 14),
    "many bullets": lambda n: "- Eliminated all PII leakage from the model.\n" * (n // 44),
    "mixed punctuation": lambda n: "- " + "(a) [b]: c; d - e, f! " * (n // 22),
    "arrows and ranges": lambda n: "- " + "9 -> 3 from 9% to 3% " * (n // 21),
}


def timed(function) -> float:
    """Wall time of one call, with the garbage collector out of the way: its pauses depend on everything else the
    process holds, not on the algorithm under test."""
    gc.collect()
    gc.disable()
    try:
        began = time.perf_counter()
        function()
        return time.perf_counter() - began
    finally:
        gc.enable()


def assert_linear(make_text, review, repeat: int = 5) -> None:
    """Best of `repeat` runs at each size, the sizes interleaved so that a burst of load elsewhere on the machine
    slows both alike."""
    review(make_text(200))  # warm caches (compiled rubric, token memo)
    small_text, large_text = make_text(SMALL), make_text(LARGE)
    small = large = float("inf")
    for _ in range(repeat):
        small = min(small, timed(lambda: review(small_text)))
        large = min(large, timed(lambda: review(large_text)))
    assert large < ABSOLUTE_LIMIT_S, f"{LARGE // 1000} KB took {large:.1f} s"
    # below a few milliseconds the ratio is noise: compare against a floor
    assert large / max(small, 0.005) < RATIO_LIMIT, f"10 KB {small:.3f} s, 20 KB {large:.3f} s"


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_default_rubric_is_linear_on_pathological_text(shape):
    rubric = load_rubric()
    make = SHAPES[shape]
    kind = "markdown"
    assert_linear(make, lambda text: review_text(text, kind=kind, rubric=rubric))


CATASTROPHIC = """schema: 2
failure_modes: {x: x}
dimensions: {d: d}
vocabularies:
  nested: ['re:(a+)+$', 're:(x|x)*y', 're:(\\d+)*z']
rules:
  - id: slow
    kind: present
    failure_mode: x
    pattern: '{nested}'
    message: m
    rationale: r
    fix: f
    examples: {bad: [aaa, xxy], good: [b b, c c]}
"""


def test_a_custom_rubric_with_a_catastrophic_regex_stays_linear(tmp_path):
    """`(a+)+$` hangs Python's re on 30 characters; `re:` terms run on RE2, which cannot backtrack."""
    path = tmp_path / "slow.yaml"
    path.write_text(CATASTROPHIC, encoding="utf-8")
    rubric = load_rubric(path)
    began = time.perf_counter()
    result = review_text("a" * 30 + "!", kind="plain", rubric=rubric)
    assert time.perf_counter() - began < 5
    assert not result.bullets[0].findings
    assert_linear(lambda n: "a" * n + "!", lambda text: review_text(text, kind="plain", rubric=rubric))
    assert_linear(lambda n: "1" * n + "!", lambda text: review_text(text, kind="plain", rubric=rubric))


ALPHABET = st.sampled_from(list("0123456789$%,.;:-()[]'\"/x ") + [" zero ", " all ", " never ", " passed ", " audit ",
                                                                   " from ", " to ", " churn ", " not ", " 100% ",
                                                                   " risk ", " $2M ", " safe ", "\n- ", " which "])


@settings(max_examples=60, deadline=4000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, min_size=1, max_size=400).map("".join))
def test_fuzz_mixed_punctuation_digits_and_words_never_fails_or_stalls(text):
    rubric = load_rubric()
    result = review_text("- " + text, rubric=rubric)
    for bullet in result.bullets:
        for finding in bullet.findings:
            assert bullet.bullet.text[finding.start:finding.end] == finding.match
