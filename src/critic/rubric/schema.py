"""The rubric's data model: vocabularies of phrases, a closed set of rule kinds, the dossier checklist.

A rubric file is YAML (see docs/rubric-format.md). `load.py` turns it into these objects and rejects anything
unknown, so that a typo in a rule is an error at load time rather than a rule that silently never fires. Every
phrase keeps the file and line it was written on, so the matcher's errors and traces can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Severity

SCHEMA = 2

# kind -> fields that kind requires (beyond the common ones)
RULE_KINDS = {
    "present": ("pattern",),        # flag when the pattern is found
    "absent": ("pattern",),         # flag when the pattern is not found
    "conditional": ("when",),       # flag when `when` is found and none of its `unless` items is
    "signal": ("pattern", "points", "dimension"),  # a positive signal: raises the score
}
FINDING_KINDS = ("present", "absent", "conditional")
SCOPES = ("bullet", "document")
# A conditional rule's `unless` items, by where they must be found to silence it: anywhere in the bullet, or only in
# the sentence or the clause of the trigger ("zero incidents; 40 banks signed this year": the year bounds nothing).
UNLESS_KEYS = {"unless": "bullet", "unless_in_sentence": "sentence", "unless_in_clause": "clause"}

COMMON_RULE_KEYS = {"id", "kind", "scope", "failure_mode", "severity", "dimension", "message", "rationale", "fix",
                    "examples", "negation", "points", "pattern", "when", "unless_near", *UNLESS_KEYS}


@dataclass(frozen=True)
class Term:
    """One phrase as written, and where: `path:line`."""

    text: str
    path: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Vocabulary:
    name: str
    phrases: tuple[Term, ...]
    exceptions: tuple[Term, ...] = ()   # a match is dropped where one of these overlaps or touches it


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
    pattern: tuple[Term, ...] = ()  # present / absent / signal
    when: tuple[Term, ...] = ()     # conditional
    unless: tuple[Term, ...] = ()   # conditional: any of these silences the rule...
    unless_scopes: tuple[str, ...] = ()  # ...when found in the same bullet, sentence or clause (one per item)
    unless_near: tuple[Term, ...] = ()  # a trigger is ignored when one of these stands just before it
    negation: bool = False          # shorthand for unless_near = the rubric's `negation` vocabulary

    @property
    def is_signal(self) -> bool:
        return self.kind == "signal"

    @property
    def trigger(self) -> tuple[Term, ...]:
        """The phrases whose match locates the finding or signal."""
        return self.when if self.kind == "conditional" else self.pattern


@dataclass(frozen=True)
class ChecklistEntry:
    id: str
    title: str
    hint: str
    pattern: tuple[Term, ...]
    examples: Examples


@dataclass(frozen=True)
class ClauseBreaks:
    """Words that open a new clause: always (`before`), or right after a comma (`after_comma`)."""

    before: tuple[str, ...] = ()
    after_comma: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rubric:
    name: str
    version: str
    path: str
    failure_modes: dict[str, str]
    dimensions: dict[str, str]
    vocabularies: dict[str, Vocabulary]
    rules: tuple[Rule, ...]
    checklist: tuple[ChecklistEntry, ...] = ()
    clauses: ClauseBreaks = ClauseBreaks()
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


# --- plain data (for the compiled-rubric cache, see cache.py) ----------------------------------------------------

def _terms_plain(terms: tuple[Term, ...]) -> list:
    return [[t.text, t.path, t.line] for t in terms]


def _terms_back(items) -> tuple[Term, ...]:
    return tuple(Term(text, path, line) for text, path, line in items)


_RULE_TERMS = ("pattern", "when", "unless", "unless_near")


def rubric_to_plain(rubric: Rubric) -> dict:
    rules = []
    for rule in rubric.rules:
        item = {name: getattr(rule, name) for name in ("id", "kind", "message", "rationale", "fix", "failure_mode",
                                                        "dimension", "points", "scope", "negation")}
        item["unless_scopes"] = list(rule.unless_scopes)
        item["severity"] = rule.severity.value
        item["examples"] = [list(rule.examples.bad), list(rule.examples.good)]
        for name in _RULE_TERMS:
            item[name] = _terms_plain(getattr(rule, name))
        rules.append(item)
    return {
        "name": rubric.name, "version": rubric.version, "path": rubric.path,
        "failure_modes": dict(rubric.failure_modes), "dimensions": dict(rubric.dimensions),
        "vocabularies": [[v.name, _terms_plain(v.phrases), _terms_plain(v.exceptions)]
                         for v in rubric.vocabularies.values()],
        "rules": rules,
        "checklist": [[c.id, c.title, c.hint, _terms_plain(c.pattern), [list(c.examples.bad), list(c.examples.good)]]
                      for c in rubric.checklist],
        "clauses": [list(rubric.clauses.before), list(rubric.clauses.after_comma)],
        "severity_points": dict(rubric.severity_points), "signal_cap": rubric.signal_cap,
        "negation_window": rubric.negation_window,
    }


def rubric_from_plain(data: dict) -> Rubric:
    rules = []
    for item in data["rules"]:
        fields = dict(item)
        fields["severity"] = Severity(item["severity"])
        fields["examples"] = Examples(tuple(item["examples"][0]), tuple(item["examples"][1]))
        for name in _RULE_TERMS:
            fields[name] = _terms_back(item[name])
        fields["unless_scopes"] = tuple(item["unless_scopes"])
        rules.append(Rule(**fields))
    return Rubric(
        name=data["name"], version=data["version"], path=data["path"], failure_modes=data["failure_modes"],
        dimensions=data["dimensions"],
        vocabularies={name: Vocabulary(name, _terms_back(phrases), _terms_back(exceptions))
                      for name, phrases, exceptions in data["vocabularies"]},
        rules=tuple(rules),
        checklist=tuple(ChecklistEntry(i, title, hint, _terms_back(pattern), Examples(tuple(ex[0]), tuple(ex[1])))
                        for i, title, hint, pattern, ex in data["checklist"]),
        clauses=ClauseBreaks(tuple(data["clauses"][0]), tuple(data["clauses"][1])),
        severity_points=data["severity_points"], signal_cap=data["signal_cap"],
        negation_window=data["negation_window"],
    )
