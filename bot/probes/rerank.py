"""Text diagnosis plus live evidence: a confirmed cause leads, a ruled-out one drops, and each cause says
which checks moved it. Supporting and weakening evidence applies first, so a confirmation or a ruling-out has
the last word."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.probes.model import CheckResult, Effect, Evidence
from knowledge.model import Diagnosis, RankedCause

_MOVES: dict[Effect, Callable[[float], float]] = {
    "confirms": lambda score: 1.0 - (1.0 - max(score, 0.9)) * 0.5,
    "supports": lambda score: 1.0 - (1.0 - score) * 0.6,
    "weakens": lambda score: score * 0.6,
    "rules_out": lambda score: score * 0.05,
}
_DECISIVE: frozenset[Effect] = frozenset({"confirms", "rules_out"})


def rerank(diagnosis: Diagnosis, checks: Sequence[CheckResult]) -> Diagnosis:
    """`diagnosis` re-ranked by every check's evidence, with the deciding checks named in its notes."""
    found: dict[str, list[tuple[str, Evidence]]] = {}
    for check in checks:
        for item in check.evidence:
            found.setdefault(item.cause, []).append((check.id, item))
    for items in found.values():  # whatever order the checks finished in, the decisive word comes last
        items.sort(key=lambda found_item: found_item[1].effect in _DECISIVE)
    ranked = []
    for cause in diagnosis.causes:
        score, evidence, from_text = cause.score, list(cause.evidence), cause.from_text
        for check_id, item in found.get(cause.id, ()):
            score = _MOVES[item.effect](score)
            from_text = from_text or item.effect in ("confirms", "supports")
            evidence.append(f"live check '{check_id}' {item.effect.replace('_', ' ')} it: {item.because}")
        ranked.append(RankedCause(cause.id, min(1.0, max(0.0, score)), tuple(evidence), from_text))
    ranked.sort(key=lambda cause: -cause.score)
    decided = sorted({check.id for check in checks for item in check.evidence if item.effect in _DECISIVE})
    note = (
        f"Re-ranked by live checks; decided by: {', '.join(decided)}."
        if decided
        else "Live checks ran; none of them confirmed or ruled out a cause."
    )
    return Diagnosis(
        diagnosis.matched, diagnosis.form, diagnosis.endpoint, tuple(ranked), (*diagnosis.notes, note)
    )
