"""The matcher's speed-ups are exact: the rubric compiled for reviews (figures as word classes, patterns inlined into
the trie as gap edges, word lists flattened, unused labels dropped) finds exactly the findings and signals, at
exactly the same spans, as the same rubric compiled plainly (every phrase a label of its own, as traces use it)."""

from __future__ import annotations

import json

import pytest

from critic import load_rubric
from critic.rubric.match import CompiledRubric, compile_rubric

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def compilations():
    rubric = load_rubric()
    return compile_rubric(rubric), CompiledRubric(rubric, split_terms=True)


def _texts() -> list[str]:
    texts = []
    for path in sorted((FIXTURES / "corpus").glob("dev*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def _found(compiled: CompiledRubric, text: str) -> list:
    findings, signals = compiled.evaluate(compiled.match(text))
    return [(rule.id, hit) for rule, hit in findings + signals]


def test_the_fast_compilation_finds_exactly_what_the_plain_one_finds(compilations):
    fast, plain = compilations
    texts = _texts()
    assert len(texts) > 4000
    differing = [text for text in texts if _found(fast, text) != _found(plain, text)]
    assert not differing, differing[:3]
    # the speed-ups did happen: most patterns now sit in the trie, and unused labels are not reported
    assert sum(len(p.patterns) for p in fast.plans.values()) < sum(len(p.patterns) for p in plain.plans.values()) / 3


def test_a_vocabulary_with_exceptions_filters_the_word_lists_it_includes(tmp_path):
    """The bug the exactness test caught: a word list flattened into a vocabulary above one with exceptions must
    not bypass those exceptions."""
    path = tmp_path / "r.yaml"
    path.write_text("""schema: 2
failure_modes: {x: x}
dimensions: {d: d}
vocabularies:
  money_word: [revenue]
  business:
    phrases: ['{money_word}']
    except: [revenue forecasting]
  outcome: ['{business}', churn]
rules:
  - id: r
    kind: present
    failure_mode: x
    pattern: '{outcome}'
    message: m
    rationale: r
    fix: f
    examples: {bad: [revenue grew, churn fell], good: [revenue forecasting model, a b]}
""", encoding="utf-8")
    rubric = load_rubric(path)
    fast = compile_rubric(rubric)
    assert _found(fast, "Built the revenue forecasting model") == []
    assert [rule for rule, _ in _found(fast, "Grew revenue 3%")] == ["r"]
