"""A malformed rubric is reported with the file, the line, the rule or vocabulary and the problem; the CLI exits 2.
Schema 1 rubrics get a pointer to the migration notes; rubrics that extend the default keep working."""

from __future__ import annotations

import textwrap

import pytest

from critic import RubricError, load_rubric, review_text

from .conftest import run_critic

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

HEADER = """schema: 2
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
    path = write(tmp_path, rules_yaml(GOOD_RULE.format(id="gate", pattern="pass ... review/audit")))
    rubric = load_rubric(path)
    result = review_text("- passed the review", rubric=rubric)
    assert [f.rule for f in result.bullets[0].findings] == ["gate"]


def test_an_edited_rubric_file_is_read_again(tmp_path):
    """The per-process cache must not serve a stale rubric after the file changed."""
    path = write(tmp_path, rules_yaml(GOOD_RULE.format(id="gate", pattern="passed")))
    assert review_text("- passed it", rubric=load_rubric(path)).bullets[0].findings
    write(tmp_path, rules_yaml(GOOD_RULE.format(id="gate", pattern="cleared the gate")))
    rubric = load_rubric(path)
    assert not review_text("- passed it", rubric=rubric).bullets[0].findings
    assert review_text("- cleared the gate", rubric=rubric).bullets[0].findings


@pytest.mark.parametrize("body, problem, marker", [
    ("rules: [\n  - id: x\n", "invalid YAML", "- id: x"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("severity: error", "severity: error\n    colour: red")),
     "rule 'gate': unknown key(s): colour", "- id: gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="pass(ed")), "looks like a regular expression", "pattern:"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("good: [chose the scope, cut churn 3%]",
                                                                       "good: [chose the scope]")),
     "needs at least 2 good examples", "- id: gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed"), GOOD_RULE.format(id="gate", pattern="audit")),
     "duplicate rule id", ("- id: gate", 2)),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="{nowhere}")), "rule gate: unknown vocabulary {nowhere}", "pattern:"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("kind: present", "kind: sometimes")),
     "`kind` must be one of", "- id: gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("failure_mode: compliance-checklist",
                                                                       "failure_mode: vibes")),
     "`failure_mode` must be one of", "- id: gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("    message: A message.\n", "")),
     "missing `message`", "- id: gate"),
    ("colour: red\n" + rules_yaml(GOOD_RULE.format(id="gate", pattern="passed")), "unknown top-level key", None),
    (HEADER + "vocabularies:\n  money: [cash]\n" + "rules:\n" + GOOD_RULE.format(id="gate", pattern="passed"),
     "vocabulary name 'money' is a built-in recognizer", "money:"),
    (HEADER + "vocabularies:\n  gate:\n    phrases: [audit]\n    except: [audit (internal)]\nrules:\n"
     + GOOD_RULE.format(id="gate", pattern="{gate}"), "vocabulary gate except: '(internal)' looks like a regular", "except:"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed").replace("severity: error",
                                                                       "severity: error\n    unless_in_clause: x")),
     "only a conditional rule has `unless_in_clause`", "- id: gate"),
    (rules_yaml(GOOD_RULE.format(id="gate", pattern="passed")).replace("schema: 2", "schema: 3"), "unknown `schema: 3`",
     None),
])
def test_malformed_rubric_names_file_line_and_problem(tmp_path, body, problem, marker):
    """`marker`: text on the line the error must point at (None: the error is about the whole file)."""
    path = write(tmp_path, body)
    text, occurrence = marker if isinstance(marker, tuple) else (marker, 1)
    lines = [n for n, line in enumerate(textwrap.dedent(body).splitlines(), 1) if text and text in line]
    line = lines[occurrence - 1] if marker else None
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:" if line else f"{path}:")
    assert problem in message


def test_cli_reports_a_bad_phrase_in_one_line_with_exit_2(tmp_path):
    path = write(tmp_path, rules_yaml(GOOD_RULE.format(id="gate", pattern="pass(ed")))
    doc = tmp_path / "d.md"
    doc.write_text("- passed the review\n")
    proc = run_critic("review", str(doc), "--rubric", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"{path}:12: rule gate:" in lines[0] and "'pass(ed'" in lines[0]
    assert "Traceback" not in proc.stderr


def test_a_schema_1_rubric_with_regex_patterns_points_at_the_migration_notes(tmp_path):
    path = write(tmp_path, rules_yaml(GOOD_RULE.format(id="gate", pattern=r"\bpassed\b")).replace("schema: 2",
                                                                                                 "schema: 1"))
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    message = str(info.value)
    assert "schema 1" in message and "rule 'gate'" in message and "docs/rubric-format.md#migrating" in message


def test_a_schema_1_rubric_that_only_extends_and_disables_still_loads(tmp_path):
    path = write(tmp_path, "schema: 1\nextends: default\ndisable: [weak-ownership-verb]\n"
                           "scoring: {severity_points: {error: 30}}\n")
    rubric = load_rubric(path)
    assert "weak-ownership-verb" not in {r.id for r in rubric.rules}
    assert rubric.severity_points["error"] == 30


def test_extends_default_can_disable_add_rules_and_teach_a_vocabulary_new_phrases(tmp_path):
    path = write(tmp_path, """
        extends: default
        disable: [weak-ownership-verb]
        vocabularies:
          buzz: [synergy, paradigm shift]
          business_result: [uninstall rate]
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
    bullet = review_text("- Helped drive synergies with sales", rubric=rubric).bullets[0]
    assert {f.rule for f in bullet.findings} >= {"buzzword"}
    assert "weak-ownership-verb" not in {f.rule for f in bullet.findings}
    base_terms = {t.text for t in load_rubric().vocabularies["business_result"].phrases}
    assert "uninstall rate" in {t.text for t in rubric.vocabularies["business_result"].phrases} - base_terms


def test_extends_rejects_disabling_an_unknown_rule(tmp_path):
    path = write(tmp_path, "extends: default\ndisable: [no-such-rule]\n")
    with pytest.raises(RubricError, match="no-such-rule"):
        load_rubric(path)


def test_missing_rubric_file_is_a_clean_error(tmp_path):
    proc = run_critic("rules", "--rubric", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2
    assert "nope.yaml" in proc.stderr and "no such file" in proc.stderr


def test_unless_items_silence_the_rule_each_on_their_own(tmp_path):
    rule = """
  - id: {id}
    kind: conditional
    failure_mode: compliance-checklist
    when: '{when}'
    unless: ['{{money}}', '{extra}']
    message: A message.
    rationale: A rationale.
    fix: A fix.
    examples:
      bad: [{when} the review, {when} the audit]
      good: [{when} it for $2M, {when} it {extra}]
"""
    body = rules_yaml(*(rule.format(id=rule_id, when=when, extra=extra)
                        for rule_id, when, extra in (("gate-a", "passed", "by choice"),
                                                     ("gate-b", "cleared", "with care"))))
    rubric = load_rubric(write(tmp_path, body))

    def rules_on(text):
        return [f.rule for f in review_text(f"- {text}", rubric=rubric).bullets[0].findings]

    assert rules_on("passed the review") == ["gate-a"]
    assert rules_on("passed the review for $2M") == []       # the shared item alone silences it
    assert rules_on("passed the review by choice") == []     # so does the rule's own item
    assert rules_on("passed the review with care") == ["gate-a"]  # another rule's item does not


def test_the_default_rubric_reads_as_phrases():
    """Rubric 2's format targets: at most 5% `re:` terms, none with look-arounds, no phrase over 160 characters."""
    rubric = load_rubric()
    terms = [t for v in rubric.vocabularies.values() for t in v.phrases + v.exceptions]
    terms += [t for r in rubric.rules for t in r.pattern + r.when + r.unless + r.unless_near]
    terms += [t for c in rubric.checklist for t in c.pattern]
    regexes = [t for t in terms if t.text.startswith("re:")]
    assert len(terms) > 1000
    assert len(regexes) <= 0.05 * len(terms), f"{len(regexes)} of {len(terms)} terms are re:"
    too_long = [f"{t.where} ({len(t.text)})" for t in terms if len(t.text) > 160]
    assert not too_long, f"phrases over 160 characters: {too_long}"
    assert not [t.text for t in regexes if "(?=" in t.text or "(?!" in t.text or "(?<" in t.text]
