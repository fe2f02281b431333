"""build_app(settings, store) -> AsyncApp: the one place where the bot is wired together."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.config import Settings
from bot.deps import Deps
from bot.store import Store
from bot.triage import Triager
from knowledge.load import default_catalog

ANSWERED_EVENTS = ("message", "app_mention")  # the events whose answers must survive a restart


def build_client(settings: Settings) -> AsyncWebClient:
    """A Web API client for SLACK_API_URL that waits out 429s (Retry-After) and retries server errors."""
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=5))
    client.retry_handlers.append(AsyncServerErrorRetryHandler(max_retry_count=3))
    return client


def build_deps(settings: Settings, store: Store) -> Deps:
    return Deps(settings=settings, store=store, triager=Triager(default_catalog(), store))


def build_app(deps: Deps, client: AsyncWebClient | None = None) -> AsyncApp:
    """The Bolt app with every listener, and an inbox that stores each event before it is acknowledged."""
    settings = deps.settings
    app = AsyncApp(
        client=client or build_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=False,
    )

    @app.middleware
    async def inbox(body: dict[str, Any], next: Any) -> BoltResponse | None:
        """Store an event before it is acknowledged; a retry or duplicate of a stored one is dropped."""
        event_id = body.get("event_id")
        answered = (body.get("event") or {}).get("type") in ANSWERED_EVENTS
        if body.get("type") == "event_callback" and answered and isinstance(event_id, str):
            fresh = await asyncio.to_thread(
                deps.store.receive_event, event_id, body.get("team_id") or "", body
            )
            if not fresh:
                return BoltResponse(status=200, body="")
        await next()
        return None

    handlers.register(app, deps)
    return app
