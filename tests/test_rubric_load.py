"""A malformed rubric is reported with the file, the rule id and the problem; the CLI exits 2."""

from __future__ import annotations

import re
import textwrap

import pytest

from critic import RubricError, load_rubric
from critic.rubric.load import phrase_to_regex

from .conftest import FIXTURES, run_critic

GOOD_RULE = """
  - id: {id}
    kind: present
    failure_mode: compliance-checklist
    severity: error
    pattern: '{pattern}'
    message: A message.
    rationale: A rationale.
    fix: A fix.
    examples:
      bad: [passed the review, passed the audit]
      good: [chose the scope, cut churn 3%]
"""

HEADER = """
failure_modes:
  compliance-checklist: gate framing
dimensions:
  judgment: decisions
"""


def write(tmp_path, body: str, name="rubric.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def rules_yaml(*rules: str) -> str:
    return HEADER + "rules:\n" + "".join(rules)


def test_a_valid_custom_rubric_loads_and_works(tmp_path):
    path = write(tmp_path, rules_yaml(GOOD_RULE.format(id="gate", pattern=r"\bpassed\b")))
    from critic import review_text

    rubric = load_rubric(path)
    result = review_text("- passed the review", rubric=rubric)
    assert [f.rule for f in result.bullets[0].findings] == ["gate"]


@pytest.mark.parametrize("body, problem, rule", [
    ("rules: [\n  - id: x\n", "invalid YAML", None),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("severity: error", "severity: error\n    colour: red")),
     "unknown key(s): colour", "gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="pass(ed")), "invalid regex", "gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("good: [chose the scope, cut churn 3%]", "good: [chose the scope]")),
     "needs at least 2 good examples", "gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed"), GOOD_RULE.format(id="gate", pattern="audit")),
     "duplicate rule id", "gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="{nowhere}")), "unknown vocabulary {nowhere}", "gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("kind: present", "kind: sometimes")),
     "`kind` must be one of", "gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("failure_mode: compliance-checklist",
                                                                       "failure_mode: vibes")),
     "`failure_mode` must be one of", "gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("    message: A message.\n", "")),
     "missing `message`", "gate"),
    ("colour: red\n" + rules_yaml(GOOD_RULE.format(id="gate", pattern="passed")), "unknown top-level key", None),
])
def test_malformed_rubric_names_file_rule_and_problem(tmp_path, body, problem, rule):
    path = write(tmp_path, body)
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    message = str(info.value)
    assert str(path) in message
    assert problem in message
    if rule:
        assert f"rule {rule!r}" in message


def test_cli_reports_a_malformed_rubric_in_one_line_with_exit_2(tmp_path):
    path = write(tmp_path, rules_yaml(GOOD_RULE.format(id="gate", pattern="pass(ed")))
    doc = tmp_path / "d.md"
    doc.write_text("- passed the review\n")
    proc = run_critic("review", str(doc), "--rubric", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "rule 'gate'" in lines[0] and "invalid regex" in lines[0]
    assert "Traceback" not in proc.stderr


def test_extends_default_can_disable_and_add_rules(tmp_path):
    path = write(tmp_path, """
        extends: default
        disable: [weak-ownership-verb]
        vocabularies:
          buzz: [synergy, paradigm shift]
        rules:
          - id: buzzword
            kind: present
            failure_mode: ethics-abstraction
            severity: info
            pattern: '{buzz}'
            message: Buzzword.
            rationale: Committees discount buzzwords.
            fix: Say what happened.
            examples:
              bad: [Drove synergy across teams, Led a paradigm shift]
              good: [Cut churn 3%, Closed two deals]
    """)
    rubric = load_rubric(path)
    ids = {r.id for r in rubric.rules}
    assert "buzzword" in ids and "weak-ownership-verb" not in ids and "absolute-safety-claim" in ids
    from critic import review_text

    bullet = review_text("- Helped drive synergies with sales", rubric=rubric).bullets[0]
    assert {f.rule for f in bullet.findings} >= {"buzzword"}
    assert "weak-ownership-verb" not in {f.rule for f in bullet.findings}


def test_extends_rejects_disabling_an_unknown_rule(tmp_path):
    path = write(tmp_path, "extends: default\ndisable: [no-such-rule]\n")
    with pytest.raises(RubricError, match="no-such-rule"):
        load_rubric(path)


def test_missing_rubric_file_is_a_clean_error(tmp_path):
    proc = run_critic("rules", "--rubric", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2
    assert "nope.yaml" in proc.stderr and "no such file" in proc.stderr


@pytest.mark.parametrize("phrase, matches, misses", [
    ("red team", ["red team", "red-team", "Red-Teams", "redteam"], ["red teal"]),
    ("liability", ["liability", "liabilities"], ["liable"]),
    ("automat*", ["automated", "automation"], ["autopilot"]),
    ("trade-off", ["trade-off", "trade off", "tradeoffs"], ["trader"]),
])
def test_vocabulary_phrases_cope_with_case_hyphens_and_plurals(phrase, matches, misses):
    import re

    pattern = re.compile(phrase_to_regex(phrase), re.IGNORECASE)
    for text in matches:
        assert pattern.fullmatch(text), text
    for text in misses:
        assert not pattern.search(text), text


CONDITIONAL_RULE = """
  - id: {id}
    kind: conditional
    failure_mode: compliance-checklist
    severity: error
    vocabularies: {{}}
    when: '{when}'
    unless: ['{{money}}', '{extra}']
    message: A message.
    rationale: A rationale.
    fix: A fix.
    examples:
      bad: [{when} the review, {when} the audit]
      good: [{when} it for $2M, {when} it {extra}]
"""


def test_unless_items_silence_the_rule_each_on_their_own_and_shared_items_are_scanned_once(tmp_path):
    from critic import review_text
    from critic.rubric.match import compile_rubric

    body = HEADER + "vocabularies:\n  money: ['re:\\$\\d+M?']\n" + "rules:\n" + "".join(
        CONDITIONAL_RULE.format(id=rule_id, when=when, extra=extra).replace("    vocabularies: {}\n", "")
        for rule_id, when, extra in (("gate-a", "passed", "by choice"), ("gate-b", "cleared", "with care")))
    rubric = load_rubric(write(tmp_path, body))
    assert len(rubric.rules[0].unless_any) == 2

    def rules_on(text):
        return [f.rule for f in review_text(f"- {text}", rubric=rubric).bullets[0].findings]

    assert rules_on("passed the review") == ["gate-a"]
    assert rules_on("passed the review for $2M") == []       # the shared item alone silences it
    assert rules_on("passed the review by choice") == []     # so does the rule's own item
    assert rules_on("passed the review with care") == ["gate-a"]  # another rule's item does not
    # when patterns, {money} once, and the two rules' own items: 5 atoms, not 6
    assert compile_rubric(rubric).pattern_count == 5


def test_shared_word_boundaries_are_factored_only_where_that_is_exact():
    from critic.rubric.load import _boundary_sequence, _factor_word_boundaries

    assert _boundary_sequence(r"\bfoo(?:a|b)")
    assert _boundary_sequence(r"\b[|(]x\|y")  # a | or ( inside a class or escaped is not structure
    assert not _boundary_sequence(r"\bzero\s+since\b|:\s*none")  # top-level |: the \b covers one branch only
    assert not _boundary_sequence(r"\b(a|b)|c")
    assert not _boundary_sequence("foo")
    alternatives = [(r"\bfoo", True), (r"\bbar", True), ("x", False), (r"\bbaz", True)]
    assert _factor_word_boundaries(alternatives) == [r"\b(?:foo|bar)", "x", r"\bbaz"]


def test_factored_vocabularies_match_exactly_like_the_plain_alternation():
    """Every vocabulary of the default rubric, factored as the loader does, finds the same spans as the plain
    alternation of its terms, on the corpus texts."""
    import json

    from critic.rubric import load

    calls = []
    original = load._factor_word_boundaries
    try:
        load._factor_word_boundaries = lambda alternatives: calls.append(alternatives) or original(alternatives)
        load._load_cached.cache_clear()
        load.load_rubric()
    finally:
        load._factor_word_boundaries = original
        load._load_cached.cache_clear()
    texts = [json.loads(line)["text"] for line in (FIXTURES / "corpus" / "dev-o.jsonl").read_text().splitlines()]
    joined = "\n\x00\n".join(texts)
    factored_somewhere = False
    for alternatives in calls:
        plain = re.compile("(?:" + "|".join(source for source, _ in alternatives) + ")", re.I | re.M)
        factored = re.compile("(?:" + "|".join(original(alternatives)) + ")", re.I | re.M)
        factored_somewhere |= plain.pattern != factored.pattern
        assert [m.span() for m in plain.finditer(joined)] == [m.span() for m in factored.finditer(joined)]
    assert factored_somewhere
