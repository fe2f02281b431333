"""HTTP mode: POST /slack/events for everything Slack sends, GET /healthz for the platform, GET /metrics for
Prometheus."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.answerer import answering
from bot.conversation import followup_loop
from bot.deps import Deps
from bot.metrics import METRICS_PATH, metrics
from bot.probe_runs import stop_probe_runs

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is refused


def build_web_app(app: AsyncApp, deps: Deps, followup_interval: float = 60.0) -> web.Application:
    """The aiohttp app serving Bolt; at start-up it finishes unanswered events and starts follow-ups."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    ready = {"ok": False}

    async def events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    async def health(_: web.Request) -> web.Response:
        database = await deps.db(deps.store.healthy)
        ok = ready["ok"] and database
        body = {"ok": ok, "ready": ready["ok"], "database": "ok" if database else "unavailable"}
        return web.Response(status=200 if ok else 503, text=json.dumps(body), content_type="application/json")

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        client = app.client
        client.session = aiohttp.ClientSession()  # one pool of connections to Slack, shared by every request
        auth = await client.auth_test()
        async with answering(client, deps, auth.get("user_id")):
            followups = asyncio.create_task(followup_loop(client, deps, followup_interval))
            ready["ok"] = True
            yield
            ready["ok"] = False
            await stop_probe_runs(deps)
            followups.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await followups
        await client.session.close()

    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, health)
    web_app.router.add_get(METRICS_PATH, metrics)
    web_app.cleanup_ctx.append(lifecycle)
    return web_app
