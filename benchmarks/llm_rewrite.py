"""Benchmark of the LLM rewrite pass: 40 bullets against a local fake OpenAI-compatible server with a fixed
latency (300 ms a call), through the real openai SDK and langchain-openai.

Measures wall time with concurrency 1 vs 8, and a second (cached) run's call count. No network; no key.

    python benchmarks/llm_rewrite.py [--latency 0.3] [--bullets 40]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests/llm_fakes.py, the fake server the tests use

from tests.llm_fakes import FakeOpenAI  # noqa: E402

from critic import load_rubric  # noqa: E402
from critic.llm.cache import ResultCache  # noqa: E402
from critic.llm.rewriter import Rewriter  # noqa: E402
from critic.llm.settings import resolve_llm_settings  # noqa: E402

OPENERS = ["Helped with", "Worked on", "Supported", "Contributed to", "Was responsible for"]
WORK = ["the jailbreak evaluation", "the red-team review", "the toxicity classifier rollout",
        "the abuse reporting pipeline", "the model card review", "the safety eval harness",
        "the prompt-injection audit", "the content policy update"]
CONTEXT = ["for the enterprise assistant launch", "for the agent release with the trust team",
           "for the healthcare customer pilot", "for the EU launch with legal and policy", "for the developer API"]


def bullets(count: int) -> list[str]:
    out = []
    for i in range(count):
        opener, work, context = OPENERS[i % len(OPENERS)], WORK[i % len(WORK)], CONTEXT[(i // 8) % len(CONTEXT)]
        out.append(f"{opener} {work} {context} during quarter review cycle {chr(65 + i % 26)}{i // 26 + 1}.")
    return out


def run_once(server: FakeOpenAI, items: list[str], concurrency: int, cache_dir: Path) -> tuple[float, int, int]:
    settings = resolve_llm_settings({}, {"llm": "openai:bench-model", "base_url": server.base_url,
                                         "concurrency": concurrency, "timeout": 10.0})
    rewriter = Rewriter(settings, rubric=load_rubric(), cache=ResultCache(cache_dir))
    before = server.calls
    start = time.perf_counter()
    result = rewriter.run(items)
    elapsed = time.perf_counter() - start
    verified = sum(1 for o in result.outcomes if o.status == "verified")
    return elapsed, server.calls - before, verified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the fake server waits per call")
    parser.add_argument("--bullets", type=int, default=40)
    args = parser.parse_args()
    items = bullets(args.bullets)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(latency=args.latency) as server:
        run_once(server, items[:1], 1, Path(tmp) / "warm-up")  # imports and client set-up, not measured
        for label, concurrency, cache in (("concurrency 1, cold cache", 1, "a"),
                                          ("concurrency 8, cold cache", 8, "b"),
                                          ("concurrency 8, second run (cached)", 8, "b")):
            elapsed, calls, verified = run_once(server, items, concurrency, Path(tmp) / cache)
            rows.append((label, elapsed, calls, verified))
    print(f"{len(items)} bullets, fake OpenAI-compatible server on 127.0.0.1 with {args.latency * 1000:.0f} ms "
          f"latency a call (real openai SDK via langchain-openai)\n")
    print(f"{'run':<38} {'wall time':>10} {'calls':>6} {'verified':>9}")
    for label, elapsed, calls, verified in rows:
        print(f"{label:<38} {elapsed:>9.2f}s {calls:>6} {verified:>6}/{len(items)}")
    print(f"\nspeed-up of concurrency 8 over 1: {rows[0][1] / rows[1][1]:.1f}x")


if __name__ == "__main__":
    main()
