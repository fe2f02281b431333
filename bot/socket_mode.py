"""Socket Mode: Slack connects over a WebSocket the bot opens, so no public URL and no listening port."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.answerer import answering
from bot.conversation import followup_loop
from bot.deps import Deps
from bot.probe_runs import stop_probe_runs


class SocketModeRunner:
    """Connects the app over Socket Mode, answers stored events, and posts follow-ups while up."""

    def __init__(self, app: AsyncApp, deps: Deps, followup_interval: float = 60.0) -> None:
        settings = deps.settings
        self.app, self.deps, self.followup_interval = app, deps, followup_interval
        self.handler = AsyncSocketModeHandler(
            app, settings.slack_app_token, web_client=AsyncWebClient(base_url=settings.slack_api_url)
        )
        self._followups: asyncio.Task[None] | None = None
        self._answering: contextlib.AbstractAsyncContextManager[None] | None = None

    async def start(self) -> None:
        self.app.client.session = aiohttp.ClientSession()  # one pool of connections to Slack
        await self.handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
        auth = await self.app.client.auth_test()
        self._answering = answering(self.app.client, self.deps, auth.get("user_id"))
        await self._answering.__aenter__()
        self._followups = asyncio.create_task(
            followup_loop(self.app.client, self.deps, self.followup_interval)
        )

    async def stop(self) -> None:
        await stop_probe_runs(self.deps)
        if self._followups is not None:
            self._followups.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._followups
        if self._answering is not None:
            await self._answering.__aexit__(None, None, None)
        await self.handler.close_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
        if self.app.client.session is not None:
            await self.app.client.session.close()
