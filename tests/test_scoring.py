"""Scores: range, determinism, twins in the style of good and bad dossier bullets, and fixes that help."""

from __future__ import annotations

import pytest

from critic import review_file, review_text

from .conftest import FIXTURES

# (weak, strong) twins written for this project in the spirit of the source's good/bad pairs
TWINS = [
    ("I ensured our assistant passed every internal safety benchmark and followed company policy before launch.",
     "I negotiated an exception to one safety benchmark to keep the bulk-export workflow, adding monitoring that "
     "cut exposure by 85% while keeping every feature our top 20 accounts use, worth $3M in ARR."),
    ("Built a new reward-model pipeline that lowered toxic replies by 12%.",
     "Directed a new alignment approach that lowered toxic replies by 12%, preventing an estimated 300 churned "
     "enterprise seats and protecting $1.5M in annual recurring revenue."),
    ("My guardrails removed all jailbreaks and safety issues from the new release.",
     "My guardrails cut successful jailbreaks 75%; I accepted the remaining edge cases and set up a 24-hour "
     "response process, which kept enterprise churn flat through the release."),
]


@pytest.mark.parametrize("weak, strong", TWINS)
def test_strong_twin_scores_at_least_30_points_above_weak_twin(review, weak, strong):
    assert review(strong).score - review(weak).score >= 30


def test_scores_and_dimensions_stay_in_range(review):
    for text in [t for pair in TWINS for t in pair] + ["x", "Eliminated all risk, zero harm, 100% safe, never fails."]:
        bullet = review(text)
        assert 0 <= bullet.score <= 100
        assert all(0 <= v <= 100 for v in bullet.dimensions.values())
        assert set(bullet.dimensions) == {"impact", "judgment", "evidence", "credibility", "leadership"}


def test_same_input_same_output():
    text = (FIXTURES / "mixed-dossier.md").read_text(encoding="utf-8")
    first = review_text(text).to_dict()
    for _ in range(3):
        assert review_text(text).to_dict() == first


@pytest.mark.parametrize("before, after", [
    ("Eliminated all hallucinations in the summariser.",
     "Cut hallucinations in the summariser 60%, and we review the remaining edge cases weekly."),
    ("Cut toxic outputs 15% by retraining the reward model.",
     "Cut toxic outputs 15% by retraining the reward model, keeping our two largest accounts ($2M ARR)."),
    ("Made sure every release passed the launch review.",
     "Negotiated a lighter launch review for low-risk releases, which kept the March date."),
    ("Rolled out a stricter refusal policy for medical questions.",
     "Rolled out a stricter refusal policy for medical questions, accepting a 3% drop in answer rate."),
])
def test_a_fix_that_removes_a_failure_raises_the_score(review, before, after):
    weak, fixed = review(before), review(after)
    assert fixed.failure_modes < weak.failure_modes or not (fixed.failure_modes & weak.failure_modes)
    assert fixed.score > weak.score


def test_fixture_verdicts_weak_strong_and_document_scores():
    weak = review_file(FIXTURES / "weak-dossier.md")
    strong = review_file(FIXTURES / "strong-dossier.md")
    assert strong.score - weak.score >= 40
    assert any(f.rule == "no-tradeoff-in-dossier" for f in weak.document_findings)
    assert not strong.document_findings
    assert not [f for f in strong.active_findings if f.severity.value == "error"]
    assert len([f for f in weak.active_findings if f.severity.value == "error"]) >= 4
    assert all(item.present for item in strong.checklist)
    assert sum(item.present for item in weak.checklist) <= 2


def test_document_with_no_bullets_has_no_score():
    result = review_text("# Title\n\nJust a paragraph.\n")
    assert result.bullets == () and result.score is None


def test_a_failure_mode_is_charged_once_however_many_of_its_rules_fire(review):
    bullet = review("Built an RLHF pipeline that cut toxic outputs 15%")
    tech = [f for f in bullet.findings if f.failure_mode == "tech-only-metric"]
    assert len(tech) >= 2
    modes = {f.failure_mode for f in bullet.findings}
    assert modes == {"tech-only-metric", "missing-tradeoff"}
    gained = sum(s.points for s in bullet.signals)
    assert bullet.score == 50 + gained - 12 - 12  # two warning-level modes, each charged once
