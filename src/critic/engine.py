"""The review pipeline: parsed document -> matches -> findings and signals -> scores -> DocumentResult.

It knows nothing about the terminal or file formats; the CLI and the Python API both call `review_parsed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Bullet, BulletResult, ChecklistItem, DocumentResult, Finding, ParsedDocument, Severity, Signal
from .rubric.match import CompiledRubric, compile_rubric
from .rubric.schema import Rubric, Rule
from .scoring import score_bullet, score_document


@dataclass(frozen=True)
class ReviewOptions:
    """What configuration can change about a review (see config.py)."""

    disable: frozenset[str] = frozenset()           # rule ids or failure-mode ids
    severity: dict[str, Severity] = field(default_factory=dict)  # rule id or failure mode -> severity

    def is_disabled(self, rule: Rule) -> bool:
        return rule.id in self.disable or (bool(rule.failure_mode) and rule.failure_mode in self.disable)

    def severity_for(self, rule: Rule) -> Severity:
        return self.severity.get(rule.id) or self.severity.get(rule.failure_mode) or rule.severity


def _finding(rule: Rule, bullet: Bullet | None, start: int, end: int, match: str, severity: Severity) -> Finding:
    line, column = bullet.position(start) if bullet is not None else (1, 1)
    suppression = None
    if bullet is not None:
        suppression = next((s for s in bullet.suppressions if s.covers(rule.id, rule.failure_mode)), None)
    return Finding(rule=rule.id, failure_mode=rule.failure_mode, severity=severity, line=line, column=column,
                   message=rule.message, fix=rule.fix, match=match, suppressed=suppression is not None,
                   suppression_reason=suppression.reason if suppression else "", start=start, end=end)


def review_parsed(parsed: ParsedDocument, rubric: Rubric, options: ReviewOptions | None = None,
                  compiled: CompiledRubric | None = None) -> DocumentResult:
    options = options or ReviewOptions()
    compiled = compiled or compile_rubric(rubric)
    bullets = parsed.bullets
    checklist_lines: dict[str, list[int]] = {entry.id: [] for entry in rubric.checklist}
    document_rules_seen: set[str] = set()

    results = []
    bullet_scores = []
    for bullet in bullets:
        # each bullet's matches are used and dropped here: keeping thousands alive costs more in garbage
        # collection than the matching itself
        found = compiled.match(bullet.text)
        raw_findings, raw_signals = compiled.evaluate(found)
        document_rules_seen.update(compiled.document_rules_matched(found))
        for entry_id in compiled.checklist_hits(found):
            checklist_lines[entry_id].append(bullet.line)
        findings: list[Finding] = []
        scored: list[tuple[Finding, str, int]] = []
        for rule, hit in raw_findings:
            if options.is_disabled(rule):
                continue
            severity = options.severity_for(rule)
            finding = _finding(rule, bullet, hit.start, hit.end, hit.match, severity)
            findings.append(finding)
            if not finding.suppressed:
                scored.append((finding, rule.dimension, rule.points or rubric.severity_points[severity.value]))
        signals = [Signal(rule=rule.id, dimension=rule.dimension, points=rule.points, match=hit.match)
                   for rule, hit in raw_signals if not options.is_disabled(rule)]
        score, dimensions = score_bullet(scored, signals, rubric)
        bullet_scores.append(score)
        results.append(BulletResult(bullet=bullet, score=score, dimensions=dimensions, findings=tuple(findings),
                                    signals=tuple(signals)))

    document_findings = []
    if bullets:
        for rule in rubric.rules:
            if rule.scope == "document" and rule.id not in document_rules_seen and not options.is_disabled(rule):
                document_findings.append(_finding(rule, None, 0, 0, "", options.severity_for(rule)))

    for block in parsed.blocks:  # headings and paragraphs count for the checklist only
        for entry_id in compiled.checklist_hits(compiled.match(block.text)):
            checklist_lines[entry_id].append(block.line)
    checklist = tuple(ChecklistItem(id=e.id, title=e.title, hint=e.hint,
                                    lines=tuple(sorted(set(checklist_lines[e.id])))) for e in rubric.checklist)
    penalty = sum(rubric.severity_points[f.severity.value] // 2 for f in document_findings)
    present = sum(1 for item in checklist if item.present)
    score = score_document(bullet_scores, present, len(checklist), penalty)
    return DocumentResult(path=parsed.path, bullets=tuple(results), document_findings=tuple(document_findings),
                          checklist=checklist, score=score, rubric=rubric.fingerprint)
