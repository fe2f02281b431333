"""Ack latency and throughput of signed Events API message events: why401 against a bare Bolt app.

Run: python bench/ack.py [--events N] [--concurrency N] [--paste-share F] [--spans] [--profile]
[--switch-interval S]. Prints figures; asserts nothing.

Slack's side runs in a process of its own: a FakeSlack, started through the multiprocessing "spawn" context,
serves the Web API on 127.0.0.1 (port 0) and answers the bench's questions (how many calls, which replies)
over a pipe. It stops when asked, when the pipe closes (this process has gone) or after FAKE_LIFETIME_S.
The load generator and the app under test share this process and its event loop, as before: their figures
include the generator's cost, so the ratios between the two configurations are the figures to compare.

The traffic is channel chatter mixed with real 401 error pastes (`--paste-share` of the events), each event
with its own event_id and a fresh signature, sent by `--concurrency` workers over one aiohttp session, each
waiting for its ack before it sends the next. Latency is from sending a request to receiving its HTTP
response (the ack), reported for all events and per group: plain chatter, chatter that passes the
classifier's literal prefilter (why401 stores and classifies it, though it never answers it), and pastes.

- why401: `build_web_app(build_app(deps), deps)` with a temporary SQLite file. It stores each event that may
  need an answer before acking it and answers pastes after the ack, so that work competes with the acks;
  once the last ack is in, the script waits (at most DRAIN_LIMIT_S) for the answers and reports them.
- bare Bolt: an `AsyncApp` with the same signing secret and client and one empty message listener, served
  through the same route shape: the floor the framework itself sets.

`--spans` times, in this process, where an acknowledgement waits while why401 is measured: the aiohttp
handler per group (both apps), the inbox write (as the middleware awaits it, and on the inbox thread: wall
and CPU), every wait for and hold of the Store's connection lock by thread, classification on the default
pool (wall and CPU), the event-loop thread's time (CPU; in select, which includes taking the GIL back after
epoll; other waits: mostly the GIL) and the loop's lag, with the loop thread's stack sampled whenever the
lag passes STALL_THRESHOLD_S. `--profile` runs cProfile on the loop thread over each app's measured run
instead and prints own time per package in us per event, side by side (the two options distort each other,
so they are separate runs). `--switch-interval` sets `sys.setswitchinterval` (CPython's default is 5 ms), to
see how much threads handing the GIL to one another matters. Access logs are off, and why401's follow-up
loop runs once at start-up and then sleeps for the whole run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import itertools
import json
import logging
import multiprocessing
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, ParamSpec, TypeVar

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.classify import CHATTER, error_pastes
from bot.app import build_app, build_deps
from bot.config import Settings
from bot.deps import Deps
from bot.server import EVENTS_PATH, MAX_BODY_BYTES, build_web_app
from bot.store import Store
from bot.triage import Triager
from knowledge.classify import classify, default_classifier
from knowledge.load import default_catalog
from tests.fakes.slack import FakeSlack

P = ParamSpec("P")
T = TypeVar("T")

SIGNING_SECRET = "bench-signing-secret"
PASTE_SHARE = 0.1  # by default one message in ten is an error paste; the rest is ordinary chatter
CHANNELS = ["C0SUPPORT", "C0MIGRATE", "C0ONCALL", "C0CONTOSO"]
USERS = [f"U0ENG{n:04d}" for n in range(25)]
WARMUP_EVENTS = 8  # enough for auth.test to be cached and the classifier to have seen both kinds
WARMUP_PASTE_SHARE = 0.25  # whatever the measured mix, the warm-up holds pastes
REQUEST_TIMEOUT_S = 30.0
DRAIN_LIMIT_S = 30.0
DRAIN_POLL_S = 0.1
MESSAGE_SEQUENCE = itertools.count(1)
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")

FAKE_LIFETIME_S = 900.0  # the fake Slack process stops by itself after this, whatever happens here
FAKE_START_LIMIT_S = 60.0  # a spawned interpreter imports this module before it can serve
FAKE_REPLY_LIMIT_S = 10.0
FAKE_STOP_LIMIT_S = 5.0

KIND_HEADER = "X-Bench-Kind"  # which group an event belongs to; Bolt ignores it (it signs only the body)
PLAIN, STORED, PASTE = "plain chatter", "stored chatter", "paste"
KINDS = (PLAIN, STORED, PASTE)

LAG_PROBE_S = 0.005  # how often the watchdog asks the loop to run a callback
STALL_THRESHOLD_S = 0.010  # a probe waiting longer than this is a stall: sample the loop thread's stack
STALL_SAMPLE_S = 0.005
MAX_STALL_SAMPLES = 2000  # per probe: bounds the watchdog even if the loop never comes back
STACK_DEPTH = 4
PROFILE_LINES = 18


# ---------------------------------------------------------------------------- Slack, in its own process


def serve_fake_slack(conn: Connection, lifetime: float) -> None:
    """The child process: serve a FakeSlack on 127.0.0.1, answer questions about its calls over `conn`."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_fake_slack(conn, lifetime))


async def _serve_fake_slack(conn: Connection, lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    requests: asyncio.Queue[tuple[Any, ...] | None] = asyncio.Queue()

    def readable() -> None:
        try:
            requests.put_nowait(conn.recv())
        except (EOFError, OSError):  # the parent has gone: stop
            loop.remove_reader(conn.fileno())
            requests.put_nowait(None)

    async with FakeSlack() as fake:
        conn.send(("ready", fake.base_url))
        loop.add_reader(conn.fileno(), readable)
        try:
            async with asyncio.timeout(lifetime):
                while (request := await requests.get()) is not None and request[0] != "stop":
                    conn.send(_fake_answer(fake, request))
        except (TimeoutError, OSError):
            pass
        finally:
            with contextlib.suppress(OSError, ValueError):
                loop.remove_reader(conn.fileno())


def _fake_answer(fake: FakeSlack, request: tuple[Any, ...]) -> tuple[Any, ...]:
    """One question from the bench: `count`, `posted since`, or the child's CPU time (`cpu`)."""
    match request:
        case ("count",):
            return ("count", len(fake.calls))
        case ("posted", int(since)):
            messages = 0
            threads: set[tuple[str, str]] = set()
            failed: Counter[str] = Counter()
            for call in fake.calls[since:]:
                if call.status != 200 or not call.response.get("ok"):
                    failed[f"{call.method} {call.status} {call.response.get('error')}"] += 1
                elif call.method == "chat.postMessage":
                    messages += 1
                    threads.add((str(call.args.get("channel")), str(call.args.get("thread_ts"))))
            return ("posted", messages, len(threads), dict(failed))
        case ("cpu",):
            return ("cpu", time.process_time())
    return ("error", f"unknown request {request!r}")


@dataclass(frozen=True)
class Posted:
    """The replies the fake received since a given call: messages, distinct threads, failed calls."""

    messages: int
    threads: int
    failed: dict[str, int]


class FakeSlackProcess:
    """A FakeSlack in a spawned child process; questions go over a pipe, each answered within
    FAKE_REPLY_LIMIT_S."""

    def __init__(self, lifetime: float = FAKE_LIFETIME_S) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve_fake_slack, args=(child, lifetime), name="why401-bench-fake-slack", daemon=True
        )
        self._process.start()
        child.close()  # only the child holds its end now, so either side sees the other go
        ready = self._receive(FAKE_START_LIMIT_S)
        self.base_url = str(ready[1])
        if not self.base_url.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError(f"fake Slack is not on the loopback interface: {self.base_url}")

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def _receive(self, limit: float) -> tuple[Any, ...]:
        if not self._conn.poll(limit):
            raise RuntimeError(f"fake Slack (pid {self._process.pid}) did not answer within {limit:.0f} s")
        reply: tuple[Any, ...] = self._conn.recv()
        if reply[0] == "error":
            raise RuntimeError(f"fake Slack: {reply[1]}")
        return reply

    def _ask(self, *request: Any) -> tuple[Any, ...]:
        self._conn.send(request)
        return self._receive(FAKE_REPLY_LIMIT_S)

    def call_count(self) -> int:
        return int(self._ask("count")[1])

    def posted(self, since: int) -> Posted:
        _, messages, threads, failed = self._ask("posted", since)
        return Posted(messages, threads, failed)

    def cpu(self) -> float:
        """The child's CPU time so far, in seconds."""
        return float(self._ask("cpu")[1])

    def close(self) -> None:
        """Ask the child to stop; terminate it (this one process, by its handle) if it does not."""
        with contextlib.suppress(OSError):
            self._conn.send(("stop",))
        self._process.join(FAKE_STOP_LIMIT_S)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(FAKE_STOP_LIMIT_S)
        self._conn.close()

    def __enter__(self) -> FakeSlackProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


# ---------------------------------------------------------------------------- traffic


@dataclass(frozen=True)
class Traffic:
    """The message texts to send, in order, each with its group; how many of the pastes the classifier
    matches (a paste cut short can lose its error text and is then, rightly, not answered)."""

    texts: list[str]
    kinds: list[str]
    matched: int

    def count(self, kind: str) -> int:
        return self.kinds.count(kind)


def traffic(count: int, paste_share: float, rng: random.Random) -> Traffic:
    """`count` message texts: chatter, with `paste_share` of them real error pastes, shuffled."""
    pastes = error_pastes(round(count * paste_share), rng)
    prefilter = default_classifier().may_match  # what why401's inbox asks before it stores an event
    chatter = [rng.choice(CHATTER) for _ in range(count - len(pastes))]
    messages = [(text, STORED if prefilter(text) else PLAIN) for text in chatter]
    messages += [(text, PASTE) for text in pastes]
    rng.shuffle(messages)
    matched = sum(classify(text).matched for text in pastes)
    return Traffic([text for text, _ in messages], [kind for _, kind in messages], matched)


def describe(load: Traffic, paste_share: float, concurrency: int) -> str:
    total = len(load.texts)
    pastes, stored = load.count(PASTE), load.count(STORED)
    return (
        f"mix (--paste-share {paste_share:g}): {total} signed message events = "
        f"{total - pastes} chatter ({stored} of them pass the classifier's prefilter, so why401 stores and "
        f"classifies them too) + {pastes} error pastes of 0.2-4 KB ({load.matched} matched by the "
        f"classifier); concurrency {concurrency}"
    )


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


def signed_headers(body: bytes, verifier: SignatureVerifier, kind: str) -> dict[str, str]:
    """The headers Slack sends, signed now: the timestamp and the v0 HMAC of `v0:{timestamp}:{body}`."""
    stamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body) or "",
        KIND_HEADER: kind,
    }


# ---------------------------------------------------------------------------- measuring


def percentile_ms(values: list[float], share: float) -> float:
    """A percentile of durations in seconds, in milliseconds (NaN for none)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    if share == 0.5:
        return statistics.median(ordered) * 1000
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


@dataclass
class Run:
    """What one configuration's load run measured: ack latencies by group, wall time, failures."""

    latencies: dict[str, list[float]]
    elapsed: float
    failures: Counter[str]
    cpu: float = 0.0  # this process's CPU time over the run
    fake_cpu: float = 0.0  # the fake Slack process's

    @property
    def acks(self) -> list[float]:
        return [latency for group in self.latencies.values() for latency in group]

    @property
    def rate(self) -> float:
        return len(self.acks) / self.elapsed if self.elapsed else 0.0

    def percentile(self, share: float, kind: str | None = None) -> float:
        return percentile_ms(self.acks if kind is None else self.latencies.get(kind, []), share)


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


@dataclass
class Spans:
    """Durations (seconds) taken while `active`: named spans, the handler time per group, loop totals and
    the loop thread's sampled stacks during stalls."""

    active: bool = False
    named: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    handler: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    totals: dict[str, float] = field(default_factory=dict)
    stalls: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, seconds: float) -> None:
        if self.active:
            self.named[name].append(seconds)  # list.append is atomic: threads may call this


def thread_role() -> str:
    name = threading.current_thread().name
    if name.startswith("why401-inbox"):
        return "inbox thread"
    if name.startswith("why401-db"):
        return "db thread"
    if name.startswith("asyncio"):
        return "default pool"
    return name


class TimedLock:
    """Stands in for the Store's connection lock: times each wait for it and each hold, by thread role."""

    def __init__(self, spans: Spans) -> None:
        self._lock = threading.Lock()
        self._spans = spans
        self._held_since = 0.0

    def __enter__(self) -> TimedLock:
        begin = time.perf_counter()
        self._lock.acquire()
        self._held_since = time.perf_counter()
        self._spans.add(f"store lock wait: {thread_role()}", self._held_since - begin)
        return self

    def __exit__(self, *_: object) -> None:
        self._spans.add(f"store lock held: {thread_role()}", time.perf_counter() - self._held_since)
        self._lock.release()


@dataclass(frozen=True)
class TimedDeps(Deps):
    """why401's Deps, timing each inbox write: awaited in the middleware, and run on the inbox thread."""

    spans: Spans = field(default_factory=Spans)

    async def inbox(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        spans = self.spans

        def on_thread(*args: P.args, **kwargs: P.kwargs) -> T:
            begin, cpu = time.perf_counter(), time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                spans.add("inbox write, on the inbox thread", time.perf_counter() - begin)
                spans.add("inbox write, inbox thread CPU", time.thread_time() - cpu)

        begin = time.perf_counter()
        try:
            return await super().inbox(on_thread, *args, **kwargs)
        finally:
            spans.add("inbox write, awaited by the middleware", time.perf_counter() - begin)


def time_diagnose(triager: Triager, spans: Spans) -> None:
    """Wrap the triager's classification (run on the default thread pool) to time it: wall and CPU."""
    original = triager.diagnose

    def diagnose(*args: Any, **kwargs: Any) -> Any:
        begin, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spans.add("diagnose, wall", time.perf_counter() - begin)
            spans.add("diagnose, thread CPU", time.thread_time() - cpu)

    triager.diagnose = diagnose  # type: ignore[method-assign]


def handler_timing(spans: Spans) -> Callable[..., Awaitable[web.StreamResponse]]:
    """An aiohttp middleware timing the events handler (body read, Bolt dispatch, response) per group."""

    @web.middleware
    async def timing(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        begin = time.perf_counter()
        try:
            return await handler(request)
        finally:
            if spans.active:
                spans.handler[request.headers.get(KIND_HEADER, "?")].append(time.perf_counter() - begin)

    return timing


def stack_of(frame: FrameType | None) -> str:
    """The innermost STACK_DEPTH frames of a stack, innermost first: `file:function`."""
    parts: list[str] = []
    while frame is not None and len(parts) < STACK_DEPTH:
        parts.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(parts)


class LoopWatch:
    """While entered: account the loop thread's time (CPU, blocked in select, select(0)) and, from a
    watchdog thread, its lag: how long a callback made ready from outside waits to run. While a probe
    waits longer than STALL_THRESHOLD_S, the loop thread's stack is sampled every STALL_SAMPLE_S."""

    def __init__(self, loop: asyncio.AbstractEventLoop, spans: Spans) -> None:
        self._loop = loop
        self._spans = spans
        self._selector: Any = loop._selector  # type: ignore[attr-defined]
        self._select = self._selector.select
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="bench-watchdog", daemon=True)
        self._loop_thread = threading.get_ident()
        self._begin = (0.0, 0.0)

    def _timed_select(self, timeout: float | None = None) -> Any:
        begin = time.perf_counter()
        try:
            return self._select(timeout)
        finally:
            elapsed = time.perf_counter() - begin
            key = "select(0)" if timeout == 0 else "select, may block"
            self._spans.totals[key] = self._spans.totals.get(key, 0.0) + elapsed
            self._spans.totals[f"{key} calls"] = self._spans.totals.get(f"{key} calls", 0.0) + 1

    def _probe(self, sent: float, ran: threading.Event) -> None:
        self._spans.add("loop lag", time.perf_counter() - sent)
        ran.set()

    def _watch(self) -> None:
        while not self._stop.wait(LAG_PROBE_S):
            ran = threading.Event()
            self._loop.call_soon_threadsafe(self._probe, time.perf_counter(), ran)
            if ran.wait(STALL_THRESHOLD_S):
                continue
            for _ in range(MAX_STALL_SAMPLES):
                frame = sys._current_frames().get(self._loop_thread)
                self._spans.stalls[stack_of(frame)] += 1
                if ran.wait(STALL_SAMPLE_S) or self._stop.is_set():
                    break

    def __enter__(self) -> LoopWatch:
        self._selector.select = self._timed_select
        self._begin = (time.perf_counter(), time.thread_time())
        self._watchdog.start()
        return self

    def __exit__(self, *_: object) -> None:
        wall, cpu = time.perf_counter() - self._begin[0], time.thread_time() - self._begin[1]
        self._stop.set()
        self._watchdog.join(STALL_THRESHOLD_S + 1.0)
        self._selector.select = self._select
        self._spans.totals.update({"loop wall": wall, "loop thread CPU": cpu})


async def fire(
    http: aiohttp.ClientSession, url: str, bodies: list[tuple[str, bytes]], concurrency: int
) -> Run:
    """Send every body from `concurrency` workers, each waiting for its ack before sending the next."""
    verifier = SignatureVerifier(SIGNING_SECRET)
    latencies: defaultdict[str, list[float]] = defaultdict(list)
    failures: Counter[str] = Counter()
    queue = iter(bodies)  # shared by the workers; each body is sent once

    async def worker() -> None:
        for kind, body in queue:
            headers = signed_headers(body, verifier, kind)
            begin = time.perf_counter()
            try:
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as error:
                failures[type(error).__name__] += 1
                continue
            latencies[kind].append(time.perf_counter() - begin)
            if status != 200:
                failures[f"HTTP {status}"] += 1

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Run(dict(latencies), time.perf_counter() - start, failures, cpu=time.process_time() - cpu)


async def fire_measured(
    fake: FakeSlackProcess,
    http: aiohttp.ClientSession,
    url: str,
    bodies: list[tuple[str, bytes]],
    concurrency: int,
) -> Run:
    """`fire`, with the fake Slack process's CPU time over the run."""
    fake_cpu = fake.cpu()
    run = await fire(http, url, bodies, concurrency)
    run.fake_cpu = fake.cpu() - fake_cpu
    return run


@asynccontextmanager
async def serving(web_app: web.Application, spans: Spans | None) -> AsyncIterator[str]:
    """Serve `web_app` on an ephemeral loopback port (start-up hooks included); yield its events URL."""
    if spans is not None:
        web_app.middlewares.append(handler_timing(spans))
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}{EVENTS_PATH}"
    finally:
        await runner.cleanup()


def bare_web_app(fake: FakeSlackProcess) -> web.Application:
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


@asynccontextmanager
async def counting_logs() -> AsyncIterator[LogCount]:
    handler = LogCount()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@dataclass(frozen=True)
class Options:
    events: int
    concurrency: int
    paste_share: float
    spans: bool
    profile: bool
    answerer: str = "process"


@contextmanager
def observed(spans: Spans | None, profile: cProfile.Profile | None, watch: bool = True) -> Iterator[None]:
    """Around a measured run: activate the spans (and watch the loop), or profile the loop thread."""
    if profile is not None:
        profile.enable()
    try:
        if spans is None:
            yield
            return
        spans.active = True
        try:
            with LoopWatch(asyncio.get_running_loop(), spans) if watch else contextlib.nullcontext():
                yield
        finally:
            spans.active = False
    finally:
        if profile is not None:
            profile.disable()


def why401_deps(settings: Settings, store: Store, spans: Spans | None) -> Deps:
    """The app's own deps, or (with --spans) the same wiring with the inbox, store lock and triage timed."""
    if spans is None:
        return build_deps(settings, store)
    store._lock = TimedLock(spans)  # type: ignore[assignment]
    triager = Triager(default_catalog(), store)
    time_diagnose(triager, spans)
    return TimedDeps(settings=settings, store=store, triager=triager, spans=spans)


async def bench_why401(
    fake: FakeSlackProcess,
    http: aiohttp.ClientSession,
    load: Traffic,
    options: Options,
    *,
    workdir: Path,
    spans: Spans | None,
    profile: cProfile.Profile | None,
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
    answerer = None
    if options.answerer == "process":  # answering in a worker process of its own, as in production
        settings = dataclasses.replace(settings, answer_in_process=False)
    store = Store(settings.db_path)
    deps = why401_deps(settings, store, spans)
    notes = [
        f"why401 answers in {'a worker process' if options.answerer == 'process' else 'the web process'}"
    ]
    try:
        if options.answerer == "process":
            answerer = subprocess.Popen(
                [sys.executable, "-m", "bot", "answer"],
                cwd=ROOT,
                env=answerer_env(settings),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        web_app = build_web_app(build_app(deps), deps, followup_interval=3600.0)
        async with serving(web_app, spans) as url:
            warm = traffic(WARMUP_EVENTS, WARMUP_PASTE_SHARE, rng)
            warm_bodies = event_bodies(warm.texts, "warm", rng)
            await fire(http, url, list(zip(warm.kinds, warm_bodies, strict=True)), options.concurrency)
            await drain(store)
            since = fake.call_count()
            bodies = list(zip(load.kinds, event_bodies(load.texts, "why", rng), strict=True))
            with observed(spans, profile):
                run = await fire_measured(fake, http, url, bodies, options.concurrency)
            during = fake.posted(since).messages
            pending, waited = await drain(store)
            replies = fake.posted(since)
        notes.append(
            f"why401 answers: {replies.messages} chat.postMessage replies in {replies.threads} threads for "
            f"{load.matched} matched pastes ({during} of them posted before the last ack); "
            f"{pending} inbox items still pending after waiting {waited:.1f} s (limit {DRAIN_LIMIT_S:.0f} s)"
        )
        if replies.failed:
            notes.append(f"why401 failed Web API calls: {replies.failed}")
    finally:
        if answerer is not None:
            answerer.terminate()
            answerer.wait(timeout=30)
        deps.db_thread.shutdown(wait=True)
        store.close()
    return run, notes


def answerer_env(settings: Settings) -> dict[str, str]:
    """The environment of `python -m bot answer`: the same Slack, database and loopback endpoints."""
    env = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
    env.update(
        SLACK_BOT_TOKEN=settings.slack_bot_token or "",
        SLACK_API_URL=settings.slack_api_url,
        WHY401_DB=str(settings.db_path),
        WHY401_LOGIN_URL=settings.login_url,
        WHY401_OUTLOOK_URL=settings.outlook_url,
        WHY401_GRAPH_URL=settings.graph_url,
    )
    return env


async def bench_bare(
    fake: FakeSlackProcess,
    http: aiohttp.ClientSession,
    load: Traffic,
    options: Options,
    *,
    spans: Spans | None,
    profile: cProfile.Profile | None,
) -> tuple[Run, list[str]]:
    """The framework's floor: the same events through a bare Bolt app with an empty listener."""
    rng = random.Random(401)
    async with serving(bare_web_app(fake), spans) as url:
        warm = traffic(WARMUP_EVENTS, WARMUP_PASTE_SHARE, rng)
        warm_bodies = event_bodies(warm.texts, "warmbare", rng)
        await fire(http, url, list(zip(warm.kinds, warm_bodies, strict=True)), options.concurrency)
        bodies = list(zip(load.kinds, event_bodies(load.texts, "bare", rng), strict=True))
        with observed(spans, profile, watch=False):
            run = await fire_measured(fake, http, url, bodies, options.concurrency)
    return run, []


async def measure(
    name: str, configuration: Coroutine[Any, Any, tuple[Run, list[str]]]
) -> tuple[str, Run, list[str], Counter[tuple[str, str, str]]]:
    """Run one configuration (a coroutine not yet started) while counting what it logs."""
    async with counting_logs() as logs:
        run, notes = await configuration
    return name, run, notes, logs.seen


# ---------------------------------------------------------------------------- reporting


def print_table(results: list[tuple[str, Run, list[str], Counter[tuple[str, str, str]]]]) -> None:
    print(
        f"{'app':<11}{'group':<16}{'acks':>6}{'failed':>7}{'events/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'max ms':>8}{'CPU s':>7}{'Slack CPU s':>12}"
    )
    for name, run, _, _ in results:
        print(
            f"{name:<11}{'all':<16}{len(run.acks):>6}{sum(run.failures.values()):>7}{run.rate:>9,.0f}"
            f"{run.percentile(0.5):>8.1f}{run.percentile(0.99):>8.1f}{run.percentile(1.0):>8.1f}"
            f"{run.cpu:>7.2f}{run.fake_cpu:>12.2f}"
        )
        for kind in KINDS:
            if run.latencies.get(kind):
                print(
                    f"{'':<11}{kind:<16}{len(run.latencies[kind]):>6}{'':>7}{'':>9}"
                    f"{run.percentile(0.5, kind):>8.1f}{run.percentile(0.99, kind):>8.1f}"
                    f"{run.percentile(1.0, kind):>8.1f}"
                )
    (_, why, _, _), (_, bare, _, _) = results
    if bare.rate and why.acks and bare.acks:
        print(
            f"why401 / bare: throughput {why.rate / bare.rate:.0%}, "
            f"p50 {why.percentile(0.5) / bare.percentile(0.5):.1f}x, "
            f"p99 {why.percentile(0.99) / bare.percentile(0.99):.1f}x, "
            f"CPU per event {why.cpu / len(why.acks) * 1e6:,.0f} vs {bare.cpu / len(bare.acks) * 1e6:,.0f} us"
        )


def span_line(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<46} none"
    return (
        f"  {label:<46}{len(values):>6}  p50 {percentile_ms(values, 0.5):7.2f}  "
        f"p99 {percentile_ms(values, 0.99):7.2f}  max {percentile_ms(values, 1.0):7.2f} ms  "
        f"sum {sum(values):6.2f} s"
    )


def print_spans(why: Spans, bare: Spans) -> None:
    print("spans (--spans), during the measured runs; times in the main process:")
    for name, spans in (("why401", why), ("bare Bolt", bare)):
        for kind in KINDS:
            if spans.handler.get(kind):
                print(span_line(f"{name} aiohttp handler, {kind}", spans.handler[kind]))
    for name in sorted(why.named):
        if name != "loop lag":
            print(span_line(f"why401 {name}", why.named[name]))
    totals = why.totals
    wall = totals.get("loop wall", 0.0)
    if wall:
        cpu = totals.get("loop thread CPU", 0.0)
        block, poll = totals.get("select, may block", 0.0), totals.get("select(0)", 0.0)
        polls = totals.get("select(0) calls", 0.0)
        other = wall - cpu - block - poll
        print(
            f"  why401 loop thread over {wall:.2f} s: CPU {cpu:.2f} s ({cpu / wall:.0%}), in select that may "
            f"block {block:.2f} s ({block / wall:.0%}, {totals.get('select, may block calls', 0):.0f} "
            f"calls), in select(0) {poll:.2f} s ({polls:.0f} calls, mean {poll / max(polls, 1) * 1e6:.0f} "
            f"us), other waits (GIL, other syscalls) {other:.2f} s ({other / wall:.0%})"
        )
    print(span_line("why401 loop lag (watchdog probe)", why.named.get("loop lag", [])))
    samples = sum(why.stalls.values())
    if samples:
        print(
            f"  loop thread's stack while a probe waited > {STALL_THRESHOLD_S * 1000:.0f} ms "
            f"({samples} samples, {STALL_SAMPLE_S * 1000:.0f} ms apart; innermost frame first):"
        )
        for stack, count in why.stalls.most_common(8):
            print(f"  {count:>6} {count / samples:>4.0%}  {stack}")


def package_of(filename: str) -> str:
    """Where a profiled function lives: a site package, a project directory, a stdlib module or C code."""
    if filename.startswith(("~", "<")):
        return "built-in (C)"
    path = Path(filename)
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1]
    root = Path(__file__).resolve().parents[1]
    if path.is_relative_to(root):
        return f"project {path.relative_to(root).parts[0]}/"
    return f"stdlib {path.stem}"


def print_profiles(profiles: dict[str, cProfile.Profile], events: int) -> None:
    """Each app's loop-thread profile: own time by package (us per event, side by side), then the top
    functions of each. cProfile counts every resumption of a coroutine as a call."""
    tables: dict[str, dict[Any, Any]] = {
        name: pstats.Stats(profile).stats  # type: ignore[attr-defined]
        for name, profile in profiles.items()
    }
    by_package: dict[str, Counter[str]] = {name: Counter() for name in tables}
    for name, table in tables.items():
        for (filename, _, _), entry in table.items():
            by_package[name][package_of(filename)] += entry[2]
    names = list(tables)
    print(
        "cProfile of the loop thread over each measured run (the load generator included), own time in us "
        "per event:"
    )
    print(f"  {'':<24}" + "".join(f"{name:>12}" for name in names))
    print(
        f"  {'total':<24}" + "".join(f"{sum(by_package[n].values()) / events * 1e6:>12,.0f}" for n in names)
    )
    for package, _ in sum(by_package.values(), Counter()).most_common(12):
        print(f"  {package:<24}" + "".join(f"{by_package[n][package] / events * 1e6:>12,.0f}" for n in names))
    for name, table in tables.items():
        print(f"  {name}: top {PROFILE_LINES} functions by own time (calls, own s, cumulative s):")
        ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)
        for (filename, line, function), (_, calls, own, cumulative, _) in ranked[:PROFILE_LINES]:
            print(f"  {calls:>8} {own:6.2f} {cumulative:6.2f}  {Path(filename).name}:{line} {function}")


async def bench(fake: FakeSlackProcess, options: Options) -> None:
    load = traffic(options.events, options.paste_share, random.Random(401))
    print(describe(load, options.paste_share, options.concurrency))
    interval = sys.getswitchinterval() * 1000
    print(f"fake Slack: pid {fake.pid}, {fake.base_url}; GIL switch interval {interval:g} ms")
    why_spans, bare_spans = (Spans(), Spans()) if options.spans else (None, None)
    profiles = {name: cProfile.Profile() for name in ("why401", "bare Bolt")} if options.profile else {}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=options.concurrency)
    with tempfile.TemporaryDirectory(prefix="why401-bench-") as workdir:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            why = bench_why401(
                fake,
                http,
                load,
                options,
                workdir=Path(workdir),
                spans=why_spans,
                profile=profiles.get("why401"),
            )
            bare = bench_bare(fake, http, load, options, spans=bare_spans, profile=profiles.get("bare Bolt"))
            results = [await measure("why401", why), await measure("bare Bolt", bare)]
    print_table(results)
    for name, run, notes, logged in results:
        for note in notes:
            print(note)
        if run.failures:
            print(f"{name} failed requests: {dict(run.failures)}")
        for (level, logger, message), count in logged.most_common(5):
            print(f"{name} logged {count}x {level} {logger}: {message}")
    if why_spans is not None and bare_spans is not None:
        print_spans(why_spans, bare_spans)
    if profiles:
        print_profiles(profiles, options.events)


def share(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("a share is between 0 and 1")
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--events", type=int, default=2000, help="events per configuration (default 2000)")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight (default 50)")
    parser.add_argument(
        "--paste-share", type=share, default=PASTE_SHARE, help=f"error pastes' share (default {PASTE_SHARE})"
    )
    parser.add_argument(
        "--answerer",
        choices=("process", "in-process"),
        default="process",
        help="why401 answers in a worker process (default, as deployed) or in the web process",
    )
    parser.add_argument("--spans", action="store_true", help="time where acks wait (see above)")
    parser.add_argument("--profile", action="store_true", help="cProfile the loop thread during why401's run")
    parser.add_argument(
        "--switch-interval", type=float, help="sys.setswitchinterval in seconds (CPython default 0.005)"
    )
    args = parser.parse_args()
    if args.spans and args.profile:
        parser.error("--spans and --profile distort each other; run them separately")
    for name in PROXY_VARIABLES:  # slack_sdk sends through these, ignoring NO_PROXY; stay on loopback
        os.environ.pop(name, None)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    options = Options(
        max(1, args.events),
        max(1, args.concurrency),
        args.paste_share,
        args.spans,
        args.profile,
        args.answerer,
    )
    with FakeSlackProcess() as fake:
        asyncio.run(bench(fake, options))


if __name__ == "__main__":
    main()
