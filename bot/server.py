"""HTTP mode: POST /slack/events for everything Slack sends, GET /healthz for the platform, GET /metrics for
Prometheus."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
from collections.abc import AsyncIterator, Mapping

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.answerer import answering
from bot.conversation import followup_loop
from bot.deps import Deps
from bot.metrics import METRICS_PATH, metrics
from bot.payloads import well_formed
from bot.probe_runs import stop_probe_runs

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is refused


def _payload(body: str, content_type: str) -> object:
    """The request's payload as Bolt will read it: a JSON body, or a form with an optional JSON payload."""
    if content_type == "application/json":
        return json.loads(body)
    form = urllib.parse.parse_qs(body, keep_blank_values=True)
    return (
        json.loads(form["payload"][0])
        if "payload" in form
        else {key: values[0] for key, values in form.items()}
    )


def _refusal(
    verifier: SignatureVerifier, headers: Mapping[str, str], body: str, content_type: str
) -> web.Response | None:
    """A 401 for a request Slack did not sign (checked before anything reads the body), a 400 for a signed
    body not shaped as Slack's requests are; None when Bolt may have it."""
    stamp, signature = headers.get("X-Slack-Request-Timestamp", ""), headers.get("X-Slack-Signature")
    if not stamp.isdigit() or not verifier.is_valid(body=body, timestamp=stamp, signature=signature):
        return web.Response(status=401, text="invalid signature")
    try:
        payload = _payload(body, content_type)
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or not well_formed(payload):
        return web.Response(status=400, text="not a request Slack sends")
    return None


def build_web_app(app: AsyncApp, deps: Deps, followup_interval: float = 60.0) -> web.Application:
    """The aiohttp app serving Bolt; at start-up it finishes unanswered events and starts follow-ups."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    ready = {"ok": False}

    verifier = SignatureVerifier(deps.settings.slack_signing_secret or "")

    async def events(request: web.Request) -> web.Response:
        body = (await request.read()).decode("utf-8", errors="replace")
        refusal = _refusal(verifier, request.headers, body, request.content_type)
        if refusal is not None:
            return refusal
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
