"""`critic eval` on the labelled corpus: the accuracy targets on the held-out test split, and the command itself."""

from __future__ import annotations

import json

import pytest

from critic import load_rubric
from critic.evaluation import EVALUATED_MODES, evaluate, load_corpus

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


@pytest.mark.parametrize("mode", EVALUATED_MODES)
def test_test_split_meets_precision_and_recall_targets(mode):
    report = evaluate(load_corpus(TEST_SPLIT), load_rubric())
    score = next(s for s in report.scores if s.mode == mode)
    assert score.precision >= 0.90, f"{mode} precision {score.precision:.3f}"
    assert score.recall >= 0.85, f"{mode} recall {score.recall:.3f}"


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
