"""/why401: answer a pasted error, open the paste form, show help or stats."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import USAGE, paste_modal, stats_message
from bot.conversation import answer_command
from bot.deps import Deps

STATS_WINDOWS = (7, 30)


def register(app: AsyncApp, deps: Deps) -> None:
    @app.command("/why401")
    async def why401(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        text = (command.get("text") or "").strip()
        team_id, channel, user = command.get("team_id", ""), command["channel_id"], command["user_id"]
        if not text and command.get("trigger_id"):
            await client.views_open(trigger_id=command["trigger_id"], view=paste_modal(channel))
        elif not text or text.lower() in ("help", "?", "-h", "--help"):
            await respond(response_type="ephemeral", text=USAGE)
        elif text.lower() == "stats":
            await respond(response_type="ephemeral", **(await _stats(deps, team_id)).payload())
        else:
            await answer_command(
                client, deps, respond, team_id=team_id, channel=channel, user=user, text=text
            )


async def _stats(deps: Deps, team_id: str) -> Any:
    titles = {cause_id: cause.title for cause_id, cause in deps.catalog.causes.items()}
    windows = []
    for days in STATS_WINDOWS:
        rows = await deps.db(deps.store.stats, team_id, days, time.time())
        windows.append(
            (
                days,
                [
                    (titles.get(r.cause or "", "No cause matched"), r.triages, r.fixed, r.not_this)
                    for r in rows
                ],
            )
        )
    return stats_message(windows)
