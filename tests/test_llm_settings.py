"""LLM settings, keys, prices, error classes, the lenient parser and redaction: small pure pieces."""

from __future__ import annotations

import asyncio
import json

import pytest

from critic.config import load_config
from critic.errors import ConfigError
from critic.llm import cost, failures, secrets
from critic.llm.redact import redact
from critic.llm.schema import InvalidAnswer, parse_output, parse_text
from critic.llm.settings import resolve_llm_settings

from .llm_fakes import StatusError


def settings(config=None, **flags):
    return resolve_llm_settings(config or {}, flags)


def test_provider_strings():
    s = settings(llm="openai:gpt-4o-mini")
    assert (s.provider, s.model, s.base_url, s.custom_base_url) == ("openai", "gpt-4o-mini", None, False)
    s = settings(llm="anthropic:claude-haiku-4-5")
    assert s.provider == "anthropic"
    s = settings(llm="ollama:llama3.1:8b")
    assert (s.provider, s.model, s.base_url, s.custom_base_url) == ("openai", "llama3.1:8b",
                                                                   "http://localhost:11434/v1", True)
    s = settings(llm="openai:qwen", base_url="http://127.0.0.1:8000/v1/")
    assert s.base_url == "http://127.0.0.1:8000/v1" and s.custom_base_url
    assert settings() is None  # nothing asked for: nothing leaves the machine
    for bad in ("gpt-4o", "mistral:large", "openai:"):
        with pytest.raises(ConfigError):
            settings(llm=bad)


def test_flags_override_config_and_config_is_validated():
    config = {"model": "openai:gpt-4o-mini", "concurrency": 4, "variants": 2, "max-cost": 0.5, "timeout": 20,
              "rewrite-below": 60, "redact": True, "redact_names": ["Initech"],
              "prices": {"openai:gpt-4o-mini": {"input": 1, "output": 2}}}
    s = resolve_llm_settings(config, {"variants": 3, "concurrency": None})
    assert (s.concurrency, s.variants, s.max_cost, s.timeout, s.rewrite_below, s.redact) == (4, 3, 0.5, 20.0, 60,
                                                                                            True)
    assert s.redact_names == ("Initech",) and cost.lookup_price(s).input == 1
    with pytest.raises(ConfigError, match="unknown key"):
        resolve_llm_settings({"model": "openai:x", "modle": "y"}, {})
    with pytest.raises(ConfigError, match="concurrency"):
        resolve_llm_settings({"model": "openai:x", "concurrency": 0}, {})
    with pytest.raises(ConfigError, match="credentials"):
        resolve_llm_settings({"model": "openai:x", "base_url": "http://user:pw@localhost:1/v1"}, {})


@pytest.mark.parametrize("line", ['api_key = "sk-live-0123456789abcdefghij"', 'openai_api_key = "x"',
                                  'token = "abc"', 'base_url = "http://h/v1?k=sk-abcdefghijklmnopqrstuv"'])
def test_a_key_in_the_config_file_is_an_error_that_never_shows_it(tmp_path, line):
    path = tmp_path / ".critic.toml"
    path.write_text(f'[llm]\nmodel = "openai:gpt-4o-mini"\n{line}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "environment" in message and "sk-" not in message and '"abc"' not in message


def test_keys_come_from_the_environment_and_stay_home():
    env = {"OPENAI_API_KEY": "sk-test-real-0123456789"}
    assert secrets.api_key(settings(llm="openai:m"), env) == env["OPENAI_API_KEY"]
    local = settings(llm="openai:m", base_url="http://127.0.0.1:1/v1")
    assert secrets.api_key(local, env) == secrets.DUMMY_KEY
    asked = settings(llm="openai:m", base_url="http://127.0.0.1:1/v1", send_key_to_base_url=True)
    assert secrets.api_key(asked, env) == env["OPENAI_API_KEY"]
    assert secrets.api_key(settings(llm="openai:m", base_url="https://api.openai.com/v1"), env) == env[
        "OPENAI_API_KEY"]
    with pytest.raises(secrets.MissingKey, match="ANTHROPIC_API_KEY is not set"):
        secrets.api_key(settings(llm="anthropic:m"), {})


def test_config_cannot_ask_to_send_the_key():
    with pytest.raises(ConfigError):
        resolve_llm_settings({"model": "openai:m", "send_key_to_base_url": True}, {})


def test_scrub_removes_known_keys_and_key_shapes(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "plain-looking-secret-value")
    text = "Incorrect API key provided: plain-looking-secret-value; also sk-proj-abcdefghijkl and sk-ant-api03-xyz"
    cleaned = secrets.scrub(text)
    assert "plain-looking-secret-value" not in cleaned and "sk-proj" not in cleaned and "sk-ant" not in cleaned


def test_prices_and_unknown_costs():
    official = settings(llm="openai:gpt-4o-mini-2024-07-18")
    assert cost.lookup_price(official) == cost.Price(0.15, 0.60)
    assert cost.lookup_price(settings(llm="openai:gpt-4o-mini", base_url="http://127.0.0.1:1/v1")) is None
    assert cost.lookup_price(settings(llm="anthropic:unheard-of")) is None
    assert "cost unknown" in cost.unknown_cost_note(settings(llm="anthropic:unheard-of"))
    assert cost.Price(1.0, 2.0).cost(1_000_000, 500_000) == 2.0


@pytest.mark.parametrize("error, kind", [
    (StatusError(429), "transient"), (StatusError(500), "transient"), (StatusError(503), "transient"),
    (StatusError(529), "transient"), (asyncio.TimeoutError(), "transient"), (StatusError(401), "auth"),
    (StatusError(403), "auth"), (StatusError(404), "not_found"), (StatusError(400), "bad_request"),
    (ValueError("x"), "other"),
])
def test_error_classes(error, kind):
    assert failures.classify(error) == kind


GOOD = {"rewrite": "Decided the gate.", "figures_used": "none", "placeholders": None, "rationale": "r"}


@pytest.mark.parametrize("text", [
    json.dumps(GOOD),
    "```json\n" + json.dumps(GOOD) + "\n```",
    "Here you go: " + json.dumps(GOOD) + " Anything else?",
    json.dumps({"answer": GOOD}),
])
def test_lenient_parsing(text):
    answer = parse_text(text)
    assert answer.rewrite == "Decided the gate." and answer.placeholders == ()


@pytest.mark.parametrize("text", ["Decided the gate.", "{}", '{"rewrite": ""}', '{"rewrite": "x"', "[1, 2]"])
def test_anything_else_is_an_invalid_answer(text):
    with pytest.raises(InvalidAnswer):
        parse_text(text)


def test_parse_structured_outputs():
    from langchain_core.messages import AIMessage

    raw = AIMessage(content=[{"type": "text", "text": json.dumps(GOOD)}])
    assert parse_output({"raw": raw, "parsed": None, "parsing_error": ValueError()}).rewrite == "Decided the gate."
    assert parse_output({"raw": raw, "parsed": {"rewrite": "Chose it."}}).rewrite == "Chose it."
    tool = AIMessage(content="", tool_calls=[{"name": "RewriteAnswer", "args": GOOD, "id": "1"}])
    assert parse_output(tool).rewrite == "Decided the gate."


def test_redaction_tokens_are_stable_and_restored():
    text = "Renewed the Acme Corp deal ($2.4M, 12% uplift) and the Globex Industries pilot at $2.4M for Initech."
    first, second = redact(text, ("Initech",)), redact(text, ("Initech",))
    assert first == second
    assert "$2.4M" not in first.text and "12%" not in first.text and "Acme Corp" not in first.text
    assert "Initech" not in first.text and first.text.count("MONEY_1") == 2
    assert first.restore(first.text) == text
    assert first.restore("MONEY_9 stays unknown") == "MONEY_9 stays unknown"


def test_missing_packages_are_one_clear_message(monkeypatch):
    import importlib.util

    from critic.llm import provider

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "langchain_anthropic" else real(name, *a))
    with pytest.raises(failures.FatalProviderError, match=r"pip install 'critic\[anthropic\]'"):
        provider.require_packages("anthropic")


@pytest.mark.parametrize("name, flag, config_value, flag_value", [
    ("timeout", "--timeout", 4000, "4000"),          # the command line took any timeout, the config at most 3600
    ("max_cost", "--max-cost", 2_000_000, "2000000"),
    ("concurrency", "--concurrency", 65, "65"),
])
def test_a_number_is_refused_alike_on_the_command_line_and_in_the_config(name, flag, config_value, flag_value):
    """One declaration per numeric LLM option (llm_limits.py): the command line and [tool.critic.llm] accept the
    same range, and the help text shows the same default as the settings."""
    from .cli_runner import invoke

    with pytest.raises(ConfigError, match=name):
        resolve_llm_settings({"model": "openai:x", name: config_value}, {})
    result = invoke(["review", "fixtures/sample-dossier.md", flag, flag_value])
    assert result.exit_code == 2 and "out of range" in result.output


def test_help_shows_the_defaults_the_settings_use():
    from critic.llm.settings import LLMSettings

    from .cli_runner import invoke

    text = " ".join(invoke(["review", "--help"]).output.split())
    defaults = LLMSettings(provider="openai", model="x")
    assert f"Model calls in flight at once. [default: {defaults.concurrency}]" in text
    assert f"Score under which a bullet is rewritten. [default: {defaults.rewrite_below}]" in text


def test_a_bad_rewrite_below_in_the_config_is_an_error_without_a_model_too(tmp_path, monkeypatch):
    """Scaffold rewrites (no --llm) read rewrite_below from [tool.critic.llm]; a bad value used to fall back to 70
    without a word."""
    from .cli_runner import invoke

    (tmp_path / ".critic.toml").write_text('[llm]\nrewrite_below = "high"\n')
    (tmp_path / "d.md").write_text("- Passed the SOC 2 audit.\n")
    monkeypatch.chdir(tmp_path)
    result = invoke(["review", "d.md", "--rewrite"])
    assert result.exit_code == 2 and "rewrite_below" in result.output and "Traceback" not in result.output
