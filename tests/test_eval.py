"""`critic eval` on the labelled corpus: the accuracy targets on the held-out test split, and the command itself."""

from __future__ import annotations

import json

import pytest

from critic import load_rubric
from critic.evaluation import EVALUATED_MODES, evaluate, load_corpus

from .accuracy_targets import assert_floor, assert_meets_targets, modes_against_targets
from .conftest import FIXTURES, run_critic

CORPUS = FIXTURES / "corpus"
TEST_SPLIT = sorted(CORPUS.glob("test*.jsonl"))
DEV_SPLIT = sorted(CORPUS.glob("dev*.jsonl"))


def test_corpus_meets_its_size_and_mix_requirements():
    bullets = load_corpus(TEST_SPLIT + DEV_SPLIT)
    assert len(bullets) >= 400
    for mode in EVALUATED_MODES:
        assert sum(mode in b.labels for b in bullets) >= 60, mode
    assert sum(not b.labels for b in bullets) >= 80
    test_count = len(load_corpus(TEST_SPLIT))
    assert 0.25 <= test_count / len(bullets) <= 0.35


# Modes that fell short of the targets on the test split when the rubric was last tuned (on dev* only); the figures
# and the error patterns behind them are in docs/accuracy.md. The xfail is strict: the day a mode reaches the targets
# this test fails until the mode is taken off the list, so the list can only shrink honestly.
SHORT_OF_TARGET: set[str] = set()

# Regression floors: the test-split figures measured at that tuning, rounded down to the next 0.01 and minus 0.02.
# A rubric change that loses more than that on text it was never tuned on fails here.
FLOORS = {  # mode: (precision, recall)
    "compliance-checklist": (0.94, 0.89),  # measured 0.965 / 0.916
    "tech-only-metric": (0.90, 0.86),  # measured 0.923 / 0.882
    "perfect-safety-claim": (0.92, 0.85),  # measured 0.949 / 0.877
    "missing-tradeoff": (0.93, 0.93),  # measured 0.957 / 0.950
}


@pytest.fixture(scope="module")
def test_split_scores():
    report = evaluate(load_corpus(TEST_SPLIT), load_rubric())
    return {score.mode: score for score in report.scores}


@pytest.mark.parametrize("mode", modes_against_targets(SHORT_OF_TARGET))
def test_test_split_meets_precision_and_recall_targets(mode, test_split_scores):
    assert_meets_targets(test_split_scores[mode])


@pytest.mark.parametrize("mode", EVALUATED_MODES)
def test_test_split_does_not_regress_below_its_measured_floor(mode, test_split_scores):
    assert_floor(test_split_scores[mode], FLOORS[mode])


def test_eval_command_prints_the_table_and_errors(tmp_path):
    corpus = tmp_path / "mini.jsonl"
    corpus.write_text(
        json.dumps({"id": "a", "text": "Eliminated all hallucinations in the new model.",
                    "labels": ["perfect-safety-claim", "missing-tradeoff", "tech-only-metric"]}) + "\n"
        + json.dumps({"id": "b", "text": "Grew paid seats 20% by redesigning onboarding.", "labels": []}) + "\n"
        + json.dumps({"id": "c", "text": "Closed the Q3 renewal with our largest bank.",
                      "labels": ["compliance-checklist"]}) + "\n")
    proc = run_critic("eval", str(corpus))
    assert proc.returncode == 0
    assert "perfect-safety-claim" in proc.stdout and "micro" in proc.stdout and "macro" in proc.stdout
    assert "FN compliance-checklist" in proc.stdout and "mini.jsonl:3" in proc.stdout
    data = json.loads(run_critic("eval", str(corpus), "--format", "json").stdout)
    compliance = next(m for m in data["failure_modes"] if m["failure_mode"] == "compliance-checklist")
    assert compliance["recall"] == 0.0 and compliance["support"] == 1
    assert any(e["kind"] == "false-negative" and e["id"] == "c" for e in data["errors"])
    assert run_critic("eval", str(corpus), "--min-recall", "0.9").returncode == 1
    assert run_critic("eval", str(corpus), "--min-precision", "0.5").returncode == 0


@pytest.mark.parametrize("content, message", [
    ("{not json\n", "mini.jsonl:1: invalid JSON"),
    ('{"text": "x y z", "labels": ["vibes"]}\n', "mini.jsonl:1: \"labels\" must be"),
    ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "mini.jsonl:2: duplicate id"),
])
def test_eval_bad_corpus_is_one_line_exit_2(tmp_path, content, message):
    corpus = tmp_path / "mini.jsonl"
    corpus.write_text(content)
    proc = run_critic("eval", str(corpus))
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


GROUP_RUBRIC = """schema: 2
failure_modes: {perfect-safety-claim: Absolute., tech-only-metric: Technical.}
dimensions: {credibility: Belief.}
rules:
  - id: absolute
    kind: present
    failure_mode: perfect-safety-claim
    pattern: [eliminated all, zero risk]
    message: m
    rationale: r
    fix: f
    examples: {bad: [eliminated all bugs, zero risk now], good: [cut bugs 3%, some risk]}
  - id: latency
    kind: present
    failure_mode: tech-only-metric
    pattern: [latency]
    message: m
    rationale: r
    fix: f
    examples: {bad: [cut latency, latency fell], good: [cut churn, grew revenue]}
"""


def test_eval_by_group_and_the_confusion_between_modes(tmp_path):
    rubric = tmp_path / "r.yaml"
    rubric.write_text(GROUP_RUBRIC)
    rows = [  # (group, text, labels)
        ("alpha/one", "Eliminated all bugs in the parser.", ["perfect-safety-claim"]),
        ("alpha/one", "Cut latency 40%.", ["tech-only-metric"]),
        ("beta/two", "Zero risk of outages now.", ["tech-only-metric"]),        # raised as perfect: confused
        ("beta/two", "Grew revenue 12%.", []),
        ("beta/two", "Latency is fine and churn fell.", []),                    # a false alarm
    ]
    corpus = tmp_path / "real.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"r{i}", "text": t, "labels": labels, "group": g}) + "\n"
                              for i, (g, t, labels) in enumerate(rows)))
    data = json.loads(run_critic("eval", str(corpus), "--rubric", str(rubric), "--by", "group", "--format",
                                 "json").stdout)
    groups = {g["group"]: {m["failure_mode"]: m for m in g["failure_modes"]} for g in data["groups"]}
    assert set(groups) == {"alpha/one", "beta/two"}
    assert groups["alpha/one"]["tech-only-metric"]["tp"] == 1 and groups["beta/two"]["tech-only-metric"]["fp"] == 1
    assert groups["beta/two"]["tech-only-metric"]["fn"] == 1
    assert data["confusion"]["tech-only-metric"]["perfect-safety-claim"] == 1
    assert data["confusion"]["(clean)"]["tech-only-metric"] == 1 and data["confusion"]["(clean)"]["(nothing)"] == 1
    assert "groups" not in json.loads(run_critic("eval", str(corpus), "--rubric", str(rubric), "--format",
                                                 "json").stdout)
    text = run_critic("eval", str(corpus), "--rubric", str(rubric), "--by", "group", "--no-errors").stdout
    assert "Confusion" in text and "By group" in text and "beta/two" in text
    assert "Zero risk" not in text  # --no-errors prints figures only, never the bullets
    assert run_critic("eval", str(corpus), "--by", "file").returncode == 2
