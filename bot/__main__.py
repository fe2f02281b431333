"""`python -m bot`: serve Slack in Socket Mode or HTTP mode, or open the local console without credentials."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot import console
from bot.app import build_app, build_deps
from bot.config import Settings, SettingsError
from bot.conversation import followup_loop, replay_inbox
from bot.deps import Deps
from bot.server import build_web_app
from bot.store import Store

NO_CREDENTIALS = (
    "No Slack credentials (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN): "
    "running the local console instead."
)


async def serve_socket_mode(deps: Deps) -> None:
    """Socket Mode: no public URL and no listening port; runs until SIGTERM or SIGINT."""
    settings = deps.settings
    app = build_app(deps)
    handler = AsyncSocketModeHandler(
        app, settings.slack_app_token, web_client=AsyncWebClient(base_url=settings.slack_api_url)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
    auth = await app.client.auth_test()
    await replay_inbox(app.client, deps, auth.get("user_id"))
    followups = asyncio.create_task(followup_loop(app.client, deps))
    await stop.wait()
    followups.cancel()
    await handler.close_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"why401: {error}", file=sys.stderr)
        return 2
    store = Store(settings.db_path)
    try:
        if not settings.slack_bot_token or not (settings.slack_signing_secret or settings.slack_app_token):
            print(NO_CREDENTIALS, file=sys.stderr)
            color = sys.stdout.isatty() and not settings.no_color
            return console.run(store, sys.stdin, sys.stdout, color)
        deps = build_deps(settings, store)
        if settings.slack_app_token:
            asyncio.run(serve_socket_mode(deps))
        else:
            web.run_app(build_web_app(build_app(deps), deps), host=settings.host, port=settings.port)
        return 0
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
