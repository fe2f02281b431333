"""The classifier against labelled pastes: per case, and in aggregate against the targets."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.classify import classify
from tests.cases import HOLDOUT_CASES, OWN_CASES, SHARED_DEV_CASES, read_cases

TABLE = [
    pytest.param(case, id=case["where"], marks=[pytest.mark.xfail(reason=case["known_miss"], strict=True)])
    if case.get("known_miss")
    else pytest.param(case, id=case["where"])
    for case in read_cases(SHARED_DEV_CASES) + read_cases(OWN_CASES)
]


@pytest.mark.parametrize("case", TABLE)
def test_case_is_matched_placed_and_ranked(case: dict[str, Any]) -> None:
    diagnosis = classify(case["text"])
    assert diagnosis.matched is case["matched"]
    if not case["matched"]:
        assert diagnosis.causes == ()
        return
    assert diagnosis.endpoint == case["endpoint"]
    assert diagnosis.form is not None
    top_three = [cause.id for cause in diagnosis.causes[:3]]
    if case["causes"]:
        assert set(top_three) & set(case["causes"]), f"expected one of {case['causes']} in {top_three}"


STOCK_WORDING = (
    "Your migration failed while checking {side} credentials. Http POST request to "
    "'autodiscover-s.outlook.com' failed - 401 Unauthorized: The credentials used to access the configured "
    "mailbox are invalid, or the credentials specified do not have access to the configured mailbox, or you "
    "may have overutilized resources."
)


@pytest.mark.parametrize("side", ["source", "destination"])
@pytest.mark.parametrize("cut", [0, 40, 90, 160, 230])
def test_stock_wording_alone_names_no_cause(side: str, cut: int) -> None:
    """The generic error's own phrases ('invalid', 'overutilized') are not clues to one cause."""
    text = STOCK_WORDING.format(side=side)[cut:]
    diagnosis = classify(text)
    assert diagnosis.matched
    assert diagnosis.form == "credentials-check-failed"
    assert not diagnosis.specific, [cause.evidence for cause in diagnosis.causes[:1]]


def _scores(cases: list[dict[str, Any]]) -> dict[str, float]:
    """Top-1 / top-3 accuracy over cases with a cause, misses over real errors, matches over chatter."""
    specific = [case for case in cases if case["matched"] and case["causes"]]
    errors = [case for case in cases if case["matched"]]
    chatter = [case for case in cases if not case["matched"]]
    diagnoses = {id(case): classify(case["text"]) for case in cases}

    def ranked(case: dict[str, Any], depth: int) -> bool:
        return any(cause.id in case["causes"] for cause in diagnoses[id(case)].causes[:depth])

    return {
        "top1": sum(ranked(case, 1) for case in specific) / len(specific),
        "top3": sum(ranked(case, 3) for case in specific) / len(specific),
        "missed": sum(not diagnoses[id(case)].matched for case in errors) / len(errors),
        "chatter_matched": sum(diagnoses[id(case)].matched for case in chatter) / len(chatter),
    }


TARGETS = {"top1": 0.95, "top3": 1.0, "missed": 0.02, "chatter_matched": 0.0}
# Cases the classifier was tuned on include a few documented misses (see their "known_miss").
TUNED_TARGETS = {**TARGETS, "top3": 0.99, "chatter_matched": 0.01}


@pytest.mark.parametrize(
    ("path", "targets"),
    [
        (SHARED_DEV_CASES, TARGETS),
        (OWN_CASES, TUNED_TARGETS),
        # Held-out sets, never read while tuning, are held to the full targets.
        *((path, TARGETS) for path in HOLDOUT_CASES),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_accuracy_targets(path: Any, targets: dict[str, float]) -> None:
    cases = read_cases(path)
    if not cases:
        pytest.skip(f"{path} is not available here")
    scores = _scores(cases)
    assert scores["top1"] >= targets["top1"], scores
    assert scores["top3"] >= targets["top3"], scores
    assert scores["missed"] <= targets["missed"], scores
    assert scores["chatter_matched"] <= targets["chatter_matched"], scores
