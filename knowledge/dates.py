"""Two days of a month a text sets side by side ("pre-stage ran fine on the 3rd ... today, the 18th"): how far
apart they lie, which an engineer counts at a glance and no pattern can."""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.matcher import SievedFinder, Text

DAYS_IN_A_MONTH = 30  # a later day with a smaller number ("the 25th ... today, the 8th") is in the next month
DAY_GROUPS = ("then", "now")


def days_between(then: int, now: int) -> int:
    """Days from day `then` of a month to day `now`, in the next month when `now` is the smaller."""
    return now - then if now >= then else now + DAYS_IN_A_MONTH - then


class DaysApartFinder(SievedFinder):
    """Matches of its pattern whose captured days of the month, `then` and `now`, lie `low` to `high` days
    apart."""

    def __init__(self, pattern: re.Pattern[str], low: int, high: int) -> None:
        super().__init__(pattern)
        self.low, self.high = low, high

    def _scan(self, text: Text) -> Iterator[re.Match[str]]:
        for match in super()._scan(text):
            then, now = (int(match.group(name)) for name in DAY_GROUPS)
            if 1 <= then <= 31 and 1 <= now <= 31 and self.low <= days_between(then, now) <= self.high:
                yield match
