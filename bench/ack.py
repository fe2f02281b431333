"""Ack latency and throughput of signed Events API message events: why401 against a bare Bolt app.

Run: python bench/ack.py [--events N] [--concurrency N]. Prints figures; asserts nothing.

Both apps are served by aiohttp on 127.0.0.1 (port 0) and use a FakeSlack started in this process as their
Web API, so nothing leaves the loopback interface. The traffic is channel chatter with some real 401 error
pastes, each event with its own event_id and a fresh signature, sent by `--concurrency` workers over one
aiohttp session. Latency is from sending a request to receiving its HTTP response (the ack).

- why401: `build_web_app(build_app(deps), deps)` with a temporary SQLite file. It stores every event before
  acking it and answers pastes after the ack, so that work competes with the acks; once the last ack is in,
  the script waits (at most DRAIN_LIMIT_S) for the answers and prints how many went out and what is left.
- bare Bolt: an `AsyncApp` with the same signing secret and client and one empty message listener, served
  through the same route shape: the floor the framework itself sets.

The load generator shares the event loop (and the CPU) with the servers, so the absolute figures include
its cost; the ratios between the two configurations are the figures to compare. Access logs are off for
both, and why401's follow-up loop runs once at start-up and then sleeps for the whole run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.classify import CHATTER, error_pastes
from bot.app import build_app, build_deps
from bot.config import Settings
from bot.server import EVENTS_PATH, MAX_BODY_BYTES, build_web_app
from bot.store import Store
from knowledge.classify import classify
from tests.fakes.slack import FakeSlack

SIGNING_SECRET = "bench-signing-secret"
PASTE_SHARE = 0.1  # one message in ten is an error paste; the rest is ordinary chatter
CHANNELS = ["C0SUPPORT", "C0MIGRATE", "C0ONCALL", "C0CONTOSO"]
USERS = [f"U0ENG{n:04d}" for n in range(25)]
WARMUP_EVENTS = 8  # enough for auth.test to be cached and the classifier to have seen both kinds
REQUEST_TIMEOUT_S = 30.0
DRAIN_LIMIT_S = 30.0
DRAIN_POLL_S = 0.1
MESSAGE_SEQUENCE = itertools.count(1)
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")


@dataclass(frozen=True)
class Traffic:
    """The message texts to send, in order; how many are error pastes, and how many of those the classifier
    matches (a paste cut short can lose its error text and is then, rightly, not answered)."""

    texts: list[str]
    pastes: int
    matched: int


@dataclass
class Run:
    """What one configuration's load run measured."""

    latencies: list[float]
    elapsed: float
    failures: Counter[str]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, share: float) -> float:
        """A latency percentile in milliseconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        if share == 0.5:
            return statistics.median(ordered) * 1000
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


class LogCount(logging.Handler):
    """Counts the warnings and errors logged while a configuration runs, by level, logger and message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: Counter[tuple[str, str, str]] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        self.seen[(record.levelname, record.name, message[:160])] += 1


def traffic(count: int, rng: random.Random) -> Traffic:
    """`count` message texts: chatter, with PASTE_SHARE of them real error pastes, shuffled."""
    pastes = error_pastes(round(count * PASTE_SHARE), rng)
    texts = [rng.choice(CHATTER) for _ in range(count - len(pastes))] + pastes
    rng.shuffle(texts)
    return Traffic(texts, len(pastes), sum(classify(text).matched for text in pastes))


def event_bodies(texts: list[str], tag: str, rng: random.Random) -> list[bytes]:
    """Events API `event_callback` bodies for top-level channel messages, each with a unique event_id."""
    now = int(time.time())
    bodies = []
    for n, text in enumerate(texts):
        ts = f"{now}.{next(MESSAGE_SEQUENCE):06d}"  # unique, so every paste starts its own thread
        event = {
            "type": "message",
            "channel": rng.choice(CHANNELS),
            "user": rng.choice(USERS),
            "text": text,
            "ts": ts,
            "team": FakeSlack.TEAM_ID,
            "channel_type": "channel",
            "event_ts": ts,
        }
        body = {
            "token": "unused",
            "team_id": FakeSlack.TEAM_ID,
            "api_app_id": "A0WHY401",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{tag}{n:08d}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": FakeSlack.TEAM_ID,
                    "user_id": FakeSlack.BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{tag}-{n}",
        }
        bodies.append(json.dumps(body).encode())
    return bodies


def signed_headers(body: bytes, verifier: SignatureVerifier) -> dict[str, str]:
    """The headers Slack sends, signed now: the timestamp and the v0 HMAC of `v0:{timestamp}:{body}`."""
    stamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body),
    }


async def fire(http: aiohttp.ClientSession, url: str, bodies: list[bytes], concurrency: int) -> Run:
    """Send every body from `concurrency` workers, each waiting for its ack before sending the next."""
    verifier = SignatureVerifier(SIGNING_SECRET)
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    queue = iter(bodies)  # shared by the workers; each body is sent once

    async def worker() -> None:
        for body in queue:
            headers = signed_headers(body, verifier)
            begin = time.perf_counter()
            try:
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as error:
                failures[type(error).__name__] += 1
                continue
            latencies.append(time.perf_counter() - begin)
            if status != 200:
                failures[f"HTTP {status}"] += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Run(latencies, time.perf_counter() - start, failures)


@asynccontextmanager
async def serving(web_app: web.Application) -> AsyncIterator[str]:
    """Serve `web_app` on an ephemeral loopback port (start-up hooks included); yield its events URL."""
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}{EVENTS_PATH}"
    finally:
        await runner.cleanup()


def bare_web_app(fake: FakeSlack) -> web.Application:
    """A Bolt app with one empty message listener behind the same aiohttp route shape as why401's."""
    app = AsyncApp(
        client=AsyncWebClient(token=FakeSlack.BOT_TOKEN, base_url=fake.api_url),
        signing_secret=SIGNING_SECRET,
    )

    @app.event("message")
    async def on_message() -> None:
        return None

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)

    async def events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    web_app.router.add_post(EVENTS_PATH, events)
    return web_app


async def drain(store: Store) -> tuple[int, float]:
    """Wait, at most DRAIN_LIMIT_S, until no inbox item is pending; return how many are and the wait."""
    start = time.perf_counter()
    deadline = start + DRAIN_LIMIT_S
    while True:
        pending = len(await asyncio.to_thread(store.pending_events))
        if pending == 0 or time.perf_counter() >= deadline:
            return pending, time.perf_counter() - start
        await asyncio.sleep(DRAIN_POLL_S)


def posted(fake: FakeSlack, since: int) -> tuple[int, int, Counter[str]]:
    """Replies posted since call `since`: messages, distinct threads, and failed calls by method/error."""
    messages = 0
    threads: set[tuple[str, str]] = set()
    failed: Counter[str] = Counter()
    for call in fake.calls[since:]:
        if call.status != 200 or not call.response.get("ok"):
            failed[f"{call.method} {call.status} {call.response.get('error')}"] += 1
        elif call.method == "chat.postMessage":
            messages += 1
            threads.add((str(call.args.get("channel")), str(call.args.get("thread_ts"))))
    return messages, len(threads), failed


@asynccontextmanager
async def counting_logs() -> AsyncIterator[LogCount]:
    handler = LogCount()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


async def bench_why401(
    fake: FakeSlack, http: aiohttp.ClientSession, load: Traffic, concurrency: int, workdir: Path
) -> tuple[Run, list[str]]:
    """The real app: warm up, measure the acks, then wait for its answers and report them."""
    rng = random.Random(401)
    loopback = fake.base_url  # the probe endpoints too, so no code path can leave 127.0.0.1
    settings = Settings(
        slack_bot_token=FakeSlack.BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        host="127.0.0.1",
        port=0,
        db_path=workdir / "why401.db",
        login_url=loopback,
        outlook_url=loopback,
        graph_url=loopback,
    )
    store = Store(settings.db_path)
    deps = build_deps(settings, store)
    notes = []
    try:
        web_app = build_web_app(build_app(deps), deps, followup_interval=3600.0)
        async with serving(web_app) as url:
            warm = traffic(WARMUP_EVENTS, rng)
            await fire(http, url, event_bodies(warm.texts, "warm", rng), concurrency)
            await drain(store)
            since = len(fake.calls)
            run = await fire(http, url, event_bodies(load.texts, "why", rng), concurrency)
            during, _, _ = posted(fake, since)
            pending, waited = await drain(store)
            messages, threads, failed = posted(fake, since)
        notes.append(
            f"why401 answers: {messages} chat.postMessage replies in {threads} threads for "
            f"{load.matched} matched pastes ({during} of them posted before the last ack); "
            f"{pending} inbox items still pending after waiting {waited:.1f} s (limit {DRAIN_LIMIT_S:.0f} s)"
        )
        if failed:
            notes.append(f"why401 failed Web API calls: {dict(failed)}")
    finally:
        store.close()
    return run, notes


async def bench_bare(
    fake: FakeSlack, http: aiohttp.ClientSession, load: Traffic, concurrency: int
) -> tuple[Run, list[str]]:
    """The framework's floor: the same events through a bare Bolt app with an empty listener."""
    rng = random.Random(401)
    async with serving(bare_web_app(fake)) as url:
        warm = traffic(WARMUP_EVENTS, rng)
        await fire(http, url, event_bodies(warm.texts, "warmbare", rng), concurrency)
        run = await fire(http, url, event_bodies(load.texts, "bare", rng), concurrency)
    return run, []


async def measure(
    name: str, configuration: Coroutine[Any, Any, tuple[Run, list[str]]]
) -> tuple[str, Run, list[str], Counter[tuple[str, str, str]]]:
    """Run one configuration (a coroutine not yet started) while counting what it logs."""
    async with counting_logs() as logs:
        run, notes = await configuration
    return name, run, notes, logs.seen


async def bench(events: int, concurrency: int) -> None:
    load = traffic(events, random.Random(401))
    print(
        f"traffic: {events} signed message events, {load.pastes} of them error pastes "
        f"({load.matched} matched by the classifier), concurrency {concurrency}"
    )
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=concurrency)
    with tempfile.TemporaryDirectory(prefix="why401-bench-") as workdir:
        async with (
            FakeSlack() as fake,
            aiohttp.ClientSession(connector=connector, timeout=timeout) as http,
        ):
            results = [
                await measure("why401", bench_why401(fake, http, load, concurrency, Path(workdir))),
                await measure("bare Bolt", bench_bare(fake, http, load, concurrency)),
            ]
    print(f"{'app':<12}{'acks':>7}{'failed':>8}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, run, _, _ in results:
        print(
            f"{name:<12}{len(run.latencies):>7}{sum(run.failures.values()):>8}{run.rate:>10,.0f}"
            f"{run.percentile(0.5):>9.1f}{run.percentile(0.99):>9.1f}{run.percentile(1.0):>9.1f}"
        )
    (_, why, _, _), (_, bare, _, _) = results
    if bare.rate and why.latencies and bare.latencies:
        print(
            f"why401 / bare: throughput {why.rate / bare.rate:.0%}, "
            f"p50 {why.percentile(0.5) / bare.percentile(0.5):.1f}x, "
            f"p99 {why.percentile(0.99) / bare.percentile(0.99):.1f}x"
        )
    for name, run, notes, logged in results:
        for note in notes:
            print(note)
        if run.failures:
            print(f"{name} failed requests: {dict(run.failures)}")
        for (level, logger, message), count in logged.most_common(5):
            print(f"{name} logged {count}x {level} {logger}: {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--events", type=int, default=2000, help="events per configuration (default 2000)")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight (default 50)")
    args = parser.parse_args()
    for name in PROXY_VARIABLES:  # slack_sdk sends through these, ignoring NO_PROXY; stay on loopback
        os.environ.pop(name, None)
    asyncio.run(bench(max(1, args.events), max(1, args.concurrency)))


if __name__ == "__main__":
    main()
