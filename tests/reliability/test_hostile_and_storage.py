"""Hostile input and hostile storage conditions.

Texts built to hurt the classifier and Slack text cleaning; malformed, mistyped and huge payloads through the
real app over signed HTTP; a writer process SIGKILLed mid-stream; threads and processes writing one file.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.blocks import CHECKLIST_TOGGLE, PASTE_BLOCK, PASTE_INPUT, PASTE_MODAL
from bot.store import Store
from knowledge.classify import MAX_ANALYSED_CHARS, classify, default_classifier
from knowledge.load import default_catalog
from knowledge.model import Diagnosis, Side
from knowledge.slacktext import clean
from tests.bot.slackapp import (
    BASIC_AUTH,
    CHANNEL,
    USER,
    SlackBot,
    channel_message,
    event_body,
    message_ts,
    signed_headers,
)
from tests.cases import OWN_CASES, read_cases
from tests.fakes.slack import Call, FakeSlack
from tests.knowledge.test_classify_properties import assert_valid
from tests.reliability.store_writers import SHARED_ACCOUNT, Writer

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------- hostile text

# Per call, and very loose: the slowest input here takes ~0.35 s, most take milliseconds; catastrophic
# backtracking takes seconds. The only timing this file asserts, with Slack's acknowledgement deadline.
BOUND_S = 1.0
CONTROL = frozenset(chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFD))
HUGE = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def timed(call: Callable[[], T]) -> T:
    """`call()`, failing if it takes longer than BOUND_S."""
    start = time.perf_counter()
    result = call()
    took = time.perf_counter() - start
    assert took < BOUND_S, f"took {took:.2f} s, bound {BOUND_S} s"
    return result


def check(text: str) -> None:
    """Classify (as chatter, and as a question naming a side) and clean `text`: fast, valid, no error."""
    sides: tuple[tuple[Side | None, bool], ...] = ((None, False), ("destination", True))
    for side, asked in sides:
        assert_valid(timed(partial(default_classifier(), text, side, asked)).to_dict())
    plain = timed(partial(clean, text[:MAX_ANALYSED_CHARS]))  # the most the classifier ever hands it
    assert isinstance(plain, str)
    assert not CONTROL.intersection(plain)


ODD_CHARS = ["\x00", "\x01", "\x0b", "\x1f", "\x7f", "\r", "\ufffd", "\ufeff", "\u200b", "\u202e", "\u0301"]
ODD_CHARS += ["\ufdfa", "\uff40", "\uff1c", "\u00a0"]  # NFKC: 18 characters, a full-width ` and <, a space
ODD = st.sampled_from(ODD_CHARS) | st.integers(0xD800, 0xDFFF).map(chr)  # and lone surrogates
OPENERS = ["<", "<@", "<#", "<!", "<@U1", "<!subteam^S1", "<http://", "<https://x", "<mailto:", "&lt;", "<<"]
MARKUP = st.recursive(
    st.sampled_from(
        ["", "x", "U1", "401", "Unauthorized", "|", ">", "<", "@", "&gt;", "&lt;", "&amp;", "*", "_"]
    ),
    lambda inner: st.tuples(
        st.sampled_from(OPENERS),
        inner,
        st.sampled_from(["|", "", "||", " "]),
        inner,
        st.sampled_from([">", "", ">>"]),
    ).map("".join),
    max_leaves=60,
)
FENCES = st.sampled_from(
    ["`", "``", "```", "````", "```\n", "\n```", "`401`", "```401 Unauthorized```", "> "]
)
PREFIX = st.sampled_from(["", "401 Unauthorized ", "verify credentials on the destination fails with 401: "])


@settings(max_examples=150, deadline=None)
@given(PREFIX, st.lists(MARKUP | FENCES | ODD | st.text(max_size=20), max_size=40).map("".join))
def test_nested_markup_fences_and_odd_characters_are_handled_quickly(prefix: str, junk: str) -> None:
    check(prefix + junk)
    check(junk + " " + BASIC_AUTH)


UNITS = ["a", "4", "401", "`", "```", "<", ">", "|", "&", "&amp;", "&gt;", "_*~", "\x00", "\ud800", "\udfff"]
UNITS += ["\ufdfa", "\uff40", "Unauthorized", "<@U|", "<http:", "<mailto:", "<!", "<#C", "AADSTS", "ñ", "\n"]


@HUGE
@example("401 Unauthorized ", "<http:", 100_000)  # the slowest known: each link is tried 2,000 chars on
@given(PREFIX, st.sampled_from(UNITS), st.integers(10_000, 100_000))
def test_huge_single_tokens_are_handled_quickly(prefix: str, unit: str, size: int) -> None:
    check(prefix + (unit * (size // len(unit) + 1))[:size])


@HUGE
@given(
    st.integers(1, 25_000), st.sampled_from(["@U|x", "!here", "#C1|c", "http://x|y", "401 Unauthorized|z"])
)
def test_deeply_nested_slack_markup_is_handled_quickly(depth: int, core: str) -> None:
    check("<" * depth + core + ">|y" * depth)
    check("401 Unauthorized " + "<" * depth + core + ">" * depth)


def _near_misses(literal: str) -> st.SearchStrategy[str]:
    """A catalog phrase, cut short at either end, upper-cased, with 0 for o, or glued to a neighbour."""
    variants = [literal, literal[:-1], literal[1:], literal.upper(), literal.replace("o", "0"), literal + "_"]
    return st.sampled_from([variant for variant in variants if variant])


LITERALS = sorted(
    {lit for article in default_catalog().articles for f in article.finders() for lit in f.literals}
)
FRAGMENTS = [
    "401 ",
    "401",
    "unauthor",
    "Unauthoriz",
    "4O1",
    "40l",
    "401(k",
    "http 401",
    "AADSTS5007",
    "verify cred",
]
NEAR_MISS = st.sampled_from(FRAGMENTS) | st.sampled_from(LITERALS).flatmap(_near_misses)
NEAR_MISS_CHARS = 4_000  # a paste's worth: dense real mentions have a test of their own below


@settings(max_examples=150, deadline=None)
@given(
    st.lists(NEAR_MISS, min_size=1, max_size=8),
    st.sampled_from([" ", "", "\n", "-", ". "]),
    st.integers(1, 4000),
)
def test_repeated_near_misses_of_catalog_phrases_are_handled_quickly(
    pieces: list[str], separator: str, times: int
) -> None:
    unit = separator.join(pieces) + separator
    check((unit * times)[:NEAR_MISS_CHARS])


def test_a_paste_dense_with_401s_is_classified_quickly() -> None:
    timed(partial(classify, "401 " * 25_000))


def summary(diagnosis: Diagnosis) -> tuple[object, ...]:
    return diagnosis.matched, diagnosis.form, diagnosis.endpoint, tuple(c.id for c in diagnosis.causes[:3])


WRAPPERS: dict[str, Callable[[str], str]] = {
    "fence": lambda text: f"```\n{text}\n```",
    "tight fence": lambda text: f"```{text}```",
    "quote": lambda text: "\n".join("&gt; " + line for line in text.split("\n")),
    "bold": lambda text: f"*{text}*",
    "italic": lambda text: f"_{text}_",
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "labelled mention": lambda text: f"{text} <@U0ABC|dana>",
}
OWN_TEXTS = [case["text"] for case in read_cases(OWN_CASES)]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(OWN_TEXTS), st.lists(st.sampled_from(sorted(WRAPPERS)), min_size=1, max_size=3))
def test_slack_formatting_around_a_paste_keeps_its_verdict(text: str, wrappers: list[str]) -> None:
    wrapped = text
    for name in wrappers:
        wrapped = WRAPPERS[name](wrapped)
    assert summary(classify(wrapped)) == summary(classify(text))


SPACED = "Basic Auth Disabled error on a public folder project, src is EXO. I thought MW switched to OAuth?"


@pytest.mark.parametrize(
    "variant",
    ["Basic  Auth", "Basic\u00a0Auth", "Basic\n  Auth", "\uff22\uff41\uff53\uff49\uff43 Auth"],
    ids=["double-space", "no-break-space", "newline-indent", "full-width"],
)
def test_spacing_inside_a_known_phrase_keeps_its_verdict(variant: str) -> None:
    assert classify(SPACED).matched
    assert summary(classify(SPACED.replace("Basic Auth", variant))) == summary(classify(SPACED))


@pytest.mark.parametrize(
    "chatter",
    [
        "room 401 is booked for the Contoso call at 2",
        "line 401 of deploy.ps1 has a typo",
        "ticket 401 from last week can be closed, customer confirmed all mailboxes done",
    ],
)
def test_a_mention_before_chatter_about_401_keeps_it_unmatched(chatter: str) -> None:
    assert not classify(chatter).matched
    assert not classify(f"<@U0ABC> {chatter}").matched


# ------------------------------------------------------------------------------------- hostile payloads, HTTP

JSON, FORM = "application/json", "application/x-www-form-urlencoded"
ACK_DEADLINE_S = 2.5  # Slack drops a request not acknowledged within 3 s; less a margin for the network


@dataclass(frozen=True)
class Req:
    """A request body and its content type, signed when sent."""

    body: str
    content_type: str = JSON


def event(evt: Any, **envelope: Any) -> Req:
    """An event envelope carrying `evt` (of any type), with envelope fields replaced."""
    return Req(json.dumps({**event_body({}), "event": evt, **envelope}))


def message(**fields: Any) -> dict[str, Any]:
    """A channel message holding a real error, fields replaced."""
    return {**channel_message(BASIC_AUTH), **fields}


def without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in keys}


def form(fields: dict[str, str]) -> Req:
    return Req(urllib.parse.urlencode(fields), FORM)


def interaction(payload: Any) -> Req:
    return form({"payload": json.dumps(payload)})


SLASH = {
    "command": "/why401",
    "text": BASIC_AUTH,
    "team_id": FakeSlack.TEAM_ID,
    "channel_id": CHANNEL,
    "user_id": USER,
    "trigger_id": "1337.42.abcd",
}
CLICK: dict[str, Any] = {
    "type": "block_actions",
    "team": {"id": FakeSlack.TEAM_ID},
    "user": {"id": USER},
    "channel": {"id": CHANNEL},
    "container": {"type": "message", "message_ts": "1.1", "channel_id": CHANNEL},
    "message": {"ts": "1.1", "thread_ts": "1.1", "text": ""},
    "trigger_id": "1337.43.abcd",
    "actions": [{"action_id": CHECKLIST_TOGGLE, "value": "1:0", "type": "button", "block_id": "b"}],
}
VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": PASTE_MODAL,
    "private_metadata": CHANNEL,
    "state": {"values": {PASTE_BLOCK: {PASTE_INPUT: {"value": BASIC_AUTH}}}},
}
SUBMIT: dict[str, Any] = {"type": "view_submission", "team": {"id": FakeSlack.TEAM_ID}, "user": {"id": USER}}

HOSTILE = [
    pytest.param(Req("{not json"), id="json-malformed"),
    pytest.param(Req("[1, 2]"), id="json-list"),
    pytest.param(Req('"event_callback"'), id="json-string"),
    pytest.param(Req("401"), id="json-number"),
    pytest.param(Req("null"), id="json-null"),
    pytest.param(Req(""), id="empty-body"),
    pytest.param(Req(json.dumps({"type": "url_verification"})), id="challenge-missing"),
    pytest.param(Req(json.dumps(without(event_body({}), "event"))), id="no-event"),
    pytest.param(event(without(message(), "type")), id="event-no-type"),
    pytest.param(event(without(message(), "text")), id="event-no-text"),
    pytest.param(event(without(message(), "user")), id="event-no-user"),
    pytest.param(
        event(without(message(), "channel")),
        id="event-no-channel",
    ),
    pytest.param(event(without(message(), "ts")), id="event-no-ts"),
    pytest.param(event(message(text=401)), id="text-number"),
    pytest.param(event(message(text=[BASIC_AUTH])), id="text-list"),
    pytest.param(event(message(text={"text": BASIC_AUTH})), id="text-dict"),
    pytest.param(event(message(ts=1710000000.5)), id="ts-number"),
    pytest.param(event(message(subtype=[])), id="subtype-list"),
    pytest.param(event(message(user={"id": USER})), id="user-dict"),
    pytest.param(
        event(message(thread_ts={"ts": "1.0"})),
        id="thread-dict",
    ),
    pytest.param(event(message(channel=5)), id="channel-num"),
    pytest.param(event([message()]), id="event-list"),
    pytest.param(event("message"), id="event-string"),
    pytest.param(
        event(message(), team_id=[FakeSlack.TEAM_ID]),
        id="team-list",
    ),
    pytest.param(
        event(message(type=401)),
        id="type-number",
    ),
    pytest.param(event(message(event_id=5), event_id=5), id="event-id-number"),
    pytest.param(event({"type": "zzz_future_event", "x": [1]}), id="unknown-event"),
    pytest.param(event({"type": "app_home_opened"}), id="home-no-user"),
    pytest.param(
        event({"type": "app_mention", "channel": CHANNEL, "user": USER, "ts": message_ts()}),
        id="mention-no-text",
    ),
    pytest.param(event(message(text=BASIC_AUTH + " x" * (1 << 19))), id="text-over-1mib"),
    pytest.param(event(message(text=BASIC_AUTH + " x" * 480_000)), id="text-under-1mib"),
    pytest.param(event(message(text=BASIC_AUTH + "\x00" * 1000)), id="text-nul-bytes"),
    pytest.param(
        event(message(text=BASIC_AUTH + " \ud800")),
        id="text-lone-surrogate",
    ),
    pytest.param(form({**SLASH, "command": "/other"}), id="slash-unknown"),
    pytest.param(form(without(SLASH, "command")), id="slash-no-command"),
    pytest.param(Req("%%%&&&==;;", FORM), id="form-garbage"),
    pytest.param(Req("payload=%7Bnope", FORM), id="payload-not-json"),
    pytest.param(form({"payload": "[1]"}), id="payload-list"),
    pytest.param(interaction({"user": {"id": USER}}), id="payload-no-type"),
    pytest.param(interaction(without(CLICK, "actions")), id="click-no-actions"),
    pytest.param(
        interaction({**CLICK, "actions": []}),
        id="click-no-action",
    ),
    pytest.param(interaction(SUBMIT), id="submit-no-view"),
    pytest.param(
        interaction({**SUBMIT, "view": without(VIEW, "type")}),
        id="view-no-type",
    ),
    pytest.param(
        interaction({**SUBMIT, "view": without(VIEW, "state")}),
        id="view-no-state",
    ),
]

LATE = {  # the handler raises just after ack(): answered, but only once Slack's deadline has passed
    "slash-no-channel": form(without(SLASH, "channel_id")),
    "slash-no-user": form(without(SLASH, "user_id")),
    "slash-empty-no-trigger": form({**without(SLASH, "trigger_id"), "text": ""}),
    "click-no-user": interaction(without(CLICK, "user")),
    "click-no-place": interaction(without(CLICK, "container", "channel")),
    "click-value-junk": interaction({**CLICK, "actions": [{**CLICK["actions"][0], "value": "x:y"}]}),
    "submit-no-user": interaction({**without(SUBMIT, "user"), "view": VIEW}),
    "submit-no-metadata": interaction({**SUBMIT, "view": without(VIEW, "private_metadata")}),
    "click-unknown-triage": interaction(CLICK),  # toggle_item raises KeyError: late, whenever it is quick
}


async def acknowledged(bot: SlackBot, req: Req) -> int:
    """The status the bot answers the signed `req` with, within Slack's acknowledgement deadline."""
    assert bot.http is not None
    headers = {"Content-Type": req.content_type, **signed_headers(req.body)}
    data = io.BytesIO(req.body.encode())  # a stream: aiohttp warns about a big body in raw bytes
    async with (
        asyncio.timeout(ACK_DEADLINE_S),
        bot.http.post(bot.url(), data=data, headers=headers) as response,
    ):
        await response.read()
        return response.status


async def still_answers(bot: SlackBot, fake: FakeSlack) -> str:
    """Paste a real error and wait for its answer and checklist; returns the paste's event id."""
    ts, event_id = message_ts(), f"EvSentinel{time.monotonic_ns()}"
    assert (await bot.send_event(channel_message(BASIC_AUTH, ts=ts), event_id)).status == 200

    def in_thread(call: Call) -> bool:
        return call.args.get("thread_ts") == ts

    await fake.wait_for("chat.postMessage", in_thread, count=2)
    return event_id


def nothing_bad(bot: SlackBot, answered: str) -> None:
    """A sound file, no event stuck in the inbox, and no triage column holding a non-text value."""
    assert bot.settings.db_path is not None
    with closing(sqlite3.connect(bot.settings.db_path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        columns = ("team_id", "channel", "thread_ts", "message_ts", "user", "text", "diagnosis")
        typed = " or ".join(f"typeof({column}) not in ('text', 'null')" for column in columns)
        assert db.execute(f"select id from triages where {typed}").fetchall() == []
    stuck = [item.event_id for item in bot.store.pending_events() if item.event_id != answered]
    assert stuck == [], "an event the bot cannot answer stays in the inbox, claimed again for ever"


@pytest.mark.parametrize("req", HOSTILE)
async def test_a_hostile_request_gets_a_status_and_harms_nothing(
    bot: SlackBot, fake: FakeSlack, req: Req
) -> None:
    assert await acknowledged(bot, req) < 500
    nothing_bad(bot, await still_answers(bot, fake))


async def test_requests_missing_fields_are_acknowledged_within_slacks_deadline(
    bot: SlackBot, fake: FakeSlack
) -> None:
    """Sent together, so the wait is paid once."""
    outcomes = await asyncio.gather(
        *(acknowledged(bot, req) for req in LATE.values()), return_exceptions=True
    )
    late = {
        name: outcome for name, outcome in zip(LATE, outcomes, strict=True) if not isinstance(outcome, int)
    }
    nothing_bad(bot, await still_answers(bot, fake))
    assert all(isinstance(outcome, int) and outcome < 500 for outcome in outcomes)
    assert late == {}


# ---------------------------------------------------------------------------------------------------- storage

ROUNDS = (3, 40, 150, 400, 900)  # how many committed writes each child reports before it is killed
WRITERS, STEPS = 4, 60  # per side: 4 processes and 4 asyncio tasks, each 60 steps of 7 writes


def spawn(kind: str, path: Path, name: str, *args: str) -> subprocess.Popen[str]:
    """A child running tests.reliability.store_writers, started once its Store is open."""
    code = "from tests.reliability.store_writers import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, kind, str(path), name, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == f"ready {name}\n", line + proc.communicate(timeout=10)[1]
    return proc


def killed(proc: subprocess.Popen[str], after: int) -> dict[str, set[str]]:
    """SIGKILL the writer once it has reported `after` commits; everything it reported, by kind."""
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(after)]
    os.kill(proc.pid, signal.SIGKILL)
    rest, errors = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL, errors
    reported: dict[str, set[str]] = {"T": set(), "E": set(), "C": set(), "F": set()}
    for line in [*lines, *rest.splitlines(keepends=True)]:
        if line.endswith("\n"):  # a line cut by the kill said nothing
            kind, value = line.split()
            reported[kind].add(value)
    return reported


def rows(db: sqlite3.Connection, sql: str) -> set[str]:
    return {str(row[0]) for row in db.execute(sql)}


def test_a_writer_killed_mid_stream_loses_nothing_it_reported(tmp_path: Path) -> None:
    path = tmp_path / "why401.db"
    for round_, after in enumerate(ROUNDS):
        reported = killed(spawn("crash", path, f"W{round_}"), after)
        assert len(reported["T"]) * 4 >= after - 4  # it did write that much
        with closing(sqlite3.connect(path)) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            assert reported["T"] <= rows(db, "select id from triages")
            assert reported["E"] <= rows(db, "select event_id from events")
            assert reported["C"] <= rows(db, "select triage_id from checkmarks where item = 0")
            assert reported["F"] <= rows(db, "select event_id from events where finished_at is not null")
    with closing(sqlite3.connect(path)) as db:
        users = rows(db, "select distinct user from triages")
    assert users == {f"W{n}" for n in range(len(ROUNDS))}


async def test_threads_and_processes_writing_one_file_lose_nothing_and_never_lock(tmp_path: Path) -> None:
    """Four processes, and four asyncio tasks writing on threads through one Store, load one file at once."""
    path = tmp_path / "why401.db"
    procs = [spawn("load", path, f"P{n}", str(STEPS)) for n in range(WRITERS)]
    shared = Store(path)
    tasks = [Writer(shared, f"A{n}") for n in range(WRITERS)]

    async def run(writer: Writer) -> None:
        for i in range(STEPS):
            await asyncio.to_thread(writer.step, i)

    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    await asyncio.gather(*(run(writer) for writer in tasks))
    outputs = [await asyncio.to_thread(proc.communicate, timeout=60) for proc in procs]
    shared.close()
    assert [(proc.returncode, err) for proc, (_, err) in zip(procs, outputs, strict=True)] == [
        (0, "")
    ] * WRITERS
    reports = [json.loads(out) for out, _ in outputs] + [writer.report() for writer in tasks]

    names = [f"P{n}" for n in range(WRITERS)] + [f"A{n}" for n in range(WRITERS)]
    claimed = [event_id for report in reports for event_id in report["claimed"]]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        per_user = dict(db.execute("select user, count(*) from triages group by user").fetchall())
        assert per_user == dict.fromkeys(names, STEPS)
        assert rows(db, "select id from triages") == {str(t) for report in reports for t in report["triages"]}
        assert rows(db, "select event_id from events") == {e for report in reports for e in report["events"]}
        assert db.execute("select count(*) from checkmarks").fetchone()[0] == len(names) * STEPS
        assert db.execute("select count(*) from verdicts").fetchone()[0] == len(names) * STEPS
        assert db.execute("select count(*) from triages where answer_ts is null").fetchone()[0] == 0
        assert len(claimed) == len(set(claimed)), "an event was claimed by two workers"
        assert set(claimed) == rows(db, "select event_id from events where finished_at is not null")
        signins = rows(db, f"select id from probe_audit where account = '{SHARED_ACCOUNT}' and signs_in = 1")
    assert signins == {str(p) for report in reports for p in report["probes"]}
    assert len(signins) == 3, "the sign-in quota held across processes"
