"""The token matcher: what a phrase, a vocabulary with exceptions and a rule with `unless` find in a text.

Rubrics here are written inline in the format users write (schema 2), so each test reads as the rubric author's
expectation. The default rubric's own behaviour is tested through its examples (test_rule_examples.py) and the
corpus (test_eval.py).
"""

from __future__ import annotations

import textwrap

import pytest

from critic import RubricError, load_rubric, review_text
from critic.rubric.match import CompiledRubric

HEADER = """
schema: 2
failure_modes: {gate: Gate framing., metric: Tech only.}
dimensions: {judgment: Decisions.}
clauses:
  before: [but, while]
  after_comma: [and, which]
"""


def rubric_from(tmp_path, vocabularies: str, rules: str):
    path = tmp_path / "rubric.yaml"
    path.write_text(textwrap.dedent(HEADER) + "vocabularies:\n" + textwrap.indent(textwrap.dedent(vocabularies), "  ")
                    + "rules:\n" + textwrap.indent(textwrap.dedent(rules), "  "), encoding="utf-8")
    return load_rubric(path)


def rule(rule_id: str, when: str, extra: str = "", kind: str = "conditional") -> str:
    key = "when" if kind == "conditional" else "pattern"
    unless = "" if "unless:" in extra or kind != "conditional" else "unless: zzzzqqq\n"
    return textwrap.dedent(f"""\
        - id: {rule_id}
          kind: {kind}
          failure_mode: gate
          {key}: {when}
        """) + textwrap.indent(unless + textwrap.dedent(extra), "  ") + textwrap.indent(textwrap.dedent("""\
        message: m
        rationale: r
        fix: f
        examples: {bad: [x x, y y], good: [z z, w w]}
        """), "  ")


def fired(rubric, text: str) -> dict[str, str]:
    """rule id -> the text of its finding, for one plain-text bullet."""
    bullets = review_text(text, kind="plain", rubric=rubric).bullets
    return {f.rule: f.match for f in bullets[0].findings} if bullets else {}


def hits(rubric, label: str, text: str) -> list[str]:
    compiled = CompiledRubric(rubric)
    found = compiled.match(text)
    return [found.hit(span).match for span in found.hits(label)]


def test_words_inflections_hyphens_joins_and_punctuation(tmp_path):
    rubric = rubric_from(tmp_path, "gate: [pass ... audit, red team, sign off]\n",
                         rule("r", "'{gate}'"))
    assert hits(rubric, "gate", "Passed the annual SOC2 audit") == ["Passed the annual SOC2 audit"]
    assert hits(rubric, "gate", "passes, after a fight, audits") == ["passes, after a fight, audits"]
    assert hits(rubric, "gate", "Red-Teamed it; the redteams signed-off") == ["Red-Teamed", "redteams", "signed-off"]
    assert hits(rubric, "gate", "passing five more words here then audit") == []  # gap of 3 words at most
    assert hits(rubric, "gate", "We passed. The audit came later") == []            # never across a sentence


def test_leftmost_then_longest_hit_is_reported(tmp_path):
    rubric = rubric_from(tmp_path, "risk: [risk, risk register, residual risk register]\n",
                         rule("r", "'{risk}'", kind="present"))
    assert fired(rubric, "Kept a residual risk register and a risk list") == {"r": "residual risk register"}


def test_exceptions_veto_where_they_overlap_or_touch(tmp_path):
    rubric = rubric_from(tmp_path, """\
        retention:
          phrases: [retention, churn*]
          except: [data retention, churn model, retention period]
        """, rule("r", "'{retention}'", kind="present"))
    assert fired(rubric, "Cut data retention to 30 days") == {}
    assert fired(rubric, "Retrained the churn model") == {}
    assert fired(rubric, "Set the retention period") == {}
    assert fired(rubric, "Cut churn 3% and kept data retention short") == {"r": "churn"}


def test_vocabularies_compose_with_gaps_and_choices(tmp_path):
    rubric = rubric_from(tmp_path, """\
        win_verb: [sign, win, close]
        deal_noun: [deal, contract, renewal]
        deal_won: ['{win_verb} ...4 {deal_noun}', '{deal_noun} ...2 =signed/=closed']
        """, rule("r", "'{deal_won}'", kind="present"))
    assert fired(rubric, "Won two large enterprise contracts") == {"r": "Won two large enterprise contracts"}
    assert fired(rubric, "The renewal was signed in March") == {"r": "renewal was signed"}
    assert fired(rubric, "Signed up for the deal-tracking newsletter") == {"r": "Signed up for the deal"}
    assert fired(rubric, "Closed out the audit") == {}


def test_recognizers_and_valued_recognizers_in_phrases(tmp_path):
    rubric = rubric_from(tmp_path, """\
        absolute: ['{percent=100} safe/secure', 'zero ...2 risk']
        payoff: ['{money} ...3 arr', 'churn ...4 {percent}']
        """, rule("r", "'{absolute}'", "unless: '{payoff}'\n"))
    assert fired(rubric, "Made the assistant 100% safe") == {"r": "100% safe"}
    assert fired(rubric, "Made the assistant 99% safe") == {}
    assert fired(rubric, "Made it 100% safe, protecting $2.4M in ARR") == {}
    assert fired(rubric, "Cut the risk to 100 percent secure levels") == {"r": "100 percent secure"}


def test_anchors(tmp_path):
    rubric = rubric_from(tmp_path, "artifact: [classifier, pipeline]\nopener: [^ helped, '^ ...2 {artifact}']\n",
                         rule("r", "'{opener}'", kind="present"))
    assert fired(rubric, "Helped the team") == {"r": "Helped"}
    assert fired(rubric, "We helped the team") == {}
    assert fired(rubric, "New RLHF pipeline for chat") == {"r": "pipeline"}
    assert fired(rubric, "Shipped the new RLHF pipeline") == {}


def test_a_gap_before_the_end_anchor(tmp_path):
    """`X ...N $`: X ends within the last N words of the bullet (it used to load, then fail while matching)."""
    rubric = rubric_from(tmp_path, "tail: ['security ...3 $', 'bank $']\n", rule("r", "'{tail}'", kind="present"))
    assert fired(rubric, "Security engineer at a bank") == {"r": "bank"}
    assert fired(rubric, "Led security for the web") == {"r": "security"}
    assert fired(rubric, "Security reviews for every launch of the payments team") == {}


def test_exact_words_and_prefixes(tmp_path):
    rubric = rubric_from(tmp_path, "v: [let =us, automat*]\n", rule("r", "'{v}'", kind="present"))
    assert fired(rubric, "It let us ship") == {"r": "let us"}
    assert fired(rubric, "It lets uses ship") == {}
    assert fired(rubric, "Automation of triage") == {"r": "Automation"}


def test_unless_in_the_bullet_the_sentence_or_the_clause(tmp_path):
    vocab = "absolute: [zero fraud losses, never fails]\nbounded: ['{window}', '{year}']\n"
    bullet = rubric_from(tmp_path, vocab, rule("r", "'{absolute}'", "unless: '{bounded}'\n"))
    clause = rubric_from(tmp_path, vocab, rule("r", "'{absolute}'", "unless_in_clause: '{bounded}'\n"))
    text = "Zero fraud losses ever, and 40 banks signed this year"
    assert fired(bullet, text) == {}
    assert fired(clause, text) == {"r": "Zero fraud losses"}
    assert fired(clause, "Zero fraud losses this year") == {}
    sentence = rubric_from(tmp_path, vocab, rule("r", "'{absolute}'", "unless_in_sentence: '{bounded}'\n"))
    assert fired(sentence, "It never fails; audited in 2024") == {"r": "never fails"}
    assert fired(sentence, "It never fails, audited in 2024") == {}


def test_each_unless_item_keeps_its_own_scope(tmp_path):
    vocab = "absolute: [never fails]\nbounded: ['{year}']\nhedge: [we think]\n"
    both = rubric_from(tmp_path, vocab, rule("r", "'{absolute}'", "unless: '{hedge}'\nunless_in_clause: '{bounded}'\n"))
    assert fired(both, "It never fails; 40 banks signed in 2024") == {"r": "never fails"}
    assert fired(both, "It never fails; we think so, at least") == {}
    assert fired(both, "It never fails in 2024") == {}


def test_negation_window_in_the_same_sentence(tmp_path):
    rubric = rubric_from(tmp_path, "negation: [not, never, rather than]\ngate: [pass ... audit]\n",
                         rule("r", "'{gate}'", "negation: true\n"))
    assert fired(rubric, "Did not pass the audit") == {}
    assert fired(rubric, "Chose a light review rather than passing the full audit") == {}
    assert fired(rubric, "Not one of us doubted it, and we finally passed the audit") == {"r": "passed the audit"}
    assert fired(rubric, "Never again. Passed the audit") == {"r": "Passed the audit"}


def test_a_finding_span_covers_the_currency_sign_and_the_percent_sign(tmp_path):
    rubric = rubric_from(tmp_path, "v: ['{money}', '{percent}']\n", rule("r", "'{v}'", kind="present"))
    result = review_text("Saved $1.2M", kind="plain", rubric=rubric).bullets[0].findings[0]
    assert (result.match, result.start, result.end) == ("$1.2M", 6, 11)
    assert fired(rubric, "Cut it 15%") == {"r": "15%"}


def test_re_terms_run_on_re2_and_map_to_words(tmp_path):
    rubric = rubric_from(tmp_path, r"v: ['re:\bQ[1-4]\s+20\d\d\b', 're:(a+)+$']" + "\n", rule("r", "'{v}'", kind="present"))
    assert fired(rubric, "Shipped in Q3 2024 as planned") == {"r": "Q3 2024"}
    assert fired(rubric, "a" * 40 + "b") == {}


@pytest.mark.parametrize("vocabularies, problem", [
    ("a: ['{b}']\nb: ['{a}']\n", "refers to itself"),
    ("a: ['{nowhere}']\n", "unknown vocabulary {nowhere}"),
    ("a: ['x ...2 {money=5}']\n", ""),
    ("a: ['{a2=5}']\na2: [x]\n", "only a recognizer"),
    ("a: ['re:(?<!x)y']\n", "look-arounds"),
    ("a: ['re:(a)\\1']\n", "not a regular expression RE2 can run"),
    ("a: ['one/two/three/four/five/six/seven/eight/nine/ten one/two/three/four/five/six/seven/eight/nine/ten "
     "one/two/three/four/five/six/seven/eight/nine/ten one/two/three/four/five/six/seven/eight/nine/ten "
     "one/two/three/four/five']\n", "split it into vocabularies"),
])
def test_bad_vocabularies_are_load_errors_naming_line_vocabulary_and_phrase(tmp_path, vocabularies, problem):
    if not problem:
        rubric_from(tmp_path, vocabularies, rule("r", "'{a}'"))  # valid: loads
        return
    with pytest.raises(RubricError) as info:
        rubric_from(tmp_path, vocabularies, rule("r", "'{a}'"))
    message = str(info.value)
    assert problem in message
    assert "rubric.yaml:" in message
    if "refers to itself" not in problem:
        line = int(message.split("rubric.yaml:")[1].split(":")[0])
        assert line >= 8 and "vocabulary a" in message and "(in '" in message


def test_a_hit_inside_a_negated_hit_is_negated_too(tmp_path):
    rubric = rubric_from(tmp_path, "negation: [not]\nclaim: [market ...3 as foolproof, foolproof]\n",
                         rule("r", "'{claim}'", "negation: true\n"))
    assert fired(rubric, "Chose not to market the filter as foolproof") == {}
    assert fired(rubric, "The filter is foolproof") == {"r": "foolproof"}
