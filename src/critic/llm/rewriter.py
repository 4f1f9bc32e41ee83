"""The rewrite loop: for each bullet, ask for candidates, verify each, retry rejections with the reasons.

Around every call: the cache (verified results only), the --max-cost budget, a rate limiter, a semaphore that
bounds calls in flight (default 8), a per-call timeout, and retries with exponential backoff for transient errors
only. An authentication or model-not-found error stops the LLM pass for the run with one message; any other
failure leaves that bullet with its deterministic result and a warning. Nothing here changes a rubric score.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field

from . import prompts
from .cache import ResultCache, cache_key
from .cost import Budget, Price, Usage, lookup_price, usage_of
from .failures import FatalProviderError, classify, describe, fatal_message, retry_after
from .redact import Redaction, redact
from .schema import Answer, InvalidAnswer, parse_output
from .secrets import scrub
from .settings import LLMSettings
from .verify import Verdict, clean, rescore, verify

RETRY_AFTER_CAP = 30.0


@dataclass(frozen=True)
class Candidate:
    text: str
    score: int
    placeholders: tuple[str, ...] = ()
    question: str = ""
    rationale: str = ""
    figures_used: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"text": self.text, "score": self.score, "placeholders": list(self.placeholders),
                "question_for_author": self.question, "rationale": self.rationale,
                "figures_used": list(self.figures_used)}

    @classmethod
    def from_dict(cls, data: dict) -> "Candidate":
        return cls(text=str(data.get("text", "")), score=int(data.get("score", 0)),
                   placeholders=tuple(data.get("placeholders") or ()), question=str(data.get("question_for_author")
                                                                                    or ""),
                   rationale=str(data.get("rationale") or ""), figures_used=tuple(data.get("figures_used") or ()))


@dataclass
class Outcome:
    bullet: str
    original_score: int
    candidates: list[Candidate] = field(default_factory=list)   # verified, best first
    rejections: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    status: str = "unverified"   # verified | unverified | failed | skipped
    message: str = ""            # why there is no verified rewrite (failed / skipped)
    cached: bool = False
    usage: Usage = field(default_factory=Usage)
    verdicts: dict[str, Verdict] = field(default_factory=dict, repr=False)  # by cleaned text: each verified once

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def to_dict(self) -> dict:
        return {"bullet": self.bullet, "original_score": self.original_score, "status": self.status,
                "message": self.message, "cached": self.cached,
                "rewrites": [c.to_dict() for c in self.candidates],
                "rejected": [{"text": t, "reasons": list(r)} for t, r in self.rejections],
                "calls": self.usage.calls}


@dataclass
class RunResult:
    outcomes: list[Outcome]
    usage: Usage
    price: Price | None
    settings: LLMSettings
    fatal: str | None = None
    budget_stopped: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def cost(self) -> float | None:
        return self.usage.cost(self.price)


@dataclass(frozen=True)
class PlannedCall:
    bullet: str
    cached: bool
    messages: tuple[tuple[str, str], ...] = ()
    input_tokens: int = 0


class _Stop(Exception):
    """This bullet gets no (more) calls; the message says why."""


def _options_fingerprint(options) -> str:
    if options is None:
        return ""
    return json.dumps([sorted(options.disable), sorted((k, v.value) for k, v in options.severity.items())])


class Rewriter:
    def __init__(self, settings: LLMSettings, *, rubric, options=None, model=None, cache: ResultCache | None = None,
                 environ=None, sleep=asyncio.sleep):
        self.settings = settings
        self.rubric = rubric
        self.options = options
        self._model = model
        self.environ = environ
        self.cache = cache if cache is not None else ResultCache(enabled=settings.cache)
        self.price = lookup_price(settings)
        self._sleep = sleep
        self._fatal: str | None = None
        self._warnings: list[str] = []
        self._budget = Budget(settings.max_cost, self.price)

    # --- public -------------------------------------------------------------------------------------------------

    def run(self, bullets: list[str]) -> RunResult:
        """Synchronous wrapper. Every run uses one long-lived event loop in a background thread: the SDKs keep
        pooled async HTTP clients across model instances, and a pool bound to a closed loop fails ("Event loop
        is closed") on the next run in the same process."""
        return asyncio.run_coroutine_threadsafe(self.arun(bullets), _background_loop()).result()

    async def arun(self, bullets: list[str]) -> RunResult:
        if self.settings.max_cost is not None and self.price is None:
            from .cost import unknown_cost_note

            # a limit that cannot be enforced must not be ignored: send nothing (cached results still show)
            self._fatal = f"--max-cost cannot be enforced, nothing was sent ({unknown_cost_note(self.settings)})"
        self._runnable = None
        self._sem = asyncio.Semaphore(self.settings.concurrency)
        self._limiter = self._rate_limiter()
        unique = list(dict.fromkeys(bullets))
        done = await asyncio.gather(*(self._guarded(b) for b in unique))
        by_text = dict(zip(unique, done))
        usage = Usage()
        for outcome in done:
            usage.merge(outcome.usage)
        return RunResult(outcomes=[by_text[b] for b in bullets], usage=usage, price=self.price,
                         settings=self.settings, fatal=self._fatal, budget_stopped=self._budget.exhausted,
                         warnings=list(dict.fromkeys(self._warnings)))

    def plan(self, bullets: list[str]) -> list[PlannedCall]:
        """--dry-run: the first request of each bullet (and variant) exactly as it would be sent; nothing is sent."""
        planned = []
        for bullet in dict.fromkeys(bullets):
            base = rescore(bullet, self.rubric, self.options)
            if base is None:
                continue
            if self._cached(bullet, base.score):
                planned.append(PlannedCall(bullet=bullet, cached=True))
                continue
            sent = self._redaction(bullet).text
            for variant in range(1, self.settings.variants + 1):
                request = prompts.build_request(sent, base.score, prompts.findings_for_prompt(base),
                                                rubric=self.rubric, options=self.options, variant=variant,
                                                variants=self.settings.variants)
                planned.append(PlannedCall(bullet=bullet, cached=False, messages=request.messages,
                                           input_tokens=request.estimate_tokens()))
        return planned

    # --- one bullet ---------------------------------------------------------------------------------------------

    def _key(self, bullet: str) -> str:
        s = self.settings
        return cache_key(provider=s.provider, model=s.model, base_url=s.base_url,
                         prompt_version=prompts.prompt_version(), rubric=self.rubric.fingerprint,
                         options=_options_fingerprint(self.options), variants=s.variants, redact=s.redact,
                         bullet=bullet)

    def _cached(self, bullet: str, original_score: int) -> list[Candidate] | None:
        entries = self.cache.get(self._key(bullet))
        if not entries:
            return None
        verified = []
        for entry in entries:
            # scrubbed like a fresh answer: a cache written before keys were scrubbed must not show one now
            candidate = Candidate.from_dict({k: scrub(v, self.environ) if isinstance(v, str) else
                                             [scrub(x, self.environ) for x in v] if isinstance(v, list) else v
                                             for k, v in entry.items()})
            verdict = verify(bullet, candidate.text, rubric=self.rubric, options=self.options,
                             original_score=original_score)
            if verdict.accepted and verdict.text == candidate.text:
                verified.append(Candidate(candidate.text, verdict.score, candidate.placeholders,
                                          candidate.question, candidate.rationale, candidate.figures_used))
        return sorted(verified, key=lambda c: -c.score) or None

    def _redaction(self, bullet: str) -> Redaction:
        if not self.settings.redact:
            return Redaction(text=bullet)
        return redact(bullet, self.settings.redact_names)

    async def _guarded(self, bullet: str) -> Outcome:
        """Whatever goes wrong in the LLM pass, this bullet keeps its deterministic result."""
        try:
            return await self._bullet(bullet)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for the review
            message = scrub(f"the LLM pass failed: {type(exc).__name__}: {exc}")
            self._warnings.append(message)
            base = rescore(bullet, self.rubric, self.options)
            return Outcome(bullet=bullet, original_score=base.score if base else 0, status="failed",
                           message=message)

    async def _bullet(self, bullet: str) -> Outcome:
        base = rescore(bullet, self.rubric, self.options)
        if base is None:
            return Outcome(bullet=bullet, original_score=0, status="skipped", message="not a single bullet")
        outcome = Outcome(bullet=bullet, original_score=base.score)
        cached = self._cached(bullet, base.score)
        if cached:
            outcome.candidates, outcome.status, outcome.cached = cached, "verified", True
            outcome.usage.cache_hits = 1
            return outcome
        redaction = self._redaction(bullet)
        findings = prompts.findings_for_prompt(base)
        variants = self.settings.variants
        results = await asyncio.gather(*(self._variant(outcome, redaction, findings, k, variants)
                                         for k in range(1, variants + 1)))
        seen = {}
        for candidate in (c for c in results if c is not None):
            if candidate.text not in seen:
                seen[candidate.text] = candidate
        outcome.candidates = sorted(seen.values(), key=lambda c: -c.score)
        if outcome.candidates:
            outcome.status, outcome.message = "verified", ""
            self.cache.put(self._key(bullet), [c.to_dict() for c in outcome.candidates])
        elif outcome.status != "failed" and not outcome.message:
            outcome.message = "no verified rewrite came back"
        return outcome

    async def _variant(self, outcome: Outcome, redaction: Redaction, findings: list[dict], variant: int,
                       variants: int) -> Candidate | None:
        history: tuple[tuple[str, str], ...] = ()
        for _attempt in range(self.settings.max_attempts):
            request = prompts.build_request(redaction.text, outcome.original_score, findings, rubric=self.rubric,
                                            options=self.options, variant=variant, variants=variants,
                                            history=history)
            try:
                output = await self._call(request, outcome)
            except _Stop as stop:
                if not outcome.candidates and outcome.status != "verified":
                    outcome.status = "failed" if "max-cost" not in str(stop) else "skipped"
                    outcome.message = str(stop)
                return None
            try:
                answer = self._scrubbed(parse_output(output))
            except InvalidAnswer as exc:
                reasons = (scrub(f"invalid answer: {exc}", self.environ),)
                outcome.rejections.append(("(no usable answer)", reasons))
                history += prompts.retry_turns(scrub(exc.raw, self.environ), list(reasons), redaction.text)
                continue
            candidate, reasons = await self._check(outcome, answer, redaction)
            if candidate is not None:
                return candidate
            history += prompts.retry_turns(answer.raw or answer.to_json(), list(reasons), redaction.text)
        return None

    def _scrubbed(self, answer: Answer) -> Answer:
        """Every string the model returned, with any API key (a server can echo the one it was sent) replaced by
        ***, before it is verified, shown or cached."""
        def clean_text(text: str) -> str:
            return scrub(text, self.environ)

        return Answer(rewrite=clean_text(answer.rewrite),
                      figures_used=tuple(clean_text(f) for f in answer.figures_used),
                      placeholders=tuple(clean_text(p) for p in answer.placeholders),
                      question_for_author=clean_text(answer.question_for_author),
                      rationale=clean_text(answer.rationale), raw=clean_text(answer.raw))

    async def _verify(self, outcome: Outcome, text: str) -> Verdict:
        """Verify a candidate once (the same text again gets the same verdict, so a rejected answer the model
        repeats is not re-scored), and within --timeout: a verification that takes longer rejects the candidate.
        It runs in a daemon thread so the wait can end; a verification that overran is abandoned there."""
        key = clean(text)
        if key in outcome.verdicts:
            return outcome.verdicts[key]
        timeout = self.settings.timeout
        verdict = await _in_daemon_thread(lambda: verify(outcome.bullet, text, rubric=self.rubric,
                                                         options=self.options,
                                                         original_score=outcome.original_score), timeout)
        if verdict is None:
            verdict = Verdict(key, False, (f"verification took longer than {timeout:g} s (--timeout); write one "
                                           f"short, plain sentence",))
        outcome.verdicts[key] = verdict
        return verdict

    async def _check(self, outcome: Outcome, answer: Answer, redaction: Redaction):
        verdict = await self._verify(outcome, redaction.restore(answer.rewrite))
        if not verdict.accepted:
            outcome.rejections.append((verdict.text, verdict.reasons))
            return None, verdict.reasons
        placeholders = tuple(dict.fromkeys(p for p in _placeholders(verdict.text)))
        return Candidate(text=verdict.text, score=verdict.score, placeholders=placeholders,
                         question=redaction.restore(answer.question_for_author),
                         rationale=redaction.restore(answer.rationale),
                         figures_used=tuple(redaction.restore(f) for f in answer.figures_used)), ()

    # --- one call -----------------------------------------------------------------------------------------------

    def _rate_limiter(self):
        if not self.settings.rate_limit:
            return None
        from langchain_core.rate_limiters import InMemoryRateLimiter

        return InMemoryRateLimiter(requests_per_second=self.settings.rate_limit, check_every_n_seconds=0.01,
                                   max_bucket_size=max(1, self.settings.concurrency))

    def _get_runnable(self):
        if self._runnable is None:
            from .provider import build_model, structured

            model = self._model if self._model is not None else build_model(self.settings, self.environ)
            self._runnable, _ = structured(model, self.settings)
        return self._runnable

    async def _call(self, request: prompts.Request, outcome: Outcome):
        if self._fatal:
            raise _Stop(self._fatal)
        estimate = request.estimate_tokens()
        reserved = self._budget.reserve(estimate, self.settings.max_tokens)
        if reserved is None:
            raise _Stop("skipped: --max-cost reached before this bullet's call")
        spent = False
        try:
            try:
                runnable = self._get_runnable()
            except FatalProviderError as exc:
                self._fatal = self._fatal or str(exc)
                raise _Stop(self._fatal) from None
            retries = 0
            while True:
                if self._fatal:
                    raise _Stop(self._fatal)
                if self._limiter is not None:
                    await self._limiter.aacquire()
                async with self._sem:
                    if self._fatal:  # decided while this call waited for a slot
                        raise _Stop(self._fatal)
                    error = None
                    try:
                        with _no_tracing():
                            output = await asyncio.wait_for(runnable.ainvoke(list(request.messages)),
                                                            timeout=self.settings.timeout)
                    except Exception as exc:  # noqa: BLE001 - every provider failure is sorted below
                        error = exc
                outcome.usage.calls += 1
                if error is None:
                    raw = output.get("raw") if isinstance(output, dict) else output
                    from .schema import message_text

                    tin, tout, estimated = usage_of(raw, estimate, message_text(raw) if raw is not None else "")
                    outcome.usage.input_tokens += tin
                    outcome.usage.output_tokens += tout
                    outcome.usage.estimated = outcome.usage.estimated or estimated
                    self._budget.settle(reserved, tin, tout)
                    spent = True
                    return output
                kind = classify(error)
                if kind in ("auth", "not_found"):
                    where = self.settings.base_url or "the provider"
                    self._fatal = self._fatal or fatal_message(error, self.settings.spec, where)
                    raise _Stop(self._fatal)
                if kind == "transient" and retries < self.settings.max_retries:
                    delay = retry_after(error, RETRY_AFTER_CAP)
                    if delay is None:
                        delay = self.settings.backoff * (2 ** retries) * (0.75 + random.random() / 2)
                    retries += 1
                    await self._sleep(delay)
                    continue
                message = describe(error)
                if kind == "transient":
                    message = f"{message} (gave up after {retries + 1} tries)"
                self._warnings.append(scrub(f"{self.settings.spec}: {message}"))
                raise _Stop(scrub(f"the provider call failed: {message}"))
        finally:
            if not spent:
                self._budget.release(reserved)


_LOOP: asyncio.AbstractEventLoop | None = None
_LOOP_LOCK = threading.Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    global _LOOP
    with _LOOP_LOCK:
        if _LOOP is None:
            _LOOP = asyncio.new_event_loop()
            threading.Thread(target=_LOOP.run_forever, name="critic-llm", daemon=True).start()
        return _LOOP


async def _in_daemon_thread(work, timeout: float):
    """work() in a daemon thread; its result, or None if it did not finish within `timeout` seconds. (An executor
    thread would be joined at exit, so an overrunning verification would still hold up the process.)"""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error) -> None:
        if future.done():  # the wait timed out and gave up on it
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            result, error = work(), None
        except Exception as exc:  # noqa: BLE001 - handed to the waiting coroutine
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop has closed: nobody is waiting any more
            pass

    threading.Thread(target=run, name="critic-verify", daemon=True).start()
    try:
        return await asyncio.wait_for(future, timeout)
    except asyncio.TimeoutError:
        return None


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\[[^\[\]]*\]", text)


def _no_tracing():
    """LangSmith tracing would send the bullet to a third party: off for these calls, whatever the environment."""
    try:
        from langsmith.run_helpers import tracing_context
    except ImportError:
        return nullcontext()
    return tracing_context(enabled=False)
