"""Every example of every rule and checklist entry is a test, collected automatically from the rubric.

Finding rules: a bad example must raise the rule, a good one must not. Signals: a good example must show the
signal, a bad one must not. Document-scope rules take each example as a whole Markdown dossier.
"""

from __future__ import annotations

import pytest

from critic import load_rubric, review_text

RUBRIC = load_rubric()


def _rule_cases():
    for rule in RUBRIC.rules:
        fire, quiet = (rule.examples.good, rule.examples.bad) if rule.is_signal else (rule.examples.bad,
                                                                                      rule.examples.good)
        for i, text in enumerate(fire):
            yield pytest.param(rule.id, text, True, id=f"{rule.id}-fires-{i}")
        for i, text in enumerate(quiet):
            yield pytest.param(rule.id, text, False, id=f"{rule.id}-quiet-{i}")


def _fired(rule_id: str, text: str) -> bool:
    rule = RUBRIC.rule(rule_id)
    if rule.scope == "document":
        result = review_text(text, rubric=RUBRIC)
        return any(f.rule == rule_id for f in result.document_findings)
    result = review_text(text, kind="plain", rubric=RUBRIC)
    assert len(result.bullets) == 1
    bullet = result.bullets[0]
    return any(f.rule == rule_id for f in bullet.findings) or any(s.rule == rule_id for s in bullet.signals)


@pytest.mark.parametrize("rule_id, text, should_fire", list(_rule_cases()))
def test_rule_example(rule_id, text, should_fire):
    assert _fired(rule_id, text) == should_fire


def _checklist_cases():
    for entry in RUBRIC.checklist:
        for i, text in enumerate(entry.examples.good):
            yield pytest.param(entry.id, text, True, id=f"{entry.id}-shown-{i}")
        for i, text in enumerate(entry.examples.bad):
            yield pytest.param(entry.id, text, False, id=f"{entry.id}-absent-{i}")


@pytest.mark.parametrize("entry_id, text, shown", list(_checklist_cases()))
def test_checklist_example(entry_id, text, shown):
    result = review_text(text, kind="plain", rubric=RUBRIC)
    item = next(i for i in result.checklist if i.id == entry_id)
    assert item.present == shown


def test_every_rule_has_two_bad_and_two_good_examples():
    for rule in RUBRIC.rules:
        assert len(rule.examples.bad) >= 2 and len(rule.examples.good) >= 2, rule.id
    for entry in RUBRIC.checklist:
        assert len(entry.examples.bad) >= 2 and len(entry.examples.good) >= 2, entry.id


def test_the_four_failure_modes_each_have_rules():
    modes = {r.failure_mode for r in RUBRIC.rules}
    assert {"compliance-checklist", "tech-only-metric", "perfect-safety-claim", "missing-tradeoff"} <= modes


def test_article_signals_each_have_their_own_rule():
    ids = {r.id for r in RUBRIC.rules}
    for expected in ("vanity-count", "ethics-as-abstraction", "personal-heroics", "weak-ownership-verb",
                     "unquantified-impact", "money-figure", "business-metric", "quantified-risk",
                     "explicit-tradeoff", "cross-functional-influence", "scales-through-systems",
                     "named-risk-framework"):
        assert expected in ids
