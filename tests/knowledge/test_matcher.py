"""Looking a pattern up only where its leading literals stand finds exactly what a full search finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.load import default_catalog
from knowledge.matcher import (
    JOINED_LETTERS,
    Finder,
    Finders,
    FinderSet,
    SievedFinder,
    Text,
    later_words,
    literal_heads,
    seam_scripts,
)
from knowledge.sides import SIDE_FINDERS
from knowledge.slacktext import clean
from tests.cases import OWN_CASES, read_cases

# Sieved clues keep only some of their pattern's matches on purpose (test_lookalikes.py, test_dates.py).
FINDERS = [
    finder
    for finder in (*SIDE_FINDERS, *(f for article in default_catalog().articles for f in article.finders()))
    if not isinstance(finder, SievedFinder)
]
WORDS = sorted(
    {
        word
        for finder in FINDERS
        for word in re.findall(r"[a-z0-9]{2,}|[%$#/.,:()<@-]", finder.pattern.pattern.replace("\\s", " "))
    }
)


@pytest.mark.parametrize(
    ("source", "heads"),
    [
        (r"\bmfa\b|\b2fa\b", {("mfa", True), ("2fa", True)}),
        (r"unauthori[sz]ed", {("unauthorised", False), ("unauthorized", False)}),
        (r"\b1[3-9]\s+days", {(f"1{d} days", True) for d in "3456789"}),
        (r"\bat\s+(?:the\s+same\s+time|once)", {("at the same ", True), ("at once", True)}),
        (r"(?<!open )\bsource", {("source", True)}),
        (r"(?<=rights )(?:assigned|granted)", {("assigned", True), ("granted", True)}),
        (r"\A(?:fixed|sorted)\b", {("fixed", True), ("sorted", True)}),
        (r"(?<=\d),401", {(",401", False)}),
        (r"(?<=x)abc", {("abc", False)}),
        (r"\w+ failed", None),
        (r"\bx?", None),
    ],
)
def test_leading_literals(source: str, heads: set[tuple[str, bool]] | None) -> None:
    assert literal_heads(re.compile(source, re.IGNORECASE)) == heads


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (r"\bmw\s+(?:just\s+)?(?:fails|refuses)\b", {"fails", "refuses"}),
        (r"\b(?:mw|project)\s+(?:\S+\s+)?still\s+(?:has|holds)\b", {"still"}),  # after an optional word too
        (r"\b(?:mw\s+fails|verify\s+died)\b", {"fails", "died"}),  # each alternative its own
        (r"\banyone\s+(?:already\s+hit|already\s+ran)\b", {"already"}),  # cut to the word they share
        (r"\bside\s+project\b", {"project"}),
        (r"\bdatabasenotfound", None),  # one literal: nothing past its start
        (r"\bx(?:\S+\s+)?still", None),  # "xstill": not always at a word start
        (r"\bmw\s+(?:is|was)\s+down", {"down"}),
        (r"\bmw\s+(?:is|was)\b", {"is", "was"}),
        (r"\bmw\s+(?:a|i)\b", None),  # one letter begins too many words
        (r"\bx\s+\w+", None),
        (r"\bsync\s+(?:is\s+|are\s+)?(?:running|started)\b", {"running", "started"}),  # past either way
        (r"\bfails?\s+on\s+(?:the\s+)?(?:source|src)\b", {"source", "src"}),  # the rarer part
    ],
)
def test_words_every_match_holds_past_its_start(source: str, words: set[str] | None) -> None:
    assert later_words(re.compile(source, re.IGNORECASE)) == words


def test_a_pattern_whose_later_words_a_text_lacks_is_not_tried_there() -> None:
    group = Finders(Finder(re.compile(p)) for p in (r"\bmw\s+(?:just\s+)?fails\b", r"\bmw\s+is\b"))
    prepared = FinderSet(group).prepare(Text("MW is fine, it never failed"))
    assert {finder.pattern.pattern for finder in group.live(prepared)} == {r"\bmw\s+is\b"}
    assert [f.first(prepared) is not None for f in group] == [False, True]


def test_a_pattern_whose_later_word_is_short_is_not_tried_where_no_word_begins_with_it() -> None:
    group = Finders([Finder(re.compile(r"\bfails?\s+on\s+(?:the\s+)?(?:src|dst)\b"))])
    assert not group.live(FinderSet(group).prepare(Text("MW fails on the source")))
    assert group.live(FinderSet(group).prepare(Text("MW fails on dst")))


PREPARER = FinderSet(FINDERS)


def _same_as_full_search(text: Text) -> None:
    for finder in FINDERS:
        expected = finder.pattern.search(text.lower)
        found = finder.first(text)
        assert (found is None) == (expected is None), finder.pattern.pattern
        if found is not None and expected is not None:
            assert found.start() == expected.start(), finder.pattern.pattern


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS) | st.sampled_from([" ", "  ", "\n", "-", "'", "x", "Error"]), max_size=40)
)
def test_lookup_agrees_with_a_full_search_on_catalog_words(parts: list[str]) -> None:
    """Words glued together too, so literals that may start inside a word are exercised; looked up both
    on demand and the way the classifier does, from one pass over the text's words."""
    _same_as_full_search(Text("".join(parts)))
    _same_as_full_search(PREPARER.prepare(Text("".join(parts))))


def test_lookup_from_one_pass_over_the_words_agrees_with_a_full_search_on_real_pastes() -> None:
    """Every tenth of this project's cases: run-on literals ("401 mailboxes"), in-word ones and CJK."""
    for case in read_cases(OWN_CASES)[::10]:
        _same_as_full_search(PREPARER.prepare(Text(clean(case["text"]))))


def test_a_literal_both_at_a_word_start_and_inside_a_word_is_found_inside_a_word() -> None:
    finder = Finder(re.compile(r"impersonat\w*\s+denied|(?<=to )\bimpersonate", re.IGNORECASE))
    assert finder.first(Text("EWS: ErrorImpersonateUserDenied denied")) is not None


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_lookup_agrees_with_a_full_search_on_any_text(raw: str) -> None:
    _same_as_full_search(Text(raw))
    _same_as_full_search(PREPARER.prepare(Text(raw)))


def test_most_patterns_are_lowercase_and_need_not_ignore_case() -> None:
    assert sum(not finder.pattern.flags & re.IGNORECASE for finder in FINDERS) > len(FINDERS) / 2
    assert Finder(re.compile(r"\bfails?\b")).pattern.flags & re.IGNORECASE == 0
    for source in (r"\bFails", r"λογαριασμοσ", r"kullanıcı"):  # a capital, a σ that may end as ς, a dotless ı
        assert Finder(re.compile(source)).pattern.flags & re.IGNORECASE


# each pattern that does not ignore case, beside the same pattern ignoring it
CASE_KEEPING = [
    (finder.pattern, re.compile(finder.pattern.pattern, finder.pattern.flags | re.IGNORECASE))
    for finder in FINDERS
    if not finder.pattern.flags & re.IGNORECASE
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(WORDS)
        | st.sampled_from([" ", "\n", "-", "FAILS", "Σ", "İ", "ẞ", "\u212a", "ÉCHOUE"]),
        max_size=40,
    )
)
def test_a_pattern_that_does_not_ignore_case_finds_in_a_cleaned_text_what_ignoring_it_finds(
    parts: list[str],
) -> None:
    """Capitals of every kind, as the classifier sees them: cleaned, then lowercased."""
    text = Text(clean("".join(parts)))
    for pattern, caseless in CASE_KEEPING:
        expected = caseless.search(text.lower)
        found = pattern.search(text.lower)
        assert (found and found.span()) == (expected and expected.span()), pattern.pattern


def test_text_collapses_white_space_and_keeps_case_for_snippets() -> None:
    text = Text("Basic  Auth\n\tDisabled")
    assert text.lower == "basic auth disabled"
    assert text.span_text(0, 10) == "Basic Auth"


@settings(max_examples=200)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.text(alphabet="ab1 語\n\t", max_size=80)
)
def test_each_line_starts_where_its_words_stand_in_the_single_spaced_text(raw: str) -> None:
    """A question asked on one line does not reach back into the line above it."""
    text = Text(raw)
    lines = [Text(line).original for line in raw.split("\n") if line.split()]
    starts = text.line_starts()
    assert len(starts) == len(lines)
    assert [
        text.original[start : start + len(line)] for start, line in zip(starts, lines, strict=True)
    ] == lines


@pytest.mark.parametrize(
    ("raw", "spaced"),
    [("MWは401 Unauthorized", "MW は 401 Unauthorized"), ("소스가 401로 실패", "소스가 401 로 실패")],
)
def test_text_parts_japanese_chinese_and_korean_from_latin_letters_and_digits(raw: str, spaced: str) -> None:
    """Those scripts join words to particles, so the seam is where `\\b` can find "401" or "MW"."""
    text = Text(raw)
    assert text.original == spaced
    assert re.search(r"\b401\b", text.lower)


def test_a_group_offers_a_prepared_text_only_the_finders_that_may_match_there() -> None:
    group = Finders(Finder(re.compile(p)) for p in (r"\bmfa\b", r"\bsecurity\s+defaults\b", r"\b401\b"))
    prepared = FinderSet(group).prepare(Text("401 right after the MFA prompt"))
    assert {finder.pattern.pattern for finder in group.live(prepared)} == {r"\bmfa\b", r"\b401\b"}
    assert list(group.live(Text("security defaults"))) == list(group)  # not prepared: all may match


@pytest.mark.parametrize(
    ("text", "seamed"),
    [
        ("MWは401", "MW は 401"),
        ("a日b", "a 日 b"),
        ("日本語だけ", "日本語だけ"),
        ("no joined letters at all", "no joined letters at all"),
        ("401エラー、ソース側", "401 エラー、ソース側"),
        ("é日", "é日"),  # only Latin letters and digits get a space, as word starts need one
        ("", ""),
    ],
)
def test_a_space_goes_where_joined_letters_meet_latin_letters_or_digits(text: str, seamed: str) -> None:
    assert seam_scripts(text) == seamed


_SEAM_BY_LOOKAROUND = re.compile(
    rf"(?<=[{JOINED_LETTERS}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{JOINED_LETTERS}])"
)


@settings(max_examples=300)
@given(st.text(alphabet="aZ09 é.、日本はエ한국ｱ", max_size=40))
def test_seaming_agrees_with_a_look_behind_and_ahead_at_every_character(text: str) -> None:
    assert seam_scripts(text) == _SEAM_BY_LOOKAROUND.sub(" ", text)


@settings(max_examples=200)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.text(alphabet="ab1_ -.:'\n", max_size=60)
)
def test_a_texts_words_stand_where_a_word_search_finds_them(raw: str) -> None:
    """ASCII texts are split with an ASCII-only pattern: the words and places must be the same."""
    text = Text(raw)
    expected: dict[str, list[int]] = {}
    for match in re.finditer(r"\w+", text.lower):
        expected.setdefault(match.group(), []).append(match.start())
    assert text.words() == expected
