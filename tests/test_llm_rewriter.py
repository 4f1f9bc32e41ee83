"""The rewrite loop with LangChain fake chat models: verification, retries with reasons, lenient parsing,
variants, the cache, --max-cost, transient and fatal errors, redaction. No network."""

from __future__ import annotations

import json

import pytest

from critic.llm.cache import ResultCache
from critic.llm.rewriter import Rewriter
from critic.llm.settings import resolve_llm_settings

from .llm_fakes import AuthenticationError, RateLimitError, scripted_model

BULLET = "Helped with the jailbreak evaluation for the enterprise assistant launch last quarter."
GOOD = {"rewrite": "Decided which jailbreak evaluations gated the enterprise assistant launch, protecting [$X] in "
                   "renewals.", "figures_used": [], "placeholders": ["[$X]"],
        "question_for_author": "How much revenue depended on the launch?", "rationale": "Decision first."}
BETTER = dict(GOOD, rewrite="Decided which jailbreak evaluations gated the enterprise assistant launch, accepting "
                            "[N weeks] of delay to protect [$X] in renewals.")
INVENTED = dict(GOOD, rewrite="Decided which jailbreak evaluations gated the enterprise assistant launch, protecting "
                              "$4M in renewals.")


def settings(**flags):
    return resolve_llm_settings({}, {"llm": "openai:fake-model", "backoff": 0.0, **flags})


def rewriter(model, tmp_path, sleeps=None, **flags):
    async def sleep(seconds):
        if sleeps is not None:
            sleeps.append(seconds)

    from critic import load_rubric

    s = settings(**flags)
    return Rewriter(s, rubric=load_rubric(), model=model, cache=ResultCache(tmp_path / "cache", enabled=s.cache),
                    sleep=sleep)


def test_a_good_answer_is_verified_and_scored(tmp_path, review):
    model = scripted_model([GOOD])
    run = rewriter(model, tmp_path).run([BULLET])
    outcome = run.outcomes[0]
    assert outcome.status == "verified" and run.usage.calls == 1
    best = outcome.best
    assert best.text == GOOD["rewrite"] and best.placeholders == ("[$X]",)
    assert best.score > outcome.original_score == review(BULLET).score
    assert best.question == GOOD["question_for_author"]


def test_a_rejected_answer_is_retried_with_the_reasons(tmp_path):
    model = scripted_model([INVENTED, GOOD])
    run = rewriter(model, tmp_path).run([BULLET])
    assert run.outcomes[0].status == "verified" and run.usage.calls == 2
    retry_turn = model.received[1][-1].content
    assert "rejected" in retry_turn and "invented figure" in retry_turn and "$4m" in retry_turn
    assert model.received[1][-2].type == "ai"  # the rejected answer is shown back to the model


@pytest.mark.parametrize("answer", [
    "```json\n" + json.dumps(GOOD) + "\n```",
    "Sure! Here is the rewrite:\n" + json.dumps(GOOD) + "\nHope this helps.",
])
def test_answers_that_ignore_the_schema_are_parsed_leniently(tmp_path, answer):
    run = rewriter(scripted_model([answer]), tmp_path).run([BULLET])
    assert run.outcomes[0].best.text == GOOD["rewrite"]


def test_malformed_answers_are_invalid_and_retried(tmp_path):
    model = scripted_model(['{"rewrite": "Decided the', "I cannot help with that.", GOOD])
    run = rewriter(model, tmp_path).run([BULLET])
    outcome = run.outcomes[0]
    assert outcome.status == "verified" and run.usage.calls == 3
    assert [r[0] for r in outcome.rejections] == ["(no usable answer)"] * 2


def test_no_verified_rewrite_after_the_attempt_limit(tmp_path):
    buzz = dict(GOOD, rewrite="Spearheaded robust jailbreak evaluations, protecting [$X] in renewals.")
    model = scripted_model([INVENTED, buzz, INVENTED])
    run = rewriter(model, tmp_path, max_attempts=3).run([BULLET])
    outcome = run.outcomes[0]
    assert outcome.status == "unverified" and outcome.candidates == []
    assert outcome.message == "no verified rewrite came back" and run.usage.calls == 3
    reasons = [r for _text, rs in outcome.rejections for r in rs]
    assert any("invented figure" in r for r in reasons) and any("AI-tell" in r for r in reasons)


def test_variants_are_ranked_by_score_and_deduplicated(tmp_path):
    model = scripted_model([GOOD, BETTER, GOOD])
    run = rewriter(model, tmp_path, variants=3).run([BULLET])
    texts = [c.text for c in run.outcomes[0].candidates]
    scores = [c.score for c in run.outcomes[0].candidates]
    assert texts == [BETTER["rewrite"], GOOD["rewrite"]] and scores == sorted(scores, reverse=True)
    assert "variant 2 of 3" in " ".join(m.content for msgs in model.received for m in msgs)


def test_second_identical_run_makes_zero_calls(tmp_path):
    first = rewriter(scripted_model([GOOD]), tmp_path).run([BULLET])
    assert first.usage.calls == 1
    empty = scripted_model([])  # any call would raise StopIteration
    second = rewriter(empty, tmp_path).run([BULLET])
    assert second.usage.calls == 0 and second.usage.cache_hits == 1 and empty.received == []
    assert second.outcomes[0].cached and second.outcomes[0].best.text == GOOD["rewrite"]
    no_cache = rewriter(scripted_model([GOOD]), tmp_path, cache=False).run([BULLET])
    assert no_cache.usage.calls == 1


def test_a_tampered_cache_entry_is_verified_again(tmp_path):
    rewriter(scripted_model([GOOD]), tmp_path).run([BULLET])
    (entry,) = (tmp_path / "cache").rglob("*.json")
    data = json.loads(entry.read_text())
    data["rewrites"][0]["text"] = INVENTED["rewrite"]
    entry.write_text(json.dumps(data))
    run = rewriter(scripted_model([GOOD]), tmp_path).run([BULLET])
    assert run.usage.calls == 1 and not run.outcomes[0].cached


def test_duplicate_bullets_are_asked_once(tmp_path):
    run = rewriter(scripted_model([GOOD]), tmp_path).run([BULLET, BULLET])
    assert run.usage.calls == 1 and all(o.status == "verified" for o in run.outcomes)


def test_max_cost_stops_cleanly_with_partial_results(tmp_path):
    prices = {"openai:fake-model": {"input": 1000.0, "output": 1000.0}}  # ~$3 a call at these rates
    bullets = [BULLET, "Worked on the red-team review for the agent release with the trust and safety team."]
    model = scripted_model([GOOD, GOOD])
    run = rewriter(model, tmp_path, prices=prices, max_cost=5.0, concurrency=1).run(bullets)
    statuses = [o.status for o in run.outcomes]
    assert statuses == ["verified", "skipped"] and run.budget_stopped
    assert "max-cost" in run.outcomes[1].message and run.usage.calls == 1
    assert run.cost is not None and run.cost <= 5.0


def test_max_cost_without_a_price_sends_nothing(tmp_path):
    model = scripted_model([GOOD])
    run = rewriter(model, tmp_path, max_cost=1.0).run([BULLET])
    assert model.received == [] and "cannot be enforced" in run.fatal


def test_transient_errors_are_retried_with_backoff(tmp_path):
    sleeps: list[float] = []
    model = scripted_model([RateLimitError(), RateLimitError(), GOOD])
    run = rewriter(model, tmp_path, sleeps=sleeps, max_retries=2, backoff=0.25).run([BULLET])
    assert run.outcomes[0].status == "verified" and run.usage.calls == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] > 0


def test_transient_errors_past_the_retry_limit_degrade_with_a_warning(tmp_path):
    model = scripted_model([RateLimitError(), RateLimitError()])
    run = rewriter(model, tmp_path, max_retries=1).run([BULLET])
    outcome = run.outcomes[0]
    assert outcome.status == "failed" and "gave up after 2 tries" in outcome.message
    assert run.warnings and run.fatal is None


def test_an_auth_error_is_one_message_and_stops_every_call(tmp_path):
    model = scripted_model([AuthenticationError("bad key sk-test-abcdefghijklmnop")] + [GOOD] * 5)
    bullets = [BULLET, "Worked on the red-team review for the agent release with the trust and safety team.",
               "Supported the model launch review for enterprise customers in the healthcare segment."]
    run = rewriter(model, tmp_path, concurrency=1, max_retries=3).run(bullets)
    assert len(model.received) == 1
    assert "rejected the API key" in run.fatal and "sk-test-abcdefghijklmnop" not in run.fatal
    assert all(o.status == "failed" for o in run.outcomes)


def test_an_unexpected_error_leaves_the_deterministic_result(tmp_path):
    run = rewriter(scripted_model([ValueError("boom")]), tmp_path).run([BULLET])
    assert run.outcomes[0].status == "failed" and run.outcomes[0].original_score > 0


def test_structured_output_through_bind_tools(tmp_path):
    model = scripted_model([GOOD], tools=True)
    run = rewriter(model, tmp_path).run([BULLET])
    assert run.outcomes[0].best.text == GOOD["rewrite"]


def test_redaction_hides_figures_and_names_and_restores_them(tmp_path):
    bullet = "Helped renew the Acme Corp contract worth $2.4M after cutting toxic outputs 12% in the assistant."
    answer = dict(GOOD, rewrite="Decided the toxicity fixes that renewed the NAME_1 contract worth MONEY_1, "
                                "cutting toxic outputs PERCENT_1.")
    model = scripted_model([answer])
    run = rewriter(model, tmp_path, redact=True).run([bullet])
    sent = " ".join(m.content for m in model.received[0])
    assert "$2.4M" not in sent and "Acme Corp" not in sent and "12%" not in sent
    assert "MONEY_1" in sent and "NAME_1" in sent
    best = run.outcomes[0].best
    assert best is not None, run.outcomes[0].rejections
    assert "Acme Corp" in best.text and "$2.4M" in best.text and "12%" in best.text


def test_a_rate_limit_paces_the_calls(tmp_path):
    import time

    bullets = [BULLET, "Worked on the red-team review for the agent release with the trust and safety team.",
               "Supported the model launch review for enterprise customers in the healthcare segment."]
    model = scripted_model([GOOD, dict(GOOD, rewrite="Decided the red-team review for the agent release with the "
                                                     "trust and safety team, protecting [$X] in renewals."),
                            dict(GOOD, rewrite="Decided the model launch review for enterprise customers in the "
                                               "healthcare segment, protecting [$X] in renewals.")])
    start = time.monotonic()
    run = rewriter(model, tmp_path, rate_limit=10.0, concurrency=8).run(bullets)
    assert time.monotonic() - start >= 0.15  # three calls at ten a second; the bucket starts empty
    assert len(model.received) == 3 and run.usage.calls == 3


def test_an_internal_failure_never_escapes(tmp_path, monkeypatch):
    from critic.llm import rewriter as module

    def broken(*args, **kwargs):
        raise KeyError("unexpected")

    monkeypatch.setattr(module.prompts, "build_request", broken)
    run = rewriter(scripted_model([GOOD]), tmp_path).run([BULLET])
    assert run.outcomes[0].status == "failed" and "KeyError" in run.warnings[0]
