"""`python -m bot` without Slack credentials: one line saying so, then the local console on the same core."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.store import Store

BASIC_AUTH = (
    "401 Unauthorized - Http POST request to 'autodiscover-s.outlook.com' failed - Basic Auth Disabled"
)


def run_bot(stdin: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(WHY401_DB=str(db), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_without_credentials_it_says_so_and_answers_the_paste(tmp_path: Path) -> None:
    result = run_bot("dest side: " + BASIC_AUTH + " password: Canary-Secret-77", tmp_path / "why401.db")
    assert result.returncode == 0
    (notice,) = [line for line in result.stderr.splitlines() if "credentials" in line]
    assert "SLACK_BOT_TOKEN" in notice and "console" in notice
    assert "Most likely: Modern authentication" in result.stdout
    assert "Checklist" in result.stdout
    assert "Canary-Secret-77" not in result.stdout
    (triage,) = Store(tmp_path / "why401.db").recent_triages("console")
    assert triage.via == "console" and triage.top_cause == "modern-auth-not-configured"
    assert "Canary-Secret-77" not in triage.text


def test_the_console_says_when_a_paste_is_not_a_401(tmp_path: Path) -> None:
    result = run_bot("lunch is in the kitchen", tmp_path / "why401.db")
    assert result.returncode == 0
    assert "Not a MigrationWiz 401" in result.stdout
    assert Store(tmp_path / "why401.db").recent_triages("console") == []


def test_empty_input_is_answered_not_crashed(tmp_path: Path) -> None:
    result = run_bot("", tmp_path / "why401.db")
    assert result.returncode == 0
    assert "Not a MigrationWiz 401" in result.stdout
