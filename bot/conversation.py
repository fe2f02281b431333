"""Answering in Slack threads: the replies a paste, a mention or a command gets, and the follow-ups.

Handlers parse requests and call these; the start-up replay of unanswered events calls them too.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answer import checklist_for
from bot.blocks import USAGE, Message, answer_messages, cause_messages, checklist_message, summary_message
from bot.deps import Deps
from bot.metrics import slack_error
from bot.store import Triage
from bot.triage import Outcome
from knowledge.model import Side

SECRET_WARNING = (
    "Your message seems to contain a {kinds}. Please delete the message and rotate that secret: I cannot "
    "delete other people's messages. I did not store or repeat it."
)
NOT_IN_CHANNEL = ("not_in_channel", "channel_not_found", "is_archived")
INVITE = (
    "I am not in this channel, so only you can see this answer. "
    "Invite me with `/invite @why401` and I will answer in the channel."
)


async def post(
    client: AsyncWebClient, deps: Deps, channel: str, message: Message, **extra: Any
) -> str | None:
    """Post one message; a failed call is logged with context and returns None instead of raising."""
    try:
        response = await client.chat_postMessage(channel=channel, **message.payload(), **extra)
    except SlackApiError as error:
        deps.logger.warning(
            "chat.postMessage failed",
            extra={"channel": channel, "error": slack_error("chat.postMessage", error)},
        )
        return None
    return str(response["ts"])


async def warn_about_secrets(
    client: AsyncWebClient, deps: Deps, outcome: Outcome, channel: str, user: str
) -> None:
    """Tell only the poster that their paste holds a secret; the secret itself is never repeated."""
    if not outcome.secrets:
        return
    text = SECRET_WARNING.format(kinds=" and a ".join(outcome.secrets))
    try:
        await client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError as error:
        deps.logger.warning(
            "secret warning failed",
            extra={"channel": channel, "error": slack_error("chat.postEphemeral", error)},
        )


async def post_answer(
    client: AsyncWebClient, deps: Deps, outcome: Outcome, channel: str, thread_ts: str, *, start: int = 0
) -> bool:
    """Post the answer and its checklist in the thread, from message `start` on; True when all went out.

    Each message is counted as it goes out, so a retry after a partial failure posts only what is missing.
    """
    assert outcome.triage_id is not None and outcome.answer.lead is not None
    messages = answer_messages(outcome.answer, outcome.triage_id)
    cause = outcome.answer.lead.cause
    messages.append(checklist_message(cause, checklist_for(cause), outcome.triage_id, {}))
    for index, message in enumerate(messages[start:], start):
        ts = await post(client, deps, channel, message, thread_ts=thread_ts)
        if ts is None:
            return False
        if index == 0:
            await deps.db(deps.store.set_answer, outcome.triage_id, channel, ts)
        await deps.db(deps.store.count_posted, outcome.triage_id, index + 1)
    return True


async def _finish_earlier_answer(
    client: AsyncWebClient, deps: Deps, triage: Triage, channel: str, thread_ts: str
) -> bool:
    """A retried event whose answer was cut short: post what is missing of that same answer."""
    rebuilt = deps.triager.answer_for(triage.id)
    if rebuilt is None or rebuilt[0].lead is None:
        return True
    outcome = Outcome(triage.id, rebuilt[1], rebuilt[0], ())
    return await post_answer(client, deps, outcome, channel, thread_ts, start=triage.parts_posted)


async def answer_message(
    client: AsyncWebClient, deps: Deps, event: dict[str, Any], team_id: str, bot_user_id: str | None
) -> bool:
    """Answer a channel message or mention in its thread; True when nothing is left to do for it.

    Bots, edits, deletions and joins are ignored; a message that mentions the bot is left to the
    app_mention event Slack sends for it too, so it is answered once.
    """
    text = event.get("text")
    if event.get("subtype") or event.get("bot_id") or not event.get("user") or not isinstance(text, str):
        return True
    mention = event.get("type") == "app_mention"
    if not mention and (
        not deps.triager.classify.may_match(text) or (bot_user_id and f"<@{bot_user_id}" in text)
    ):
        return True
    channel, ts, user = event["channel"], event["ts"], event["user"]
    thread_ts = event.get("thread_ts") or ts
    earlier = await deps.db(deps.store.triage_for_message, team_id, channel, ts)
    if earlier is not None:
        return await _finish_earlier_answer(client, deps, earlier, channel, thread_ts)
    outcome = deps.triager.diagnose(text, team_id, None, mention)  # CPU-bound and short: a thread costs more
    await warn_about_secrets(client, deps, outcome, channel, user)
    diagnosis = outcome.diagnosis
    if not diagnosis.matched:
        if mention:
            return await post(client, deps, channel, Message(text=USAGE), thread_ts=thread_ts) is not None
        return True
    outcome = await deps.db(
        deps.triager.record,
        outcome,
        text,
        team_id=team_id,
        via="mention" if mention else "message",
        channel=channel,
        thread_ts=thread_ts,
        message_ts=ts,
        user=user,
        once_per_thread=not mention,
    )
    if outcome.triage_id is None:  # another paste in this thread, just now, got this same answer
        return True
    return await post_answer(client, deps, outcome, channel, thread_ts)


async def refresh_checklist(
    client: AsyncWebClient, deps: Deps, triage_id: int, channel: str, ts: str
) -> None:
    """Re-render a checklist message from the stored ticks, for everyone in the thread."""
    rebuilt = deps.triager.answer_for(triage_id)
    if rebuilt is None or rebuilt[0].lead is None:
        return
    cause = rebuilt[0].lead.cause
    ticks = {item: (mark.user, mark.at) for item, mark in deps.store.checklist(triage_id).items()}
    message = checklist_message(cause, checklist_for(cause), triage_id, ticks)
    try:
        await client.chat_update(channel=channel, ts=ts, **message.payload())
    except SlackApiError as error:
        deps.logger.warning(
            "checklist update failed", extra={"channel": channel, "error": slack_error("chat.update", error)}
        )


async def show_cause(
    client: AsyncWebClient, deps: Deps, *, triage_id: int, cause_id: str, channel: str, thread_ts: str
) -> None:
    """Post another candidate's remediation in the thread."""
    cause = deps.catalog.causes.get(cause_id)
    if cause is None:
        return
    for message in cause_messages(cause, triage_id):
        await post(client, deps, channel, message, thread_ts=thread_ts)


async def post_due_followups(client: AsyncWebClient, deps: Deps, now: float | None = None) -> int:
    """Post every reminder whose wait is over in its thread; returns how many went out."""
    sent = 0
    for followup in await deps.db(deps.store.due_followups, now):
        if await post(
            client, deps, followup.channel, Message(text=followup.text), thread_ts=followup.thread_ts
        ):
            await deps.db(deps.store.complete_followup, followup.id)
            sent += 1
    return sent


async def followup_loop(client: AsyncWebClient, deps: Deps, interval: float = 60.0) -> None:
    """Post due reminders every `interval` seconds until cancelled."""
    while True:
        try:
            await post_due_followups(client, deps, time.time())
        except Exception:  # the loop must outlive a bad row or a network error
            deps.logger.exception("follow-up pass failed")
        await asyncio.sleep(interval)


async def answer_command(
    client: AsyncWebClient,
    deps: Deps,
    respond: Any,
    *,
    team_id: str,
    channel: str,
    user: str,
    text: str,
    side_hint: Side | None = None,
    via: str = "command",
) -> None:
    """Answer /why401 TEXT or the paste form: a line naming the asker, then the answer in its thread.

    When the bot is not in the channel, the asker gets the whole answer privately, with how to invite it.
    """
    outcome = deps.triager.diagnose(text, team_id, side_hint, True)
    await warn_about_secrets(client, deps, outcome, channel, user)
    if not outcome.diagnosis.matched:
        await respond(
            response_type="ephemeral", text=f"That does not look like a MigrationWiz 401 to me. {USAGE}"
        )
        return
    summary = summary_message(outcome.answer, user)
    try:
        response = await client.chat_postMessage(channel=channel, **summary.payload())
    except SlackApiError as error:
        code = slack_error("chat.postMessage", error)
        if code not in NOT_IN_CHANNEL:
            deps.logger.warning("chat.postMessage failed", extra={"channel": channel, "error": code})
            await respond(
                response_type="ephemeral", text="Slack refused my answer just now; please try again."
            )
            return
        outcome = await deps.db(deps.triager.record, outcome, text, team_id=team_id, via=via, user=user)
        assert outcome.triage_id is not None
        for message in answer_messages(outcome.answer, outcome.triage_id):
            await respond(response_type="ephemeral", **message.payload())
        await respond(response_type="ephemeral", text=INVITE)
        return
    ts = str(response["ts"])
    outcome = await deps.db(
        deps.triager.record,
        outcome,
        text,
        team_id=team_id,
        via=via,
        channel=channel,
        thread_ts=ts,
        message_ts=ts,
        user=user,
    )
    await post_answer(client, deps, outcome, channel, ts)
