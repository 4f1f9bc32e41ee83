"""Findings and signals -> scores. Pure arithmetic; the formula is documented in the README.

bullet score   = clamp(50 + sum of signal points (each dimension capped) - sum of finding penalties, 0, 100)
                 (each failure mode is charged once per bullet, at its largest penalty)
dimension d    = clamp(50 + signal points in d (capped) - penalties of findings in d, 0, 100)
document score = clamp(round(0.8 * mean bullet score + 0.2 * checklist coverage %) - document penalties, 0, 100)
"""

from __future__ import annotations

from .models import Finding, Signal
from .rubric.schema import Rubric

BASE = 50
GENERAL = "general"  # dimension of findings whose rule names none


def _clamp(value: float) -> int:
    return int(max(0, min(100, round(value))))


def finding_penalty(finding: Finding, rubric: Rubric, rule_points: int = 0) -> int:
    return rule_points or rubric.severity_points[finding.severity.value]


def score_bullet(findings: list[tuple[Finding, str, int]], signals: list[Signal],
                 rubric: Rubric) -> tuple[int, dict[str, int]]:
    """findings: (finding, dimension, penalty) for the active (unsuppressed) findings.

    Several rules can describe one failure mode from different angles; a failure mode costs a bullet once, at its
    largest penalty, so that overlapping rules do not pile up.
    """
    worst: dict[str, tuple[Finding, str, int]] = {}
    for entry in findings:
        mode = entry[0].failure_mode
        if mode not in worst or entry[2] > worst[mode][2]:
            worst[mode] = entry
    findings = list(worst.values())
    gained: dict[str, int] = {}
    for signal in signals:
        gained[signal.dimension] = gained.get(signal.dimension, 0) + signal.points
    lost: dict[str, int] = {}
    for _finding, dimension, penalty in findings:
        key = dimension or GENERAL
        lost[key] = lost.get(key, 0) + penalty
    capped = {d: min(points, rubric.signal_cap) for d, points in gained.items()}
    total = BASE + sum(capped.values()) - sum(lost.values())
    dimensions = {d: _clamp(BASE + capped.get(d, 0) - lost.get(d, 0)) for d in rubric.dimensions}
    return _clamp(total), dimensions


def score_document(bullet_scores: list[int], checklist_present: int, checklist_total: int,
                   document_penalty: int) -> int | None:
    if not bullet_scores:
        return None
    mean = sum(bullet_scores) / len(bullet_scores)
    coverage = 100 * checklist_present / checklist_total if checklist_total else mean
    return _clamp(round(0.8 * mean + 0.2 * coverage) - document_penalty)
