"""Hostile input: the wall time of `critic review FILE -q` on the shapes that used to make reviews quadratic.

    python benchmarks/hostile.py                         # the installed critic
    python benchmarks/hostile.py --critic /path/to/bin/critic --sizes 10 20 40

Each shape is written at each size (KB) and reviewed once in its own process; the table gives the seconds and the
ratio of each doubling (linear is about 2; quadratic about 4). A run that passes --timeout seconds is stopped and
shown as "> N s". Use --critic to time another installation (an older version, say) on the same files.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = {  # name -> (file suffix, function of the size in bytes)
    "1,1,1,... (digit run with commas)": (".md", lambda n: "- " + "1," * (n // 2)),
    "1111... (one digit run)": (".md", lambda n: "- " + "1" * n),
    "$ then digits": (".md", lambda n: "- $" + "1" * n),
    "unclosed <!-- critic-disable: a (Markdown)": (".md", lambda n: "<!-- critic-disable: a " * (n // 23)),
    "unclosed <!-- critic-disable: a (text)": (".txt", lambda n: "<!-- critic-disable: a " * (n // 23)),
    "one sentence of gate phrases": (".md", lambda n: "- " + "passed the audit and " * (n // 21)),
    "negations and absolutes": (".md", lambda n: "- " + "not never zero all " * (n // 19)),
}


def critic_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    script = Path(sys.executable).parent / "critic"
    return [str(script)] if script.exists() else [sys.executable, "-m", "critic"]


def timed(cmd: list[str], timeout: float) -> float | None:
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--critic", help="the critic executable to time (default: this environment's)")
    parser.add_argument("--sizes", type=float, nargs="+", default=[9.9, 19.8, 39.6],
                        help="sizes in KB (default just under 10, 20 and 40: critic 0.1 switched engines at 10,000 characters)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is stopped")
    args = parser.parse_args()
    critic = critic_command(args.critic)
    header = ["shape"] + [f"{size:g} KB" for size in args.sizes] + ["ratio per doubling"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    with tempfile.TemporaryDirectory(prefix="critic-hostile-") as tmp:
        for name, (suffix, make) in SHAPES.items():
            times = []
            for size in args.sizes:
                path = Path(tmp) / f"shape{suffix}"
                path.write_text(make(int(size * 1000)) + "\n", encoding="utf-8")
                times.append(timed(critic + ["review", str(path), "-q"], args.timeout))
            cells = [f"{t:.2f} s" if t is not None else f"> {args.timeout:.0f} s" for t in times]
            ratios = [f"{b / a:.1f}" for a, b in zip(times, times[1:]) if a and b]
            print(f"| {name} | " + " | ".join(cells) + f" | {', '.join(ratios) or 'n/a'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
