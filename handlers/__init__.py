"""Slack listeners, thin: each parses its request, calls the core in `bot`, and replies."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from handlers import actions, commands, home, messages, views


def register(app: AsyncApp, deps: Deps) -> None:
    """Attach every listener kind to `app`."""
    for module in (messages, commands, actions, views, home):
        module.register(app, deps)
