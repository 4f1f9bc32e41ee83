"""Accuracy on real people's bullets (`../shared/real/`, outside the repository; see docs/accuracy.md).

`check.jsonl` is never used for tuning: its figures are asserted here as floors, like the corpus test split, and
the issue's targets (precision >= 0.90, recall >= 0.85 for every mode with at least 30 bullets) as strict expected
failures where a mode is still short. `dev.jsonl` was tuned on; its floors only catch regressions.
The texts are other people's writing: these tests read them at run time and never print one.
"""

from __future__ import annotations

import pytest

from critic import load_rubric
from critic.evaluation import evaluate, load_corpus

from .accuracy_targets import assert_floor, assert_meets_targets, modes_against_targets
from .conftest import ROOT

REAL = ROOT.parent / "shared" / "real"
TARGET_SUPPORT = 30  # bullets of a mode in check.jsonl before the targets apply to it

pytestmark = pytest.mark.skipif(
    not (REAL / "check.jsonl").exists() or not (REAL / "dev.jsonl").exists(),
    reason=f"the real labelled bullets are not here ({REAL}): they live outside the repository, see docs/accuracy.md")

# Modes with enough support that are still short of the targets on check.jsonl (figures and the largest error kinds
# in docs/accuracy.md). Strict: the day one reaches the targets, its test fails until it is taken off this list.
SHORT_OF_TARGET = {"tech-only-metric", "missing-tradeoff"}

# Measured figures rounded down to the next 0.01, minus 0.02. A mode with no bullets in the split has no floor.
CHECK_FLOORS = {  # mode: (precision, recall)
    "compliance-checklist": (0.64, 0.55),  # measured 0.667 / 0.571, 14 bullets
    "tech-only-metric": (0.66, 0.78),  # measured 0.684 / 0.806
    "missing-tradeoff": (0.83, 0.84),  # measured 0.854 / 0.864
}
DEV_FLOORS = {
    "compliance-checklist": (0.98, 0.98),  # measured 1.000 / 1.000
    "tech-only-metric": (0.91, 0.89),  # measured 0.939 / 0.916
    "perfect-safety-claim": (0.98, 0.98),  # measured 1.000 / 1.000, 2 bullets
    "missing-tradeoff": (0.96, 0.97),  # measured 0.987 / 0.993
}


def _scores(name: str) -> dict:
    report = evaluate(load_corpus([REAL / name]), load_rubric())
    return {score.mode: score for score in report.scores}


@pytest.fixture(scope="module")
def check_scores():
    return _scores("check.jsonl")


@pytest.fixture(scope="module")
def dev_scores():
    return _scores("dev.jsonl")


@pytest.mark.parametrize("mode", sorted(CHECK_FLOORS))
def test_real_check_does_not_regress_below_its_measured_floor(mode, check_scores):
    assert_floor(check_scores[mode], CHECK_FLOORS[mode])


@pytest.mark.parametrize("mode", sorted(DEV_FLOORS))
def test_real_dev_does_not_regress_below_its_measured_floor(mode, dev_scores):
    assert_floor(dev_scores[mode], DEV_FLOORS[mode])


@pytest.mark.parametrize("mode", modes_against_targets(SHORT_OF_TARGET))
def test_real_check_meets_the_targets_where_a_mode_has_enough_bullets(mode, check_scores):
    score = check_scores[mode]
    if score.support < TARGET_SUPPORT:
        assert mode not in SHORT_OF_TARGET, f"{mode} has {score.support} bullets: no target, take it off the list"
        pytest.skip(f"{mode}: {score.support} bullets in check.jsonl, under the {TARGET_SUPPORT} a target needs")
    assert_meets_targets(score)
