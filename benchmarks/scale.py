"""Scale: wall time and peak memory of `critic review BIG.md --format json` on very large dossiers.

    python benchmarks/scale.py                 # 200,000 bullets (about 29 MB of Markdown)
    python benchmarks/scale.py --bullets 50000 --short

Each size runs `critic review FILE --format json -o OUT` in its own process (the installed console script, so the
figure includes start-up, reading, parsing, the engine and writing the report) and reports its wall time, its peak
resident memory (`ru_maxrss` of the child, from os.wait4) and the size of the JSON written. A second row pipes the
report to standard output instead of a file. `--short` uses one-line bullets of about 50 bytes (200k of them make
a 10 MB file, like the file in issue 10) instead of benchmarks/generate.py's varied dossier.
Target (issue 10): 200k bullets within 1 GiB of peak memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SHORT = ["Made sure every release passed the launch review.", "Cut toxic outputs 15% on the eval set.",
         "Eliminated all hallucinations in the summaries feature.",
         "Delayed the launch two weeks, trading $40K of bookings for a $1.2M renewal."]


def critic_command() -> list[str]:
    script = Path(sys.executable).parent / "critic"
    return [str(script)] if script.exists() else [sys.executable, "-m", "critic"]


def measure(cmd: list[str], stdout) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KiB, exit code) of one child process."""
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bullets", type=int, nargs="+", default=[200_000])
    parser.add_argument("--short", action="store_true", help="one-line bullets of about 50 bytes")
    args = parser.parse_args()
    from generate import dossier

    rows = []
    with tempfile.TemporaryDirectory(prefix="critic-scale-") as tmp:
        for n in args.bullets:
            path = Path(tmp) / f"dossier-{n}.md"
            text = "".join(f"- {SHORT[i % 4]}\n" for i in range(n)) if args.short else dossier(n)
            path.write_text(text, encoding="utf-8")
            size_mb = path.stat().st_size / 1e6
            out = Path(tmp) / "report.json"
            cmd = critic_command() + ["review", str(path), "--format", "json", "--max-size", "1024"]
            seconds, rss, code = measure(cmd + ["-o", str(out)], subprocess.DEVNULL)
            rows.append((f"{n:,} bullets ({size_mb:.1f} MB), -o FILE", seconds, rss, code, out.stat().st_size))
            out.unlink()
            with open(out, "wb") as sink:
                seconds, rss, code = measure(cmd, sink)
            rows.append((f"{n:,} bullets ({size_mb:.1f} MB), > stdout", seconds, rss, code, out.stat().st_size))
    print("critic review --format json (one process per row)\n")
    print(f"| {'input':<40} | wall time | peak RSS  | exit | JSON written |")
    print(f"|{'-' * 42}|-----------|-----------|------|--------------|")
    for label, seconds, rss, code, written in rows:
        print(f"| {label:<40} | {seconds:7.1f} s | {rss / 1024:5.0f} MiB | {code:>4} | {written / 1e6:8.1f} MB  |")
    print("\n  target: 200k bullets within 1 GiB (1024 MiB) of peak RSS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
