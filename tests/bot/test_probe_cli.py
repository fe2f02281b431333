"""`why401 probe` through the installed script, against the fake Microsoft over real TLS."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.test_cli import SCRIPT
from tests.fakes.microsoft import FakeMicrosoft, FakeTenant, FakeUser

TENANT_ID = "6a0c4e2b-1d3f-4a5b-8c7d-9e0f1a2b3c4d"
CLIENT_ID = "2f4e6a8c-0b1d-4e3f-9a5b-7c9d1e3f5a7b"
CANARY = "Cli-Canary-Pw-41!"
ADMIN = "admin@fabrikam.test"
EXPIRED = "expired@fabrikam.test"


@pytest.fixture
async def ms() -> AsyncIterator[FakeMicrosoft]:
    users = [FakeUser(ADMIN, CANARY), FakeUser(EXPIRED, CANARY, signin_error=50055)]
    async with FakeMicrosoft([FakeTenant.of("fabrikam.test", TENANT_ID, users, CLIENT_ID)]) as ms:
        yield ms


async def probe(ms: FakeMicrosoft, tmp_path: Path, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """Run the script without blocking the loop the fake answers on."""
    env = {**os.environ, **ms.env, "WHY401_DB": str(tmp_path / "why401.db"), "NO_COLOR": "1"}
    process = await asyncio.create_subprocess_exec(
        str(SCRIPT),
        "probe",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_json_is_the_contract_probe_object_reranked(ms: FakeMicrosoft, tmp_path: Path) -> None:
    args = ("--email", EXPIRED, "--client-id", CLIENT_ID, "--password-stdin", "--side", "source", "--json")
    code, out, err = await probe(
        ms, tmp_path, *args, "--text", "source verify: 401 Unauthorized", stdin=f"{CANARY}\n".encode()
    )
    assert code == 0, err
    (line,) = out.splitlines()
    report = json.loads(line)
    checks = {check["id"]: check for check in report["checks"]}
    assert set(checks) >= {
        "tenant",
        "account",
        "mailbox",
        "ews",
        "sign-in",
        "security-defaults",
        "user",
        "onedrive",
    }
    for check in report["checks"]:
        assert check["status"] in ("pass", "fail", "warn", "skipped", "error")
        assert isinstance(check["summary"], str) and isinstance(check["elapsed_ms"], int)
        for item in check["evidence"]:
            assert set(item) == {"cause", "effect", "because"}
            assert item["effect"] in ("confirms", "rules_out", "supports", "weakens")
    assert checks["sign-in"]["status"] == "fail" and "AADSTS50055" in checks["sign-in"]["summary"]
    assert report["diagnosis"]["endpoint"] == "source"
    assert report["diagnosis"]["causes"][0]["id"] == "password-change-required"
    assert "sign-in" in err and "Checking" in err  # progress went to standard error
    assert CANARY not in out + err


async def test_without_a_password_the_other_checks_run(ms: FakeMicrosoft, tmp_path: Path) -> None:
    code, out, err = await probe(ms, tmp_path, "--email", ADMIN)
    assert code == 0, err
    assert "Live checks" in out and "SKIP sign-in" in out and "PASS tenant" in out
    assert "Most common causes" in out or "Most likely" in out
    rows = (
        sqlite3.connect(tmp_path / "why401.db")
        .execute("select account, signs_in, outcome from probe_audit")
        .fetchall()
    )
    assert rows == [(ADMIN, 0, "no sign-in")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--email", "nobody"), "--email must be an address"),
        (("--email", ADMIN, "--ews-url", "https://192.168.1.10/EWS/Exchange.asmx"), "not a public"),
        (("--email", ADMIN, "--ews-url", "https://mail.fabrikam.example:8443/ews"), "port, 443"),
        (("--email", ADMIN, "--password-stdin"), "no password was given"),
    ],
)
async def test_bad_options_exit_2_with_a_clear_message(
    ms: FakeMicrosoft, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = await probe(ms, tmp_path, *args)
    assert code == 2 and message in err and not out
    assert not ms.requests


async def test_a_fourth_sign_in_within_15_minutes_is_refused(ms: FakeMicrosoft, tmp_path: Path) -> None:
    args = ("--email", ADMIN, "--client-id", CLIENT_ID, "--password-stdin", "--json")
    for _ in range(3):
        code, _, err = await probe(ms, tmp_path, *args, stdin=b"wrong\n")
        assert code == 0, err
    code, out, err = await probe(ms, tmp_path, *args, stdin=b"wrong\n")
    assert code == 1 and "sign-in attempts" in err and not out
    assert sum(1 for request in ms.requests if request.path.endswith("/token")) == 3
