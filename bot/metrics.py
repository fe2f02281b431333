"""Prometheus metrics for the operator: triages by cause, probe runs by outcome, Slack API errors, and how
long acknowledging Slack's requests takes. Served at GET /metrics in HTTP mode."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from slack_sdk.errors import SlackApiError

METRICS_PATH = "/metrics"

TRIAGES = Counter("why401_triages", "Triages recorded, by leading cause", ["cause"])
PROBE_RUNS = Counter("why401_probe_runs", "Live-check runs, by how they ended", ["outcome"])
SLACK_API_ERRORS = Counter("why401_slack_api_errors", "Slack Web API calls that failed", ["method", "error"])
ACK_SECONDS = Histogram(
    "why401_ack_seconds",
    "Time from receiving a Slack request to answering it",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0),
)


def slack_error(method: str, error: SlackApiError) -> str:
    """Count a failed Web API call and return Slack's error code for the log line."""
    code = str(error.response.get("error") or "unknown")
    SLACK_API_ERRORS.labels(method, code).inc()
    return code


def probe_outcome(outcome: str) -> str:
    """The outcome's kind, without its free text, so the label set stays small."""
    return outcome.split(":", 1)[0]


async def metrics(_: web.Request) -> web.Response:
    """The Prometheus text exposition of every metric above."""
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
