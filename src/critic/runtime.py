"""Merging flags over configuration over defaults, and the pass/fail verdict. Shared by every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config, load_config, validate_ids
from .engine import ReviewOptions
from .models import DocumentResult, Severity
from .rubric.load import load_rubric
from .rubric.schema import Rubric

DEFAULT_FAIL_ON = Severity.ERROR


@dataclass(frozen=True)
class Settings:
    config: Config
    rubric: Rubric
    options: ReviewOptions
    fail_under: int | None
    fail_on: Severity | None  # None = never fail on findings


def resolve_settings(*, config: str | Path | None = None, start: str | Path | None = None,
                     rubric: str | None = None, fail_under: int | None = None,
                     fail_on: str | None = None) -> Settings:
    cfg = load_config(config, start)
    loaded = load_rubric(rubric or cfg.rubric)
    validate_ids(cfg, {r.id for r in loaded.rules}, set(loaded.failure_modes))
    options = ReviewOptions(disable=cfg.disable, severity=dict(cfg.severity))
    if fail_on == "none":
        chosen_fail_on = None
    elif fail_on is not None:
        chosen_fail_on = Severity(fail_on)
    else:
        chosen_fail_on = cfg.fail_on or DEFAULT_FAIL_ON
    return Settings(config=cfg, rubric=loaded, options=options,
                    fail_under=fail_under if fail_under is not None else cfg.fail_under,
                    fail_on=chosen_fail_on)


def verdict(results: list[DocumentResult], fail_under: int | None, fail_on: Severity | None
) -> tuple[bool, int]:
    """(passed, exit code). A document with no bullets never fails the score threshold.

    Findings a baseline marked as known (`finding.known`, see baseline.py) never fail the run; the score
    threshold still applies to the document's score.
    """
    for result in results:
        if fail_under is not None and result.score is not None and result.score < fail_under:
            return False, 1
        if fail_on is not None:
            for finding in result.active_findings:
                if finding.known:
                    continue
                if finding.severity.rank >= fail_on.rank:
                    return False, 1
    return True, 0
