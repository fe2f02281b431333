"""The real app over real HTTP with signed requests, answering into a fake Slack Web API."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.__main__ import mode
from bot.app import build_app, build_deps
from bot.blocks import CHECKLIST_TOGGLE, FEEDBACK_FIXED, REMIND, SHOW_CAUSE
from bot.config import Settings
from bot.socket_mode import SocketModeRunner
from bot.store import Store
from tests.bot.slackapp import (
    BASIC_AUTH,
    CHANNEL,
    USER,
    SlackBot,
    channel_message,
    event_body,
    message_ts,
    signed_headers,
)
from tests.fakes.slack import Call, FakeSlack


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait, bounded, for state the bot changes after its last Slack call."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def in_thread(thread_ts: str):  # type: ignore[no-untyped-def]
    return lambda call: call.args.get("thread_ts") == thread_ts


def block_text(call: Call) -> str:
    parts = [call.args.get("text", "")]
    for block in call.args.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text.get("text", ""))
        for element in block.get("elements", []) + ([block["accessory"]] if "accessory" in block else []):
            label = element.get("text")
            parts.append(label.get("text", "") if isinstance(label, dict) else str(label or ""))
    return "\n".join(parts)


async def test_a_pasted_error_is_answered_in_its_thread(bot: SlackBot, fake: FakeSlack) -> None:
    ts = message_ts()
    response = await bot.send_event(channel_message("dest side: " + BASIC_AUTH, ts=ts))
    assert response.status == 200
    replies = await fake.wait_for("chat.postMessage", in_thread(ts), count=2)
    answer, checklist = block_text(replies[0]), block_text(replies[1])
    assert "Likely: Modern authentication" in answer
    assert "Basic Auth Disabled" in answer  # the evidence
    assert "What to do" in answer and "Other candidates" in answer
    assert "help.bittitan.com" in answer
    assert "Checklist" in checklist and "0 of" in checklist
    assert all(call.args["channel"] == CHANNEL for call in replies)


async def _answered(fake: FakeSlack, bot: SlackBot, thread_ts: str) -> list[Call]:
    """Replies in a thread, known to be complete: a sentinel paste sent after it has been answered."""
    sentinel = message_ts()
    await bot.send_event(channel_message(BASIC_AUTH, ts=sentinel))
    await fake.wait_for("chat.postMessage", in_thread(sentinel), count=2)
    return [call for call in fake.calls_to("chat.postMessage") if call.args.get("thread_ts") == thread_ts]


@pytest.mark.parametrize(
    "event",
    [
        channel_message("merged PR 401, thanks!"),
        channel_message("Can we meet in room 401?"),
        channel_message(BASIC_AUTH, bot_id="B0OTHER"),
        channel_message(BASIC_AUTH, subtype="message_changed"),
        channel_message(BASIC_AUTH, subtype="channel_join"),
        {"type": "message", "subtype": "message_deleted", "channel": CHANNEL, "ts": message_ts()},
    ],
    ids=["chatter", "room", "bot", "edit", "join", "deletion"],
)
async def test_chatter_bots_edits_deletions_and_joins_get_no_answer(
    bot: SlackBot, fake: FakeSlack, event: dict
) -> None:  # type: ignore[type-arg]
    response = await bot.send_event(event)
    assert response.status == 200
    assert await _answered(fake, bot, event["ts"]) == []


async def test_the_bots_own_message_is_ignored(bot: SlackBot, fake: FakeSlack) -> None:
    event = channel_message(BASIC_AUTH, user=FakeSlack.BOT_USER_ID, bot_id=FakeSlack.BOT_ID)
    await bot.send_event(event)
    assert await _answered(fake, bot, event["ts"]) == []


async def test_retries_and_duplicates_get_exactly_one_answer(bot: SlackBot, fake: FakeSlack) -> None:
    event = channel_message(BASIC_AUTH)
    for retry in ("", "1", "2", "3"):
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        response = await bot.send_event(event, event_id="Ev0RETRIED", **headers)
        assert response.status == 200
    assert len(await _answered(fake, bot, event["ts"])) == 2  # one answer and its checklist


async def test_the_same_diagnosis_is_not_answered_twice_in_a_thread(bot: SlackBot, fake: FakeSlack) -> None:
    root = message_ts()
    await bot.send_event(channel_message(BASIC_AUTH, ts=root))
    await fake.wait_for("chat.postMessage", in_thread(root), count=2)
    await bot.send_event(channel_message("again: " + BASIC_AUTH, ts=message_ts(), thread_ts=root))
    assert len(await _answered(fake, bot, root)) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
        {},
        "stale",
        "future",
        "wrong-secret",
    ],
    ids=["forged", "no-signature", "no-headers", "stale", "future", "wrong-secret"],
)
async def test_unsigned_or_badly_signed_requests_are_refused(bot: SlackBot, fake: FakeSlack, headers) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(event_body(channel_message(BASIC_AUTH)))
    if headers == "stale":
        headers = signed_headers(body, timestamp=int(time.time()) - 301)
    elif headers == "future":
        headers = signed_headers(body, timestamp=int(time.time()) + 301)
    elif headers == "wrong-secret":
        headers = signed_headers(body, secret="not-the-secret")
    response = await bot.post(body, "application/json", headers)
    assert response.status == 401
    assert [call.method for call in fake.calls] == ["auth.test"]  # the one call made at start-up
    assert bot.store.pending_events() == []


async def test_a_mention_without_an_error_gets_usage_help(bot: SlackBot, fake: FakeSlack) -> None:
    ts = message_ts()
    await bot.send_event(
        {**channel_message(f"<@{FakeSlack.BOT_USER_ID}> hello?", ts=ts), "type": "app_mention"}
    )
    (reply,) = await fake.wait_for("chat.postMessage", in_thread(ts))
    assert "/why401" in reply.args["text"]


async def test_a_message_mentioning_the_bot_is_answered_once(bot: SlackBot, fake: FakeSlack) -> None:
    text = f"<@{FakeSlack.BOT_USER_ID}> {BASIC_AUTH}"
    event = channel_message(text)
    await bot.send_event(event)
    await bot.send_event({**event, "type": "app_mention"})
    assert len(await _answered(fake, bot, event["ts"])) == 2


async def test_slash_command_names_the_asker_and_answers_in_the_thread(
    bot: SlackBot, fake: FakeSlack
) -> None:
    started = time.monotonic()
    response = await bot.slash("source: AADSTS50126 invalid username or password")
    assert response.status == 200
    assert time.monotonic() - started < 3
    (summary,) = await fake.wait_for("chat.postMessage", lambda call: "thread_ts" not in call.args)
    assert f"<@{USER}>" in summary.args["text"] and "Username or password" in summary.args["text"]
    thread = await fake.wait_for("chat.postMessage", in_thread(summary.response["ts"]), count=2)
    assert "Likely: Username or password is wrong" in block_text(thread[0])


async def test_slash_command_outside_the_channel_answers_privately(bot: SlackBot, fake: FakeSlack) -> None:
    fake.set_channel_member(CHANNEL, False)
    await bot.slash(BASIC_AUTH)
    replies = await fake.wait_for("response_url", count=2)
    everything = "\n".join(block_text(call) for call in replies)
    assert "Modern authentication" in everything
    assert "/invite" in everything
    assert all(call.args.get("response_type") == "ephemeral" for call in replies)


async def test_slash_command_alone_opens_the_paste_form(bot: SlackBot, fake: FakeSlack) -> None:
    await bot.slash("")
    (call,) = await fake.wait_for("views.open")
    assert call.args["trigger_id"] == "1337.42.abcd"
    assert call.args["view"]["private_metadata"] == CHANNEL


async def test_slash_help_and_stats(bot: SlackBot, fake: FakeSlack) -> None:
    await bot.slash("help", response_key="help")
    await bot.slash(BASIC_AUTH)
    await fake.wait_for("chat.postMessage", count=3)
    await bot.slash("stats", response_key="stats")
    calls = await fake.wait_for("response_url", count=2)
    help_call = next(call for call in calls if "help" in call.path)
    stats_call = next(call for call in calls if "stats" in call.path)
    assert "/why401" in help_call.args["text"]
    assert "Modern authentication" in block_text(stats_call) and "Last 7 days" in block_text(stats_call)


async def test_paste_form_submission_is_answered_in_the_channel(bot: SlackBot, fake: FakeSlack) -> None:
    view = {
        "id": "V0PASTE",
        "type": "modal",
        "callback_id": "why401_paste",
        "private_metadata": CHANNEL,
        "state": {
            "values": {
                "paste": {
                    "text": {
                        "type": "plain_text_input",
                        "value": "401 Unauthorized, users created an hour ago",
                    }
                },
                "side": {"side": {"type": "static_select", "selected_option": {"value": "destination"}}},
            }
        },
    }
    payload = {
        "type": "view_submission",
        "team": {"id": FakeSlack.TEAM_ID},
        "user": {"id": USER},
        "view": view,
    }
    response = await bot.interact(payload)
    assert response.status == 200
    (summary,) = await fake.wait_for("chat.postMessage", lambda call: "thread_ts" not in call.args)
    assert "destination" in summary.args["text"]
    thread = await fake.wait_for("chat.postMessage", in_thread(summary.response["ts"]), count=2)
    assert "newly" in block_text(thread[0]).lower() or "provision" in block_text(thread[0]).lower()


async def _answer(bot: SlackBot, fake: FakeSlack, text: str = BASIC_AUTH) -> tuple[str, Call, Call]:
    root = message_ts()
    await bot.send_event(channel_message(text, ts=root))
    answer, checklist = await fake.wait_for("chat.postMessage", in_thread(root), count=2)
    return root, answer, checklist


def _button_value(call: Call, action_id: str) -> str:
    for block in call.args["blocks"]:
        for element in block.get("elements", []) + ([block["accessory"]] if "accessory" in block else []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


async def test_ticking_a_step_records_who_and_updates_the_checklist(bot: SlackBot, fake: FakeSlack) -> None:
    root, _, checklist = await _answer(bot, fake)
    value = _button_value(checklist, CHECKLIST_TOGGLE)
    await bot.click(
        CHECKLIST_TOGGLE, value, message_ts=checklist.response["ts"], thread_ts=root, user="U0ONCALL"
    )
    (update,) = await fake.wait_for("chat.update")
    assert update.args["ts"] == checklist.response["ts"]
    assert "1 of" in block_text(update) and "done by <@U0ONCALL>" in block_text(update)
    triage_id = int(value.split(":")[0])
    assert set(bot.store.checklist(triage_id)) == {0}


async def test_show_posts_another_causes_fix_in_the_thread(bot: SlackBot, fake: FakeSlack) -> None:
    root, answer, _ = await _answer(bot, fake)
    value = _button_value(answer, SHOW_CAUSE)
    await bot.click(SHOW_CAUSE, value, message_ts=answer.response["ts"], thread_ts=root)
    cause_id = value.split(":")[1]
    title = bot.deps.catalog.causes[cause_id].title

    def shows_title(call: Call) -> bool:
        blocks = call.args.get("blocks") or [{}]
        return in_thread(root)(call) and blocks[0].get("text", {}).get("text") == title

    (shown,) = await fake.wait_for("chat.postMessage", shows_title)
    assert "What to do" in block_text(shown)


async def test_verdicts_are_stored_and_nudge_later_rankings(bot: SlackBot, fake: FakeSlack) -> None:
    root, _, checklist = await _answer(bot, fake, "401 Unauthorized on the destination")
    triage_id = int(_button_value(checklist, FEEDBACK_FIXED).split(":")[0])
    for _ in range(3):  # three triages where security defaults turned out to be the fix
        root, _, checklist = await _answer(bot, fake, "401 Unauthorized on the destination")
        value = f"{_button_value(checklist, FEEDBACK_FIXED).split(':')[0]}:security-defaults"
        await bot.click(FEEDBACK_FIXED, value, message_ts=checklist.response["ts"], thread_ts=root)
        await fake.wait_for("chat.postMessage", lambda call: "was the fix" in call.args.get("text", ""))
    history = bot.store.cause_history(FakeSlack.TEAM_ID)
    assert history["security-defaults"].fixed == 3
    before = bot.deps.triager.answer_for(triage_id)
    assert before is not None
    after = bot.deps.triager.diagnose("401 Unauthorized on the destination", FakeSlack.TEAM_ID)
    ranked_before = [cause.id for cause in before[1].causes]
    ranked_after = [cause.id for cause in after.diagnosis.causes]
    assert ranked_after.index("security-defaults") < ranked_before.index("security-defaults")
    assert any("changed the order" in note for note in after.diagnosis.notes)
    specific = bot.deps.triager.diagnose(BASIC_AUTH, FakeSlack.TEAM_ID)
    assert specific.diagnosis.causes[0].id == "modern-auth-not-configured"  # the text still decides


async def test_remind_posts_in_the_thread_when_due_even_after_a_restart(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = tmp_path / "why401.db"
    first = await SlackBot(fake, db).start()
    root, _, checklist = await _answer(
        first, fake, "401 on the destination, we created these users an hour ago"
    )
    await first.click(
        REMIND, _button_value(checklist, REMIND), message_ts=checklist.response["ts"], thread_ts=root
    )
    await fake.wait_for("chat.postMessage", lambda call: "remind this thread" in call.args.get("text", ""))
    (followup,) = first.store.due_followups(time.time() + 25 * 3600)
    await first.stop()
    with sqlite3.connect(db) as connection:  # the wait is over
        connection.execute("UPDATE followups SET due_at = ? WHERE id = ?", (time.time() - 1, followup.id))
    second = await SlackBot(fake, db, followup_interval=0.05).start()
    try:
        (reminder,) = await fake.wait_for(
            "chat.postMessage", lambda call: "wait for" in call.args.get("text", "")
        )
        assert reminder.args["thread_ts"] == root
        await eventually(lambda: second.store.due_followups(time.time()) == [])
    finally:
        await second.stop()


async def test_app_home_lists_recent_triages(bot: SlackBot, fake: FakeSlack) -> None:
    await _answer(bot, fake)
    await bot.send_event({"type": "app_home_opened", "user": USER, "channel": "D0HOME", "tab": "home"})
    (publish,) = await fake.wait_for("views.publish")
    assert publish.args["user_id"] == USER
    home = "\n".join(block["text"]["text"] for block in publish.args["view"]["blocks"] if "text" in block)
    assert "Recent triages" in home and "Modern authentication" in home
    assert "<https://why401-test.slack.com/" in home  # a link to the answer's thread


async def test_a_pasted_secret_is_warned_about_never_repeated_and_stored_redacted(
    bot: SlackBot, fake: FakeSlack
) -> None:
    secret = "Hunter2-Canary-9931"
    await _answer(bot, fake, f"{BASIC_AUTH} admin is mig@contoso.com password: {secret}")
    (warning,) = await fake.wait_for("chat.postEphemeral")
    assert warning.args["user"] == USER and "rotate" in warning.args["text"]
    assert all(secret not in json.dumps(call.args) for call in fake.calls)
    (triage,) = bot.store.recent_triages(FakeSlack.TEAM_ID)
    assert secret not in triage.text and "[redacted]" in triage.text


async def test_rate_limits_are_waited_out_and_nothing_is_lost(bot: SlackBot, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", times=2, status=429, retry_after=1)
    root = message_ts()
    await bot.send_event(channel_message(BASIC_AUTH, ts=root))
    attempts = await fake.wait_for("chat.postMessage", in_thread(root), count=4, timeout=10)
    assert [call.status for call in attempts] == [429, 429, 200, 200]
    assert attempts[2].at - attempts[1].at >= 1.0  # not before Retry-After


async def test_an_unanswered_event_is_finished_after_a_restart(fake: FakeSlack, tmp_path: Path) -> None:
    db = tmp_path / "why401.db"
    first = await SlackBot(fake, db).start()
    fake.fail("chat.postMessage", times=50, error="fatal_error")
    event = channel_message(BASIC_AUTH)
    assert (await first.send_event(event, event_id="Ev0PENDING")).status == 200
    await fake.wait_for(
        "chat.postMessage", lambda call: call.status == 200 and call.response.get("error") == "fatal_error"
    )
    await first.stop()
    assert [item.event_id for item in Store(db).pending_events()] == ["Ev0PENDING"]
    fake.fail("chat.postMessage", times=0)
    fake._failures.clear()
    second = await SlackBot(fake, db).start()
    try:
        ok = await fake.wait_for(
            "chat.postMessage", lambda call: in_thread(event["ts"])(call) and call.response.get("ok"), count=2
        )
        assert len(ok) == 2
        await eventually(lambda: second.store.pending_events() == [])
    finally:
        await second.stop()


async def test_health_reports_ready_with_the_database(bot: SlackBot) -> None:
    assert bot.http is not None
    async with bot.http.get(bot.url("/healthz")) as response:
        assert response.status == 200
        assert (await response.json()) == {"ok": True, "ready": True, "database": "ok"}


async def test_socket_mode_dispatches_events_and_acks_them(fake: FakeSlack, tmp_path: Path) -> None:
    settings = Settings(
        slack_bot_token=FakeSlack.BOT_TOKEN,
        slack_app_token=FakeSlack.APP_TOKEN,
        slack_api_url=fake.api_url,
        db_path=tmp_path / "why401.db",
    )
    store = Store(settings.db_path)
    deps = build_deps(settings, store)
    runner = SocketModeRunner(build_app(deps), deps)
    await runner.start()
    try:
        await fake.wait_for_socket()
        event = channel_message(BASIC_AUTH)
        ack = await fake.push_envelope("events_api", event_body(event))
        assert "envelope_id" in ack
        replies = await fake.wait_for("chat.postMessage", in_thread(event["ts"]), count=2)
        assert "Likely: Modern authentication" in block_text(replies[0])
    finally:
        await runner.stop()
        store.close()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "console"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "console"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "http"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "xapp-1"}, "socket"),
    ],
)
def test_the_environment_picks_the_mode(env: dict[str, str], expected: str) -> None:
    assert mode(Settings.from_env(env)) == expected


async def test_a_retry_after_a_restart_is_not_answered_again(fake: FakeSlack, tmp_path: Path) -> None:
    db = tmp_path / "why401.db"
    event = channel_message(BASIC_AUTH)
    first = await SlackBot(fake, db).start()
    await first.send_event(event, event_id="Ev0ONCE")
    await fake.wait_for("chat.postMessage", in_thread(event["ts"]), count=2)
    await first.stop()
    second = await SlackBot(fake, db).start()
    try:
        retry = await second.send_event(event, event_id="Ev0ONCE", **{"X-Slack-Retry-Num": "1"})
        assert retry.status == 200
        assert len(await _answered(fake, second, event["ts"])) == 2
    finally:
        await second.stop()
