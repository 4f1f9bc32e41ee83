"""Property-based tests (hypothesis): review never raises, scores stay in range, output is deterministic, and
adding a quantified business outcome to a technical-only bullet never lowers its score."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from critic import load_rubric, review_text

RUBRIC = load_rubric()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = st.sampled_from(
    "eliminated all zero risk 100% safe never fails passed audit review policy cut toxic outputs 15% latency "
    "$2M ARR churn retention accepted trade-off delayed launch two weeks red-team jailbreak guardrail helped "
    "with the model pipeline customers legal sales weekends manually reviewed ensured compliance SOC 2".split()
    + ["\u201c", "\u201d", "\u2014", "**", "`", "[link](http://x.y/z)", "<!-- critic-disable -->", "\n", "  "])

markdown_fragments = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.builds(lambda w: "- " + " ".join(w), st.lists(WORDS, max_size=12)),
        st.builds(lambda w: "  * " + " ".join(w), st.lists(WORDS, max_size=8)),
        st.builds(lambda w: "1. " + " ".join(w), st.lists(WORDS, max_size=8)),
        st.sampled_from(["```", "---", "> - quoted", "<!--", "-->", "# Heading", "", "    code",
                         "<!-- critic-disable-next perfect-safety-claim: why -->", "<!-- critic-enable -->"]),
    ),
    max_size=25,
).map("\n".join)


def _check(result):
    for bullet in result.bullets:
        assert 0 <= bullet.score <= 100
        assert all(0 <= v <= 100 for v in bullet.dimensions.values())
        for finding in bullet.findings:
            assert finding.line >= 1 and finding.column >= 1
    assert result.score is None or 0 <= result.score <= 100


@SETTINGS
@given(st.text(max_size=500))
def test_review_never_raises_on_arbitrary_text(text):
    _check(review_text(text, rubric=RUBRIC))
    _check(review_text(text, kind="plain", rubric=RUBRIC))


@SETTINGS
@given(markdown_fragments)
def test_review_never_raises_on_arbitrary_markdown_and_is_deterministic(source):
    first = review_text(source, rubric=RUBRIC)
    _check(first)
    assert review_text(source, rubric=RUBRIC).to_dict() == first.to_dict()


@SETTINGS
@given(markdown_fragments)
def test_finding_lines_point_inside_the_document(source):
    lines = source.splitlines() or [""]
    for bullet in review_text(source, rubric=RUBRIC).bullets:
        for finding in bullet.findings:
            assert finding.line <= len(lines)


TECH_ONLY = st.sampled_from([
    "Cut toxic outputs {n}% with a new classifier",
    "Lowered the hallucination rate by {n}% on our eval set",
    "Reduced p95 latency of the moderation service by {n}%",
    "Shipped a jailbreak detector with {n}% precision",
    "Ran {n},000 red-team prompts before launch",
    "Improved refusal accuracy to {n}%",
])
OUTCOMES = st.sampled_from([
    ", protecting ${n}M in ARR",
    ", which kept our {n} largest enterprise accounts",
    ", cutting churn {n}% among regulated customers",
    ", saving {n} reviewer-hours a week",
    ", avoiding an estimated ${n}M in liability",
    "; net revenue retention rose {n} points",
])


@SETTINGS
@given(TECH_ONLY, OUTCOMES, st.integers(min_value=2, max_value=95), st.integers(min_value=2, max_value=60))
def test_adding_a_quantified_business_outcome_never_lowers_the_score(template, outcome, n, m):
    bullet = template.format(n=n)
    before = review_text(bullet, kind="plain", rubric=RUBRIC).bullets[0]
    after = review_text(bullet + outcome.format(n=m), kind="plain", rubric=RUBRIC).bullets[0]
    assert after.score >= before.score
    assert "tech-only-metric" not in after.failure_modes
