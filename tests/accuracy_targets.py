"""The accuracy targets and how a measured score is held to them, shared by the corpus tests (test_eval.py) and the
real-bullet tests (test_eval_real.py)."""

from __future__ import annotations

import pytest

from critic.evaluation import EVALUATED_MODES

TARGET_PRECISION, TARGET_RECALL = 0.90, 0.85


def modes_against_targets(short_of_target: set[str]) -> list:
    """Every evaluated mode, those still short of the targets marked as strict expected failures: the day one
    reaches the targets, its test fails until it is taken off the list."""
    return [pytest.param(mode, marks=pytest.mark.xfail(strict=True, reason="short of target, see docs/accuracy.md"))
            if mode in short_of_target else mode
            for mode in EVALUATED_MODES]


def assert_meets_targets(score) -> None:
    assert score.precision >= TARGET_PRECISION, f"{score.mode} precision {score.precision:.3f}"
    assert score.recall >= TARGET_RECALL, f"{score.mode} recall {score.recall:.3f}"


def assert_floor(score, floor: tuple[float, float]) -> None:
    precision, recall = floor
    assert score.precision >= precision, f"{score.mode} precision {score.precision:.3f} < floor {precision}"
    assert score.recall >= recall, f"{score.mode} recall {score.recall:.3f} < floor {recall}"
