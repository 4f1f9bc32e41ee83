"""Plain result types shared by the engine, the reporters and the public API.

They are frozen dataclasses: reporters only read them, and `to_dict()` gives the JSON shape documented in
docs/json-schema.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe; used for --fail-on comparisons."""
        return {"info": 1, "warning": 2, "error": 3}[self.value]


@dataclass(frozen=True)
class Segment:
    """One source line's share of a bullet's text: text[offset:offset+length] sits at (line, column)."""

    offset: int
    line: int
    column: int
    length: int


@dataclass(frozen=True)
class Suppression:
    """An inline `critic-disable…` directive that applies to a bullet."""

    targets: tuple[str, ...]  # rule ids or failure-mode ids; empty = every rule
    reason: str
    line: int

    def covers(self, rule_id: str, failure_mode: str) -> bool:
        return not self.targets or rule_id in self.targets or failure_mode in self.targets


@dataclass(frozen=True)
class Bullet:
    """A bullet as found in the document, with a map from text offsets back to source positions."""

    text: str
    line: int
    column: int
    segments: tuple[Segment, ...] = ()
    depth: int = 0
    suppressions: tuple[Suppression, ...] = ()

    def position(self, offset: int) -> tuple[int, int]:
        """Source (line, column), 1-based, of a character offset in `text`."""
        chosen = None
        for seg in self.segments:
            if seg.offset <= offset:
                chosen = seg
            else:
                break
        if chosen is None:
            return self.line, self.column
        return chosen.line, chosen.column + min(offset - chosen.offset, max(chosen.length - 1, 0))


@dataclass(frozen=True)
class ReadWarning:
    """Text in a document that was not reviewed, and why (reported, never silently dropped)."""

    line: int
    message: str

    def to_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Block:
    """A non-bullet text block (heading or paragraph): evidence for the dossier checklist, and the outline the
    HTML report shows around the bullets."""

    text: str
    line: int
    heading: int = 0  # 1-6 for a heading of that level, 0 for a paragraph


@dataclass(frozen=True)
class Finding:
    rule: str
    failure_mode: str
    severity: Severity
    line: int
    column: int
    message: str
    fix: str
    match: str = ""
    suppressed: bool = False
    suppression_reason: str = ""
    baseline: str = ""  # "" = no baseline in use; "known" = recorded in the baseline (never fails); "new"
    start: int = 0      # where `match` sits in the bullet's text: text[start:end] == match (0, 0 for a whole-bullet
    end: int = 0        # or document finding, which has no words to point at)

    @property
    def known(self) -> bool:
        return self.baseline == "known"

    def to_dict(self) -> dict:
        data = {
            "rule": self.rule,
            "failure_mode": self.failure_mode,
            "severity": self.severity.value,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
            "match": self.match,
            "span": {"start": self.start, "end": self.end, "text": self.match},
        }
        if self.suppressed:
            data["suppressed"] = True
            data["suppression_reason"] = self.suppression_reason
        if self.baseline:
            data["baseline"] = self.baseline
        return data


@dataclass(frozen=True)
class Signal:
    """A positive signal found in a bullet; it raises the score of its dimension."""

    rule: str
    dimension: str
    points: int
    match: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "dimension": self.dimension, "points": self.points, "match": self.match}


@dataclass(frozen=True)
class BulletResult:
    bullet: Bullet
    score: int
    dimensions: dict[str, int]
    findings: tuple[Finding, ...]
    signals: tuple[Signal, ...]

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.suppressed)

    @property
    def failure_modes(self) -> frozenset[str]:
        return frozenset(f.failure_mode for f in self.active_findings)

    def to_dict(self) -> dict:
        return {
            "line": self.bullet.line,
            "column": self.bullet.column,
            "text": self.bullet.text,
            "score": self.score,
            "dimensions": dict(self.dimensions),
            "findings": [f.to_dict() for f in self.active_findings],
            "suppressed": [f.to_dict() for f in self.findings if f.suppressed],
            "signals": [s.to_dict() for s in self.signals],
        }


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    hint: str
    lines: tuple[int, ...]

    @property
    def present(self) -> bool:
        return bool(self.lines)

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "present": self.present, "lines": list(self.lines),
                "hint": self.hint}


@dataclass(frozen=True)
class DocumentResult:
    path: str
    bullets: tuple[BulletResult, ...]
    document_findings: tuple[Finding, ...]
    checklist: tuple[ChecklistItem, ...]
    score: int | None  # None when the document has no bullets
    rubric: str = ""
    blocks: tuple[Block, ...] = ()  # the headings and paragraphs around the bullets (not scored, not in JSON)
    warnings: tuple[ReadWarning, ...] = ()  # text the reader could not review (nested too deeply)

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        found = [f for b in self.bullets for f in b.findings] + list(self.document_findings)
        return tuple(found)

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.all_findings if not f.suppressed)

    def summary(self) -> dict:
        counts = {s.value: 0 for s in Severity}
        for f in self.active_findings:
            counts[f.severity.value] += 1
        modes: dict[str, int] = {}
        for f in self.active_findings:
            modes[f.failure_mode] = modes.get(f.failure_mode, 0) + 1
        return {
            "bullets": len(self.bullets),
            "findings": sum(counts.values()),
            "by_severity": counts,
            "by_failure_mode": dict(sorted(modes.items())),
            "suppressed": sum(1 for f in self.all_findings if f.suppressed),
            "checklist_present": sum(1 for c in self.checklist if c.present),
            "checklist_total": len(self.checklist),
        }

    def to_dict(self, bullets: bool = True) -> dict:
        """The JSON shape; with bullets=False the "bullets" entry is None, for a writer that streams them."""
        return {
            "path": self.path,
            "score": self.score,
            "rubric": self.rubric,
            "summary": self.summary(),
            "bullets": [b.to_dict() for b in self.bullets] if bullets else None,
            "document_findings": [f.to_dict() for f in self.document_findings if not f.suppressed],
            "checklist": [c.to_dict() for c in self.checklist],
            **({"warnings": [w.to_dict() for w in self.warnings]} if self.warnings else {}),
        }


@dataclass(frozen=True)
class ParsedDocument:
    """What the document reader hands to the engine."""

    path: str
    bullets: tuple[Bullet, ...]
    blocks: tuple[Block, ...] = ()
    document_suppressions: tuple[Suppression, ...] = field(default_factory=tuple)
    warnings: tuple[ReadWarning, ...] = ()
