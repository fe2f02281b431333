"""build_app(settings, store) -> AsyncApp: the one place where the bot is wired together."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.config import Settings
from bot.deps import Deps
from bot.inbox import InboxMiddleware
from bot.requestlog import RequestLogMiddleware
from bot.store import Store
from bot.triage import Triager
from knowledge.load import default_catalog


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

    app.use(RequestLogMiddleware())
    app.use(InboxMiddleware(deps))
    handlers.register(app, deps)
    return app
