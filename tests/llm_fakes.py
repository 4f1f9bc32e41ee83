"""Test doubles for the LLM pass: LangChain fake chat models and small HTTP servers on 127.0.0.1 that speak the
OpenAI Chat Completions and Anthropic Messages wire formats, so the real `openai` and `anthropic` SDKs (through
langchain-openai / langchain-anthropic) can be tested without a network. Also used by benchmarks/llm_rewrite.py.

A server answers each request with `script(request) -> Reply`; the default script returns a good rewrite made
from the bullet it finds in the prompt's data block.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_DATA = re.compile(r"<<<BEGIN BULLET DATA \w+>>>\n(.*?)\n<<<END BULLET DATA", re.DOTALL)


# --- what a scripted server or fake model answers ----------------------------------------------------------------

@dataclass
class Reply:
    answer: dict | None = None      # the JSON object to answer with (as text, tool call or tool_use block)
    text: str | None = None         # raw text instead (malformed JSON, prose, fenced JSON)
    status: int = 200
    error_body: dict | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0              # seconds before answering (slow / timeout)


@dataclass
class Seen:
    path: str
    headers: dict
    body: dict

    @property
    def bullet(self) -> str:
        return bullet_in(self.body)


def _message_texts(body: dict) -> list[str]:
    texts = []
    system = body.get("system")
    if isinstance(system, str):
        texts.append(system)
    elif isinstance(system, list):
        texts += [b.get("text", "") for b in system if isinstance(b, dict)]
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts += [b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"]
    return texts


def bullet_in(body: dict) -> str:
    """The bullet of the last data block in the request (the one being asked about)."""
    found = ""
    for text in _message_texts(body):
        for m in _DATA.finditer(text):
            found = json.loads(m.group(1))["bullet"]
    return found


def is_retry(body: dict) -> bool:
    return any("Your answer was rejected" in t for t in _message_texts(body))


def good_answer(bullet: str) -> dict:
    """A rewrite that passes verification for the bullets these tests use: the original minus its weak opener,
    opened with a decision and closed with a business placeholder, within 1.5x the words."""
    body = re.sub(r"^(?:helped(?: with| to)?|assisted(?: with)?|worked on|supported|participated in|"
                  r"contributed to|was responsible for|ensured|made sure)\s+", "", bullet.strip().rstrip("."),
                  flags=re.IGNORECASE)
    words = body.split()
    budget = int(len(bullet.split()) * 1.5) - 10
    body = " ".join(words[:max(2, budget)])
    rewrite = f"Decided {body}, accepting [N weeks] of delay to protect [$X] in renewals."
    return {"rewrite": rewrite, "figures_used": [], "placeholders": ["[N weeks]", "[$X]"],
            "question_for_author": "How much renewal revenue did this protect?",
            "rationale": "Opened with the decision and named the business stake."}


def good_script(request: Seen) -> Reply:
    return Reply(answer=good_answer(request.bullet))


# --- servers ----------------------------------------------------------------------------------------------------

class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client that timed out and hung up is expected here
        pass


class FakeServer:
    """Base: a ThreadingHTTPServer on 127.0.0.1 with a script and a record of every request."""

    api = "openai"

    def __init__(self, script=good_script, latency: float = 0.0):
        self.script = script
        self.latency = latency
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between headers and body

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):  # noqa: N802 - http.server naming
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                seen = Seen(path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, body=body)
                with server._lock:
                    server.requests.append(seen)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    reply = server.script(seen)
                    delay = server.latency + reply.delay
                    if delay:
                        time.sleep(delay)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                if reply.status != 200:
                    payload = reply.error_body or server.error_payload(reply.status, seen)
                else:
                    payload = server.success_payload(reply, seen)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def calls(self) -> int:
        return len(self.requests)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def error_payload(self, status: int, seen: Seen) -> dict:
        raise NotImplementedError

    def success_payload(self, reply: Reply, seen: Seen) -> dict:
        raise NotImplementedError


class FakeOpenAI(FakeServer):
    """POST /v1/chat/completions, answering as text content (response_format / json_mode) or as a tool call."""

    api = "openai"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def error_payload(self, status: int, seen: Seen) -> dict:
        auth = seen.headers.get("authorization", "")
        messages = {401: f"Incorrect API key provided: {auth.removeprefix('Bearer ')}.",
                    404: "The model `no-such-model` does not exist or you do not have access to it.",
                    429: "Rate limit reached for requests.", 500: "The server had an error.",
                    400: "Invalid parameter."}
        return {"error": {"message": messages.get(status, "error"), "type": "error", "code": str(status)}}

    def success_payload(self, reply: Reply, seen: Seen) -> dict:
        message: dict = {"role": "assistant", "content": None}
        tools = seen.body.get("tools")
        if reply.answer is not None and tools and not seen.body.get("response_format"):
            name = tools[0]["function"]["name"]
            message["tool_calls"] = [{"id": "call_1", "type": "function",
                                      "function": {"name": name, "arguments": json.dumps(reply.answer)}}]
        else:
            message["content"] = reply.text if reply.text is not None else json.dumps(reply.answer)
        return {"id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000,
                "model": seen.body.get("model", "test"),
                "choices": [{"index": 0, "message": message,
                             "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
                "usage": {"prompt_tokens": 1200, "completion_tokens": 80, "total_tokens": 1280}}


class FakeAnthropic(FakeServer):
    """POST /v1/messages, answering with a tool_use block (function calling) or text."""

    api = "anthropic"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_payload(self, status: int, seen: Seen) -> dict:
        kinds = {401: "authentication_error", 404: "not_found_error", 429: "rate_limit_error", 500: "api_error",
                 400: "invalid_request_error", 529: "overloaded_error"}
        key = seen.headers.get("x-api-key") or seen.headers.get("authorization", "").removeprefix("Bearer ")
        message = {401: f"invalid x-api-key {key}"}.get(status, "error")
        return {"type": "error", "error": {"type": kinds.get(status, "api_error"), "message": message}}

    def success_payload(self, reply: Reply, seen: Seen) -> dict:
        tools = seen.body.get("tools")
        if reply.answer is not None and tools:
            content = [{"type": "tool_use", "id": "toolu_1", "name": tools[0]["name"], "input": reply.answer}]
            stop = "tool_use"
        else:
            text = reply.text if reply.text is not None else json.dumps(reply.answer)
            content = [{"type": "text", "text": text}]
            stop = "end_turn"
        return {"id": "msg_test", "type": "message", "role": "assistant", "model": seen.body.get("model", "test"),
                "content": content, "stop_reason": stop, "stop_sequence": None,
                "usage": {"input_tokens": 1100, "output_tokens": 70}}


# --- LangChain fake chat models ---------------------------------------------------------------------------------

def fake_models():
    """(FakeChat, ToolFakeChat): GenericFakeChatModel, and a subclass with bind_tools so with_structured_output
    works (langchain issue #36277)."""
    from langchain_core.language_models import GenericFakeChatModel

    class ToolFakeChat(GenericFakeChatModel):
        def bind_tools(self, tools, *, tool_choice=None, **kwargs):
            return self

    return GenericFakeChatModel, ToolFakeChat


def scripted_model(items, tools: bool = False):
    """A fake chat model answering with `items` in turn: a dict (sent as JSON text, or as a tool call when
    `tools`), a str (raw text), an AIMessage, or an exception to raise. `model.received` records every request."""
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    plain, with_tools = fake_models()
    base = with_tools if tools else plain

    class Scripted(base):
        received: list = []

        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            self.received.append(messages)
            item = next(self.messages)
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, dict):
                item = (AIMessage(content="", tool_calls=[{"name": "RewriteAnswer", "args": item, "id": "call_1"}])
                        if tools else AIMessage(content=json.dumps(item)))
            elif isinstance(item, str):
                item = AIMessage(content=item)
            return ChatResult(generations=[ChatGeneration(message=item)])

    model = Scripted(messages=iter(items))
    model.received = []
    return model


class StatusError(Exception):
    """Looks like an SDK error with an HTTP status (classification reads `status_code` and the class name)."""

    def __init__(self, status: int, message: str = "error"):
        super().__init__(message)
        self.status_code = status


class RateLimitError(StatusError):
    def __init__(self):
        super().__init__(429, "rate limited")


class AuthenticationError(StatusError):
    def __init__(self, message: str = "invalid key"):
        super().__init__(401, message)
