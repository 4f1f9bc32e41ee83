"""The answer schema and a lenient parser for models that ignore it.

Accepted: the structured-output object, a tool call's arguments, a JSON object as the whole text, in a ```json
fence, or embedded in prose. Anything else (no JSON object with a non-empty `rewrite`) is an invalid answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pydantic import BaseModel, Field


class RewriteAnswer(BaseModel):
    """A rewrite of one promotion-dossier bullet."""

    rewrite: str = Field(description="The rewritten bullet: one plain sentence, no list marker, no Markdown.")
    figures_used: list[str] = Field(default_factory=list,
                                    description="Every figure in the rewrite, copied exactly from the original.")
    placeholders: list[str] = Field(default_factory=list,
                                    description="Every [placeholder] in the rewrite, for the author to fill.")
    question_for_author: str = Field(default="", description="The most important missing fact, as a question.")
    rationale: str = Field(default="", description="One sentence: what changed and why.")


def answer_json_schema() -> dict:
    """The schema sent for structured output (named RewriteAnswer, with its description)."""
    schema = RewriteAnswer.model_json_schema()
    schema.setdefault("description", RewriteAnswer.__doc__)
    return schema


@dataclass(frozen=True)
class Answer:
    rewrite: str
    figures_used: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    question_for_author: str = ""
    rationale: str = ""
    raw: str = field(default="", compare=False)  # the answer as text, for the retry turn

    def to_json(self) -> str:
        return json.dumps({"rewrite": self.rewrite, "figures_used": list(self.figures_used),
                           "placeholders": list(self.placeholders),
                           "question_for_author": self.question_for_author, "rationale": self.rationale},
                          ensure_ascii=False)


class InvalidAnswer(Exception):
    """The model's answer holds no usable rewrite."""

    def __init__(self, reason: str, raw: str = ""):
        super().__init__(reason)
        self.raw = raw


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def _strings(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v is not None and str(v).strip())
    return (str(value),)


def from_mapping(data, raw: str = "") -> Answer:
    if isinstance(data, BaseModel):
        data = data.model_dump()
    if not isinstance(data, dict):
        raise InvalidAnswer("the answer was not a JSON object", raw)
    rewrite = data.get("rewrite")
    if isinstance(rewrite, list) and rewrite and isinstance(rewrite[0], str):
        rewrite = rewrite[0]
    if not isinstance(rewrite, str) or not rewrite.strip():
        raise InvalidAnswer("the answer had no `rewrite` text", raw)
    question = data.get("question_for_author") or ""
    rationale = data.get("rationale") or ""
    return Answer(rewrite=rewrite.strip(), figures_used=_strings(data.get("figures_used")),
                  placeholders=_strings(data.get("placeholders")),
                  question_for_author=str(question).strip(), rationale=str(rationale).strip(),
                  raw=raw or json.dumps(data, ensure_ascii=False, default=str))


def _objects_in(text: str):
    """JSON objects found in text: the whole text, fenced blocks, then every balanced {...} run."""
    candidates = [text.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    decoder = json.JSONDecoder()
    for start in [i for i, ch in enumerate(text) if ch == "{"][:50]:
        try:
            obj, _end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        yield obj
    for candidate in candidates:
        try:
            yield json.loads(candidate)
        except ValueError:
            continue


def parse_text(text: str) -> Answer:
    best_error = "the answer was not the JSON object asked for"
    for obj in _objects_in(text):
        if isinstance(obj, dict):
            try:
                return from_mapping(obj, raw=text)
            except InvalidAnswer as exc:
                best_error = str(exc)
    raise InvalidAnswer(best_error, text)


def message_text(message) -> str:
    """The text of an AIMessage (string content, or the text blocks of a list of content blocks)."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    parts = []
    for block in content or ():
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def parse_output(output) -> Answer:
    """Whatever the model call returned: a with_structured_output(include_raw=True) dict, or an AIMessage."""
    if isinstance(output, dict) and "raw" in output:
        parsed = output.get("parsed")
        raw = output.get("raw")
        text = message_text(raw) if raw is not None else ""
        if parsed is not None:
            try:
                return from_mapping(parsed, raw=text or "")
            except InvalidAnswer:
                pass
        output = raw
    for call in getattr(output, "tool_calls", None) or ():
        args = call.get("args") if isinstance(call, dict) else None
        if isinstance(args, dict):
            try:
                return from_mapping(args, raw=json.dumps(args, ensure_ascii=False, default=str))
            except InvalidAnswer:
                continue
    return parse_text(message_text(output))
