"""Issue 10, the LLM pass under a hostile model or server: verification is bounded (length first, no re-score of
a rejected candidate, --timeout honoured), every string the model returns is scrubbed of the API key before it is
shown or cached, and a repository's config cannot choose the server that receives the key."""

from __future__ import annotations

import json
import time

import pytest

from critic.llm import verify as verify_module
from critic.llm.cache import ResultCache
from critic.llm.rewriter import Rewriter
from critic.llm.settings import resolve_llm_settings

from .conftest import run_critic
from .llm_fakes import FakeOpenAI, Reply, good_answer, is_retry, scripted_model

pytest.importorskip("langchain_openai")

BULLET = "Helped with the jailbreak evaluation for the enterprise assistant launch last quarter."
GOOD = good_answer(BULLET)
HOSTILE = dict(GOOD, rewrite="1," * 4948)  # 9.9 KB, one "word": it took 108 s to re-score (issue 10)
INVENTED = dict(GOOD, rewrite="Decided which jailbreak evaluations gated the enterprise assistant launch, protecting "
                              "$4M in renewals.")


def rewriter(model, tmp_path, **flags):
    from critic import load_rubric

    settings = resolve_llm_settings({}, {"llm": "openai:fake-model", "backoff": 0.0, **flags})
    return Rewriter(settings, rubric=load_rubric(), model=model,
                    cache=ResultCache(tmp_path / "cache", enabled=False))


@pytest.fixture
def rescored(monkeypatch):
    """Every text the rubric re-scores during verification (the original bullet is scored elsewhere)."""
    seen: list[str] = []
    real = verify_module.rescore

    def counting(text, rubric, options=None):
        seen.append(text)
        if len(text) > 1000:
            raise AssertionError("a 9.9 KB answer reached the rubric")
        return real(text, rubric, options)

    monkeypatch.setattr(verify_module, "rescore", counting)
    return seen


# --- verification is bounded --------------------------------------------------------------------------------------

def test_an_overlong_answer_is_rejected_on_length_before_the_rubric_sees_it(tmp_path, rescored):
    start = time.perf_counter()
    run = rewriter(scripted_model([HOSTILE] * 3), tmp_path).run([BULLET])
    outcome = run.outcomes[0]
    assert outcome.status != "verified" and outcome.message != "the LLM pass failed"
    assert rescored == []
    assert all(reasons == (f"too long: 9896 characters, the limit is {3 * len(BULLET) + 100}; write one sentence",)
               for _text, reasons in outcome.rejections)
    assert time.perf_counter() - start < 20


def test_a_rejected_candidate_is_never_rescored_nor_verified_twice(tmp_path, rescored, monkeypatch):
    from critic.llm import rewriter as rewriter_module

    verified: list[str] = []
    real = rewriter_module.verify
    monkeypatch.setattr(rewriter_module, "verify", lambda original, text, **kw: verified.append(text) or real(
        original, text, **kw))
    run = rewriter(scripted_model([INVENTED, INVENTED, GOOD]), tmp_path).run([BULLET])
    assert run.outcomes[0].status == "verified" and run.usage.calls == 3
    assert verified == [INVENTED["rewrite"], GOOD["rewrite"]]  # the repeated answer reuses its verdict
    assert rescored == [GOOD["rewrite"]]                       # the invented figure never reached the rubric
    assert [r for _t, r in run.outcomes[0].rejections][0] == [r for _t, r in run.outcomes[0].rejections][1]


def test_verification_is_bounded_by_the_timeout(tmp_path, monkeypatch):
    real = verify_module.rescore

    def slow(text, rubric, options=None):
        time.sleep(5)  # a verification that would take far longer than --timeout
        return real(text, rubric, options)

    monkeypatch.setattr(verify_module, "rescore", slow)
    start = time.perf_counter()
    run = rewriter(scripted_model([GOOD, GOOD, GOOD]), tmp_path, timeout=0.3).run([BULLET])
    elapsed = time.perf_counter() - start
    outcome = run.outcomes[0]
    assert outcome.status != "verified" and elapsed < 4, elapsed
    assert outcome.rejections[0][1] == ("verification took longer than 0.3 s (--timeout); write one short, plain "
                                        "sentence",)


def test_the_issue_reproduction_honours_timeout_through_the_command(tmp_path):
    """A server answering 9.9 KB of "1," with --timeout 5: 108 s for one bullet before issue 10."""
    with FakeOpenAI(script=lambda seen: Reply(answer=HOSTILE)) as server:
        start = time.perf_counter()
        proc = run_critic("rewrite", BULLET, "--llm", "openai:m", "--base-url", server.base_url, "--timeout", "5",
                          "--format", "json", cwd=tmp_path, env={"CRITIC_CACHE_DIR": str(tmp_path / "cache"),
                                                                 "OPENAI_API_KEY": ""}, timeout=90)
        elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)["llm"]
    assert data["status"] == "unverified" and all("too long" in r["reasons"][0] for r in data["rejected"])
    assert elapsed < 30, elapsed


# --- keys stay where the user put them ------------------------------------------------------------------------------

KEY = "plain-looking-secret-4f1c9a"  # not key-shaped: only scrubbing the known value can catch it


def echo_key(seen):
    """A server that puts the key it was sent into every string of its answer; its first answer is rejected (an
    invented figure), so the rejected text is reported too."""
    key = seen.headers.get("authorization", "").removeprefix("Bearer ")
    answer = good_answer(seen.bullet)
    if not is_retry(seen.body):
        return Reply(answer=dict(answer, rewrite=f"Decided the gate with key {key}, protecting $9M in renewals.",
                                 rationale=f"key {key}"))
    return Reply(answer=dict(answer, rationale=f"Your key is {key}.", question_for_author=f"Is {key} yours?",
                             placeholders=answer["placeholders"] + [f"[{key}]"]))


def test_an_echoed_key_is_never_shown_nor_cached(tmp_path):
    env = {"CRITIC_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": KEY}
    (tmp_path / "d.md").write_text(f"- {BULLET}\n", encoding="utf-8")
    with FakeOpenAI(script=echo_key) as server:
        send = ["--llm", "openai:m", "--base-url", server.base_url, "--send-key-to-base-url"]
        shown = run_critic("rewrite", BULLET, *send, "--no-cache", cwd=tmp_path, env=env)
        as_json = run_critic("rewrite", BULLET, *send, "--format", "json", cwd=tmp_path, env=env)  # fills the cache
        review = run_critic("review", "d.md", *send, "--format", "json", "--no-cache", cwd=tmp_path, env=env)
    assert server.requests and all(r.headers["authorization"] == f"Bearer {KEY}" for r in server.requests)
    for proc in (shown, as_json, review):
        assert proc.returncode in (0, 1), proc.stderr
        assert KEY not in proc.stdout + proc.stderr
    assert "why:      Your key is ***." in shown.stdout and "question: Is *** yours?" in shown.stdout
    rejected = json.loads(review.stdout)["rewrites"][0]["llm"]["rejected"]
    assert rejected[0]["text"].startswith("Decided the gate with key ***")
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files and all(KEY.encode() not in p.read_bytes() for p in files)


@pytest.mark.parametrize("config_name,table", [("pyproject.toml", "[tool.critic.llm]"), (".critic.toml", "[llm]")])
def test_a_repository_config_cannot_choose_where_the_key_goes(tmp_path, config_name, table):
    env = {"CRITIC_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": KEY}
    with FakeOpenAI() as server:
        (tmp_path / config_name).write_text(f'{table}\nmodel = "openai:m"\nbase_url = "{server.base_url}"\n',
                                            encoding="utf-8")
        refused = run_critic("rewrite", BULLET, "--send-key-to-base-url", cwd=tmp_path, env=env)
        assert refused.returncode == 2 and server.calls == 0
        (line,) = refused.stderr.strip().splitlines()
        assert line.startswith("critic: error: --send-key-to-base-url: the server ") and config_name in line
        assert "--base-url" in line and KEY not in line
        named = run_critic("rewrite", BULLET, "--send-key-to-base-url", "--base-url", server.base_url,
                           "--no-cache", cwd=tmp_path, env=env)
        assert named.returncode == 0, named.stderr
        assert server.requests[-1].headers["authorization"] == f"Bearer {KEY}"
        plain = run_critic("rewrite", BULLET, "--no-cache", cwd=tmp_path, env=env)  # no flag: a dummy key
        assert plain.returncode == 0 and server.requests[-1].headers["authorization"] != f"Bearer {KEY}"


def test_the_key_may_go_to_a_local_alias_named_on_the_command_line():
    settings = resolve_llm_settings({}, {"llm": "ollama:llama3.1", "send_key_to_base_url": True})
    assert settings.send_key_to_base_url and settings.base_url == "http://localhost:11434/v1"
    from critic.errors import ConfigError

    with pytest.raises(ConfigError, match="named in .critic.toml"):
        resolve_llm_settings({"model": "ollama:llama3.1"}, {"send_key_to_base_url": True}, ".critic.toml")
