"""Days of the month a text sets side by side, and the clues that count the days between them."""

from __future__ import annotations

import re

import pytest

from knowledge.classify import classify
from knowledge.dates import DaysApartFinder, days_between
from knowledge.matcher import Text


@pytest.mark.parametrize(
    ("then", "now", "days"),
    [(3, 18, 15), (2, 2, 0), (25, 8, 13), (31, 1, 0), (1, 31, 30)],
)
def test_days_between_counts_forward_into_the_next_month(then: int, now: int, days: int) -> None:
    assert days_between(then, now) == days


def test_a_days_apart_finder_keeps_only_the_matches_far_enough_apart() -> None:
    finder = DaysApartFinder(re.compile(r"\bfrom\s+(?P<then>\d+)\s+to\s+(?P<now>\d+)"), 13, 21)
    text = Text("from 3 to 5, then from 3 to 18, then from 40 to 55")
    assert [match.group() for match in finder.matches(text)] == ["from 3 to 18"]
    assert finder.first(text) is not None
    assert finder.first(text, outside=((20, 30),)) is None
    assert finder.first(Text("from 3 to 5")) is None


@pytest.mark.parametrize(
    "fortnight",
    [
        "Pre-stage went through on the 4th. Today (the 19th) every destination user is 401 Unauthorized",
        "source verify fine since the 28th; now, the 12th, it's 401 Unauthorized on all of them",
    ],
)
def test_two_dates_about_two_weeks_apart_point_at_security_defaults(fortnight: str) -> None:
    diagnosis = classify(fortnight)
    assert diagnosis.causes[0].id == "security-defaults"
    assert any("two weeks apart" in said for said in diagnosis.causes[0].evidence)


def test_two_dates_a_few_days_apart_say_nothing_of_the_grace_period() -> None:
    diagnosis = classify("Pre-stage went through on the 4th. Today (the 7th) every destination user is 401")
    assert not any("two weeks apart" in said for cause in diagnosis.causes for said in cause.evidence)
