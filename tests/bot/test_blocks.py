"""Block Kit builders: every message stays within Slack's limits and passes slack_sdk's own validation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.answer import Answer, build_answer, checklist_for
from bot.blocks import (
    Message,
    answer_messages,
    cause_messages,
    checklist_message,
    escape,
    home_view,
    paste_modal,
    stats_message,
    summary_message,
)
from knowledge.classify import classify
from knowledge.load import default_catalog
from knowledge.model import Step, Wait

CATALOG = default_catalog()
PASTES = {
    "basic-auth-disabled": "Your migration failed while checking destination credentials. "
    "401 Unauthorized - Http POST request to 'autodiscover-s.outlook.com' failed - Basic Auth Disabled",
    "generic": "MigrationWiz: Your migration failed while checking source credentials. "
    "The request failed with HTTP status 401: Unauthorized.",
    "security-defaults": "Project ran fine for two weeks, now destination Verify Credentials fails with "
    "401 Unauthorized; the tenant has Security Defaults enabled, sign-in says AADSTS50079.",
}


def _answer(key: str) -> Answer:
    answer = build_answer(CATALOG, classify(PASTES[key]))
    assert answer.matched and answer.lead is not None
    return answer


def _texts(node: Any) -> list[str]:
    """Every string under a "text" key, however deep: what Slack counts towards a message's size."""
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    if not isinstance(node, dict):
        return []
    return [t for k, v in node.items() for t in ([v] if k == "text" and isinstance(v, str) else _texts(v))]


def _buttons(block: dict[str, Any]) -> list[dict[str, Any]]:
    elements = [*block.get("elements", ()), *([block["accessory"]] if "accessory" in block else [])]
    return [element for element in elements if element.get("type") == "button"]


def assert_valid_blocks(blocks: list[dict[str, Any]], max_blocks: int = 50) -> None:
    assert 0 < len(blocks) <= max_blocks
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, f"slack_sdk cannot parse {block}"
        parsed.validate_json()
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        assert all(len(button["text"]["text"]) <= 75 for button in _buttons(block))


def assert_valid_message(message: Message) -> None:
    assert message.text.strip()
    assert_valid_blocks(message.blocks)
    assert sum(len(text) for text in _texts(message.blocks)) <= 10_000


def _section_texts(messages: list[Message]) -> list[str]:
    return [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section"]


@pytest.mark.parametrize("key", sorted(PASTES))
def test_real_answers_stay_within_limits(key: str) -> None:
    answer = _answer(key)
    assert answer.lead is not None
    messages = answer_messages(answer, triage_id=7)
    for message in [*messages, summary_message(answer, "U1")]:
        assert_valid_message(message)
    cause = answer.lead.cause
    assert_valid_message(checklist_message(cause, checklist_for(cause), 7, {0: ("U2", 1_700_000_000.0)}))
    body = "\n".join(_section_texts(messages))
    assert all(escape(step.do) in body for step in answer.steps)


def test_real_classifications_lead_as_expected() -> None:
    leads = {key: _answer(key).lead.cause.id for key in PASTES}  # type: ignore[union-attr]
    assert leads["basic-auth-disabled"] == "modern-auth-not-configured"
    assert leads["security-defaults"] == "security-defaults"
    assert _answer("generic").triage is not None  # no cause named: the triage path leads


@pytest.mark.parametrize("cause_id", sorted(CATALOG.causes))
def test_every_cause_renders_valid(cause_id: str) -> None:
    cause = CATALOG.causes[cause_id]
    for message in cause_messages(cause, 3):
        assert_valid_message(message)
    assert_valid_message(checklist_message(cause, checklist_for(cause), 3, {}))


def test_long_answer_is_split_and_nothing_is_dropped() -> None:
    answer = _answer("basic-auth-disabled")
    steps = tuple(Step(do=f"step-{n:02d} " + "check the endpoint settings. " * 25) for n in range(30))
    giant = "giant-" + "x" * 7000 + "-end"
    long_answer = dataclasses.replace(answer, steps=(*steps, Step(do=giant)))
    assert sum(len(step.do) for step in long_answer.steps) > 20_000
    messages = answer_messages(long_answer, triage_id=9)
    assert len(messages) > 1
    for message in messages:
        assert_valid_message(message)
    assert messages[0].blocks[0]["type"] == "header"
    assert all("continued" in m.text for m in messages[1:])
    body = "\n".join(_section_texts(messages))
    assert all(step.do in body for step in steps)
    assert giant in "".join(_section_texts(messages))  # a line over 3,000 chars is cut, not dropped
    assert "Source:" in str(messages[-1].blocks[-1])


def test_escape() -> None:
    assert escape("a & <b> c") == "a &amp; &lt;b&gt; c"
    assert escape("&lt;") == "&amp;lt;"
    assert escape("plain") == "plain"


def _labels(message: Message) -> list[str]:
    return [b["text"]["text"] for b in _buttons(message.blocks[-1])]


def _checklist(cause_id: str, ticks: dict[int, tuple[str, float]] | None = None) -> Message:
    cause = CATALOG.causes[cause_id]
    return checklist_message(cause, checklist_for(cause), 5, ticks or {})


def test_checklist_counts_ticks_and_offers_undo() -> None:
    cause = CATALOG.causes["wrong-credentials"]
    items = checklist_for(cause)
    message = _checklist("wrong-credentials", {1: ("U123", 1_700_000_000.0)})
    assert_valid_message(message)
    assert f"1 of {len(items)} done" in message.text
    assert f"1 of {len(items)} done" in message.blocks[0]["text"]["text"]
    rows = message.blocks[1 : 1 + len(items)]
    assert "done by <@U123>" in rows[1]["text"]["text"]
    assert "done by" not in rows[0]["text"]["text"]
    assert [row["accessory"]["text"]["text"] for row in rows] == ["Done", "Undo"] + ["Done"] * (
        len(items) - 2
    )
    assert [row["accessory"]["value"] for row in rows] == [f"5:{i}" for i in range(len(items))]
    assert _labels(message) == ["This fixed it", "Not this one"]  # no wait, so no reminder


def test_reminder_only_for_waits_up_to_48_hours() -> None:
    assert "Remind this thread in 24 h" in _labels(_checklist("new-account-provisioning"))
    assert not any("Remind" in label for label in _labels(_checklist("security-defaults")))  # 336 h
    cause = CATALOG.causes["wrong-credentials"]
    for hours, shown in ((48, True), (49, False)):
        waiting = dataclasses.replace(cause, wait=Wait(hours, "because"))
        labels = _labels(checklist_message(waiting, ("a",), 1, {}))
        assert (f"Remind this thread in {hours} h" in labels) is shown


def test_checklist_escapes_titles_and_items() -> None:
    cause = dataclasses.replace(CATALOG.causes["wrong-credentials"], title="A <!here> & B")
    message = checklist_message(cause, ("click <here>",), 2, {})
    assert "A &lt;!here&gt; &amp; B" in message.blocks[0]["text"]["text"]
    assert "click &lt;here&gt;" in message.blocks[1]["text"]["text"]


def test_paste_modal_is_a_valid_view() -> None:
    view = paste_modal("C42")
    assert len(view["title"]["text"]) <= 24
    assert len(view["blocks"]) <= 100
    assert view["private_metadata"] == "C42"
    View(**view).validate_json()


def test_home_view_and_stats_are_valid() -> None:
    recent = [
        ("2025-01-01 10:00: Wrong credentials", "https://example.slack.com/archives/C1/p1"),
        ("x <y>", None),
    ]
    week = [("Wrong credentials", 3, 1, 1), ("MFA required", 1, 0, 0)]
    for view in (home_view(recent, recent[:1], week), home_view([], [], [])):
        View(**view).validate_json()
        assert_valid_blocks(view["blocks"], max_blocks=100)
    for windows in ([(7, week), (30, week)], [(7, [])]):
        assert_valid_message(stats_message(windows))
    assert "fixed 1 of 2 judged" in str(stats_message([(7, week)]).blocks)


def test_long_notes_footer_counts_towards_the_message_budget() -> None:
    steps = tuple(Step(do=f"step {n} " + "s" * 272) for n in range(31))
    long_answer = dataclasses.replace(_answer("basic-auth-disabled"), steps=steps, notes=("n" * 1990,))
    for message in answer_messages(long_answer, triage_id=1):
        assert_valid_message(message)


@pytest.mark.parametrize("items", [tuple(f"item {n}" for n in range(60)), ("i" * 2900,) * 5])
def test_long_checklist_stays_within_limits(items: tuple[str, ...]) -> None:
    assert_valid_message(checklist_message(CATALOG.causes["wrong-credentials"], items, 1, {}))
