"""The LLM pass end to end through the installed `critic` command, against a local fake OpenAI-compatible server:
verified rewrite with diff and cost, offline by default, dry run, cache, review --rewrite --write / --diff /
--interactive, and no API key in any output, log or cache file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT, run_critic
from .llm_fakes import FakeOpenAI, Reply

pytest.importorskip("langchain_openai")

BULLET = "Helped with the jailbreak evaluation for the enterprise assistant launch last quarter."
PRICES = '[llm.prices]\n"openai:some-model" = {input = 0.15, output = 0.60}\n'
DOSSIER = textwrap.dedent("""\
    # Promotion dossier

    Some context that is not a bullet.

    - **Helped** with the jailbreak evaluation for the enterprise assistant launch last quarter.
    - Led the pricing review with finance, cutting serving cost 30% and protecting $2M in renewals, accepting slower rollout.
    - Worked on the red-team review for the agent release with the trust and safety team.

    ## Notes
    Closing words.
    """)


def llm_env(tmp_path, **extra):
    return {"CRITIC_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", **extra}


def test_rewrite_with_llm_prints_a_verified_rewrite_with_diff_scores_and_cost(tmp_path, review):
    (tmp_path / ".critic.toml").write_text(PRICES, encoding="utf-8")
    with FakeOpenAI() as server:
        proc = run_critic("rewrite", BULLET, "--llm", "openai:some-model", "--base-url", server.base_url,
                          cwd=tmp_path, env=llm_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"verified by the rubric: score {review(BULLET).score} -> " in out
    assert "[-Helped with-] {+Decided+}" in out             # the word diff
    assert "to fill:  [N weeks]  [$X]" in out and "question: " in out
    assert "1 call; 1,200 input + 80 output tokens; estimated cost $0.0002" in out
    assert server.calls == 1


def test_rewrite_json_includes_the_llm_result(tmp_path):
    with FakeOpenAI() as server:
        proc = run_critic("rewrite", BULLET, "--llm", "openai:some-model", "--base-url", server.base_url,
                          "--format", "json", cwd=tmp_path, env=llm_env(tmp_path))
    data = json.loads(proc.stdout)
    assert data["scaffold"]["text"] and data["llm"]["status"] == "verified"
    assert data["llm"]["rewrites"][0]["score"] > data["score"]
    assert data["llm"]["usage"]["estimated_cost_usd"] is None and data["llm"]["cost_known"] is False


def test_without_llm_nothing_leaves_the_machine(tmp_path):
    with FakeOpenAI() as server:
        env = llm_env(tmp_path, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test-unused-0123456789")
        proc = run_critic("rewrite", BULLET, cwd=tmp_path, env=env)
        review = run_critic("review", "-", "--rewrite", input=f"- {BULLET}\n", cwd=tmp_path, env=env)
    assert proc.returncode == 0 and "Rewrite scaffold" in proc.stdout and "LLM" not in proc.stdout
    assert "deterministic scaffolds" in review.stdout
    assert server.calls == 0


def test_the_review_path_never_imports_llm_libraries(tmp_path):
    code = textwrap.dedent(f"""
        import contextlib, io, sys
        from critic.cli import main
        for args in (["review", {str(ROOT / 'fixtures' / 'weak-dossier.md')!r}],
                     ["review", {str(ROOT / 'fixtures' / 'weak-dossier.md')!r}, "--rewrite"],
                     ["rewrite", "Helped with the launch review."]):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    main(args)
            except SystemExit as exc:
                assert exc.code in (0, 1), (args, exc.code)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("langchain", "langchain_core", "openai",
                        "anthropic", "langchain_openai", "langchain_anthropic")
                        or m == "critic.llm" or m.startswith("critic.llm."))
        print(loaded)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_dry_run_prints_what_would_be_sent_and_sends_nothing(tmp_path):
    with FakeOpenAI() as server:
        proc = run_critic("rewrite", BULLET, "--llm", "openai:some-model", "--base-url", server.base_url,
                          "--dry-run", cwd=tmp_path, env=llm_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert server.calls == 0
    out = proc.stdout
    assert "dry run, nothing was sent" in out and "--- system ---" in out
    assert json.dumps({"bullet": BULLET, "word_limit": 32}) in out
    assert "input tokens" in out and "cost unknown" in out and "dummy key" in out


def test_a_second_identical_run_makes_zero_calls(tmp_path):
    (tmp_path / "d.md").write_text(DOSSIER, encoding="utf-8")
    args = ("review", "d.md", "--rewrite", "--llm", "openai:some-model")
    with FakeOpenAI() as server:
        first = run_critic(*args, "--base-url", server.base_url, cwd=tmp_path, env=llm_env(tmp_path))
        calls = server.calls
        second = run_critic(*args, "--base-url", server.base_url, cwd=tmp_path, env=llm_env(tmp_path))
        assert server.calls == calls == 2, (first.stdout, first.stderr)
        third = run_critic(*args, "--base-url", server.base_url, "--no-cache", cwd=tmp_path, env=llm_env(tmp_path))
        assert server.calls == 4
    assert "0 calls" in second.stdout and "2 from cache" in second.stdout
    assert first.returncode == second.returncode == third.returncode


def test_review_rewrite_write_changes_only_the_rewritten_bullets(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(DOSSIER, encoding="utf-8")
    with FakeOpenAI() as server:
        proc = run_critic("review", "d.md", "--rewrite", "--llm", "openai:some-model", "--base-url",
                          server.base_url, "--write", cwd=tmp_path, env=llm_env(tmp_path))
    assert "wrote 2 rewrite(s) to d.md (backup d.md.bak)" in proc.stderr, proc.stderr
    assert (tmp_path / "d.md.bak").read_text(encoding="utf-8") == DOSSIER
    old, new = DOSSIER.splitlines(), path.read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    assert len(old) == len(new) and changed == [4, 6]
    assert new[4].startswith("- Decided ") and new[6].startswith("- Decided ")
    assert new[5] == old[5]  # the strong bullet (score above the threshold) is untouched


def test_review_rewrite_diff_previews_without_writing(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(DOSSIER, encoding="utf-8")
    with FakeOpenAI() as server:
        proc = run_critic("review", "d.md", "--llm", "openai:some-model", "--base-url", server.base_url,
                          "--diff", cwd=tmp_path, env=llm_env(tmp_path))
    assert "--- d.md" in proc.stdout and "+- Decided " in proc.stdout
    assert path.read_text(encoding="utf-8") == DOSSIER and not (tmp_path / "d.md.bak").exists()


def test_interactive_accept_edit_reject(tmp_path, monkeypatch):
    from .cli_runner import invoke

    path = tmp_path / "d.md"
    path.write_text(DOSSIER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRITIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    with FakeOpenAI() as server:
        result = invoke(["review", "d.md", "-i", "--write", "--llm", "openai:some-model", "--base-url", server.base_url],
                        input="e\nChose the jailbreak gate for the assistant launch, protecting $2M.\nr\n")
    assert "Accept, edit, reject, or quit?" in result.output
    assert re.search(r"score \d+ -> \d+", result.output), result.output  # the edited version was re-scored
    text = path.read_text(encoding="utf-8")
    assert "- Chose the jailbreak gate for the assistant launch, protecting $2M." in text
    assert "- Worked on the red-team review" in text  # rejected: unchanged
    assert (tmp_path / "d.md.bak").exists()


def test_a_refused_or_failing_provider_never_changes_the_review(tmp_path):
    (tmp_path / "d.md").write_text(DOSSIER, encoding="utf-8")
    plain = run_critic("review", "d.md", "--format", "json", cwd=tmp_path, env=llm_env(tmp_path))
    with FakeOpenAI(lambda seen: Reply(status=500)) as server:
        failing = run_critic("review", "d.md", "--rewrite", "--llm", "openai:some-model", "--base-url",
                             server.base_url, "--format", "json", "--timeout", "2", cwd=tmp_path,
                             env=llm_env(tmp_path))
    assert failing.returncode == plain.returncode
    assert "critic: warning:" in failing.stderr and "Traceback" not in failing.stderr
    data, base = json.loads(failing.stdout), json.loads(plain.stdout)
    assert [b["score"] for b in data["files"][0]["bullets"]] == [b["score"] for b in base["files"][0]["bullets"]]
    assert all(r["llm"]["status"] == "failed" for r in data["rewrites"])


def test_a_missing_key_is_one_warning_and_the_scaffold(tmp_path):
    proc = run_critic("rewrite", BULLET, "--llm", "openai:gpt-4o-mini", cwd=tmp_path, env=llm_env(tmp_path))
    assert proc.returncode == 0
    assert "OPENAI_API_KEY is not set" in proc.stderr and "Rewrite scaffold" in proc.stdout


def test_no_api_key_appears_in_any_output_log_or_cache_file(tmp_path):
    key = "sk-test-LEAKCHECK-9f8e7d6c5b4a3928"
    env = llm_env(tmp_path, OPENAI_API_KEY=key, ANTHROPIC_API_KEY=key, OPENAI_LOG="debug", ANTHROPIC_LOG="debug",
                  CRITIC_DEBUG="")
    (tmp_path / "d.md").write_text(DOSSIER, encoding="utf-8")
    outputs = []
    with FakeOpenAI() as good:
        for extra in ((), ("--send-key-to-base-url",)):
            outputs.append(run_critic("rewrite", BULLET, "--llm", "openai:some-model", "--base-url", good.base_url,
                                      *extra, *(("--no-cache",) if extra else ()), cwd=tmp_path, env=env))
            outputs.append(run_critic("review", "d.md", "--rewrite", "--no-cache", "--llm", "openai:some-model",
                                      "--base-url", good.base_url, "--dry-run", *extra, cwd=tmp_path, env=env))
    assert good.requests[-1].headers["authorization"] == f"Bearer {key}"  # it was really sent when asked
    with FakeOpenAI(lambda seen: Reply(status=401)) as refusing:  # the fake echoes the key in its error
        outputs.append(run_critic("rewrite", BULLET, "--llm", "openai:some-model", "--base-url",
                                  refusing.base_url, "--send-key-to-base-url", "--no-cache", cwd=tmp_path, env=env))
    assert "rejected the API key" in outputs[-1].stderr
    for proc in outputs:
        assert key not in proc.stdout and key not in proc.stderr
        assert key[3:20] not in proc.stdout + proc.stderr
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files, "the verified results were cached"
    for path in files:
        assert key.encode() not in path.read_bytes()  # text and binary cache files alike
