"""One log line and one acknowledgement-time observation per Slack request, HTTP or Socket Mode, with the
request's id, team and channel on every line the request causes (its listeners' too)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.logs import request_context
from bot.metrics import ACK_SECONDS

log = logging.getLogger("why401.requests")


def _where(body: dict[str, Any]) -> tuple[str | None, str | None, str]:
    """The team, channel and kind of a Slack request body (event, command or interaction)."""

    def field(value: Any, key: str) -> Any:
        return value.get(key) if isinstance(value, dict) else None

    event = body.get("event")
    team = body.get("team_id") or field(body.get("team"), "id")
    channel = field(event, "channel") or body.get("channel_id") or field(body.get("channel"), "id")
    kind = field(event, "type") or body.get("type") or ("command" if body.get("command") else "unknown")
    return (str(team) if team else None), (str(channel) if channel else None), str(kind)


class RequestLogMiddleware(AsyncMiddleware):
    """Times each request to its acknowledgement and logs its kind and milliseconds, never its text."""

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse | None:
        started = time.perf_counter()
        team, channel, kind = _where(req.body if isinstance(req.body, dict) else {})
        with request_context(team=team, channel=channel):
            response = await next()
            elapsed = time.perf_counter() - started
            ACK_SECONDS.observe(elapsed)
            log.info("slack request", extra={"kind": kind, "elapsed_ms": round(elapsed * 1000, 1)})
        return response
