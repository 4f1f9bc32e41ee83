"""critic benchmarks: cold start against `python -c pass` and proselint, throughput, the matcher's steps, memory.

    python benchmarks/run.py            # the full run (several minutes on a small machine)
    python benchmarks/run.py --quick    # a smoke run: fewer repeats, no 100k-bullet dossier

Run it with the Python of the environment critic is installed in (`pip install -e .` or `pip install .`). For the
proselint comparison it uses `proselint` from PATH, else installs proselint 0.16 into a virtual environment under
~/.cache/critic-bench (pass --no-install to skip instead). Every figure is a median of several runs, and every
ratio compares figures measured in the same run, so a noisy, shared machine still gives comparable ratios.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOSSIER_60 = HERE / "data" / "dossier-60.md"
PROSELINT_VERSION = "0.16.0"
BENCH_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "critic-bench"

try:
    import critic  # noqa: F401
except ImportError:  # a clone without `pip install -e .`: use the source tree
    sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(HERE))


# --- helpers ---------------------------------------------------------------------------------------------------

def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CRITIC_NO_CACHE")}
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def wall(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def critic_command() -> list[str]:
    script = Path(sys.executable).parent / "critic"
    return [str(script)] if script.exists() else [sys.executable, "-m", "critic"]


def find_proselint(install: bool) -> list[str] | None:
    venv_bin = BENCH_CACHE / "proselint-venv" / "bin" / "proselint"
    for candidate in (shutil.which("proselint"), str(venv_bin)):
        if candidate and Path(candidate).exists():
            return [candidate]
    if not install:
        return None
    print(f"installing proselint {PROSELINT_VERSION} into {venv_bin.parent.parent} ...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv_bin.parent.parent)], check=True)
        subprocess.run([str(venv_bin.parent / "pip"), "install", "--quiet", f"proselint=={PROSELINT_VERSION}"],
                       check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"could not install proselint ({exc}); skipping it", file=sys.stderr)
        return None
    return [str(venv_bin)] if venv_bin.exists() else None


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    out = [f"\n{title}\n", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


# --- cold start ------------------------------------------------------------------------------------------------

def cold_start(runs: int, install: bool, baseline: str | None = None) -> tuple[str, dict]:
    env = child_env()
    empty_cache = tempfile.mkdtemp(prefix="critic-bench-cache-")
    critic = critic_command()
    dossier = str(DOSSIER_60)
    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        "critic review --format json": (critic + ["review", dossier, "--format", "json"], env),
        "critic review (terminal report)": (critic + ["review", dossier], env),
        "critic review --format json, empty cache": (critic + ["review", dossier, "--format", "json"], None),
        "critic --version (start-up: interpreter, imports, arguments)": (critic + ["--version"], env),
    }
    if baseline:  # another installation (an older version, say), timed in the same interleaved runs
        commands["baseline: critic review --format json"] = ([baseline, "review", dossier, "--format", "json"], env)
    proselint = find_proselint(install)
    if proselint:
        commands["proselint check"] = (proselint + ["check", dossier], env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, (cmd, cmd_env) in commands.items():  # warm-up: writes .pyc files and critic's rubric cache
        if cmd_env is not None:
            wall(cmd, cmd_env)
    for _ in range(runs):
        for name, (cmd, cmd_env) in commands.items():  # interleaved, so drift hits every command alike
            if cmd_env is None:
                shutil.rmtree(empty_cache, ignore_errors=True)
                cmd_env = child_env(CRITIC_CACHE_DIR=empty_cache)
            times[name].append(wall(cmd, cmd_env))
    shutil.rmtree(empty_cache, ignore_errors=True)
    med = {name: statistics.median(values) for name, values in times.items()}
    base = med["python -c pass"]
    prose = med.get("proselint check")
    rows = []
    for name, value in med.items():
        rows.append([name, ms(value), f"{value / base:.1f}x",
                     f"{prose / value:.2f}x" if prose else "n/a"])
    text = table(f"Cold start on benchmarks/data/dossier-60.md (60 bullets), median of {runs} runs",
                 ["command", "wall time", "vs python -c pass", "speed vs proselint (>1 = faster)"], rows)
    notes = ["target: critic review --format json within 4x python -c pass and at least 2x faster than proselint check"]
    if not proselint:
        notes.append("proselint not available (pip install proselint==0.16.0, or drop --no-install)")
    return text + "\n" + "\n".join("  " + n for n in notes), {"cold_ms": {k: v * 1000 for k, v in med.items()}}


# --- throughput (in a child process per size) -------------------------------------------------------------------

CHILD = r"""
import json, resource, sys, time
sys.path[:0] = {paths!r}
from generate import dossier
from critic import load_rubric, review_text
from critic.document import parse_text
from critic.engine import review_parsed
from critic.rubric.match import compile_rubric
n, repeats = {n}, {repeats}
rubric = load_rubric()
compiled = compile_rubric(rubric)
review_text(dossier(200, seed=1), rubric=rubric)  # warm: imports, parser, token memos
text = dossier(n)
def best(fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]
api = best(lambda: review_text(text, rubric=rubric))
parsed = parse_text(text)
parse = best(lambda: parse_text(text))
engine = best(lambda: review_parsed(parsed, rubric, compiled=compiled))
bullets = len(parsed.bullets)
print(json.dumps({{"n": bullets, "api": api, "engine": engine, "parse": parse,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def run_child(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "child failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(sizes: list[int]) -> tuple[str, dict]:
    paths = [str(HERE), str(ROOT / "src")]
    results = {}
    for n in sizes:
        repeats = 5 if n <= 1_000 else 3 if n <= 10_000 else 1
        results[n] = run_child(CHILD.format(paths=paths, n=n, repeats=repeats))
    rows = []
    for n, r in results.items():
        rows.append([f"{n:,}", rate(r["n"], r["api"]), rate(r["n"], r["engine"]), rate(r["n"], r["parse"]),
                     f"{r['api']:.2f} s", f"{r['maxrss_kib'] / 1024:.0f} MiB"])
    text = table("Throughput of the default rubric (one process per size; bullets per second)",
                 ["bullets", "review_text (parse + engine)", "engine only (pre-parsed)", "Markdown parsing only",
                  "review_text time", "peak RSS (ru_maxrss)"], rows)
    if 10_000 in results and 100_000 in results:
        api = results[100_000]["api"] / results[10_000]["api"]
        eng = results[100_000]["engine"] / results[10_000]["engine"]
        text += f"\n  scaling t(100k)/t(10k): review_text {api:.1f}, engine only {eng:.1f} (linear = 10)"
    if 1_000 in results and 100_000 in results:
        api = results[100_000]["api"] / results[1_000]["api"]
        text += f"; t(100k)/t(1k): review_text {api:.0f} (linear = 100)"
    text += ("\n  targets: engine at least 50,000 bullets/s and review_text at least 20,000/s on one core at 10k; "
             "linear from 1k to 100k; peak memory at most 512 MiB at 100k")
    return text, {"throughput": {str(k): v for k, v in results.items()}}


# --- the matcher, piece by piece, and the rubric it runs ---------------------------------------------------------

MATCHER_CHILD = r"""
import json, sys, time
sys.path[:0] = {paths!r}
from generate import dossier
from critic import load_rubric
from critic.document import parse_text
from critic.rubric.load import _load, engine_version
from critic.rubric.match import CompiledRubric, compile_rubric
from critic.rubric.tokens import tokenize
from pathlib import Path
rubric = load_rubric()
compiled = compile_rubric(rubric)
texts = [b.text for b in parse_text(dossier({n})).bullets]
def timed(fn, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter(); fn(); best = min(best, time.perf_counter() - start)
    return best
tokens = [tokenize(t, compiled.clause_words) for t in texts]
literal = [compiled.trie.walk(t) for t in tokens]
out = {{"bullets": len(texts), "tokens": sum(len(t) for t in tokens)}}
out["tokenize"] = timed(lambda: [tokenize(t, compiled.clause_words) for t in texts])
out["trie"] = timed(lambda: [compiled.trie.walk(t) for t in tokens])
out["regex_set"] = timed(lambda: [compiled.regexes_matching(t) for t in texts])
out["possible"] = timed(lambda: [compiled.possible(t, lit, set()) for t, lit in zip(tokens, literal)])
out["match_evaluate"] = timed(lambda: [compiled.evaluate(compiled.match(t)) for t in texts])
path = Path(rubric.path)
start = time.perf_counter(); plain = _load(path, (), []); out["parse_yaml"] = time.perf_counter() - start
start = time.perf_counter(); CompiledRubric(plain); out["compile"] = time.perf_counter() - start
terms = [t.text for v in rubric.vocabularies.values() for t in v.phrases + v.exceptions]
terms += [t.text for r in rubric.rules for t in r.pattern + r.when + r.unless + r.unless_near]
terms += [t.text for c in rubric.checklist for t in c.pattern]
out["terms"] = len(terms)
out["re_terms"] = sum(t.startswith("re:") for t in terms)
out["longest_term"] = max(len(t) for t in terms)
out["vocabularies"] = len(rubric.vocabularies)
out["labels"] = len(compiled.plans)
out["patterns_left"] = sum(len(p.patterns) for p in compiled.plans.values())
print(json.dumps(out))
"""


def matcher(n: int) -> tuple[str, dict]:
    r = run_child(MATCHER_CHILD.format(paths=[str(HERE), str(ROOT / "src")], n=n))
    b = r["bullets"]
    per = lambda key: f"{r[key] / b * 1e6:.0f} us"  # noqa: E731
    rows = [
        ["tokenize (words, sentences, clauses)", per("tokenize"), rate(b, r["tokenize"])],
        ["one pass of the phrase trie (every plain phrase and inlined pattern)", per("trie"), rate(b, r["trie"])],
        ["one RE2 set pass for every re: term", per("regex_set"), rate(b, r["regex_set"])],
        ["labels reachable from the words present (forward chaining)", per("possible"), rate(b, r["possible"])],
        ["all of it: match and evaluate every rule", per("match_evaluate"), rate(b, r["match_evaluate"])],
    ]
    text = table(f"The matcher on a {b:,}-bullet dossier ({r['tokens'] / b:.0f} words a bullet), per bullet",
                 ["step", "time per bullet", "bullets/s"], rows)
    text += (f"\n  rubric: {r['vocabularies']} vocabularies, {r['terms']} phrases, {r['re_terms']} re: terms "
             f"({100 * r['re_terms'] / r['terms']:.1f}%), longest phrase {r['longest_term']} characters; "
             f"{r['labels']} labels, {r['patterns_left']} patterns left outside the trie"
             f"\n  loading it without the cache: YAML {r['parse_yaml'] * 1000:.0f} ms, compiling "
             f"{r['compile'] * 1000:.0f} ms (a cached load is part of the cold start above)")
    return text, {"matcher": r}


# --- main --------------------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 100k-bullet dossier")
    parser.add_argument("--runs", type=int, default=None, help="cold-start runs per command (default 15, quick 5)")
    parser.add_argument("--no-install", action="store_true", help="do not install proselint if it is missing")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--baseline", metavar="CRITIC", help="another installation's critic command, timed beside this "
                        "one in the cold-start table (e.g. an older version's venv/bin/critic)")
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 15)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    raw: dict = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    print(f"critic benchmarks: Python {raw['python']}, {raw['cpus']} CPUs, {'quick' if args.quick else 'full'} run")
    for step in (lambda: cold_start(runs, not args.no_install, args.baseline), lambda: throughput(sizes),
                 lambda: matcher(1_000 if args.quick else 10_000)):
        text, data = step()
        raw.update(data)
        print(text, flush=True)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
