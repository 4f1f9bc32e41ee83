"""The two named false alarms of issue 13 for `missing-tradeoff`, and the kinds of wording their fixes cover.

- The source article's own GOOD example for the compliance mistake negotiates a departure from a safety standard to
  keep a workflow: a narrower safety scope, so a trade-off. It is read at test time from the article (never copied
  into the repository) and the test is skipped when the article is not there.
- Line 30 of fixtures/strong-dossier.md states a residual miss rate and the decision taken with it: accepted risk.

The made-up bullets check the same kinds of wording both ways (guidelines 2.4 and 8.1): a departure agreed to keep
something is a trade-off, an exception merely approved or granted by someone else is not; a residual rate acted
on is a trade-off, a residual only disclosed is not.
"""

from __future__ import annotations

import re

import pytest

from critic import review_file

from .conftest import FIXTURES, ROOT

ARTICLE = ROOT.parent / "shared" / "source" / "promotion-case-study.txt"
MODE = "missing-tradeoff"


def _article_good_example(mistake: int) -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not present at {ARTICLE} (it lives outside the repository)")
    text = ARTICLE.read_text(encoding="utf-8")
    found = re.search(rf"Mistake {mistake}:.*?GOOD:\s*[\"\u201c](.+?)[\"\u201d]", text, re.S)
    assert found, f"no GOOD example for mistake {mistake} in {ARTICLE}"
    return found.group(1)


def test_article_good_compliance_example_is_not_missing_tradeoff(review):
    good = _article_good_example(1)
    assert MODE not in review(good).failure_modes


def test_strong_dossier_line_30_accepted_residual_risk_is_not_missing_tradeoff():
    result = review_file(FIXTURES / "strong-dossier.md")
    line_30 = next(b for b in result.bullets if b.bullet.line == 30)
    assert "still misses" in line_30.bullet.text  # the line this test is about
    assert MODE not in line_30.failure_modes


@pytest.mark.parametrize("text", [
    "Agreed a waiver from the full jailbreak benchmark for the internal summariser so analysts kept bulk export.",
    "Negotiated an exception to the retention policy for two hospital tenants so their audit exports still ran.",
    "A departure from the default refusal bar, made to preserve the clinicians' dosage lookup, was signed by the CMO.",
    "The image filter still lets through roughly 1 in 40 borderline uploads, so we kept a human spot-check queue.",
    "Our phishing model still misses about 6% of new lures, so I kept the weekly manual sweep of reported mail.",
])
def test_a_departure_agreed_or_a_residual_acted_on_is_a_tradeoff(review, text):
    assert MODE not in review(text).failure_modes


@pytest.mark.parametrize("text", [
    "Wrote the security exception process and approved eleven exceptions in its first year.",
    "Zero exceptions to the model-release SOP across FY25.",
    "The age-estimation check still misses some younger teens, which we disclose in the help centre.",
    "Rolled out age checks, balancing user growth with child safety.",
])
def test_an_exception_approved_a_residual_disclosed_or_a_balance_is_not(review, text):
    assert MODE in review(text).failure_modes
