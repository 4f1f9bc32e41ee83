"""The compiled matcher: every distinct pattern of the rubric is compiled once, then run once over a whole
document (all its texts joined), instead of once per text. Per-text work is then only dictionary look-ups.

Why whole-document scans: a rubric has dozens of patterns and a dossier can have thousands of bullets; calling
the regex engine per (pattern, bullet) pair costs more in call overhead than the scanning itself.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from . import cache, fastscan
from .schema import Rubric, Rule

SEPARATOR = "\n\x00\n"  # no vocabulary or sane pattern matches across a NUL
MAX_MATCHES_PER_TEXT = 16
# From about this many characters on, the RE2 twins (compiled and warmed up in about 180 ms for the default rubric,
# their translation cached on disk) cost less than Python's engine scanning the text (about 20 us a character).
ACCELERATE_FROM_CHARS = 10_000


def _record(results: list[dict], texts: list[str], starts: list[int], index: int, begin: int, finish: int,
            cap: int) -> int | None:
    """Record a match of atom `index` over the joined texts; returns the text's number if it now holds `cap`."""
    if begin == finish:
        return None
    which = bisect_right(starts, begin) - 1
    if finish - starts[which] > len(texts[which]):
        return None  # spans a separator: not a match inside one text
    spans = results[which].setdefault(index, [])
    if len(spans) < cap:
        spans.append((begin - starts[which], finish - starts[which]))
    return which if len(spans) >= cap else None


@dataclass(frozen=True)
class Hit:
    """A rule (or checklist entry) triggered on one text: where, and what matched."""

    start: int
    end: int
    match: str


class CompiledRubric:
    """A rubric with its patterns compiled; build it once per process (see `compile_rubric`)."""

    def __init__(self, rubric: Rubric):
        self.rubric = rubric
        self._atoms: list[re.Pattern] = []
        self._atom_index: dict[str, int] = {}
        negation = rubric.vocabularies.get("negation", "")
        self._plans = []  # (rule, trigger atom, unless atoms, near atom)
        for rule in rubric.rules:
            near_source = rule.unless_near or (negation if rule.negation else "")
            self._plans.append((
                rule,
                self._atom(rule.trigger),
                self._unless_atoms(rule),
                self._atom(near_source) if near_source else None,
            ))
        self._checklist = [(entry, self._atom(entry.pattern)) for entry in rubric.checklist]
        self.window = rubric.negation_window
        self._accel = False  # built on first use by _accelerator()
        # atoms that no rule needs the position of: only whether they match a text at all
        located = {trigger for rule, trigger, _, _ in self._plans if rule.scope == "bullet" and rule.kind != "absent"}
        located |= {near for _, _, _, near in self._plans if near is not None}
        self._presence_only = frozenset(range(len(self._atoms))) - located
        # atoms used only in `unless`: a text needs them only when a trigger of their rule matched it
        needed_elsewhere = located | {trigger for _, trigger, _, _ in self._plans}
        needed_elsewhere |= {atom for _, atom in self._checklist}
        self._unless_by_trigger: dict[int, set[int]] = {}
        for _, trigger, unless, _ in self._plans:
            lazy = set(unless or ()) - needed_elsewhere
            if lazy:
                self._unless_by_trigger.setdefault(trigger, set()).update(lazy)
        self._unless_only = frozenset().union(*self._unless_by_trigger.values())
        cache.save()  # newly compiled patterns, for the next process

    def _unless_atoms(self, rule: Rule) -> tuple[int, ...] | None:
        """The atoms of a conditional rule's `unless`, any of which silences it (None: nothing can)."""
        if rule.kind != "conditional" or not rule.unless:
            return None
        return tuple(self._atom(source) for source in (rule.unless_any or (rule.unless,)))

    def _atom(self, source: str) -> int:
        if source not in self._atom_index:
            self._atom_index[source] = len(self._atoms)
            # MULTILINE: texts are scanned joined, so `^`/`$` must mean the start/end of each text
            self._atoms.append(cache.compile(source, re.IGNORECASE | re.MULTILINE))
        return self._atom_index[source]

    def _accelerator(self):
        """RE2 candidate search for large documents (see fastscan.py); None without the re2 module."""
        if self._accel is False:
            try:
                self._accel = fastscan.Accelerator(self._atoms, cache.translation)
            except ImportError:
                self._accel = None
        return self._accel

    @property
    def pattern_count(self) -> int:
        return len(self._atoms)

    def scan(self, texts: list[str], all_spans: bool = True,
             lazy_unless: bool = False) -> list[dict[int, list[tuple[int, int]]]]:
        """For each text, {atom index: [(start, end), ...]} of the atoms that match it (at most 16 spans each).

        `all_spans=False` (what the engine uses) keeps only the first span of atoms that rules only test for
        presence (`unless`, `absent`, document rules, checklist), which lets the scan skip the rest of that text.
        Either way the spans are those of each atom's `finditer` over the joined texts.

        `lazy_unless=True` (what the engine uses) may leave out atoms used only in `unless` wherever none of their
        rules' triggers matched, so `evaluate` gives the same findings: on small documents (Python's engine) those
        atoms are then searched only in the texts that need them, which skips most of their cost.
        """
        results: list[dict[int, list[tuple[int, int]]]] = [{} for _ in texts]
        if not texts:
            return results
        starts = []
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + len(SEPARATOR)
        starts.append(pos)  # where a next text would start: starts[which + 1] always exists
        joined = SEPARATOR.join(texts)
        accelerator = self._accelerator() if len(joined) >= ACCELERATE_FROM_CHARS else None
        hay = fastscan.haystack(joined) if accelerator is not None else b""
        unanchored = accelerator.unanchored if accelerator is not None else None
        length = len(joined)
        deferred = lazy_unless and accelerator is None
        for index, atom in enumerate(self._atoms):
            if deferred and index in self._unless_only:
                continue
            cap = 1 if not all_spans and index in self._presence_only else MAX_MATCHES_PER_TEXT
            twin = accelerator.twin(index) if accelerator is not None else None
            if twin is None:  # Python's engine: the plain loop
                for m in atom.finditer(joined):
                    _record(results, texts, starts, index, m.start(), m.end(), cap)
                continue
            # The same matches as atom.finditer(joined), found with the RE2 twin (see fastscan.py): RE2 gives the
            # leftmost position where a match can start, Python's pattern decides there. The pattern never
            # matches empty, so the search goes on from the end of each match. Once a text holds `cap` spans,
            # the search jumps to the NUL of the next separator ("\n\x00\n") if no match can contain a NUL, or
            # none a newline: every match skipped would have begun in the full text and ended before that NUL (or
            # be the NUL alone, dropped), and the first match found from the NUL is the one finditer would reach.
            search, contained = twin
            match_at = atom.match
            pos = 0
            while pos <= length:
                begin = search(unanchored, hay, pos, length)[0][0]
                if begin < 0:
                    break
                m = match_at(joined, begin)
                if m is None:
                    pos = begin + 1
                    continue
                pos = m.end()
                full = _record(results, texts, starts, index, begin, pos, cap)
                if full is not None and contained:
                    pos = max(pos, starts[full + 1] - 2)
        if accelerator is not None:
            cache.save()  # RE2 translations made on first use, for the next process
        if deferred:
            self._search_unless(texts, results)
        return results

    def _search_unless(self, texts: list[str], results: list[dict]) -> None:
        """The deferred `unless` atoms, searched only in the texts where a trigger of their rule matched."""
        for text, found in zip(texts, results):
            needed = set().union(*(self._unless_by_trigger.get(atom, ()) for atom in found))
            for index in needed:
                for m in self._atoms[index].finditer(text):
                    if m.end() > m.start():  # empty matches never count (see _record)
                        found[index] = [m.span()]
                        break

    def _first_live(self, text: str, found: dict, trigger: int, near: int | None) -> tuple[int, int] | None:
        spans = found.get(trigger)
        if not spans:
            return None
        if near is None:
            return spans[0]
        cues = found.get(near, ())
        for start, end in spans:
            if not any(c_end <= start and len(text[c_end:start].split()) < self.window for _, c_end in cues):
                return start, end
        return None

    def evaluate(self, text: str, found: dict) -> tuple[list[tuple[Rule, Hit]], list[tuple[Rule, Hit]]]:
        """(findings, signals) for one bullet-scope text, as (rule, hit) pairs, in rubric order."""
        findings, signals = [], []
        for rule, trigger, unless, near in self._plans:
            if rule.scope != "bullet":
                continue
            if rule.kind == "absent":
                if trigger not in found:
                    findings.append((rule, Hit(0, 0, "")))
                continue
            span = self._first_live(text, found, trigger, near)
            if span is None or (unless is not None and any(atom in found for atom in unless)):
                continue
            hit = Hit(span[0], span[1], text[span[0]:span[1]])
            (signals if rule.is_signal else findings).append((rule, hit))
        return findings, signals

    def document_findings(self, found_per_text: list[dict]) -> list[Rule]:
        """Document-scope `absent` rules whose pattern no text matched."""
        missing = []
        for rule, trigger, _, _ in self._plans:
            if rule.scope == "document" and not any(trigger in found for found in found_per_text):
                missing.append(rule)
        return missing

    def checklist_hits(self, found: dict) -> list[str]:
        return [entry.id for entry, atom in self._checklist if atom in found]


_CACHE: dict[int, CompiledRubric] = {}


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    """One compiled matcher per rubric object for the life of the process."""
    key = id(rubric)
    if key not in _CACHE:
        _CACHE[key] = CompiledRubric(rubric)
    return _CACHE[key]
