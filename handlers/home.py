"""The App Home tab: recent triages, open checklists, this week's causes and fix rates."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import home_view
from bot.deps import Deps
from bot.store import Triage


async def _link(client: AsyncWebClient, triage: Triage) -> str | None:
    if not (triage.answer_channel and triage.answer_ts):
        return None
    try:
        response = await client.chat_getPermalink(channel=triage.answer_channel, message_ts=triage.answer_ts)
    except SlackApiError:
        return None
    return str(response.get("permalink") or "") or None


def _label(deps: Deps, triage: Triage) -> str:
    cause = deps.catalog.causes.get(triage.top_cause or "")
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(triage.created_at))
    return f"{when}: {cause.title if cause else 'no single cause'}"


def register(app: AsyncApp, deps: Deps) -> None:
    @app.event("app_home_opened")
    async def opened(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        team_id = context.team_id or ""
        recent = await deps.db(deps.store.recent_triages, team_id, 10)
        open_lists = await deps.db(deps.store.open_checklists, team_id, 10)
        week = await deps.db(deps.store.stats, team_id, 7, time.time())
        links = await asyncio.gather(*(_link(client, triage) for triage in (*recent, *open_lists)))
        labelled = [
            (_label(deps, triage), link) for triage, link in zip((*recent, *open_lists), links, strict=True)
        ]
        titles = {cause_id: cause.title for cause_id, cause in deps.catalog.causes.items()}
        rows = [(titles.get(r.cause or "", "No cause matched"), r.triages, r.fixed, r.not_this) for r in week]
        view = home_view(labelled[: len(recent)], labelled[len(recent) :], rows)
        await client.views_publish(user_id=event["user"], view=view)
