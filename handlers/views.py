"""The paste form's submission: diagnosed like /why401 TEXT, answered in the channel it was opened from."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import PASTE_BLOCK, PASTE_INPUT, PASTE_MODAL, SIDE_BLOCK, SIDE_INPUT
from bot.conversation import answer_command
from bot.deps import Deps
from knowledge.model import SIDES


def register(app: AsyncApp, deps: Deps) -> None:
    @app.view(PASTE_MODAL)
    async def submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        values = view["state"]["values"]
        text = (values[PASTE_BLOCK][PASTE_INPUT].get("value") or "").strip()
        if not text:
            await ack(response_action="errors", errors={PASTE_BLOCK: "Paste the error text first."})
            return
        await ack()
        picked = ((values.get(SIDE_BLOCK, {}).get(SIDE_INPUT) or {}).get("selected_option") or {}).get(
            "value"
        )
        side = next((s for s in SIDES if s == picked), None)
        user = body["user"]["id"]

        async def respond(**message: Any) -> None:  # a view has no response_url: answer privately instead
            message.pop("response_type", None)
            await client.chat_postEphemeral(channel=view["private_metadata"], user=user, **message)

        await answer_command(
            client,
            deps,
            respond,
            team_id=body.get("team", {}).get("id", ""),
            channel=view["private_metadata"],
            user=user,
            text=text,
            side_hint=side,
            via="modal",
        )
