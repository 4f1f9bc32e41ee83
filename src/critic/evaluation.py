"""`critic eval`: precision, recall and F1 of the rubric per failure mode on a labelled corpus.

A corpus is JSON Lines, one bullet an object: {"id": ..., "text": ..., "labels": [failure modes], "reason": ...}.
A bullet counts as predicted positive for a failure mode when any active finding of that mode is raised on it.
An optional "group" (the source a bullet came from) lets `--by group` show how the figures spread across sources.
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
    group: str = ""  # where the bullet came from (a corpus file, a source repository)


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


CLEAN, NOTHING = "(clean)", "(nothing)"


@dataclass
class EvalReport:
    scores: list[ModeScore]
    errors: list[Error] = field(default_factory=list)
    bullets: int = 0
    by_group: dict[str, list[ModeScore]] = field(default_factory=dict)
    group_sizes: dict[str, int] = field(default_factory=dict)
    # confusion[gold][predicted]: bullets labelled `gold` (CLEAN: no label) on which `predicted` was raised
    # (NOTHING: no mode at all)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

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
                "confusion": self.confusion,
                "groups": [{"group": group, "bullets": self.group_sizes[group],
                            "failure_modes": [s.to_dict() for s in scores]}
                           for group, scores in self.by_group.items()],
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
            group = item.get("group")
            bullets.append(LabelledBullet(id=bullet_id, text=" ".join(item["text"].split()), labels=frozenset(labels),
                                          source=where, reason=str(item.get("reason", "")),
                                          group=group if isinstance(group, str) and group else Path(path).name))
    return bullets


def evaluate(bullets: list[LabelledBullet], rubric: Rubric, options: ReviewOptions | None = None) -> EvalReport:
    # one plain document, one bullet per line: the whole corpus is scanned in one pass
    parsed = parse_plain("\n".join(b.text for b in bullets), "<corpus>")
    if len(parsed.bullets) != len(bullets):  # pragma: no cover - texts are non-empty single lines
        raise InputError("corpus: could not align bullets with results")
    result = review_parsed(parsed, rubric, options)
    scores = {mode: ModeScore(mode) for mode in EVALUATED_MODES}
    by_group: dict[str, dict[str, ModeScore]] = {}
    group_sizes: dict[str, int] = {}
    confusion = {gold: {predicted: 0 for predicted in EVALUATED_MODES + (NOTHING,)}
                 for gold in EVALUATED_MODES + (CLEAN,)}
    errors: list[Error] = []
    for gold, reviewed in zip(bullets, result.bullets):
        predicted = reviewed.failure_modes & set(EVALUATED_MODES)
        fired = tuple(f.rule for f in reviewed.active_findings)
        group = by_group.setdefault(gold.group, {mode: ModeScore(mode) for mode in EVALUATED_MODES})
        group_sizes[gold.group] = group_sizes.get(gold.group, 0) + 1
        for label in gold.labels or {CLEAN}:
            for mode in predicted or {NOTHING}:
                confusion[label][mode] += 1
        for mode in EVALUATED_MODES:
            for score in (scores[mode], group[mode]):
                if mode in predicted and mode in gold.labels:
                    score.tp += 1
                elif mode in predicted:
                    score.fp += 1
                elif mode in gold.labels:
                    score.fn += 1
            if mode in predicted and mode not in gold.labels:
                errors.append(Error("false-positive", mode, gold,
                                    tuple(f.rule for f in reviewed.active_findings if f.failure_mode == mode)))
            elif mode in gold.labels and mode not in predicted:
                errors.append(Error("false-negative", mode, gold, fired))
    return EvalReport(scores=list(scores.values()), errors=errors, bullets=len(bullets),
                      by_group={g: list(s.values()) for g, s in sorted(by_group.items())}, group_sizes=group_sizes,
                      confusion=confusion)


_SHORT = {"compliance-checklist": "compliance", "tech-only-metric": "tech-only", "perfect-safety-claim": "perfect",
          "missing-tradeoff": "tradeoff", CLEAN: CLEAN, NOTHING: NOTHING}


def render_confusion(report: EvalReport) -> str:
    """Rows: what the bullets were labelled; columns: what the rubric raised on them."""
    columns = list(EVALUATED_MODES) + [NOTHING]
    lines = ["Confusion (rows: labelled; columns: raised; a bullet counts once per label and mode):",
             f"{'':<12}" + "".join(f"{_SHORT[c]:>12}" for c in columns)]
    for gold, row in report.confusion.items():
        lines.append(f"{_SHORT[gold]:<12}" + "".join(f"{row[c]:>12}" for c in columns))
    return "\n".join(lines) + "\n"


def render_groups(report: EvalReport) -> str:
    """Precision/recall of each mode per group (source), with each group's support in brackets."""
    header = f"{'group':<44} {'n':>4}" + "".join(f"  {_SHORT[m]:>17}" for m in EVALUATED_MODES)
    lines = ["By group (precision/recall [support]; - where the group has no such bullet and none was raised):",
             header]
    for group, scores in report.by_group.items():
        cells = []
        for s in scores:
            cells.append("-" if not (s.support or s.fp) else f"{s.precision:.2f}/{s.recall:.2f} [{s.support}]")
        name = group if len(group) <= 44 else group[:41] + "..."
        lines.append(f"{name:<44} {report.group_sizes[group]:>4}" + "".join(f"  {c:>17}" for c in cells))
    return "\n".join(lines) + "\n"


def render_table(report: EvalReport) -> str:
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
    return "\n".join(lines) + "\n"


def render_errors(report: EvalReport) -> str:
    if not report.errors:
        return ""
    lines = ["Errors (FP = raised but not labelled, FN = labelled but not raised):"]
    for e in sorted(report.errors, key=lambda e: (e.mode, e.kind, e.bullet.source)):
        tag = "FP" if e.kind == "false-positive" else "FN"
        rules = ", ".join(dict.fromkeys(e.rules)) or "-"
        lines.append(f"  {tag} {e.mode:<20} {e.bullet.source}  [{rules}]")
        lines.append(f"       {e.bullet.text}")
    return "\n".join(lines) + "\n"
