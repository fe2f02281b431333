"""The event inbox: an event that may need an answer is stored before Slack gets its acknowledgement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.deps import Deps

ANSWERED_EVENTS = ("message", "app_mention")  # the events whose answers must survive a restart
INBOX_KEY = "why401_inbox_event_id"  # set in the request context when the event was stored


def _answerable(event: Any) -> bool:
    """An event shaped as Slack sends a person's message: one that can be answered in a thread."""
    return (
        isinstance(event, dict)
        and event.get("type") in ANSWERED_EVENTS
        and all(isinstance(event.get(key), str) for key in ("text", "channel", "ts", "user"))
        and isinstance(event.get("thread_ts", ""), str)
    )


def _may_need_answer(deps: Deps, body: dict[str, Any]) -> bool:
    """Only events that could get an answer are worth storing; chatter and malformed events are let through
    untouched (stored, one that can never be answered would be retried forever)."""
    event = body.get("event") or {}
    if not _answerable(event):
        return False
    return bool(event["type"] == "app_mention" or deps.triager.classify.may_match(event["text"]))


class InboxMiddleware(AsyncMiddleware):
    """Store an answerable event before it is acknowledged; drop retries and duplicates of a stored one.

    A class rather than a decorated function: Bolt builds no keyword arguments for it, which matters on the
    path every event takes.
    """

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id")
        if (
            body.get("type") == "event_callback"
            and isinstance(event_id, str)
            and _may_need_answer(self.deps, body)
        ):
            if not self.deps.store.receive_event(event_id, body.get("team_id") or "", body):
                return BoltResponse(status=200, body="")
            req.context[INBOX_KEY] = event_id
            self.deps.stored.set()
        return await next()
