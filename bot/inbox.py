"""The event inbox: an event that may need an answer is stored before Slack gets its acknowledgement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.deps import Deps

ANSWERED_EVENTS = ("message", "app_mention")  # the events whose answers must survive a restart
INBOX_KEY = "why401_inbox_event_id"  # set in the request context when the event was stored


def _may_need_answer(deps: Deps, body: dict[str, Any]) -> bool:
    """Only events that could get an answer are worth storing; chatter is let through untouched."""
    event = body.get("event") or {}
    text = event.get("text")
    return (
        event.get("type") in ANSWERED_EVENTS
        and isinstance(text, str)
        and (event.get("type") == "app_mention" or deps.triager.classify.may_match(text))
    )


Middleware = Callable[..., Awaitable[BoltResponse | None]]


def inbox_middleware(deps: Deps) -> Middleware:
    """Bolt middleware: store an answerable event before it is acknowledged; drop retries and duplicates."""

    async def inbox(body: dict[str, Any], context: AsyncBoltContext, next: Any) -> BoltResponse | None:
        event_id = body.get("event_id")
        if (
            body.get("type") == "event_callback"
            and isinstance(event_id, str)
            and _may_need_answer(deps, body)
        ):
            fresh = deps.store.receive_event(event_id, body.get("team_id") or "", body)
            if not fresh:
                return BoltResponse(status=200, body="")
            context[INBOX_KEY] = event_id
            deps.stored.set()
        await next()
        return None

    return inbox
