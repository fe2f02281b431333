"""Buttons on an answer: tick a checklist step, show another cause, give a verdict, ask for a reminder,
run live checks."""

from __future__ import annotations

import time
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


def _target(body: dict[str, Any]) -> tuple[int, str, str, str, str]:
    """The triage id and item from the button value, and where the clicked message lives."""
    action = body["actions"][0]
    triage, _, item = str(action["value"]).partition(":")
    message = body.get("message") or {}
    channel = (body.get("channel") or body.get("container") or {}).get("id") or body["container"][
        "channel_id"
    ]
    ts = message.get("ts") or body["container"]["message_ts"]
    return int(triage), item, channel, ts, message.get("thread_ts") or ts


def register(app: AsyncApp, deps: Deps) -> None:
    @app.action(CHECKLIST_TOGGLE)
    async def toggle(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        triage_id, item, channel, ts, _ = _target(body)
        await deps.db(deps.store.toggle_item, triage_id, int(item), body["user"]["id"])
        await refresh_checklist(client, deps, triage_id, channel, ts)

    @app.action(SHOW_CAUSE)
    async def show(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        triage_id, cause_id, channel, _, thread_ts = _target(body)
        await show_cause(
            client, deps, triage_id=triage_id, cause_id=cause_id, channel=channel, thread_ts=thread_ts
        )

    async def verdict(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        triage_id, cause_id, channel, _, thread_ts = _target(body)
        user, kind = body["user"]["id"], VERDICTS[body["actions"][0]["action_id"]]
        await deps.db(deps.store.record_verdict, triage_id, cause_id, kind, user)
        cause = deps.catalog.causes.get(cause_id)
        title = cause.title if cause else cause_id
        said = "was the fix" if kind == "fixed" else "was not the fix"
        noted = Message(text=f"<@{user}> says _{title}_ {said}. Noted.")
        await post(client, deps, channel, noted, thread_ts=thread_ts)

    app.action(FEEDBACK_FIXED)(verdict)
    app.action(FEEDBACK_NOT_THIS)(verdict)

    @app.action(REMIND)
    async def remind(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        triage_id, cause_id, channel, _, thread_ts = _target(body)
        cause = deps.catalog.causes.get(cause_id)
        if cause is None or cause.wait is None:
            return
        due = time.time() + cause.wait.hours * 3600
        text = f"⏰ The {cause.wait.hours} h wait for _{cause.title}_ is over: run Verify Credentials again."
        await deps.db(
            deps.store.schedule_followup,
            triage_id=triage_id,
            team_id=body.get("team", {}).get("id", ""),
            channel=channel,
            thread_ts=thread_ts,
            due_at=due,
            text=text,
        )
        notice = Message(text=f"I will remind this thread in {cause.wait.hours} h.")
        await post(client, deps, channel, notice, thread_ts=thread_ts)

    @app.action(RUN_PROBES)
    async def open_probe_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        triage_id, _, channel, _, thread_ts = _target(body)
        user = body["user"]["id"]
        if not await may_probe(client, deps, user):
            text = "Live checks are limited to the people the operator allowed; ask them to add you."
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        rebuilt = await deps.db(deps.triager.answer_for, triage_id)
        side = rebuilt[1].endpoint if rebuilt else None
        view = probe_modal(ProbePlace(triage_id, channel, thread_ts), side)
        await client.views_open(trigger_id=body["trigger_id"], view=view)
