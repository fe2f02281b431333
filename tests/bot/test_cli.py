"""The installed `why401` console script, driven as a user would: through a real subprocess."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.knowledge.test_classify_properties import assert_valid

SCRIPT = Path(sys.executable).parent / "why401"
BASIC_AUTH = (
    "401 Unauthorized - Http POST request to 'autodiscover-s.outlook.com' failed - Basic Auth Disabled: "
    "MigrationWiz has detected that Basic Authentication is not enabled for the tenant."
)
ANSI = "\033["


def run(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    assert SCRIPT.exists(), "install the project first (see the README): the why401 script is missing"
    return subprocess.run(
        [str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_classify_json_prints_exactly_one_contract_object(tmp_path: Path) -> None:
    result = run("classify", "--json", "dest side: " + BASIC_AUTH, cwd=tmp_path)
    assert result.returncode == 0
    (line,) = result.stdout.decode().splitlines()
    obj = json.loads(line)
    assert_valid(obj)
    assert obj["matched"] is True
    assert obj["form"] == "basic-auth-disabled"
    assert obj["endpoint"] == "destination"
    assert obj["causes"][0]["id"] == "modern-auth-not-configured"
    assert any("Basic Auth Disabled" in e for e in obj["causes"][0]["evidence"])


def test_classify_reads_standard_input_when_no_text_is_given() -> None:
    result = run("classify", "--json", stdin=b"AADSTS50126: Error validating credentials, source admin")
    obj = json.loads(result.stdout)
    assert obj["causes"][0]["id"] == "wrong-credentials"
    assert obj["endpoint"] == "source"


def test_classify_summary_is_plain_when_piped() -> None:
    result = run("classify", BASIC_AUTH)
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "modern-auth-not-configured" in out
    assert ANSI not in out


def test_jsonl_answers_every_line_in_order_and_reports_bad_ones() -> None:
    lines = [
        json.dumps({"text": "merged PR 401, thanks!"}),
        "this is not json",
        json.dumps({"text": BASIC_AUTH}),
        json.dumps({"no_text": 1}),
        json.dumps({"text": "AADSTS50076 on the source admin"}),
    ]
    result = run("classify", "--jsonl", stdin=("\n".join(lines) + "\n").encode())
    objects = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(objects) == 5
    assert objects[0]["matched"] is False
    assert objects[1]["error"].startswith("line 2:")
    assert objects[2]["causes"][0]["id"] == "modern-auth-not-configured"
    assert objects[3]["error"].startswith("line 4:")
    assert objects[4]["causes"][0]["id"] in {"mfa-required", "security-defaults"}
    assert result.returncode == 1
    assert b"line 2" in result.stderr


def test_jsonl_of_clean_input_exits_zero() -> None:
    result = run(
        "classify", "--jsonl", stdin=b'{"text": "room 401"}\n{"text": "401 on the dest, pw reset"}\n'
    )
    assert result.returncode == 0
    assert [json.loads(line)["matched"] for line in result.stdout.splitlines()] == [False, True]


def test_explain_gives_the_whole_answer() -> None:
    result = run("explain", "worked during pre-stage 2 weeks ago, now every user 401s on the destination")
    out = result.stdout.decode()
    assert result.returncode == 0
    for heading in (
        "Most likely: Entra ID Security Defaults",
        "Why",
        "What to do",
        "Checklist",
        "Other candidates",
    ):
        assert heading in out
    assert "Source: https://help.bittitan.com/hc/en-us/articles/360041677953" in out
    assert "[ ] " in out


def test_explain_without_a_specific_cause_leads_with_the_triage_path() -> None:
    out = run("explain", "401 Unauthorized checking source credentials").stdout.decode()
    assert "the source endpoint" in out
    assert "Most common causes for this error" in out
    assert "EWS" in out


def test_explain_of_chatter_says_it_is_not_a_401() -> None:
    out = run("explain", "Can we meet in room 401?").stdout.decode()
    assert out.startswith("Not a MigrationWiz 401")


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("frobnicate",),
        ("classify", "--json", "--jsonl"),
        ("classify", "--jsonl", "some text"),
        ("--nope",),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert b"usage" in result.stderr or b"why401:" in result.stderr
    assert result.stdout == b""


def test_binary_and_huge_input_get_an_answer() -> None:
    binary = run("classify", "--json", stdin=bytes(range(256)) * 64)
    assert binary.returncode == 0
    assert_valid(json.loads(binary.stdout))
    huge = run("classify", "--json", stdin=(BASIC_AUTH + " filler" * 200_000).encode())
    obj = json.loads(huge.stdout)
    assert obj["causes"][0]["id"] == "modern-auth-not-configured"
    assert any("characters were read" in note for note in obj["notes"])


def _run_on_terminal(*args: str, env: dict[str, str]) -> str:
    controller, terminal = pty.openpty()
    try:
        subprocess.run(
            [str(SCRIPT), *args],
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=terminal,
            timeout=60,
            check=True,
            env={k: v for k, v in {**os.environ, **env}.items() if v},
        )
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode()
    finally:
        os.close(controller)


def test_terminal_output_is_colored_unless_no_color_is_set() -> None:
    assert ANSI in _run_on_terminal("explain", BASIC_AUTH, env={"NO_COLOR": ""})
    assert ANSI not in _run_on_terminal("explain", BASIC_AUTH, env={"NO_COLOR": "1"})
