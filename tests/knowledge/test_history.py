"""Past verdicts nudge the ranking among close candidates, within a bound that leaves the text in charge."""

from __future__ import annotations

from itertools import pairwise

from knowledge.classify import classify
from knowledge.history import MAX_NUDGE, nudge, rerank

GENERIC = "Your migration failed while checking destination credentials. 401 Unauthorized"
SPECIFIC = (
    "401 Unauthorized - Basic Auth Disabled: MigrationWiz has detected that Basic Authentication is off"
)


def test_nudge_is_bounded_and_signed() -> None:
    assert 0 < nudge(1, 0) < nudge(10, 0) < MAX_NUDGE
    assert -MAX_NUDGE < nudge(0, 10) < nudge(0, 1) < 0
    assert nudge(3, 3) == 0


def test_a_cause_that_keeps_being_the_fix_rises_among_priors() -> None:
    diagnosis = classify(GENERIC)
    before = [cause.id for cause in diagnosis.causes]
    # the first cause close enough behind the one above it for six verdicts to carry it past
    behind = next(low for high, low in pairwise(diagnosis.causes) if high.score - low.score < nudge(6, 0))
    after = rerank(diagnosis, {behind.id: (6, 0)})
    ranked = [cause.id for cause in after.causes]
    assert ranked.index(behind.id) < before.index(behind.id)
    assert any("changed the order" in note for note in after.notes)
    lifted = next(cause for cause in after.causes if cause.id == behind.id)
    assert any("6 of 6" in evidence for evidence in lifted.evidence)


def test_history_does_not_overrule_the_texts_own_clues() -> None:
    after = rerank(classify(SPECIFIC), {"wrong-credentials": (50, 0), "modern-auth-not-configured": (0, 50)})
    assert after.causes[0].id == "modern-auth-not-configured"


def test_no_history_or_no_match_changes_nothing() -> None:
    diagnosis = classify(GENERIC)
    assert rerank(diagnosis, {}) == diagnosis
    chatter = classify("lunch is in the kitchen")
    assert rerank(chatter, {"wrong-credentials": (5, 0)}) == chatter
