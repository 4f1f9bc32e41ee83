"""The compiled matcher: every distinct pattern of the rubric is compiled once, then run once over a whole
document (all its texts joined), instead of once per text. Per-text work is then only dictionary look-ups.

Why whole-document scans: a rubric has dozens of patterns and a dossier can have thousands of bullets; calling
the regex engine per (pattern, bullet) pair costs more in call overhead than the scanning itself.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .schema import Rubric, Rule

SEPARATOR = "\n\x00\n"  # no vocabulary or sane pattern matches across a NUL
MAX_MATCHES_PER_TEXT = 16


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
        self._plans = []  # (rule, trigger atom, unless atom, near atom)
        for rule in rubric.rules:
            near_source = rule.unless_near or (negation if rule.negation else "")
            self._plans.append((
                rule,
                self._atom(rule.trigger),
                self._atom(rule.unless) if rule.kind == "conditional" and rule.unless else None,
                self._atom(near_source) if near_source else None,
            ))
        self._checklist = [(entry, self._atom(entry.pattern)) for entry in rubric.checklist]
        self.window = rubric.negation_window

    def _atom(self, source: str) -> int:
        if source not in self._atom_index:
            self._atom_index[source] = len(self._atoms)
            # MULTILINE: texts are scanned joined, so `^`/`$` must mean the start/end of each text
            self._atoms.append(re.compile(source, re.IGNORECASE | re.MULTILINE))
        return self._atom_index[source]

    @property
    def pattern_count(self) -> int:
        return len(self._atoms)

    def scan(self, texts: list[str]) -> list[dict[int, list[tuple[int, int]]]]:
        """For each text, {atom index: [(start, end), ...]} of the atoms that match it."""
        results: list[dict[int, list[tuple[int, int]]]] = [{} for _ in texts]
        if not texts:
            return results
        starts = []
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + len(SEPARATOR)
        joined = SEPARATOR.join(texts)
        for index, atom in enumerate(self._atoms):
            for m in atom.finditer(joined):
                begin, finish = m.span()
                if begin == finish:
                    continue
                which = bisect_right(starts, begin) - 1
                local = begin - starts[which]
                if finish - starts[which] > len(texts[which]):
                    continue  # spans a separator: not a match inside one text
                spans = results[which].setdefault(index, [])
                if len(spans) < MAX_MATCHES_PER_TEXT:
                    spans.append((local, finish - starts[which]))
        return results

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
            if span is None or (unless is not None and unless in found):
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
