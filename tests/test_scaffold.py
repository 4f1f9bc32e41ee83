"""The rewrite scaffold reads as one sentence with placeholders (issue 11), for every bullet of the labelled corpus
(fixtures/corpus/*.jsonl, all of them: the scaffold is deterministic and the whole corpus takes seconds).

The shapes checked are the ones a reader trips over: "so that" or "which" that the scaffold added (they need a
particular grammar before them), doubled punctuation, a missing capital, anything but one full stop at the end,
malformed placeholders, a figure that is not in the bullet. Where the bullet itself has one of these shapes (an
author's own "which", "etc.,"), the scaffold may keep it but must not add another.
"""

from __future__ import annotations

import json
import re

import pytest

from critic import review_text
from critic.scaffold import build_scaffold

from .conftest import FIXTURES

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
DOUBLED = re.compile(r"[,;:!?]\s*[,;:!?.]|\.\s*[,;:!?]|\.\s*\.(?!\.)")
SENTENCE_BREAK = re.compile(r"(?<!\b(?:St|Dr|Mr|Ms|vs|No))(?<!\b[A-Z])(?<!\b(?:Mrs|etc))[.!?]\s+(?=[A-Z])")
WHICH = re.compile(r"\bwhich\b", re.IGNORECASE)
SO_THAT = re.compile(r"\bso\s+that\b", re.IGNORECASE)


def corpus_bullets() -> list[str]:
    texts = []
    for path in sorted((FIXTURES / "corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return list(dict.fromkeys(texts))


def shape_problems(bullet: str, text: str, placeholders: tuple[str, ...]) -> list[str]:
    """Every way `text` (the scaffold of `bullet`) is not one well-formed sentence with placeholders."""
    problems = []
    source = " ".join(bullet.split())
    prose = PLACEHOLDER.sub("X", text)  # the scaffold with each placeholder as one word
    if "[" in prose or "]" in prose:
        problems.append("unbalanced or nested [brackets]")
    for placeholder in PLACEHOLDER.findall(text):
        if not placeholder[1:-1].strip() or any(ch.isdigit() for ch in placeholder):
            problems.append(f"malformed placeholder {placeholder}")
    if tuple(dict.fromkeys(PLACEHOLDER.findall(text))) != placeholders:
        problems.append("placeholders list differs from the text")
    first_word = text.split(" ", 1)[0]
    if text[:1].islower() and not any(ch.isupper() for ch in first_word[1:]):
        problems.append("does not start with a capital")
    if not text.endswith(".") or text[-2:-1] in tuple(".,;:!? "):
        problems.append("does not end with one full stop")
    if len(DOUBLED.findall(prose)) > len(DOUBLED.findall(source)):
        problems.append(f"doubled punctuation: {DOUBLED.findall(prose)}")
    if len(SENTENCE_BREAK.findall(prose[:-1])) > 0:
        problems.append("more than one sentence")
    if len(SO_THAT.findall(prose)) > len(SO_THAT.findall(source)):
        problems.append("adds a 'so that'")
    if len(WHICH.findall(prose)) > len(WHICH.findall(source)) or re.search(r"\bwhich\s*(?:[,;:.!?]|X\b|$)", prose):
        problems.append("adds or dangles a 'which'")
    invented = set(NUMBER.findall(prose)) - set(NUMBER.findall(source))
    if invented:
        problems.append(f"invents figures {sorted(invented)}")
    return problems


def test_every_corpus_scaffold_is_one_well_formed_sentence(rubric):
    bullets = corpus_bullets()
    assert len(bullets) > 1000
    # one plain-text document, one bullet a line: the same findings as one review per bullet, in a third of the time
    result = review_text("\n".join(bullets), kind="plain", rubric=rubric)
    assert len(result.bullets) == len(bullets)
    failures = []
    for bullet in result.bullets:
        scaffold = build_scaffold(bullet)
        problems = shape_problems(bullet.bullet.text, scaffold.text, scaffold.placeholders)
        if problems:
            failures.append(f"{bullet.bullet.text}\n  -> {scaffold.text}\n  {problems}")
    assert not failures, f"{len(failures)} of {len(bullets)} scaffolds are malformed:\n" + "\n".join(failures[:20])


def test_the_checks_catch_the_shapes_they_claim_to():
    """The checker itself: each broken shape is caught (so the corpus test cannot pass vacuously)."""
    bullet = "Ensured 100% compliance with the policy across all launches"
    cases = {
        "[The call you made] so that 100% compliance with the policy across all launches.": "so that",
        "Cut churn 3%, which.": "which",
        "Cut churn 3%, accepting [X], which [protected] [$X].": "which",
        "Cut churn 3%,, accepting [X].": "doubled",
        "cut churn 3%.": "capital",
        "Cut churn 3%..": "full stop",
        "Cut churn 3%": "full stop",
        "Cut churn 3%, protecting [$5M].": "malformed",
        "Cut churn 3% [protecting [$X]].": "brackets",
        "Cut churn 3%, protecting $5M.": "invents",
        "Cut churn 3%. Kept [N] customers.": "sentence",
    }
    for text, expected in cases.items():
        problems = shape_problems(bullet + " 3%", text, tuple(dict.fromkeys(PLACEHOLDER.findall(text))))
        assert any(expected in p for p in problems), (text, problems)
    good = "[Decided / adapted / negotiated what] to ensure 100% compliance with the policy, protecting [$X]."
    assert shape_problems(bullet, good, ("[Decided / adapted / negotiated what]", "[$X]")) == []


@pytest.mark.parametrize("bullet, expected", [
    # the example: a gate-framed bullet becomes the decision, in the infinitive
    ("Ensured 100% compliance with the model policy across all launches.",
     "[Decided / adapted / negotiated what] to ensure 100% compliance with the model policy across all launches, "
     "accepting [what you traded off] to keep [what mattered more], [protecting / growing] [$X] in "
     "[ARR / renewals / avoided liability] ([N%] change in [business metric])."),
    ("Made sure every release passed the AI ethics review before launch.",
     "[Decided / adapted / negotiated what] to make sure every release passed the AI ethics review before launch, "),
    ("Helped with the rollout of the new content filter.",
     "[Led / Owned / Negotiated] the rollout of the new content filter, "),
    ("Helped build the red-team harness for the voice model.",
     "[Decided / Chose] to build the red-team harness for the voice model, "),
    ("Eliminated all PII leakage from the summaries feature.",
     "Cut [N%] of PII leakage from the summaries feature, with [the residual risk you accepted] tracked through "),
    ("Our filter never lets a jailbreak through.",
     "Our filter rarely ([N%] of cases) lets a jailbreak through, with [the residual risk you accepted]"),
    ("Cut grounding errors 40%. Legal signed off in a week.",
     "Cut grounding errors 40%; Legal signed off in a week, "),
])
def test_scaffold_examples(review, bullet, expected):
    text = build_scaffold(review(bullet)).text
    assert text.startswith(expected), text
    assert shape_problems(bullet, text, tuple(dict.fromkeys(PLACEHOLDER.findall(text)))) == []
