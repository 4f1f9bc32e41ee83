"""The rewrite prompt: files in prompts/ (shipped as critic/prompts), their version, and the messages sent.

Messages are plain (role, text) pairs, so a dry run can print exactly what would be sent without LangChain.
The bullet goes inside a JSON data block between marker lines derived from its hash: the model is told that
everything there is data. That is a courtesy; what guarantees the result is verification (verify.py).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..models import BulletResult

# The length rule for a rewrite (docs/llm.md): the larger of 1.5x the original's words and the original plus 20
# words, never more than 60. The extra 20 words are room for a trade-off and a business consequence, which a
# short bullet cannot gain within 1.5x of its length; the ceiling keeps a long bullet a bullet.
MAX_WORDS_RATIO = 1.5
MAX_WORDS_EXTRA = 20
MAX_WORDS_CEILING = 60


def prompts_dir() -> Path:
    """Prompts ship inside the package (critic/prompts); a source checkout falls back to ./prompts."""
    packaged = Path(str(resources.files("critic"))) / "prompts"
    if (packaged / "VERSION").is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "prompts"


@lru_cache(maxsize=None)
def read_prompt(name: str) -> str:
    return (prompts_dir() / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def prompt_version() -> str:
    return read_prompt("VERSION").strip()


@lru_cache(maxsize=1)
def ai_tell_words() -> tuple[str, ...]:
    entries = []
    for line in read_prompt("ai-tell-words.txt").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(line.lower())
    return tuple(entries)


@lru_cache(maxsize=1)
def examples() -> tuple[dict, ...]:
    import yaml

    data = yaml.safe_load(read_prompt("examples.yaml")) or {}
    return tuple(data.get("examples", []))


def max_words(original: str) -> int:
    """The most words a rewrite of `original` may have (a [placeholder] counts as one word)."""
    words = len(original.split())
    return max(1, min(MAX_WORDS_CEILING, max(math.floor(words * MAX_WORDS_RATIO), words + MAX_WORDS_EXTRA)))


def max_words_rule() -> str:
    """The length rule in words, for messages."""
    return (f"the larger of {MAX_WORDS_RATIO:g}x the original's words and the original plus {MAX_WORDS_EXTRA}, "
            f"at most {MAX_WORDS_CEILING}")


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def system_prompt() -> str:
    return _fill(read_prompt("system.md"), {"banned_words": ", ".join(ai_tell_words())}).strip()


def _findings_text(findings: list[dict]) -> str:
    if not findings:
        return "- no findings; make the business consequence explicit"
    return "\n".join(f"- {f['failure_mode'] or f['rule']} ({f['severity']}): {f['message']} Fix: {f['fix']}"
                     for f in findings)


def user_prompt(bullet: str, score: int, findings: list[dict], variant: int = 1, variants: int = 1) -> str:
    marker = hashlib.sha256(bullet.encode("utf-8")).hexdigest()[:12]
    data = json.dumps({"bullet": bullet, "word_limit": max_words(bullet)}, ensure_ascii=False)
    note = ""
    if variants > 1:
        note = (f"\nThis is variant {variant} of {variants}: take a different angle from the other variants "
                f"(a different opening decision or business consequence).\n")
    return _fill(read_prompt("instructions.md"), {
        "score": str(score),
        "findings": _findings_text(findings),
        "begin_marker": f"<<<BEGIN BULLET DATA {marker}>>>",
        "end_marker": f"<<<END BULLET DATA {marker}>>>",
        "data": data,
        "variant_note": note,
    }).strip()


def findings_for_prompt(result: BulletResult) -> list[dict]:
    """Failure mode, severity, message and fix hint of each active finding (never the matched text)."""
    return [{"rule": f.rule, "failure_mode": f.failure_mode, "severity": f.severity.value, "message": f.message,
             "fix": f.fix} for f in result.active_findings]


@dataclass(frozen=True)
class Request:
    """What one call sends: the messages as (role, text) pairs."""

    messages: tuple[tuple[str, str], ...]

    def estimate_tokens(self) -> int:
        return estimate_tokens(self.messages)


def estimate_tokens(messages) -> int:
    """About four characters a token, plus a few per message: a conservative estimate without a tokenizer."""
    return sum(4 + math.ceil(len(text) / 4) for _role, text in messages) + 3


_SHOTS: dict[tuple[int, int], tuple[object, object, list[tuple[str, str]]]] = {}


def _few_shot(rubric, options) -> list[tuple[str, str]]:
    """Each example as a user turn (scored by the real rubric, so its findings match) and the model's answer."""
    from ..api import review_text

    key = (id(rubric), id(options))
    if key in _SHOTS and _SHOTS[key][0] is rubric and _SHOTS[key][1] is options:
        return _SHOTS[key][2]
    shots: list[tuple[str, str]] = []
    for example in examples():
        result = review_text(example["bullet"], kind="plain", rubric=rubric, options=options).bullets[0]
        shots.append(("human", user_prompt(example["bullet"], result.score, findings_for_prompt(result))))
        shots.append(("ai", json.dumps(example["answer"], ensure_ascii=False)))
    _SHOTS[key] = (rubric, options, shots)
    return shots


def build_request(bullet: str, score: int, findings: list[dict], *, rubric, options=None, variant: int = 1,
                  variants: int = 1, history: tuple[tuple[str, str], ...] = ()) -> Request:
    messages = [("system", system_prompt()), *_few_shot(rubric, options),
                ("human", user_prompt(bullet, score, findings, variant, variants)), *history]
    return Request(messages=tuple(messages))


def retry_turns(previous_answer: str, reasons: list[str], bullet: str) -> tuple[tuple[str, str], ...]:
    """The assistant's rejected answer and the reasons, appended to the conversation for the next attempt."""
    answer = previous_answer if len(previous_answer) <= 2000 else previous_answer[:2000] + "..."
    text = _fill(read_prompt("retry.md"), {
        "reasons": "\n".join(f"- {r}" for r in reasons),
        "max_words": str(max_words(bullet)),
    }).strip()
    return (("ai", answer or "(no answer)"), ("human", text))
