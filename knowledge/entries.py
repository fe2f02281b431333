"""A pasted thread, handover or timeline read as entries: where each timestamped reply or line begins.

"Yusuf  16:05", "[09:14] Priya R:", "Jana (yesterday 4:02 PM)", "• Day 15, 11:40:" and "Mon 09:00" all open
an entry. Entries come in the order things happened, so what a later one says outlives an earlier one.
"""

from __future__ import annotations

import re

# After a line break: an optional bullet, up to three short words (a name, a weekday, a date), maybe a dash
# and a weekday, and a time; not a log line, which opens with an ISO date.
_WORD = r"[^\s:]{1,24}+[ \t,]++"
_ENTRY_START = re.compile(
    rf"\n[ \t]*+(?:[-•*]|\d{{1,2}}[.)])?[ \t]*(?!\[?\d{{4}}-)"
    rf"(?:{_WORD}){{0,3}}(?:[-–—|·][ \t]+(?:{_WORD})?)?[\[(]?"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[ap]\.?m\.?)?(?![\d:]\d)",
    re.IGNORECASE,
)


def entry_starts(text: str) -> list[int]:
    """Where each entry after the first begins: the start of a timestamped line past the text's opening."""
    if "\n" not in text or ":" not in text:
        return []
    return [match.start() + 1 for match in _ENTRY_START.finditer(text)]
