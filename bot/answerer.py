"""Answering stored events, apart from acknowledging them: claimed from the inbox, once each, by any worker.

The web or socket process only verifies, stores and acknowledges; the answerer classifies and replies. It
runs as a task in the same process (woken when an event is stored) or as worker processes of its own
(`python -m bot answer`), which share the database and never answer an event twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator

from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import answer_message
from bot.deps import Deps
from bot.logs import request_context

_LIVE: set[str] = set()  # the answerers running in this process


def _dead(worker: str) -> bool:
    """Whether a claimant is known to be gone: an answerer of this host whose process no longer runs, or an
    earlier incarnation of this very process id (a restarted container is often pid 1 again). Claimants on
    other hosts cannot be checked; theirs lapse after the inbox's stale_after."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return worker not in _LIVE
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


IDLE_POLL_S = 0.25
PRUNE_EVERY_S = 3600.0
BATCH = 20
STOP_GRACE_S = 5.0  # how long a stopping process lets the answer in progress finish before cancelling it


class Answerer:
    """Claims events from the inbox and answers them until stopped."""

    def __init__(self, client: AsyncWebClient, deps: Deps, bot_user_id: str | None) -> None:
        self.client, self.deps, self.bot_user_id = client, deps, bot_user_id
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.stopping = asyncio.Event()  # set to stop after the event in hand, rather than in its middle

    async def answer_pending(self) -> int:
        """Answer every event that can be claimed now; returns how many were finished."""
        finished = 0
        while not self.stopping.is_set() and (
            items := await self.deps.db(self.deps.store.claim_events, self.name, BATCH)
        ):
            for item in items:
                if self.stopping.is_set():
                    break
                event = item.payload.get("event", {})
                try:
                    with request_context(
                        team=item.team_id, channel=event.get("channel"), event_id=item.event_id
                    ):
                        done = await answer_message(
                            self.client, self.deps, event, item.team_id, self.bot_user_id
                        )
                except Exception:  # Slack's failures come back as False: this is the event's own fault
                    self.deps.logger.exception("answering failed", extra={"event_id": item.event_id})
                    done = True  # finished, or it would be claimed again and fail the same way forever
                if done:
                    await self.deps.db(self.deps.store.finish_event, item.event_id)
                    finished += 1
            if len(items) < BATCH:
                break
        return finished

    async def run(self) -> None:
        """Answer as events arrive (woken when one is stored here, else polling) until stopped or cancelled.

        Once an hour it also prunes answered events old enough that Slack no longer retries them.

        When cancelled it gives back what it claimed and did not finish, so a restart answers it at once.
        """
        stored, loop = self.deps.stored, asyncio.get_running_loop()
        next_prune = loop.time()
        _LIVE.add(self.name)
        for worker in await self.deps.db(self.deps.store.claimants):
            if _dead(worker):  # a crashed answerer's events are taken at once, not after their claims lapse
                await self.deps.db(self.deps.store.release_claims, worker)
        try:
            while not self.stopping.is_set():
                stored.clear()
                try:
                    await self.answer_pending()
                    if loop.time() >= next_prune:
                        await self.deps.db(self.deps.store.prune_events)
                        next_prune = loop.time() + PRUNE_EVERY_S
                except Exception:
                    self.deps.logger.exception("answer pass failed")
                # asyncio.timeout rather than wait_for: on 3.11 wait_for can swallow a cancellation
                # that lands as the wait completes (CPython gh-86296), and the process would never stop
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(IDLE_POLL_S):
                        await stored.wait()
        finally:
            _LIVE.discard(self.name)
            await self.deps.db(self.deps.store.release_claims, self.name)


@contextlib.asynccontextmanager
async def answering(client: AsyncWebClient, deps: Deps, bot_user_id: str | None) -> AsyncIterator[None]:
    """Run an answerer task for the duration of the block (when this process answers at all)."""
    if not deps.settings.answer_in_process:
        yield
        return
    answerer = Answerer(client, deps, bot_user_id)
    task = asyncio.create_task(answerer.run())
    try:
        yield
    finally:
        await stop(answerer, task)


async def stop(answerer: Answerer, task: asyncio.Task[None]) -> None:
    """Let the answer in progress finish (a message Slack took must be recorded as posted), then stop; cancel
    only what is still running after STOP_GRACE_S."""
    answerer.stopping.set()
    answerer.deps.stored.set()  # wake it if idle
    try:
        async with asyncio.timeout(STOP_GRACE_S):
            await asyncio.shield(task)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
