"""Run the real bot over real HTTP against the fake Slack: signed requests in, recorded Web API calls out."""

from __future__ import annotations

import itertools
import json
import time
import urllib.parse
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app, build_deps
from bot.config import Settings
from bot.deps import Deps
from bot.server import EVENTS_PATH, build_web_app
from bot.store import Store
from tests.fakes.slack import FakeSlack

SIGNING_SECRET = "test-signing-secret"
CHANNEL = "C0SUPPORT"
USER = "U0ENGINEER"
BASIC_AUTH = (
    "401 Unauthorized - Http POST request to 'autodiscover-s.outlook.com' failed - Basic Auth Disabled: "
    "MigrationWiz has detected that Basic Authentication is not enabled for the tenant."
)
_ts = itertools.count(1)


def message_ts() -> str:
    return f"1710000000.{next(_ts):06d}"


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack sends: a timestamp and the v0 HMAC of `v0:{timestamp}:{body}`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def event_body(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "unused",
        "team_id": FakeSlack.TEAM_ID,
        "api_app_id": "A0WHY401",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ts):08d}",
        "event_time": int(time.time()),
        "event": event,
    }


def channel_message(text: str, *, ts: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": CHANNEL,
        "user": USER,
        "text": text,
        "ts": ts or message_ts(),
        **extra,
    }


class SlackBot:
    """The bot's HTTP server on an ephemeral loopback port, wired to a FakeSlack."""

    def __init__(
        self, fake: FakeSlack, db_path: Path, followup_interval: float = 60.0, **settings: Any
    ) -> None:
        """`settings` adds to the Slack settings, e.g. the Microsoft bases of a FakeMicrosoft."""
        self.fake = fake
        self.settings = Settings(
            slack_bot_token=FakeSlack.BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            db_path=db_path,
            **settings,
        )
        self.store = Store(db_path)
        self.deps: Deps = build_deps(self.settings, self.store)
        self.app = build_app(self.deps)
        self.server = TestServer(build_web_app(self.app, self.deps, followup_interval), host="127.0.0.1")
        self.http: aiohttp.ClientSession | None = None

    async def start(self) -> SlackBot:
        await self.server.start_server()
        self.http = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.close()
        await self.server.close()
        self.store.close()

    def url(self, path: str = EVENTS_PATH) -> str:
        return str(self.server.make_url(path))

    async def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        assert self.http is not None
        all_headers = {"Content-Type": content_type, **(signed_headers(body) if headers is None else headers)}
        response = await self.http.post(self.url(), data=body.encode(), headers=all_headers)
        await response.read()
        return response

    async def send_event(
        self, event: dict[str, Any], event_id: str | None = None, **headers: str
    ) -> aiohttp.ClientResponse:
        body = json.dumps(event_body(event, event_id))
        return await self.post(body, "application/json", {**signed_headers(body), **headers})

    async def slash(
        self, text: str, *, channel: str = CHANNEL, response_key: str = "r1"
    ) -> aiohttp.ClientResponse:
        form = {
            "command": "/why401",
            "text": text,
            "team_id": FakeSlack.TEAM_ID,
            "channel_id": channel,
            "user_id": USER,
            "trigger_id": "1337.42.abcd",
            "response_url": self.fake.response_url(response_key),
        }
        return await self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded")

    async def interact(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(
        self, action_id: str, value: str, *, message_ts: str, thread_ts: str, user: str = "U0ONCALL"
    ) -> aiohttp.ClientResponse:
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": FakeSlack.TEAM_ID},
                "user": {"id": user},
                "channel": {"id": CHANNEL},
                "container": {"type": "message", "message_ts": message_ts, "channel_id": CHANNEL},
                "message": {"ts": message_ts, "thread_ts": thread_ts, "text": ""},
                "trigger_id": "1337.43.abcd",
                "actions": [{"action_id": action_id, "value": value, "type": "button", "block_id": "b"}],
            }
        )
