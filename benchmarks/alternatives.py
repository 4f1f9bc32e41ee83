"""The alternatives measured by run.py against critic's scan: one combined regex, google-re2, an Aho-Corasick
keyword prefilter. Measurement only: none of this is on critic's review path."""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from re import _constants as C  # noqa: N812
from re import _parser

from critic.rubric import fastscan
from critic.rubric.match import SEPARATOR


def combined_python(atoms: list[re.Pattern], joined: str) -> int:
    pattern = _combined(tuple(a.pattern for a in atoms))
    return sum(1 for _ in pattern.finditer(joined))


_COMBINED: dict = {}


def _combined(sources: tuple[str, ...]) -> re.Pattern:
    if sources not in _COMBINED:
        _COMBINED[sources] = re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE | re.MULTILINE)
    return _COMBINED[sources]


def each_atom_python(atoms: list[re.Pattern], joined: str) -> int:
    return sum(1 for atom in atoms for _ in atom.finditer(joined))


def _timed(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def re2_figures(atoms: list[re.Pattern], joined: str) -> dict:
    try:
        import re2
        from re2 import _re2
    except ImportError:
        return {"available": False}
    options = _re2.RE2.Options()
    options.encoding = _re2.RE2.Options.Encoding.LATIN1
    options.never_capture = True
    options.log_errors = False
    options.max_mem = 256 << 20
    sources = []
    for atom in atoms:
        try:
            sources.append(fastscan.translate(atom)[0])
        except Exception:  # noqa: BLE001
            pass
    hay = fastscan.haystack(joined)
    each = [_re2.RE2(s.encode("latin-1"), options) for s in sources]
    combined = _re2.RE2("|".join(f"(?:{s})" for s in sources).encode("latin-1"), options)
    unanchored = _re2.RE2.Anchor.UNANCHORED

    def count(regex) -> int:
        pos, found, end = 0, 0, len(hay)
        while pos <= end:
            span = regex.Match(unanchored, hay, pos, end)[0]
            if span[0] < 0:
                break
            found += 1
            pos = span[1] if span[1] > span[0] else span[0] + 1
        return found

    native_options = re2.Options()
    native_options.case_sensitive = False
    native_options.log_errors = False
    native_options.max_mem = 64 << 20
    native = []
    for atom in atoms:  # the patterns as written, RE2's own syntax and semantics
        try:
            native.append(re2.compile(atom.pattern, native_options))
        except Exception:  # noqa: BLE001 - look-arounds and other Python-only syntax
            pass
    data = joined.encode("utf-8")

    def count_native() -> int:
        return sum(1 for regex in native for _ in regex.finditer(data))

    count_native()
    for regex in each:
        count(regex)
    count(combined)
    return {
        "available": True,
        "compatible": len(sources),
        "each": _timed(lambda: [count(regex) for regex in each]),
        "combined": _timed(lambda: count(combined)),
        "native_ok": len(native),
        "native_each": _timed(count_native) if native else None,
    }


# --- an Aho-Corasick keyword prefilter ---------------------------------------------------------------------------

def _keywords(items) -> set[str] | None:
    """Lower-case strings one of which every match of this sequence contains, or None if none is known."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and all(len(k) >= 3 for k in candidate):
            if best is None or min(map(len, candidate)) > min(map(len, best)):
                best = candidate

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av).lower())
            continue
        if run:
            consider({"".join(run)})
            run = []
        if op is C.SUBPATTERN:
            consider(_keywords(av[3]))
        elif op is C.BRANCH:
            sets = [_keywords(branch) for branch in av[1]]
            if all(sets):
                consider(set().union(*sets))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            consider(_keywords(av[2]))
    if run:
        consider({"".join(run)})
    return best


def aho_figures(atoms: list[re.Pattern], texts: list[str]) -> dict:
    try:
        import ahocorasick
    except ImportError:
        return {"available": False}
    keywords = [_keywords(_parser.parse(atom.pattern, atom.flags)) for atom in atoms]
    automaton = ahocorasick.Automaton()
    for index, words in enumerate(keywords):
        for word in words or ():
            automaton.add_word(word, None) if not automaton.exists(word) else None
    owners: dict[str, list[int]] = {}
    for index, words in enumerate(keywords):
        for word in words or ():
            owners.setdefault(word, []).append(index)
    for word in owners:
        automaton.add_word(word, word)
    automaton.make_automaton()
    joined_lower = SEPARATOR.join(texts).lower()
    starts = []
    pos = 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + len(SEPARATOR)
    unfiltered = [i for i, words in enumerate(keywords) if not words]

    def run() -> int:
        candidates: set[tuple[int, int]] = set()
        for end, word in automaton.iter(joined_lower):
            which = bisect_right(starts, end) - 1
            for index in owners[word]:
                candidates.add((index, which))
        for index in unfiltered:
            candidates.update((index, which) for which in range(len(texts)))
        found = 0
        for index, which in candidates:
            found += sum(1 for _ in atoms[index].finditer(texts[which]))
        return len(candidates)

    pairs = run()
    total = _timed(run, 1)
    return {"available": True, "filterable": len(atoms) - len(unfiltered), "total": total,
            "candidates_pct": 100 * pairs / (len(atoms) * len(texts))}
