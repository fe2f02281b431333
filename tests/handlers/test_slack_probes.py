"""Live checks from Slack, end to end: the button, the form, progress in the thread, the report and the
re-ranked answer, against the fake Slack and the fake Microsoft over real TLS; and what never leaks."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.blocks import RUN_PROBES
from bot.config import Settings
from bot.probe_blocks import (
    ACCOUNT_BLOCK,
    EWS_BLOCK,
    PROBE_MODAL,
)
from bot.probes.prober import Prober
from bot.store import Store
from tests.bot.slackapp import USER, SlackBot, channel_message, message_ts
from tests.bot.test_probe_blocks import form_values
from tests.fakes.microsoft import FakeMicrosoft, FakeTenant, FakeUser
from tests.fakes.slack import Call, FakeSlack
from tests.handlers.test_slack_e2e import block_text, eventually, in_thread

TENANT_ID = "3d1e7c52-8a4f-4b6e-9d2c-0f1a2b3c4d5e"
CLIENT_ID = "7b9e2a41-6c3d-4f58-a1e2-b3c4d5e6f708"
CANARY = "Canary-Pw-7f3a9c!"
ADMIN = "migadmin@northwind.test"
MFA_ADMIN = "mfa.admin@northwind.test"


@pytest.fixture
async def ms() -> AsyncIterator[FakeMicrosoft]:
    users = [FakeUser(ADMIN, CANARY), FakeUser(MFA_ADMIN, CANARY, signin_error=50076)]
    async with FakeMicrosoft([FakeTenant.of("northwind.test", TENANT_ID, users, CLIENT_ID)]) as ms:
        yield ms


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def _microsoft(ms: FakeMicrosoft) -> dict[str, Any]:
    env = Settings.from_env(ms.env)
    return {
        "login_url": env.login_url,
        "outlook_url": env.outlook_url,
        "graph_url": env.graph_url,
        "ca_bundle": env.ca_bundle,
    }


@pytest.fixture
async def bot(fake: FakeSlack, ms: FakeMicrosoft, tmp_path: Path) -> AsyncIterator[SlackBot]:
    bot = await SlackBot(fake, tmp_path / "why401.db", **_microsoft(ms)).start()
    yield bot
    await bot.stop()


async def _answered(bot: SlackBot, fake: FakeSlack) -> tuple[str, Call]:
    root = message_ts()
    await bot.send_event(channel_message("401 Unauthorized on the destination for every user", ts=root))
    answer, _ = await fake.wait_for("chat.postMessage", in_thread(root), count=2)
    return root, answer


def _run_button(call: Call) -> str:
    for block in call.args["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == RUN_PROBES:
                return str(element["value"])
    raise AssertionError("no Run live checks button")


def _submission(view: dict[str, Any], **fields: str) -> dict[str, Any]:
    values = form_values(side="destination", **fields)
    return {
        "type": "view_submission",
        "team": {"id": FakeSlack.TEAM_ID},
        "user": {"id": USER},
        "view": {**view, "state": {"values": values}},
    }


async def _open_form(bot: SlackBot, fake: FakeSlack) -> tuple[str, dict[str, Any]]:
    root, answer = await _answered(bot, fake)
    await bot.click(RUN_PROBES, _run_button(answer), message_ts=answer.response["ts"], thread_ts=root)
    (opened,) = await fake.wait_for("views.open")
    return root, opened.args["view"]


async def test_live_checks_report_in_the_thread_and_rerank_the_answer(bot: SlackBot, fake: FakeSlack) -> None:
    root, view = await _open_form(bot, fake)
    assert view["callback_id"] == PROBE_MODAL and len(view["title"]["text"]) <= 24
    assert "never stored" in json.dumps(view)  # the form says why the password is asked for
    response = await bot.interact(_submission(view, account=MFA_ADMIN, client=CLIENT_ID, password=CANARY))
    assert response.status == 200
    replies = await fake.wait_for("chat.postMessage", in_thread(root), count=6)
    progress, report, answer, checklist = replies[2:6]
    assert "Live checks for" in block_text(progress)
    updates = await fake.wait_for(
        "chat.update", lambda call: call.args["ts"] == progress.response["ts"], count=9
    )
    assert "9 of 9 done" in block_text(updates[-1])
    assert "AADSTS50076" in block_text(report) and "decided by" in block_text(report)
    assert "Likely: Sign-in asks for MFA" in block_text(answer)
    assert "live check 'sign-in' confirms it" in block_text(answer)
    assert "Checklist" in block_text(checklist)
    audit = bot.store.probe_audit()
    assert audit[0]["account"] == MFA_ADMIN and audit[0]["signs_in"] == 1
    assert audit[0]["outcome"].startswith("sign-in fail: AADSTS50076")


async def test_the_password_never_leaves_memory(
    bot: SlackBot, fake: FakeSlack, ms: FakeMicrosoft, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    root, view = await _open_form(bot, fake)
    await bot.interact(_submission(view, account=ADMIN, client=CLIENT_ID, password=CANARY))
    await fake.wait_for("chat.postMessage", in_thread(root), count=6)
    await eventually(lambda: bot.store.probe_audit()[0]["outcome"] != "running")
    assert all(CANARY not in json.dumps(call.args) for call in fake.calls)
    assert CANARY not in caplog.text
    assert [request.path for request in ms.requests_mentioning(CANARY)] == [f"/{TENANT_ID}/oauth2/v2.0/token"]
    for file in tmp_path.glob("why401.db*"):  # the database, its WAL and shared-memory files
        assert CANARY.encode() not in file.read_bytes(), file.name


@pytest.mark.parametrize(
    ("fields", "block"),
    [
        ({"account": "not an address"}, ACCOUNT_BLOCK),
        ({"account": ADMIN, "ews": "https://10.0.0.5/EWS/Exchange.asmx"}, EWS_BLOCK),
        ({"account": ADMIN, "ews": "http://mail.northwind.example/EWS/Exchange.asmx"}, EWS_BLOCK),
    ],
)
async def test_a_bad_form_is_sent_back_with_the_field_at_fault(
    bot: SlackBot, fake: FakeSlack, ms: FakeMicrosoft, fields: dict[str, str], block: str
) -> None:
    _, view = await _open_form(bot, fake)
    response = await bot.interact(_submission(view, **fields))
    body = await response.json()
    assert body["response_action"] == "errors" and block in body["errors"]
    assert not ms.requests and bot.store.probe_audit() == []


async def test_sign_in_attempts_per_account_are_limited(
    bot: SlackBot, fake: FakeSlack, ms: FakeMicrosoft
) -> None:
    _, view = await _open_form(bot, fake)
    for _ in range(3):
        response = await bot.interact(_submission(view, account=ADMIN, client=CLIENT_ID, password="wrong"))
        assert response.status == 200
    await eventually(lambda: all(row["outcome"] != "running" for row in bot.store.probe_audit()))
    tokens = sum(1 for request in ms.requests if request.path.endswith("/token"))
    response = await bot.interact(
        _submission(view, account=ADMIN.upper(), client=CLIENT_ID, password="wrong")
    )
    body = await response.json()
    assert body["response_action"] == "errors" and "sign-in attempts" in body["errors"][ACCOUNT_BLOCK]
    assert sum(1 for request in ms.requests if request.path.endswith("/token")) == tokens
    response = await bot.interact(_submission(view, account=ADMIN))  # no password: still allowed
    assert response.status == 200 and not (await response.text())


async def test_only_allowed_users_may_run_live_checks(
    fake: FakeSlack, ms: FakeMicrosoft, tmp_path: Path
) -> None:
    fake.usergroups["S0ONCALL"] = ["U0ONCALL"]
    settings = {**_microsoft(ms), "probe_users": frozenset({"U0LEAD"}), "probe_group": "S0ONCALL"}
    bot = await SlackBot(fake, tmp_path / "why401.db", **settings).start()
    try:
        root, answer = await _answered(bot, fake)
        value = _run_button(answer)
        await bot.click(
            RUN_PROBES, value, message_ts=answer.response["ts"], thread_ts=root, user="U0STRANGER"
        )
        (refusal,) = await fake.wait_for("chat.postEphemeral")
        assert refusal.args["user"] == "U0STRANGER" and "limited" in refusal.args["text"]
        await bot.click(RUN_PROBES, value, message_ts=answer.response["ts"], thread_ts=root, user="U0ONCALL")
        await bot.click(RUN_PROBES, value, message_ts=answer.response["ts"], thread_ts=root, user="U0LEAD")
        await fake.wait_for("views.open", count=2)
        assert len(fake.calls_to("views.open")) == 2
    finally:
        await bot.stop()


async def test_a_run_that_breaks_says_so_in_the_thread(
    bot: SlackBot, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Prober, "probe", broken)
    root, view = await _open_form(bot, fake)
    await bot.interact(_submission(view, account=ADMIN))
    replies = await fake.wait_for("chat.postMessage", in_thread(root), count=4)
    assert "stopped with an internal error" in replies[3].args["text"]
    await eventually(lambda: bot.store.probe_audit()[0]["outcome"] == "error: RuntimeError")


async def test_stopping_the_bot_interrupts_live_checks_cleanly(
    fake: FakeSlack, ms: FakeMicrosoft, tmp_path: Path
) -> None:
    ms.stalled = {"openid", "realm", "credential_type", "token", "autodiscover", "ews"}
    db = tmp_path / "why401.db"
    bot = await SlackBot(fake, db, **_microsoft(ms)).start()
    stopped = False
    try:
        root, view = await _open_form(bot, fake)
        await bot.interact(_submission(view, account=ADMIN))
        await fake.wait_for("chat.postMessage", lambda call: "Live checks for" in call.args.get("text", ""))
        await bot.stop()
        stopped = True
    finally:
        if not stopped:
            await bot.stop()
    notices = [c for c in fake.calls_to("chat.postMessage") if "interrupted by a restart" in c.args["text"]]
    assert [c.args["thread_ts"] for c in notices] == [root]
    assert Store(db).probe_audit()[0]["outcome"] == "interrupted"
