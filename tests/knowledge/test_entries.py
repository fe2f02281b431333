"""Where the entries of a pasted thread or timeline begin, and how a Text keeps them."""

from __future__ import annotations

import pytest

from knowledge.entries import entry_starts
from knowledge.matcher import Text


@pytest.mark.parametrize(
    "header",
    [
        "Yusuf  16:05",
        "*Marek*  9:48 AM",
        "[09:14] Priya R: any luck?",
        "Jana (yesterday 4:02 PM)",
        "• Day 15, 11:40: root cause found",
        "- Tue 16:00: verify green",
        "@U04KQ2ZP1 2:03 PM",
        "*Liam Foster* - Tue 9:10 AM",
    ],
)
def test_a_timestamped_line_opens_an_entry(header: str) -> None:
    text = f"first line of the thread\n{header}\nthe reply"
    assert entry_starts(text) == [text.index(header)]


@pytest.mark.parametrize(
    "line",
    [
        "2024-03-11 13:52:07Z ERROR Source AutodiscoverProbe",  # a log line
        "Retried the eleven failed users at 09:00 and they passed",  # a time inside a sentence
        "nothing with a time here at all",
    ],
)
def test_log_lines_and_times_inside_sentences_open_no_entry(line: str) -> None:
    assert entry_starts(f"first line\n{line}\nlast line") == []


def test_a_text_keeps_its_entries_where_white_space_is_made_single() -> None:
    raw = "Ana  9:01\n  401   on the\tsource\nBen  9:05\n\nwhich admin?\n"
    text = Text(raw, entry_starts(raw))
    assert text.original == " ".join(raw.split())
    assert [text.original[start:][:8] for start in text.entries] == ["Ana 9:01", "Ben 9:05"]
    assert Text(raw).entries == (0,)
    assert Text("").entries == ()


def test_entries_survive_the_space_put_between_japanese_and_latin_letters() -> None:
    raw = "山田 10:42\nMWは401です\n佐藤 10:45\nソースですか"
    text = Text(raw, entry_starts(raw))
    assert [text.original[start:][:8] for start in text.entries] == ["山田 10:42", "佐藤 10:45"]
