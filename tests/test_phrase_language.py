"""The phrase language of Rubric 2, piece by piece: word forms, tokens and clauses, phrase syntax, recognizers.

Each test names the behaviour a rubric author relies on (docs/rubric-format.md), so that a change to the matcher
that would silently change what a phrase means fails here first.
"""

from __future__ import annotations

import pytest

from critic.rubric import numbers
from critic.rubric.phrases import Anchor, Gap, PhraseError, Ref, Regex, Slot, parse
from critic.rubric.tokens import ClauseWords, tokenize, word_keys
from critic.rubric.words import fold, forms

# --- word forms --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("word, expected, not_expected", [
    ("pass", {"pass", "passes", "passed", "passing"}, set()),
    ("policy", {"policy", "policies"}, set()),
    ("ship", {"shipped", "shipping", "ships"}, set()),
    ("win", {"won", "winning", "wins"}, set()),
    ("build", {"built", "building"}, set()),
    ("analysis", {"analyses"}, set()),
    ("liability", {"liabilities"}, set()),
    ("not", {"not"}, {"noted", "nots"}),          # function words match only themselves
    ("us", {"us"}, {"uses", "used"}),             # so do two-letter words
    ("signed", {"signed"}, {"sign", "signing"}),  # an inflected word stays that form
])
def test_a_rubric_word_matches_its_inflections_and_nothing_surprising(word, expected, not_expected):
    found = forms(word)
    assert expected <= found
    assert not (not_expected & found)


@pytest.mark.parametrize("british, american", [
    ("organisation", "organization"), ("organisations", "organizations"), ("prioritised", "prioritized"),
    ("behaviour", "behavior"), ("labelled", "labeled"), ("modelling", "modeling"), ("licence", "license"),
    ("programme", "program"), ("judgement", "judgment"), ("analysed", "analyzed"), ("catalogue", "catalog"),
])
def test_british_spellings_fold_to_one_word(british, american):
    assert fold(british) == fold(american) == american


@pytest.mark.parametrize("word", ["promise", "promised", "advertising", "exercise", "enterprise", "raised", "filled",
                                  "four", "hour", "your", "called"])
def test_folding_leaves_words_that_only_look_british(word):
    assert fold(word) == word


# --- tokens, sentences, clauses ------------------------------------------------------------------------------------


def test_tokens_keep_offsets_and_fold_case_spelling_and_contractions():
    text = "We can't ship; the Organisation's 1,200 red-team prompts cost $1.2M (was 9%)."
    tokens = tokenize(text)
    assert tokens.keys == ["we", "can", "not", "ship", "the", "organization", "1,200", "red", "team", "prompts",
                           "cost", "1.2m", "was", "9"]
    for key, start, end in zip(tokens.keys, tokens.starts, tokens.ends):
        assert text[start:end].lower().replace("n't", "not").replace("ca", "can") or key
    assert text[tokens.starts[6]:tokens.ends[6]] == "1,200"
    assert tokens.sentence == [0] * 4 + [1] * 10


@pytest.mark.parametrize("text, keys", [
    ("cannot", ["can", "not"]), ("won't", ["will", "not"]), ("doesn\u2019t", ["does", "not"]),
    ("we've", ["we", "have"]), ("customer's", ["customer"]), ("customers'", ["customers"]),
])
def test_contractions_and_possessives(text, keys):
    assert tokenize(text).keys == keys


def test_sentences_end_at_strong_punctuation_but_not_after_initials():
    tokens = tokenize("Cut churn, e.g. in EMEA. Then grew! Why? Next;done\nnew line")
    assert tokens.sentence == [0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 5]


def test_clauses_end_at_clause_words_colons_brackets_and_spaced_dashes():
    words = ClauseWords(before=frozenset({"but"}), after_comma=frozenset({"and", "which"}))
    tokens = tokenize("Zero fraud losses ever, and 40 banks signed - this year: great (really) but slow, fast and "
                      "cheap", words)
    clauses = [[key for key, clause in zip(tokens.keys, tokens.clause) if clause == number]
               for number in sorted(set(tokens.clause))]
    assert clauses == [["zero", "fraud", "losses", "ever"], ["and", "40", "banks", "signed"], ["this", "year"],
                       ["great"], ["really"], ["but", "slow", "fast", "and", "cheap"]]  # "and" without a comma: same
    assert len(set(tokens.sentence)) == 1


def test_word_keys_of_a_rubric_word_match_the_tokenizer():
    assert word_keys("red-team") == ["red", "team"]
    assert word_keys("can't") == ["can", "not"]
    assert word_keys("SOC2") == ["soc2"]


# --- phrase syntax -------------------------------------------------------------------------------------------------


def test_phrase_elements():
    elements = parse("^ ...2 sign/win/close ...4 {deal_noun} =us {percent=100}")
    assert isinstance(elements[0], Anchor) and elements[0].at_start
    assert elements[1] == Gap(2)
    assert isinstance(elements[2], Slot) and len(elements[2].choices) == 3
    assert elements[3] == Gap(4) and elements[4] == Ref("deal_noun")
    assert elements[5].choices[0][0].exact
    assert elements[6] == Ref("percent", 100.0) and elements[6].label == "percent=100"
    assert parse("automat*")[0].choices[0][0].prefix
    assert parse("24/7")[0].choices == ((parse("24 7")[0].choices[0][0], parse("24 7")[1].choices[0][0]),)
    assert parse(r"re:\bQ[1-4]\b") == Regex(r"\bQ[1-4]\b")


@pytest.mark.parametrize("phrase, problem", [
    ("", "empty"),
    ("... audit", "between two words"),
    ("audit ...", "cannot end with a gap"),
    ("pass ...99 audit", "1 to 30 words"),
    ("passed (the)? audit", "looks like a regular expression"),
    (r"\bpassed\b", "looks like a regular expression"),
    ("pass|clear", "looks like a regular expression"),
    ("a//b", "empty choice"),
    ("au*", "too short a prefix"),
    ("pa*ss", "may only end a word"),
    ("{Bad-Name}", "lower_snake_case"),
    ("audit ^", "may only start"),
    ("re:", "needs a regular expression"),
])
def test_phrase_errors_say_what_to_write_instead(phrase, problem):
    with pytest.raises(PhraseError, match=problem):
        parse(phrase)


# --- recognizers ---------------------------------------------------------------------------------------------------


def _found(name: str, text: str) -> list[str]:
    tokens = tokenize(text)
    return [tokens.span_text(start, end) for start, end in numbers.RECOGNIZERS[name](tokens)]


@pytest.mark.parametrize("name, text, expected", [
    ("money", "Saved $1.2M and \u20ac400K, 3 million USD, USD 5m; not 5 apples", ["1.2M", "400K", "3 million USD",
                                                                                "USD 5m"]),
    ("percent", "Cut 15% then 3 pp, 40 basis points, 7 percent, 2 per cent; not 15 apples",
     ["15", "3 pp", "40 basis points", "7 percent", "2 per cent"]),
    ("multiplier", "3x faster, 2.5x, two-fold, 10 x more", ["3x", "2.5x", "two-fold", "10 x"]),
    ("number", "12 teams, 1,200 prompts, 10k users, 3x, twelve words, 3DS and 2FA codes", ["12", "1,200", "10k",
                                                                                           "3x"]),
    ("count", "$5M, 15%, 3x, 9 h, in 2024, 40 accounts, 10k users", ["40", "10k"]),
    ("duration", "9 h to 35 min, two weeks, 200ms, 3 apples", ["9 h", "35 min", "two weeks", "200ms"]),
    ("year", "In 2024 and 1999, not 123 or 3000", ["2024", "1999"]),
    ("change", "from 9% to 3%; 9 h to 35 min; 12 -> 4; (was 9%); down from 40%; 3% (from 8%); from minutes to hours",
     ["from 9% to 3", "9 h to 35 min", "12 -> 4", "was 9", "down from 40", "from 8"]),
    ("window", "in the 90 days after launch, over the first month, for six months, in Q3 2024, this year, in time",
     ["in the 90 days", "over the first month", "for six months", "in Q3 2024", "this year"]),
])
def test_recognizers(name, text, expected):
    assert _found(name, text) == expected


def test_a_valued_recognizer_keeps_only_that_figure():
    tokens = tokenize("100% safe, 99% safe, 100 percent accurate")
    valued = numbers.valued(numbers.percent, 100)
    assert [tokens.span_text(*span) for span in valued(tokens)] == ["100", "100 percent"]
