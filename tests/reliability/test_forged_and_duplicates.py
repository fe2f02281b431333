"""Forged requests reach no listener; retried and duplicated events, across restarts, get one answer each.

The real app over real HTTP on loopback (tests.bot.slackapp), answering into a FakeSlack. Forgeries come from
a seeded generator (SEED), so a failure names a variant that can be made again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import sqlite3
import string
import time
import urllib.parse
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.answerer import answering
from bot.app import build_deps
from bot.blocks import CHECKLIST_TOGGLE, PASTE_BLOCK, PASTE_INPUT, PASTE_MODAL, SIDE_BLOCK, SIDE_INPUT
from bot.config import Settings
from bot.store import Store
from tests.bot.slackapp import (
    BASIC_AUTH,
    CHANNEL,
    SIGNING_SECRET,
    USER,
    SlackBot,
    channel_message,
    event_body,
    message_ts,
    signed_headers,
)
from tests.fakes.slack import Call, FakeSlack

SEED = 401
REPEATS = 20  # per kind and payload: 17 kinds x 3 payloads x 20 = 1,020 forged requests
CONCURRENCY = 32
JSON, FORM = "application/json", "application/x-www-form-urlencoded"
PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " "
NON_NUMERIC = ("", "now", "abc", "NaN", "1e9", "{now}.5", "{now}s", "{now}e0", "0x{hex}", "{now}-1")
PASTES = (
    "dest side: " + BASIC_AUTH,
    "source: AADSTS50126 invalid username or password",
    "401 on the destination, we created these users an hour ago",
    "401 Unauthorized on the destination, no idea why",
)
EVENTS = 30
DELIVERIES = (4, 4, 3, 2)  # deliveries of event i: DELIVERIES[i % 4], the original then retries 1, 2, 3
HOLD_S = 1.0

Headers = Callable[[float], dict[str, str]]
"""The headers of a request sent at time `now`: timestamps are taken when the request goes out."""


# ---------------------------------------------------------------------------------------------- helpers


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@contextlib.asynccontextmanager
async def running(fake: FakeSlack, db: Path, **settings: Any) -> AsyncIterator[SlackBot]:
    bot = await SlackBot(fake, db, **settings).start()
    try:
        yield bot
    finally:
        await bot.stop()


class Passed(AsyncMiddleware):
    """Counts the requests that got past signature verification and the inbox, on to the listeners."""

    def __init__(self) -> None:
        self.count = 0

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse | None:
        self.count += 1
        return await next()


def rows(db: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return int(connection.execute(f"select count(*) from {table}").fetchone()[0])


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait, bounded, for state the bot changes after its last Slack call."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def posted_in(thread_ts: str) -> Callable[[Call], bool]:
    """A chat.postMessage call that went out (not refused) in the thread."""
    return lambda call: call.args.get("thread_ts") == thread_ts and bool(call.response.get("ok"))


async def barrier(bot: SlackBot, fake: FakeSlack) -> str:
    """Answer a sentinel paste: the inbox answers in arrival order, so all stored before it are done."""
    sentinel = message_ts()
    assert (await bot.send_event(channel_message(f"sentinel: {BASIC_AUTH}", ts=sentinel))).status == 200
    await fake.wait_for("chat.postMessage", posted_in(sentinel), count=2, timeout=10)
    return sentinel


def assert_one_answer(fake: FakeSlack, thread_ts: str) -> None:
    """Exactly one diagnosis and one checklist went out in the thread."""
    replies = [call for call in fake.calls_to("chat.postMessage") if posted_in(thread_ts)(call)]
    assert len(replies) == 2, f"thread {thread_ts}: {len(replies)} replies"
    answer, checklist = (json.dumps(call.args) for call in replies)
    assert CHECKLIST_TOGGLE not in answer
    assert CHECKLIST_TOGGLE in checklist and "Checklist" in checklist


def slash_form(fake: FakeSlack, text: str, response_key: str) -> str:
    return urllib.parse.urlencode(
        {
            "command": "/why401",
            "text": text,
            "team_id": FakeSlack.TEAM_ID,
            "channel_id": CHANNEL,
            "user_id": USER,
            "trigger_id": "1337.42.abcd",
            "response_url": fake.response_url(response_key),
        }
    )


def paste_form(text: str) -> str:
    """The paste form submitted with `text` on the destination side, as an interactive payload."""
    values = {
        PASTE_BLOCK: {PASTE_INPUT: {"type": "plain_text_input", "value": text}},
        SIDE_BLOCK: {SIDE_INPUT: {"type": "static_select", "selected_option": {"value": "destination"}}},
    }
    view = {"id": "V0PASTE", "type": "modal", "callback_id": PASTE_MODAL, "private_metadata": CHANNEL}
    payload = {
        "type": "view_submission",
        "team": {"id": FakeSlack.TEAM_ID},
        "user": {"id": USER},
        "view": {**view, "state": {"values": values}},
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


# ---------------------------------------------------------------------------------------------- forgeries


def sign(body: str, stamp: str, secret: str = SIGNING_SECRET) -> str:
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return signature


def stamp_of(now: float) -> str:
    return str(int(now))


def headers(stamp: str | None, signature: str | None) -> dict[str, str]:
    both = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    return {name: value for name, value in both.items() if value is not None}


def signed_at(body: str, secret: str = SIGNING_SECRET) -> Headers:
    return lambda now: headers(stamp_of(now), sign(body, stamp_of(now), secret))


Forge = Callable[[random.Random, str, str], tuple[str, Headers]]
"""(rng, body, another genuine body) -> (the body sent, its headers)."""


def _random_signature(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    signature = "v0=" + rng.randbytes(32).hex()
    return body, lambda now: headers(stamp_of(now), signature)


def _garbage_signature(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    signature = "".join(rng.choices(PRINTABLE, k=rng.randrange(1, 100)))
    return body, lambda now: headers(stamp_of(now), signature)


def _truncated_signature(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    cut = rng.randrange(len("v0=") + 64)
    return body, lambda now: headers(stamp_of(now), sign(body, stamp_of(now))[:cut])


def _byte_changed(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    at = rng.randrange(len(body))
    changed = rng.choice(PRINTABLE.replace(body[at], ""))
    return body[:at] + changed + body[at + 1 :], signed_at(body)


def _byte_appended(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    return body + rng.choice(PRINTABLE), signed_at(body)


def _byte_removed(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    at = rng.randrange(len(body))
    return body[:at] + body[at + 1 :], signed_at(body)


def _another_requests_signature(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    return body, signed_at(other)


def _wrong_secret(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    at = rng.randrange(len(SIGNING_SECRET))
    secret = rng.choice(
        [
            "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randrange(8, 41))),
            SIGNING_SECRET + rng.choice(PRINTABLE),
            SIGNING_SECRET[:at] + SIGNING_SECRET[at + 1 :],
            SIGNING_SECRET[:at]
            + rng.choice(PRINTABLE.replace(SIGNING_SECRET[at], ""))
            + SIGNING_SECRET[at + 1 :],
            SIGNING_SECRET.upper(),
        ]
    )
    return body, signed_at(body, secret)


def _no_signature(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    return body, lambda now: headers(stamp_of(now), None)


def _no_timestamp(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    return body, lambda now: headers(None, sign(body, stamp_of(now)))


def _no_headers(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    return body, lambda now: {}


def _stale(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    age = rng.choice((301, 301, 301, 302, 3600, 86_400 * 365))

    def stale(now: float) -> dict[str, str]:
        stamp = str(math.floor(now) - age)  # at least `age` seconds old when checked
        return headers(stamp, sign(body, stamp))

    return body, stale


def _future(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    ahead = rng.choice((301, 301, 301, 302, 3600, 86_400 * 365))

    def future(now: float) -> dict[str, str]:
        stamp = str(math.ceil(now) + ahead)  # still more than 300 s ahead for the next second
        return headers(stamp, sign(body, stamp))

    return body, future


def _non_numeric_timestamp(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    template = rng.choice(NON_NUMERIC)

    def non_numeric(now: float) -> dict[str, str]:
        stamp = template.format(now=int(now), hex=f"{int(now):x}")
        return headers(stamp, sign(body, stamp))  # signed with the real secret: only the stamp is wrong

    return body, non_numeric


def _v1_prefix(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    return body, lambda now: headers(stamp_of(now), "v1=" + sign(body, stamp_of(now)).removeprefix("v0="))


def _uppercase_digest(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    return body, lambda now: headers(stamp_of(now), "v0=" + sign(body, stamp_of(now))[3:].upper())


def _empty_body(rng: random.Random, body: str, other: str) -> tuple[str, Headers]:
    random_signature = "v0=" + rng.randbytes(32).hex()
    signed = rng.choice([signed_at(body), lambda now: headers(stamp_of(now), random_signature)])
    return "", signed


KINDS: dict[str, Forge] = {
    "random signature": _random_signature,
    "garbage signature": _garbage_signature,
    "truncated signature": _truncated_signature,
    "body byte changed": _byte_changed,
    "body byte appended": _byte_appended,
    "body byte removed": _byte_removed,
    "another request's signature": _another_requests_signature,
    "wrong signing secret": _wrong_secret,
    "no signature": _no_signature,
    "no timestamp": _no_timestamp,
    "no headers": _no_headers,
    "301+ s old": _stale,
    "301+ s ahead": _future,
    "non-numeric timestamp": _non_numeric_timestamp,
    "v1= prefix": _v1_prefix,
    "uppercase digest": _uppercase_digest,
    "empty body": _empty_body,
}


@dataclass(frozen=True)
class Forged:
    kind: str
    payload: str
    body: str
    content_type: str
    headers: Headers


def forgeries(fake: FakeSlack) -> list[Forged]:
    """Every kind of forgery over events, slash commands and form submissions that would be answered."""
    rng, serial = random.Random(SEED), iter(range(1_000_000))
    payloads: dict[str, Callable[[], tuple[str, str]]] = {
        "event": lambda: (json.dumps(event_body(channel_message(f"{next(serial)}: {BASIC_AUTH}"))), JSON),
        "slash command": lambda: (slash_form(fake, BASIC_AUTH, f"forged{next(serial)}"), FORM),
        "form submission": lambda: (paste_form(f"{next(serial)}: {BASIC_AUTH}"), FORM),
    }
    variants = []
    for _ in range(REPEATS):
        for payload, build in payloads.items():
            for kind, forge in KINDS.items():
                (body, content_type), (other, _) = build(), build()
                sent, signed = forge(rng, body, other)
                variants.append(Forged(kind, payload, sent, content_type, signed))
    rng.shuffle(variants)
    return variants


async def send_all(url: str, variants: list[Forged]) -> list[int]:
    """POST every variant, CONCURRENCY at a time, each signed as it goes out; their statuses in order."""
    limit = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as http:

        async def send(variant: Forged) -> int:
            async with limit:
                sent = {"Content-Type": variant.content_type, **variant.headers(time.time())}
                async with http.post(url, data=variant.body.encode(), headers=sent) as response:
                    await response.read()
                    return response.status

        return await asyncio.gather(*(send(variant) for variant in variants))


async def answer_controls(bot: SlackBot, fake: FakeSlack) -> None:
    """A correctly signed paste, slash command and form submission, each answered in its thread."""
    root = message_ts()
    assert (await bot.send_event(channel_message(f"control: {BASIC_AUTH}", ts=root))).status == 200
    assert (await bot.slash(BASIC_AUTH, response_key="control")).status == 200
    assert (await bot.post(paste_form(BASIC_AUTH), FORM)).status == 200
    await fake.wait_for("chat.postMessage", posted_in(root), count=2)
    summaries = await fake.wait_for("chat.postMessage", lambda call: "thread_ts" not in call.args, count=2)
    for summary in summaries:
        await fake.wait_for("chat.postMessage", posted_in(summary.response["ts"]), count=2)


# ---------------------------------------------------------------------------------------------- tests


async def test_forged_requests_are_refused_and_run_nothing(fake: FakeSlack, tmp_path: Path) -> None:
    db = tmp_path / "why401.db"
    async with running(fake, db) as bot:
        passed = Passed()
        bot.app.use(passed)
        assert [call.method for call in fake.calls] == ["auth.test"]  # start-up's, before any request
        variants = forgeries(fake)
        assert len(variants) >= 1000 and {v.kind for v in variants} == set(KINDS)

        statuses = await send_all(bot.url(), variants)

        outcomes = Counter((v.kind, v.payload, status) for v, status in zip(variants, statuses, strict=True))
        not_401 = {outcome: n for outcome, n in outcomes.items() if outcome[2] != 401}
        assert not_401 == {}, f"forgeries not refused with 401 (seed {SEED}): {not_401}"
        assert passed.count == 0
        assert rows(db, "events") == 0 and rows(db, "triages") == 0
        assert [call.method for call in fake.calls] == ["auth.test"]

        await answer_controls(bot, fake)  # the same content, signed, is answered: the forgeries would be

        assert passed.count == 3
        assert rows(db, "triages") == 3
        assert len(fake.calls_to("chat.postMessage")) == 8  # the 3 answers (2 with a summary line), no more
        assert {call.method for call in fake.calls} == {"auth.test", "chat.postMessage"}


MALFORMED = [
    pytest.param(json.dumps(event_body(channel_message(BASIC_AUTH))), JSON, "now", id="stamp-now"),
    pytest.param(
        urllib.parse.urlencode({"command": "/why401", "text": BASIC_AUTH}), FORM, "1e9", id="stamp-1e9"
    ),
    pytest.param(paste_form(BASIC_AUTH), FORM, "", id="stamp-empty"),
    pytest.param('{"type": "event_callback", "event": ', JSON, None, id="cut-json"),
    pytest.param("[1]", JSON, None, id="json-array"),
    pytest.param('"event_callback"', JSON, None, id="json-string"),
    pytest.param("payload=null", FORM, None, id="null-payload"),
    pytest.param("payload=%7B", FORM, None, id="cut-payload"),
]
"""(body, content type, timestamp or None for a good one): a bad timestamp, or a body no Slack request has."""


@pytest.mark.parametrize(("body", "content_type", "stamp"), MALFORMED)
async def test_malformed_requests_are_refused_without_an_error(
    fake: FakeSlack, tmp_path: Path, body: str, content_type: str, stamp: str | None
) -> None:
    """401 when forged; when signed, 401 for a bad timestamp and 400 for a bad body: never a 500."""
    async with running(fake, tmp_path / "why401.db") as bot:
        sent = stamp_of(time.time()) if stamp is None else stamp
        forged = await bot.post(body, content_type, headers(sent, "v0=" + "0" * 64))
        signed = await bot.post(body, content_type, headers(sent, sign(body, sent)))
        assert (forged.status, signed.status) == (401, 401 if stamp is not None else 400)
        assert [call.method for call in fake.calls] == ["auth.test"]
        assert rows(tmp_path / "why401.db", "events") == 0


@dataclass(frozen=True)
class Delivery:
    """One delivery of an event: the original (retry 0) or Slack's retry 1-3, to the bot of one phase."""

    event: int
    body: str
    retry: int
    phase: int  # 1: the first bot; 2: a web-only bot on the same database (it answers nothing); 3: the next

    def headers(self) -> dict[str, str]:
        retry = {"X-Slack-Retry-Num": str(self.retry), "X-Slack-Retry-Reason": "http_timeout"}
        return {**signed_headers(self.body), **(retry if self.retry else {})}


def deliveries(threads: list[str]) -> list[Delivery]:
    """Each event's original and retries, spread over the three phases; shuffled."""
    rng = random.Random(SEED)
    planned = []
    for i, thread_ts in enumerate(threads):
        event = channel_message(f"case {i}, {PASTES[i % len(PASTES)]}", ts=thread_ts)
        body = json.dumps(event_body(event, f"Ev0DUP{i:04d}"))
        for retry in range(DELIVERIES[i % len(DELIVERIES)]):
            phase = 1 + i % 3 if retry == 0 else rng.randint(1, 3)
            planned.append(Delivery(i, body, retry, phase))
    rng.shuffle(planned)
    return planned


async def deliver(bot: SlackBot, planned: list[Delivery]) -> None:
    """Send deliveries concurrently (a few at a time), each acknowledged."""
    limit = asyncio.Semaphore(8)

    async def send(delivery: Delivery) -> int:
        async with limit:
            return (await bot.post(delivery.body, JSON, delivery.headers())).status

    statuses = await asyncio.gather(*(send(delivery) for delivery in planned))
    assert statuses == [200] * len(planned)


async def test_retries_and_duplicates_across_restarts_get_one_answer_each(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = tmp_path / "why401.db"
    threads = [message_ts() for _ in range(EVENTS)]
    planned = deliveries(threads)
    phase = {n: [d for d in planned if d.phase == n] for n in (1, 2, 3)}
    first_phase = {i: min(d.phase for d in planned if d.event == i) for i in range(EVENTS)}
    assert sum(d.phase > first_phase[d.event] for d in planned) >= 10  # duplicates after a restart
    assert len(planned) == sum(DELIVERIES[i % len(DELIVERIES)] for i in range(EVENTS))

    async with running(fake, db) as first:
        await deliver(first, phase[1])
        for thread_ts in sorted({threads[d.event] for d in phase[1]}):
            await fake.wait_for("chat.postMessage", posted_in(thread_ts), count=2, timeout=10)
        await eventually(lambda: first.store.pending_events() == [])  # stopped between answers, not in one
    answered = len(fake.calls_to("chat.postMessage"))

    async with running(fake, db, answer_in_process=False) as web_only:  # workers down: stored, not answered
        await deliver(web_only, phase[2])
    assert len(fake.calls_to("chat.postMessage")) == answered

    async with running(fake, db) as last:  # answers what the web-only bot stored, while retries arrive
        await deliver(last, phase[3])
        for thread_ts in threads:
            await fake.wait_for("chat.postMessage", posted_in(thread_ts), count=2, timeout=10)
        sentinel = await barrier(last, fake)
        for thread_ts in threads:
            assert_one_answer(fake, thread_ts)
        assert len(fake.calls_to("chat.postMessage")) == 2 * EVENTS + 2
        assert rows(db, "triages") == EVENTS + 1
        assert {item.payload["event"]["ts"] for item in last.store.pending_events()} <= {sentinel}


async def test_a_restart_while_an_answer_waits_out_a_rate_limit_answers_it_once(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = tmp_path / "why401.db"
    root = message_ts()
    body = json.dumps(event_body(channel_message(BASIC_AUTH, ts=root), "Ev0INFLIGHT"))
    fake.fail("chat.postMessage", status=429, retry_after=1)
    async with running(fake, db) as first:
        assert (await first.post(body, JSON)).status == 200
        await fake.wait_for("chat.postMessage", lambda call: call.status == 429)
    async with running(fake, db) as second:  # stopped mid-answer: finished once, on the way out or now
        await deliver(second, [Delivery(0, body, retry, 3) for retry in (1, 2, 3)])
        await fake.wait_for("chat.postMessage", posted_in(root), count=2, timeout=10)
        await barrier(second, fake)
        assert_one_answer(fake, root)


class RefusesTheFirstChecklist(FakeSlack):
    """Refuses the first checklist post, as when Slack fails it or the bot stops between the two posts."""

    refused = False

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        if not self.refused and CHECKLIST_TOGGLE in json.dumps(args.get("blocks")):
            self.refused = True
            return {"ok": False, "error": "fatal_error"}
        return super()._chat_post_message(args)


async def test_an_answer_cut_short_is_completed_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "why401.db"
    root = message_ts()
    async with RefusesTheFirstChecklist() as fake:
        async with running(fake, db) as first:
            assert (await first.send_event(channel_message(BASIC_AUTH, ts=root), "Ev0CUTSHORT")).status == 200
            await fake.wait_for("chat.postMessage", lambda call: call.response.get("error") == "fatal_error")
        async with running(fake, db) as second:
            await barrier(second, fake)
            assert_one_answer(fake, root)


class HoldsTheFirstReply(FakeSlack):
    """Posts the first chat.postMessage (it is recorded: the message is out) but holds Slack's reply to it
    for HOLD_S seconds or until released, so the bot can be stopped while that reply is on its way."""

    def __init__(self) -> None:
        super().__init__()
        self.released = asyncio.Event()
        self.held = False

    async def _handle_api(self, request: web.Request) -> web.Response:
        response = await super()._handle_api(request)
        if request.match_info["method"] == "chat.postMessage" and not self.held:
            self.held = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.released.wait(), HOLD_S)
        return response


async def test_a_graceful_stop_in_the_middle_of_an_answer_does_not_post_it_twice(tmp_path: Path) -> None:
    db = tmp_path / "why401.db"
    root, fake = message_ts(), HoldsTheFirstReply()
    async with fake:
        first = await SlackBot(fake, db).start()
        try:
            assert (await first.send_event(channel_message(BASIC_AUTH, ts=root), "Ev0STOPPED")).status == 200
            await fake.wait_for("chat.postMessage", posted_in(root))  # out, and Slack's reply on its way
        finally:
            await first.stop()  # a deploy: SIGTERM, aiohttp's graceful shutdown
        fake.released.set()
        async with running(fake, db) as second:
            await barrier(second, fake)
            assert_one_answer(fake, root)


def innermost(task: asyncio.Task[Any]) -> str:
    """The coroutine function the task is suspended in, at the end of its chain of awaits."""
    coro: Any = task.get_coro()
    while getattr(coro.cr_await, "cr_code", None) is not None:
        coro = coro.cr_await
    return str(coro.cr_code.co_name)


async def test_stopping_just_as_an_event_is_stored_does_not_hang(fake: FakeSlack, tmp_path: Path) -> None:
    store = Store(tmp_path / "why401.db")
    deps = build_deps(Settings(slack_bot_token=FakeSlack.BOT_TOKEN, db_path=tmp_path / "why401.db"), store)
    client = AsyncWebClient(token=FakeSlack.BOT_TOKEN, base_url=fake.api_url)
    before = asyncio.all_tasks()
    try:
        async with asyncio.timeout(2) as limit:  # a hung stop is cut short: its wait is cancelled
            async with answering(client, deps, None):
                (task,) = asyncio.all_tasks() - before  # the answerer
                await eventually(lambda: innermost(task) in ("wait_for", "wait"))  # idle, waiting for events
                deps.stored.set()  # the inbox takes an event in the same moment the bot is stopped
        hung = limit.expired()
        task.cancel()  # an answerer that ignored the first cancellation stops at a second one
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert not hung, "stopping the answerer hung"
    finally:
        store.close()
