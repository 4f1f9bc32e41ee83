"""Linear-time checks that survive a noisy, shared machine: time the same work at two input sizes and compare.

A wall-clock bound alone says little on a machine shared with other jobs; a ratio of two times measured back to
back does. Doubling the input of linear work roughly doubles its time, and quadratic work quadruples it, so
`assert_linear` asserts that t(large) / t(small) stays under `max_ratio` (3 for a doubling, a generous margin over
2) and that the large input finishes within `max_seconds` (tens of seconds: a hang guard, not a speed target).

Each size is timed `repeats` times and the best run is kept (noise only ever adds time). Times under `floor`
seconds are too small to compare, so the small time is raised to it before dividing: work that is fast at both
sizes passes however it scales, which is the point (it is not a blow-up).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Scaling:
    small_size: int
    large_size: int
    small_seconds: float
    large_seconds: float
    floor: float

    @property
    def ratio(self) -> float:
        return self.large_seconds / max(self.small_seconds, self.floor)

    def __str__(self) -> str:
        return (f"{self.small_size:,} -> {self.large_size:,}: {self.small_seconds:.3f} s -> "
                f"{self.large_seconds:.3f} s (ratio {self.ratio:.2f})")


def best_time(run: Callable[[], Any], repeats: int = 3) -> float:
    """The fastest of `repeats` runs, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def scaling(make_input: Callable[[int], Any], run: Callable[[Any], Any], small: int = 10_000,
            large: int = 20_000, repeats: int = 3, floor: float = 0.02) -> Scaling:
    """Time `run(make_input(size))` at two sizes (inputs are built outside the timed part)."""
    small_input, large_input = make_input(small), make_input(large)
    run(small_input)  # warm up: imports, compiled patterns, caches
    return Scaling(small, large, best_time(lambda: run(small_input), repeats),
                   best_time(lambda: run(large_input), repeats), floor)


def assert_linear(make_input: Callable[[int], Any], run: Callable[[Any], Any], *, small: int = 10_000,
                  large: int = 20_000, max_ratio: float = 3.0, max_seconds: float = 30.0, repeats: int = 3,
                  floor: float = 0.02) -> Scaling:
    measured = scaling(make_input, run, small, large, repeats, floor)
    assert measured.large_seconds < max_seconds, f"too slow: {measured}"
    expected = max_ratio * large / (2 * small)  # 3 for a doubling; scaled for other size steps
    assert measured.ratio < expected, f"not linear: {measured}"
    return measured


def repeat_to(shape: str, size: int, prefix: str = "", suffix: str = "") -> str:
    """`prefix + shape * k + suffix`, about `size` characters long."""
    return prefix + shape * max(1, (size - len(prefix) - len(suffix)) // len(shape)) + suffix
