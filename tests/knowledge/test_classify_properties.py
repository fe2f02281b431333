"""Whatever arrives, the classifier answers with a well-formed classification object."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.classify import CHATTER
from knowledge.classify import MAX_ANALYSED_CHARS, classify, default_classifier
from knowledge.load import default_catalog
from tests.cases import OWN_CASES, read_cases

FORMS = {"credentials-check-failed", "database-not-found", "basic-auth-disabled", "other-401"}
FRAGMENTS = [
    "401",
    "Unauthorized",
    "AADSTS50076",
    "source",
    "destination",
    "Basic Auth Disabled",
    "DatabaseNotFoundException",
    "password",
    "MFA",
    "&amp;",
    "<https://x|y>",
    "```",
    "401(k)",
    "room",
    "\x00",
    "é",
    "漢字",
    "\U0001f525",
]


def assert_valid(result: dict[str, Any]) -> None:
    """The CONTRACT.md classification object, checked field by field."""
    assert isinstance(result["matched"], bool)
    assert result["endpoint"] in (None, "source", "destination")
    ids = set(default_catalog().causes)
    if result["matched"]:
        assert result["form"] in FORMS
        assert result["causes"], "a match always ranks causes"
    else:
        assert result["form"] is None
        assert result["causes"] == []
    scores = [cause["score"] for cause in result["causes"]]
    assert scores == sorted(scores, reverse=True)
    for cause in result["causes"]:
        assert cause["id"] in ids
        assert 0.0 <= cause["score"] <= 1.0
        assert cause["evidence"] and all(isinstance(e, str) and e for e in cause["evidence"])
    json.dumps(result)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_gives_a_valid_object(text: str) -> None:
    assert_valid(classify(text).to_dict())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=60).map(" ".join))
def test_error_like_text_gives_a_valid_object(text: str) -> None:
    assert_valid(classify(text).to_dict())


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=4000))
def test_binary_junk_gives_a_valid_object(data: bytes) -> None:
    assert_valid(classify(data.decode("utf-8", errors="replace")).to_dict())


def test_empty_and_blank_texts_are_not_matched() -> None:
    for text in ("", "   ", "\n\t\n"):
        diagnosis = classify(text)
        assert not diagnosis.matched
        assert diagnosis.notes == ("The text is empty.",)


def test_a_huge_paste_is_read_up_to_a_bound_and_says_so() -> None:
    error = (
        "401 Unauthorized - Basic Auth Disabled: MigrationWiz has detected that Basic Authentication is off."
    )
    diagnosis = classify(error + " lorem ipsum" * 100_000)
    assert diagnosis.matched
    assert diagnosis.causes[0].id == "modern-auth-not-configured"
    assert any(f"{MAX_ANALYSED_CHARS:,}" in note for note in diagnosis.notes)


def test_an_error_past_the_bound_is_not_read() -> None:
    diagnosis = classify("x" * MAX_ANALYSED_CHARS + " 401 Unauthorized checking source credentials")
    assert not diagnosis.matched
    assert diagnosis.notes


def test_pathological_repetition_still_classifies() -> None:
    """Long runs that make backtracking patterns explode: every catalog pattern stays linear."""
    for unit in ("a ", "401 ", "password ", "aaaa", " \t", "mfa mfa ", "created "):
        text = unit * (MAX_ANALYSED_CHARS // len(unit))
        assert_valid(classify(text).to_dict())


def test_talk_about_401s_is_left_alone_unless_the_bot_is_asked() -> None:
    """A post-mortem or a training note is not a live failure, but a direct question still gets an answer."""
    talk = (
        "post-mortem for the Tailspin cutover: the 401 Unauthorized on the destination was security defaults"
    )
    assert not classify(talk).matched
    asked = default_classifier()(talk, asked=True)
    assert asked.matched
    assert asked.causes[0].id == "security-defaults"


def test_talk_that_says_the_failure_is_happening_now_is_answered() -> None:
    text = "writing the runbook while verify creds on the destination fails right now with 401 Unauthorized"
    assert classify(text).matched


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40).map(" ".join))
def test_a_text_the_prefilter_passes_over_is_never_answered(text: str) -> None:
    """The inbox and the thread listener skip channel messages may_match rejects, so it must be a necessary
    condition for them; put to the bot directly, a message of this domain is answered without it."""
    classifier = default_classifier()
    if not classifier.may_match(text):
        assert not classifier(text).matched
        asked = classifier(text, asked=True)
        assert not asked.matched or any("put to the bot" in note for note in asked.notes)


def test_every_labelled_failure_passes_the_prefilter() -> None:
    classifier = default_classifier()
    missed = [
        case["text"][:80]
        for case in read_cases(OWN_CASES)
        if case["matched"]
        and (asked := classifier(case["text"], asked=True)).matched
        and not any("put to the bot" in note for note in asked.notes)
        and not classifier.may_match(case["text"])
    ]
    assert missed == []


@pytest.mark.parametrize("message", CHATTER)
def test_ordinary_chatter_is_rejected_before_any_pattern_runs(message: str) -> None:
    """The benchmark's chatter rate depends on this: a new phrase must not lead with a common word."""
    assert not default_classifier().may_match(message)


def test_common_words_holding_a_short_literal_do_not_pass_the_prefilter() -> None:
    classifier = default_classifier()
    chatter = "shared the runbook tomorrow, all good, tired but fine. "
    assert not classifier.may_match(chatter)
    assert not classifier.may_match(chatter * 20)  # a long text is checked literal by literal instead
    assert classifier.may_match("the source is still red in MigrationWiz")
    assert classifier.may_match("MWは401です")  # Japanese joined to the code still shows its 401
