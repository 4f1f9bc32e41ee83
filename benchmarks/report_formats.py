"""Benchmarks for the formats of issue 11: reading a Word dossier and rendering the HTML report.

    python benchmarks/report_formats.py          # 1k and 10k bullets
    python benchmarks/report_formats.py --quick  # 1k only

Prints, per size: the time to read a .docx of generated bullets (built here with python-docx from the same
generator as benchmarks/run.py: one list paragraph a bullet, a heading every 20), the time to review it, and the time
to render the HTML report and its size. Each figure is the median of three runs. Needs `pip install '.[docx]'`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
try:
    import critic  # noqa: F401
except ImportError:  # a clone without `pip install -e .`
    sys.path.insert(0, str(HERE.parent / "src"))

from generate import bullet  # noqa: E402


def median_time(action, repeats: int = 3):
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def word_dossier(path: Path, n: int) -> None:
    import docx

    rng = random.Random(11)
    document = docx.Document()
    for i in range(n):
        if i % 20 == 0:
            document.add_heading(f"Section {i // 20 + 1}", 2)
        document.add_paragraph(bullet(rng), style="List Bullet 2" if i % 7 == 3 else "List Bullet")
    document.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 1k-bullet dossier")
    args = parser.parse_args()

    from critic import load_rubric, review_file
    from critic.docx_reader import read_docx
    from critic.report import ReportContext, render

    rubric = load_rubric()
    print(f"{'bullets':>8} {'read .docx':>11} {'review .docx':>13} {'render html':>12} {'html size':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1000,) if args.quick else (1000, 10000):
            path = Path(tmp) / f"dossier-{n}.docx"
            word_dossier(path, n)
            read, parsed = median_time(lambda: read_docx(path))
            assert len(parsed.bullets) == n
            reviewed, result = median_time(lambda: review_file(path, rubric=rubric))
            rendered, html = median_time(lambda: render("html", [result], ReportContext(rubric=rubric)))
            print(f"{n:>8} {read:>10.2f}s {reviewed:>12.2f}s {rendered:>11.2f}s {len(html) / 1048576:>7.1f} MiB")


if __name__ == "__main__":
    main()
