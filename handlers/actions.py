"""Buttons on an answer: tick a checklist step, show another cause, give a verdict, ask for a reminder,
run live checks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import (
    CHECKLIST_TOGGLE,
    FEEDBACK_FIXED,
    FEEDBACK_NOT_THIS,
    REMIND,
    RUN_PROBES,
    SHOW_CAUSE,
    Message,
)
from bot.conversation import post, refresh_checklist, show_cause
from bot.deps import Deps
from bot.probe_blocks import ProbePlace, probe_modal
from bot.probe_runs import may_probe

VERDICTS = {FEEDBACK_FIXED: "fixed", FEEDBACK_NOT_THIS: "not_this"}


@dataclass(frozen=True)
class Click:
    """A button click on one of the bot's messages: the triage and item from its value, and where it is."""

    triage_id: int
    item: str
    channel: str
    ts: str
    thread_ts: str
    user: str


def _click(body: dict[str, Any]) -> Click | None:
    """The click, or None when its value or place is not one the bot's buttons carry."""
    try:
        action = body["actions"][0]
        triage, _, item = str(action["value"]).partition(":")
        message = body.get("message") or {}
        container = body.get("container") or {}
        channel = (body.get("channel") or container).get("id") or container["channel_id"]
        ts = message.get("ts") or container["message_ts"]
        return Click(
            int(triage), item, str(channel), str(ts), str(message.get("thread_ts") or ts), body["user"]["id"]
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None


async def _clicked(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> Click | None:
    """Acknowledge a click, and return it if it points at a triage the bot knows; a stale or forged
    button is acknowledged and ignored."""
    click = _click(body)
    await ack()
    if click is None or await deps.db(deps.store.triage, click.triage_id) is None:
        return None
    return click


def register(app: AsyncApp, deps: Deps) -> None:
    @app.action(CHECKLIST_TOGGLE)
    async def toggle(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        click = await _clicked(ack, body, deps)
        if click is None or not click.item.isdigit():
            return
        await deps.db(deps.store.toggle_item, click.triage_id, int(click.item), click.user)
        await refresh_checklist(client, deps, click.triage_id, click.channel, click.ts)

    @app.action(SHOW_CAUSE)
    async def show(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        click = await _clicked(ack, body, deps)
        if click is None:
            return
        await show_cause(
            client,
            deps,
            triage_id=click.triage_id,
            cause_id=click.item,
            channel=click.channel,
            thread_ts=click.thread_ts,
        )

    async def verdict(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        click = await _clicked(ack, body, deps)
        if click is None:
            return
        kind = VERDICTS[body["actions"][0]["action_id"]]
        await deps.db(deps.store.record_verdict, click.triage_id, click.item, kind, click.user)
        cause = deps.catalog.causes.get(click.item)
        title = cause.title if cause else click.item
        said = "was the fix" if kind == "fixed" else "was not the fix"
        noted = Message(text=f"<@{click.user}> says _{title}_ {said}. Noted.")
        await post(client, deps, click.channel, noted, thread_ts=click.thread_ts)

    app.action(FEEDBACK_FIXED)(verdict)
    app.action(FEEDBACK_NOT_THIS)(verdict)

    @app.action(REMIND)
    async def remind(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        click = await _clicked(ack, body, deps)
        cause = deps.catalog.causes.get(click.item) if click else None
        if click is None or cause is None or cause.wait is None:
            return
        due = time.time() + cause.wait.hours * 3600
        text = f"⏰ The {cause.wait.hours} h wait for _{cause.title}_ is over: run Verify Credentials again."
        await deps.db(
            deps.store.schedule_followup,
            triage_id=click.triage_id,
            team_id=(body.get("team") or {}).get("id", ""),
            channel=click.channel,
            thread_ts=click.thread_ts,
            due_at=due,
            text=text,
        )
        notice = Message(text=f"I will remind this thread in {cause.wait.hours} h.")
        await post(client, deps, click.channel, notice, thread_ts=click.thread_ts)

    @app.action(RUN_PROBES)
    async def open_probe_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        click = await _clicked(ack, body, deps)
        if click is None or not isinstance(body.get("trigger_id"), str):
            return
        if not await may_probe(client, deps, click.user):
            text = "Live checks are limited to the people the operator allowed; ask them to add you."
            await client.chat_postEphemeral(channel=click.channel, user=click.user, text=text)
            return
        rebuilt = await deps.db(deps.triager.answer_for, click.triage_id)
        side = rebuilt[1].endpoint if rebuilt else None
        view = probe_modal(ProbePlace(click.triage_id, click.channel, click.thread_ts), side)
        await client.views_open(trigger_id=body["trigger_id"], view=view)
