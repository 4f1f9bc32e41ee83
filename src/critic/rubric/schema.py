"""The rubric's data model: a closed set of rule kinds, each with the fields it needs.

A rubric file is YAML (see docs/rubric-format.md). `load.py` turns it into these objects and rejects anything
unknown, so that a typo in a rule is an error at load time rather than a rule that silently never fires.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Severity

# kind -> fields that kind requires (beyond the common ones)
RULE_KINDS = {
    "present": ("pattern",),        # flag when the pattern is found
    "absent": ("pattern",),         # flag when the pattern is not found
    "conditional": ("when", "unless"),  # flag when `when` is found and `unless` is not
    "signal": ("pattern", "points", "dimension"),  # a positive signal: raises the score
}
FINDING_KINDS = ("present", "absent", "conditional")
SCOPES = ("bullet", "document")

COMMON_RULE_KEYS = {"id", "kind", "scope", "failure_mode", "severity", "dimension", "message", "rationale", "fix",
                    "examples", "negation", "points", "pattern", "when", "unless", "unless_near"}


@dataclass(frozen=True)
class Examples:
    bad: tuple[str, ...]
    good: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    message: str
    rationale: str
    fix: str
    examples: Examples
    failure_mode: str = ""          # findings only
    severity: Severity = Severity.WARNING
    dimension: str = ""
    points: int = 0                 # signals: points added; findings: optional penalty override (0 = by severity)
    scope: str = "bullet"
    pattern: str = ""               # source, vocabularies expanded
    when: str = ""
    unless: str = ""
    # the items of `unless`, one source each: the matcher scans them separately, so an item many rules share
    # (say {business_outcome}) is scanned once per document, not once per rule
    unless_any: tuple[str, ...] = ()
    unless_near: str = ""           # present/conditional: a match is ignored when this is found just before it
    negation: bool = False          # shorthand for unless_near = the rubric's `negation` vocabulary

    @property
    def is_signal(self) -> bool:
        return self.kind == "signal"

    @property
    def trigger(self) -> str:
        """The pattern whose match locates the finding or signal."""
        return self.when if self.kind == "conditional" else self.pattern


@dataclass(frozen=True)
class ChecklistEntry:
    id: str
    title: str
    hint: str
    pattern: str
    examples: Examples


@dataclass(frozen=True)
class Rubric:
    name: str
    version: str
    path: str
    failure_modes: dict[str, str]
    dimensions: dict[str, str]
    vocabularies: dict[str, str]      # name -> expanded regex source
    rules: tuple[Rule, ...]
    checklist: tuple[ChecklistEntry, ...] = ()
    severity_points: dict[str, int] = field(default_factory=lambda: {"error": 25, "warning": 12, "info": 5})
    signal_cap: int = 30              # most points one dimension can gain from signals
    negation_window: int = 4          # words before a match searched for a negation cue

    def rule(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    @property
    def fingerprint(self) -> str:
        return f"{self.name}@{self.version}"
