"""Form submissions: the paste form (diagnosed like /why401 TEXT) and the live-checks form."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import PASTE_BLOCK, PASTE_INPUT, PASTE_MODAL, SIDE_BLOCK, SIDE_INPUT
from bot.conversation import answer_command
from bot.deps import Deps
from bot.probe_blocks import ACCOUNT_BLOCK, PROBE_MODAL, ProbePlace, probe_form
from bot.probe_runs import may_probe, probe_in_thread
from bot.store import ProbeQuota, QuotaExceeded
from knowledge.model import SIDES


def register(app: AsyncApp, deps: Deps) -> None:
    @app.view(PASTE_MODAL)
    async def submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        values = view["state"]["values"]
        text = str((values.get(PASTE_BLOCK, {}).get(PASTE_INPUT) or {}).get("value") or "").strip()
        if not text:
            await ack(response_action="errors", errors={PASTE_BLOCK: "Paste the error text first."})
            return
        if not view.get("private_metadata"):  # not our form: nowhere to answer
            await ack()
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

    @app.view(PROBE_MODAL)
    async def probe_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        try:
            place = ProbePlace.load(view.get("private_metadata") or "")
        except (ValueError, KeyError, TypeError):  # not our form: nowhere to report
            await ack()
            return
        form = probe_form(view["state"]["values"])
        if form.errors:
            await ack(response_action="errors", errors=form.errors)
            return
        user, team_id = body["user"]["id"], body.get("team", {}).get("id", "")
        if not await may_probe(client, deps, user):
            await ack(
                response_action="errors", errors={ACCOUNT_BLOCK: "You are not allowed to run live checks."}
            )
            return
        target = form.target
        try:
            audit_id = await deps.db(
                deps.store.start_probe,
                team_id=team_id,
                user=user,
                account=target.email,
                signs_in=bool(target.password),
                quota=ProbeQuota(),
            )
        except QuotaExceeded as error:
            await ack(response_action="errors", errors={ACCOUNT_BLOCK: str(error)[:150]})
            return
        await ack()
        await probe_in_thread(
            client, deps, team_id=team_id, user=user, place=place, target=target, audit_id=audit_id
        )
