"""A bot process killed with SIGKILL while acknowledged events wait for their answers: restarted on the same
database, it answers each of them exactly once, without waiting for the dead process's claims to lapse."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.store import Store
from tests.bot.slackapp import BASIC_AUTH, SIGNING_SECRET, channel_message, event_body, signed_headers
from tests.fakes.slack import FakeSlack

EVENTS = 12
ROUNDS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """`python -m bot` in HTTP mode as its own process, against the fake Slack."""

    def __init__(self, fake: FakeSlack, db: Path) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": FakeSlack.BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WHY401_DB": str(db),
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, http: aiohttp.ClientSession) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
        raise AssertionError("the bot did not become ready")

    async def send(self, http: aiohttp.ClientSession, event: dict[str, object], event_id: str) -> int:
        body = json.dumps(event_body(event, event_id))
        headers = {"Content-Type": "application/json", **signed_headers(body)}
        async with http.post(
            f"http://127.0.0.1:{self.port}/slack/events", data=body, headers=headers
        ) as response:
            return response.status

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), 20)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


async def test_a_killed_bot_answers_every_acknowledged_event_exactly_once(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = tmp_path / "why401.db"
    roots: list[str] = []
    async with aiohttp.ClientSession() as http:
        for round_ in range(ROUNDS):
            fake.fail("chat.postMessage", times=10_000, error="fatal_error")  # nothing can be answered yet
            bot = BotProcess(fake, db)
            await bot.start(http)
            for n in range(EVENTS):
                event = channel_message(BASIC_AUTH, ts=f"17100{round_:02d}000.{n:06d}")
                assert await bot.send(http, event, f"EvCrash{round_}x{n}") == 200
                roots.append(str(event["ts"]))
            await fake.wait_for("chat.postMessage", lambda call: call.response.get("error") == "fatal_error")
            await bot.kill()
            assert len(Store(db).pending_events()) == EVENTS * (round_ + 1)  # acknowledged, none lost
            fake._failures.clear()
            if round_ < ROUNDS - 1:
                continue
            survivor = BotProcess(fake, db)
            started = time.monotonic()
            await survivor.start(http)
            try:
                answered = await fake.wait_for(
                    "chat.postMessage",
                    lambda call: bool(call.response.get("ok")),
                    count=2 * len(roots),
                    timeout=30,
                )
                elapsed = time.monotonic() - started
            finally:
                await survivor.stop()
    per_thread: dict[str, int] = {}
    for call in answered:
        per_thread[str(call.args.get("thread_ts"))] = per_thread.get(str(call.args.get("thread_ts")), 0) + 1
    assert per_thread == dict.fromkeys(roots, 2)  # an answer and its checklist, once each
    assert Store(db).pending_events() == []
    assert elapsed < 30  # the dead process's claims were released at start-up, not after they lapsed


async def test_several_answer_workers_answer_each_event_exactly_once(fake: FakeSlack, tmp_path: Path) -> None:
    """A web process that only acknowledges, and three `python -m bot answer` workers on the same database."""
    db = tmp_path / "why401.db"
    async with aiohttp.ClientSession() as http:
        web = BotProcess(fake, db)
        web.env["WHY401_ANSWER_IN_PROCESS"] = "0"
        await web.start(http)
        signed_in = len(fake.calls_to("auth.test"))
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "answer", env=web.env, stderr=asyncio.subprocess.DEVNULL
            )
            for _ in range(3)
        ]
        try:
            # A worker signs in after it takes over SIGTERM; one still importing would die of the signal.
            await fake.wait_for("auth.test", count=signed_in + 3, timeout=30)
            roots = []
            for n in range(40):
                event = channel_message(BASIC_AUTH, ts=f"1710500000.{n:06d}")
                assert await web.send(http, event, f"EvWorkers{n}") == 200
                roots.append(str(event["ts"]))
            answered = await fake.wait_for(
                "chat.postMessage", lambda call: bool(call.response.get("ok")), count=80, timeout=30
            )
            await asyncio.sleep(0.5)  # a duplicate would come right behind
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                await asyncio.wait_for(worker.wait(), 20)
            await web.stop()
    answered = [call for call in fake.calls_to("chat.postMessage") if call.response.get("ok")]
    threads = [str(call.args.get("thread_ts")) for call in answered]
    assert sorted(threads) == sorted(roots * 2)
    assert all(worker.returncode == 0 for worker in workers)  # SIGTERM stops a worker cleanly
