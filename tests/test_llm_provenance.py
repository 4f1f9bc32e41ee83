"""Number provenance: every figure and absolute in a rewrite must come from the original bullet (or be a
[placeholder]). Cases drawn from the edge cases other tools miss: bare counts, number words, Unicode digits,
Markdown bold, money scales, multipliers, durations, identifiers."""

from __future__ import annotations

import pytest

from critic.llm.provenance import claims, unsupported

ORIGINAL = "Led 12 engineers for 3 weeks to cut toxic outputs 40% and save $1.2M in Q3 review costs; doubled coverage."


@pytest.mark.parametrize("rewrite", [
    "Directed 12 engineers over 3 weeks, cutting toxic outputs 40% and saving $1.2M of Q3 review costs.",
    "Directed twelve engineers over three weeks, cutting toxic outputs 40 percent.",
    "Directed a team of 12 senior engineers, saving $1,200,000 in Q3 review costs.",
    "Cut toxic outputs **40%** and saved **$1.2 million** in review costs.",
    "Cut toxic outputs \uff14\uff10% with \u0661\u0662 engineers.",           # fullwidth 40, Arabic-Indic 12
    "Grew coverage 2x and saved [$X] in renewals, [N%] of [N customers].",
    "Twice the coverage, protecting [$X] ([N%] of Q3 bookings).",
    "Saved $1.2M, protecting [the renewals at risk] for [N weeks].",
])
def test_supported_rewrites_pass(rewrite):
    assert unsupported(ORIGINAL, rewrite) == []


@pytest.mark.parametrize("rewrite, invented", [
    ("Directed 14 engineers.", "14 engineers"),                       # a bare count
    ("Led 12 engineers across 5 teams.", "5 teams"),                   # a second bare count
    ("Cut toxic outputs 45%.", "45%"),
    ("Saved $2M in review costs.", "$2m"),
    ("Saved \u20ac1.2M in review costs.", "\u20ac1.2m"),              # same amount, another currency
    ("Grew coverage 3x.", "3x"),
    ("Cut review time from 3 weeks to 3 days.", "3 days"),             # a duration with a new unit
    ("Directed fifteen engineers.", "15 engineers"),                   # number words
    ("Directed a dozen reviewers.", "12 reviewers"),
    ("Shipped the Q4 launch.", "q4"),
    ("Cut toxic outputs by [45%].", "45%"),                            # digits inside brackets are no placeholder
    ("Led 12 engineers to zero incidents.", "zero"),                   # absolutes
    ("Reviewed all launches.", "all"),
    ("Every launch passed.", "every"),
    ("Never missed a deadline.", "never"),
    ("100% of launches passed.", "100%"),
    ("Led **16** engineers.", "16"),                                   # bold does not hide a figure
])
def test_invented_figures_and_absolutes_are_caught(rewrite, invented):
    found = [c.describe() for c in unsupported(ORIGINAL, rewrite)]
    assert any(invented in f for f in found), found


def test_placeholders_are_never_claims():
    assert claims("Saved [$X] for [N customers] in [N weeks] ([N%] of [which metric])") == []


def test_halved_and_fifty_percent_are_the_same_fact():
    assert unsupported("Halved review time for the trust team.", "Cut review time 50% for the trust team.") == []


def test_one_as_a_pronoun_is_not_a_count():
    assert unsupported("Ran the red team.", "Ran one of the first red teams, protecting [$X].") == []
