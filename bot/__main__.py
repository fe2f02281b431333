"""`python -m bot`: serve Slack in Socket Mode or HTTP mode, or open the local console without credentials.

`python -m bot answer` runs an extra answering worker on the same database (with WHY401_ANSWER_IN_PROCESS=0
on the web process, answering happens only in such workers).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import aiohttp
from aiohttp import web

from bot import console
from bot.answerer import Answerer
from bot.answerer import stop as stop_answerer
from bot.app import build_app, build_client, build_deps
from bot.config import Settings, SettingsError
from bot.deps import Deps
from bot.logs import setup_logging
from bot.server import build_web_app
from bot.socket_mode import SocketModeRunner
from bot.store import Store

ANSWER_WORKER_NICENESS = 10
NO_CREDENTIALS = (
    "No Slack credentials (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN): "
    "running the local console instead."
)


async def serve_socket_mode(deps: Deps) -> None:
    """Run in Socket Mode until SIGTERM or SIGINT."""
    runner = SocketModeRunner(build_app(deps), deps)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await runner.start()
    await stop.wait()
    await runner.stop()


async def serve_answerer(deps: Deps) -> None:
    """Answer stored events as a worker process of its own, until SIGTERM or SIGINT.

    It runs at a lower CPU priority: on a shared host the web process's acknowledgements, which Slack times,
    come before answers, which can wait a moment.
    """
    os.nice(ANSWER_WORKER_NICENESS)
    client = build_client(deps.settings)
    client.session = aiohttp.ClientSession()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        auth = await client.auth_test()
        answerer = Answerer(client, deps, auth.get("user_id"))
        task = asyncio.create_task(answerer.run())
        await stop.wait()
        await stop_answerer(answerer, task)
    finally:
        await client.session.close()


def mode(settings: Settings) -> str:
    """Which front end the settings call for: "socket", "http" or "console"."""
    if settings.slack_bot_token and settings.slack_app_token:
        return "socket"
    if settings.slack_bot_token and settings.slack_signing_secret:
        return "http"
    return "console"


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"why401: {error}", file=sys.stderr)
        return 2
    setup_logging(settings.log_format)
    store = Store(settings.db_path)
    try:
        chosen = mode(settings)
        if sys.argv[1:] == ["answer"]:
            if not settings.slack_bot_token:
                print("why401: answering needs SLACK_BOT_TOKEN (and the same WHY401_DB as the web process)")
                return 2
            asyncio.run(serve_answerer(build_deps(settings, store)))
            return 0
        if chosen == "console":
            print(NO_CREDENTIALS, file=sys.stderr)
            color = sys.stdout.isatty() and not settings.no_color
            return console.run(store, sys.stdin, sys.stdout, color)
        deps = build_deps(settings, store)
        if chosen == "socket":
            asyncio.run(serve_socket_mode(deps))
        else:
            web_app = build_web_app(build_app(deps), deps)
            # every request already gets one structured line (bot.requestlog); aiohttp's own would repeat it
            web.run_app(web_app, host=settings.host, port=settings.port, access_log=None)
        return 0
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
