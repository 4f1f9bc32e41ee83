"""`critic eval`: precision, recall and F1 of the rubric per failure mode on a labelled corpus.

A corpus is JSON Lines, one bullet an object: {"id": ..., "text": ..., "labels": [failure modes], "reason": ...}.
A bullet counts as predicted positive for a failure mode when any active finding of that mode is raised on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .document import decode_document, parse_plain
from .engine import ReviewOptions, review_parsed
from .errors import InputError
from .inputs import read_bytes
from .text import split_lines
from .rubric.schema import Rubric

MAX_BYTES_DEFAULT = 32 * 1024 * 1024
EVALUATED_MODES = ("compliance-checklist", "tech-only-metric", "perfect-safety-claim", "missing-tradeoff")


@dataclass(frozen=True)
class LabelledBullet:
    id: str
    text: str
    labels: frozenset[str]
    source: str  # "file:line"
    reason: str = ""


@dataclass
class ModeScore:
    mode: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"failure_mode": self.mode, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.support, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass(frozen=True)
class Error:
    """A false positive or false negative, with the rules that fired on the bullet."""

    kind: str  # "false-positive" | "false-negative"
    mode: str
    bullet: LabelledBullet
    rules: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "failure_mode": self.mode, "id": self.bullet.id, "source": self.bullet.source,
                "text": self.bullet.text, "labels": sorted(self.bullet.labels), "rules_fired": list(self.rules)}


@dataclass
class EvalReport:
    scores: list[ModeScore]
    errors: list[Error] = field(default_factory=list)
    bullets: int = 0

    @property
    def micro(self) -> ModeScore:
        total = ModeScore("micro")
        for s in self.scores:
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    @property
    def macro(self) -> dict:
        n = len(self.scores) or 1
        return {"precision": sum(s.precision for s in self.scores) / n,
                "recall": sum(s.recall for s in self.scores) / n,
                "f1": sum(s.f1 for s in self.scores) / n}

    def shortfalls(self, min_precision: float | None, min_recall: float | None) -> list[str]:
        out = []
        for s in self.scores:
            if min_precision is not None and s.precision < min_precision:
                out.append(f"{s.mode}: precision {s.precision:.3f} < {min_precision}")
            if min_recall is not None and s.recall < min_recall:
                out.append(f"{s.mode}: recall {s.recall:.3f} < {min_recall}")
        return out

    def to_dict(self) -> dict:
        micro = self.micro.to_dict()
        micro.pop("failure_mode")
        return {"schema": "critic/eval", "schema_version": 1, "bullets": self.bullets,
                "failure_modes": [s.to_dict() for s in self.scores], "micro": micro,
                "macro": {k: round(v, 4) for k, v in self.macro.items()},
                "errors": [e.to_dict() for e in self.errors]}


def _json_line(line: str, where: str):
    """One corpus line as JSON. Integers stay strings (an id may have more digits than int() allows), and text
    that is not valid Unicode (a lone surrogate escape such as \\ud800) is refused before it reaches the report."""
    try:
        item = json.loads(line, parse_int=str)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: invalid JSON (nested too deeply)") from None
    try:
        json.dumps(item, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{where}: not valid Unicode (a lone surrogate such as \\ud800); fix the escape") from None
    return item


def load_corpus(paths: list[str | Path], max_bytes: int = MAX_BYTES_DEFAULT) -> list[LabelledBullet]:
    bullets: list[LabelledBullet] = []
    seen: set[str] = set()
    for path in paths:
        text = decode_document(read_bytes(path, max_bytes, missing="no such corpus file",
                                          directory="is not a file"), str(path))
        for number, line in enumerate(split_lines(text), 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            item = _json_line(line, where)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
                raise InputError(f"{where}: each line needs a non-empty \"text\"")
            labels = item.get("labels", [])
            if not isinstance(labels, list) or any(label not in EVALUATED_MODES for label in labels):
                raise InputError(f"{where}: \"labels\" must be a list drawn from {', '.join(EVALUATED_MODES)}")
            bullet_id = str(item.get("id", where))
            if bullet_id in seen:
                raise InputError(f"{where}: duplicate id {bullet_id!r}")
            seen.add(bullet_id)
            bullets.append(LabelledBullet(id=bullet_id, text=" ".join(item["text"].split()), labels=frozenset(labels),
                                          source=where, reason=str(item.get("reason", ""))))
    return bullets


def evaluate(bullets: list[LabelledBullet], rubric: Rubric, options: ReviewOptions | None = None) -> EvalReport:
    # one plain document, one bullet per line: the whole corpus is scanned in one pass
    parsed = parse_plain("\n".join(b.text for b in bullets), "<corpus>")
    if len(parsed.bullets) != len(bullets):  # pragma: no cover - texts are non-empty single lines
        raise InputError("corpus: could not align bullets with results")
    result = review_parsed(parsed, rubric, options)
    scores = {mode: ModeScore(mode) for mode in EVALUATED_MODES}
    errors: list[Error] = []
    for gold, reviewed in zip(bullets, result.bullets):
        predicted = reviewed.failure_modes
        fired = tuple(f.rule for f in reviewed.active_findings)
        for mode in EVALUATED_MODES:
            score = scores[mode]
            if mode in predicted and mode in gold.labels:
                score.tp += 1
            elif mode in predicted:
                score.fp += 1
                errors.append(Error("false-positive", mode, gold,
                                    tuple(f.rule for f in reviewed.active_findings if f.failure_mode == mode)))
            elif mode in gold.labels:
                score.fn += 1
                errors.append(Error("false-negative", mode, gold, fired))
    return EvalReport(scores=list(scores.values()), errors=errors, bullets=len(bullets))


def render_table(report: EvalReport, show_errors: bool = True) -> str:
    lines = [f"{report.bullets} bullets", "",
             f"{'failure mode':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8} {'FP':>4} {'FN':>4}"]
    for s in report.scores:
        lines.append(f"{s.mode:<22} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8} {s.fp:>4} "
                     f"{s.fn:>4}")
    micro = report.micro
    macro = report.macro
    lines.append(f"{'micro':<22} {micro.precision:>9.3f} {micro.recall:>7.3f} {micro.f1:>6.3f} {micro.support:>8} "
                 f"{micro.fp:>4} {micro.fn:>4}")
    lines.append(f"{'macro':<22} {macro['precision']:>9.3f} {macro['recall']:>7.3f} {macro['f1']:>6.3f}")
    if show_errors and report.errors:
        lines += ["", "Errors (FP = raised but not labelled, FN = labelled but not raised):"]
        for e in sorted(report.errors, key=lambda e: (e.mode, e.kind, e.bullet.source)):
            tag = "FP" if e.kind == "false-positive" else "FN"
            rules = ", ".join(dict.fromkeys(e.rules)) or "-"
            lines.append(f"  {tag} {e.mode:<20} {e.bullet.source}  [{rules}]")
            lines.append(f"       {e.bullet.text}")
    return "\n".join(lines) + "\n"
