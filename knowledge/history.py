"""Let a workspace's past verdicts nudge the ranking among otherwise equal candidates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from knowledge.model import Diagnosis, RankedCause

MAX_NUDGE = 0.08  # small next to any clue in the text (0.3 and up), so the text still decides
_PSEUDO_VERDICTS = 3  # a couple of verdicts should not swing the order on their own


def nudge(fixed: int, not_this: int) -> float:
    """How far past verdicts move a cause: up when it kept being the fix, down when it kept not being."""
    return MAX_NUDGE * (fixed - not_this) / (fixed + not_this + _PSEUDO_VERDICTS)


def rerank(diagnosis: Diagnosis, verdicts: Mapping[str, tuple[int, int]]) -> Diagnosis:
    """Re-rank `diagnosis` with per-cause (fixed, not_this) counts; says so when the order changed."""
    if not diagnosis.matched or not verdicts:
        return diagnosis
    ranked: list[RankedCause] = []
    for cause in diagnosis.causes:
        fixed, not_this = verdicts.get(cause.id, (0, 0))
        if fixed + not_this == 0:
            ranked.append(cause)
            continue
        reason = f"in this workspace it was the fix {fixed} of {fixed + not_this} times it was judged"
        score = min(1.0, max(0.0, cause.score + nudge(fixed, not_this)))
        ranked.append(replace(cause, score=score, evidence=(*cause.evidence, reason)))
    ranked.sort(key=lambda cause: -cause.score)
    reordered = [c.id for c in ranked] != [c.id for c in diagnosis.causes]
    notes = diagnosis.notes + (("Past verdicts in this workspace changed the order.",) if reordered else ())
    return replace(diagnosis, causes=tuple(ranked), notes=notes)
