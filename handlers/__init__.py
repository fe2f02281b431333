"""Slack listeners, thin: each parses its request, calls the core in `bot`, and replies."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from handlers import actions, commands, home, messages, views


def register(app: AsyncApp, deps: Deps) -> None:
    """Attach every listener kind to `app`, and a last one so no event Slack sends is refused."""
    for module in (messages, commands, actions, views, home):
        module.register(app, deps)

    async def acknowledge_any_other_event() -> None:
        """Events the app does not act on still get a 200, so Slack does not retry them."""

    app.event(re.compile(".+"))(acknowledge_any_other_event)
