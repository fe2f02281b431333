"""Channel messages and mentions: answered in their thread."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import answer_message
from bot.deps import Deps
from bot.inbox import INBOX_KEY


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_event(
        body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        team_id = body.get("team_id") or context.team_id or ""
        done = await answer_message(client, deps, event, team_id, context.bot_user_id)
        if done and context.get(INBOX_KEY):
            await deps.db(deps.store.finish_event, context[INBOX_KEY])

    app.event("message")(on_event)
    app.event("app_mention")(on_event)
