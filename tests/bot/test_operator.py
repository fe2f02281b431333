"""The operator's view: structured log lines tied to their request, and Prometheus metrics at /metrics."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.logs import setup_logging
from bot.metrics import METRICS_PATH
from tests.bot.slackapp import BASIC_AUTH, CHANNEL, SlackBot, channel_message, message_ts
from tests.fakes.slack import FakeSlack
from tests.handlers.test_slack_e2e import in_thread

SECRET_PASTE = "dest verify 401 Unauthorized; the admin password is Hunter2-Canary!"


@contextmanager
def logs_as(log_format: str) -> Iterator[None]:
    """Log as the bot does, to standard error as it is now (capsys's, in a test); then put pytest's back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    setup_logging(log_format)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def test_each_request_logs_one_json_line_with_its_context_and_no_pasted_text(
    bot: SlackBot, fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    root = message_ts()
    with logs_as("json"):
        await bot.send_event(channel_message(SECRET_PASTE, ts=root))
        await fake.wait_for("chat.postMessage", in_thread(root), count=2)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["message"] == "slack request"]
    assert len(requests) == 1
    (request,) = requests
    assert request["team"] == FakeSlack.TEAM_ID and request["channel"] == CHANNEL
    assert request["kind"] == "message"
    assert isinstance(request["elapsed_ms"], float) and len(request["request_id"]) == 12
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert not any("Hunter2" in json.dumps(line) or "Unauthorized" in json.dumps(line) for line in lines)


def test_text_logs_are_readable_lines_with_the_extras(capsys: pytest.CaptureFixture[str]) -> None:
    with logs_as("text"):
        logging.getLogger("why401.test").info("probe run", extra={"outcome": "no sign-in"})
    (line,) = capsys.readouterr().err.splitlines()
    assert " INFO why401.test probe run outcome=no sign-in" in line


async def test_metrics_count_triages_by_cause_and_time_acknowledgements(
    bot: SlackBot, fake: FakeSlack
) -> None:
    assert bot.http is not None

    async def scrape() -> dict[str, float]:
        assert bot.http is not None
        async with bot.http.get(bot.url(METRICS_PATH)) as response:
            assert response.status == 200 and response.content_type == "text/plain"
            text = await response.text()
        return {
            name: float(value)
            for name, _, value in (
                line.rpartition(" ") for line in text.splitlines() if not line.startswith("#")
            )
        }

    before = await scrape()
    key = 'why401_triages_total{cause="modern-auth-not-configured"}'
    for _ in range(2):
        root = message_ts()
        await bot.send_event(channel_message(BASIC_AUTH, ts=root))
        await fake.wait_for("chat.postMessage", in_thread(root), count=2)
    after = await scrape()
    assert after[key] - before.get(key, 0.0) == 2
    assert after["why401_ack_seconds_count"] - before.get("why401_ack_seconds_count", 0.0) >= 2
