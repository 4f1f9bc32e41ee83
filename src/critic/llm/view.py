"""How LLM rewrites are shown: word diff, both scores, placeholders, the question, usage and cost; dry runs."""

from __future__ import annotations

from rich.text import Text

from ..worddiff import rich_text
from .cost import unknown_cost_note
from .prompts import prompt_version
from .rewriter import Outcome, PlannedCall, RunResult
from .settings import LLMSettings


def outcome_texts(outcome: Outcome, spec: str, indent: str = "  ") -> list[Text]:
    """The lines showing one bullet's LLM result."""
    lines: list[Text] = []
    best = outcome.best
    if best is not None:
        head = Text(f"LLM rewrite ({spec}", style="bold")
        head.append(", from cache" if outcome.cached else "")
        head.append("), verified by the rubric: score ")
        head.append(f"{outcome.original_score} -> {best.score}", style="bold green")
        lines.append(head)
        lines.append(rich_text(outcome.bullet, best.text, prefix=indent))
        lines.append(Text(f"{indent}rewrite:  {best.text}"))
        if best.placeholders:
            lines.append(Text(f"{indent}to fill:  {'  '.join(best.placeholders)}", style="yellow"))
        if best.question:
            lines.append(Text(f"{indent}question: {best.question}", style="cyan"))
        if best.rationale:
            lines.append(Text(f"{indent}why:      {best.rationale}", style="dim"))
        for number, other in enumerate(outcome.candidates[1:], start=2):
            lines.append(Text(f"{indent}variant {number} (score {other.score}): {other.text}", style="dim"))
        return lines
    head = Text(f"No verified LLM rewrite came back ({spec})", style="bold yellow")
    if outcome.message and outcome.message != "no verified rewrite came back":
        head.append(f": {outcome.message}")
    lines.append(head)
    for text, reasons in outcome.rejections[-6:]:
        shown = text if len(text) <= 160 else text[:157] + "..."
        lines.append(Text(f"{indent}rejected: {shown}", style="dim"))
        for reason in reasons:
            lines.append(Text(f"{indent}  - {reason}", style="dim"))
    lines.append(Text(f"{indent}the deterministic scaffold stands; fill its [placeholders] yourself", style="dim"))
    return lines


def usage_line(run: RunResult) -> str:
    usage = run.usage
    s = run.settings
    parts = [f"LLM {s.spec}: {usage.calls} call{'s' if usage.calls != 1 else ''}"]
    parts.append(f"{usage.input_tokens:,} input + {usage.output_tokens:,} output tokens"
                 + (" (partly estimated)" if usage.estimated else ""))
    if usage.cache_hits:
        parts.append(f"{usage.cache_hits} from cache")
    cost = run.cost
    if cost is None:
        parts.append(unknown_cost_note(s))
    else:
        parts.append(f"estimated cost ${cost:.4f}")
    if run.budget_stopped:
        parts.append(f"stopped at --max-cost ${s.max_cost:g}: the remaining bullets were not sent")
    return "; ".join(parts)


def run_dict(run: RunResult) -> dict:
    s = run.settings
    return {"provider": s.provider, "model": s.model, "base_url": s.base_url, "prompt_version": prompt_version(),
            "usage": run.usage.to_dict(run.price), "cost_known": run.price is not None,
            "budget_stopped": run.budget_stopped, "error": run.fatal, "warnings": run.warnings}


def render_plan(planned: list[PlannedCall], settings: LLMSettings, price) -> str:
    """--dry-run: every message of every first call, exactly as it would be sent, and the estimate."""
    from .secrets import KEY_ENV

    out = ["critic: dry run, nothing was sent.",
           f"model: {settings.spec}  endpoint: {settings.base_url or 'the provider default'}  "
           f"prompt version: {prompt_version()}",
           (f"key: a dummy key (custom base URL; --send-key-to-base-url sends {KEY_ENV[settings.provider]})"
            if settings.custom_base_url and not settings.send_key_to_base_url
            else f"key: {KEY_ENV[settings.provider]} from the environment (never shown)")]
    out.append(f"parameters: max_tokens={settings.max_tokens}, temperature="
               f"{'provider default' if settings.temperature is None else settings.temperature}, "
               f"timeout={settings.timeout:g}s, structured output={settings.structured_output}")
    calls = [p for p in planned if not p.cached]
    cached = [p for p in planned if p.cached]
    for number, call in enumerate(calls, start=1):
        out.append("")
        out.append(f"=== request {number} of {len(calls)} ===")
        for role, text in call.messages:
            out.append(f"--- {role} ---")
            out.append(text)
    if settings.structured_output != "none":
        import json

        from .schema import answer_json_schema

        out.append("")
        out.append(f"--- answer schema (structured output: {settings.structured_output}) ---")
        out.append(json.dumps(answer_json_schema(), indent=2))
    tokens_in = sum(c.input_tokens for c in calls)
    tokens_out = len(calls) * settings.max_tokens
    out.append("")
    summary = (f"{len(calls)} first call(s), about {tokens_in:,} input tokens and at most {tokens_out:,} output tokens"
               f" (retries of rejected answers, up to {settings.max_attempts} attempts per bullet, add more)")
    if cached:
        summary += f"; {len(cached)} bullet(s) answered from the cache, not sent"
    out.append(summary)
    if price is None:
        out.append(unknown_cost_note(settings))
    else:
        out.append(f"estimated cost of these calls: up to ${price.cost(tokens_in, tokens_out):.4f}")
    return "\n".join(out) + "\n"
