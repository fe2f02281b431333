"""Channel messages and mentions: the inbox stores them before the acknowledgement; the answerer replies."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps


def register(app: AsyncApp, deps: Deps) -> None:
    async def acknowledged() -> None:
        """Nothing to do here: the inbox stored the event if it may need an answer (see bot.answerer)."""

    app.event("message")(acknowledged)
    app.event("app_mention")(acknowledged)
