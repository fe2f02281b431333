"""Names a text spells two nearly identical ways ("nortwindtraders.com" beside "northwindtraders.com"):
an engineer's eye for a mistyped user name, which no single pattern can express."""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.matcher import SievedFinder, Text

MIN_LENGTH = 5  # shorter names ("adat", "adam") are different names, not one mistyped
ONE_SLIP_BELOW = 8  # names shorter than this may differ by one slip ("contso"), longer ones by two
MAX_EDITS = 2
_DIGITS = str.maketrans("", "", "0123456789")


def edits(first: str, second: str, limit: int = MAX_EDITS) -> int:
    """Letters to insert, delete, change or swap with a neighbour to turn one string into the other;
    anything over `limit` reads as `limit + 1`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(second) + 1))
    for row, left in enumerate(first, 1):
        current = [row] + [0] * len(second)
        for column, right in enumerate(second, 1):
            current[column] = min(
                previous[column] + 1,
                current[column - 1] + 1,
                previous[column - 1] + (left != right),
            )
            if row > 1 and column > 1 and left == second[column - 2] and first[row - 2] == right:
                current[column] = min(current[column], before[column - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def lookalike(first: str, second: str) -> bool:
    """Two names a typing slip apart (two in long names), where the slip is not just a number (tenant1,
    tenant2)."""
    shorter = min(len(first), len(second))
    if first == second or shorter < MIN_LENGTH:
        return False
    if first.translate(_DIGITS) == second.translate(_DIGITS):
        return False
    limit = 1 if shorter < ONE_SLIP_BELOW else MAX_EDITS
    return edits(first, second, limit) <= limit


def _name(match: re.Match[str]) -> str:
    """The name a match holds: its last captured group ("@(contso)", "tenant is (contoso)"), or all of it."""
    return (match.group(match.lastindex) if match.lastindex else match.group()).lower()


class LookalikeFinder(SievedFinder):
    """Matches of its pattern that have a lookalike among the text's other matches of it, compared by the
    name each captures."""

    def _scan(self, text: Text) -> Iterator[re.Match[str]]:
        found = list(super()._scan(text))
        names = {_name(match) for match in found}
        if len(names) < 2:
            return
        alike = {name for name in names if any(lookalike(name, other) for other in names)}
        for match in found:
            if _name(match) in alike:
                yield match
