"""Acknowledgement under load while live checks hang: signed events at high concurrency with every Microsoft
endpoint stalled and live-check runs waiting on them.

Run: python bench/load.py [--events N] [--concurrency N] [--probes N]. Prints figures; asserts nothing.

The real app serves HTTP on loopback (tests/bot/slackapp.SlackBot) against the fake Slack, with the fake
Microsoft's endpoints all stalled. First `--probes` live-check runs are started through Slack (a paste, the
"Run live checks" button, the form without a password), so they sit on their 8 s timeouts; then `--events`
signed message events (40% real 401 pastes, the rest chatter) go out at `--concurrency`, each worker sending
its next request when the previous one is acknowledged. The load generator, the fakes and the app share one
process and event loop, so the figures include the generator's cost. Slack retries an event not
acknowledged within 3 s; the count of such acks is the figure that matters. The batch runs twice: memory
growth across the second batch shows whether anything accumulates per event.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.blocks import RUN_PROBES
from bot.config import Settings
from tests.bot.slackapp import BASIC_AUTH, SlackBot, channel_message, event_body, signed_headers
from tests.bot.test_probe_blocks import form_values
from tests.fakes.microsoft import ENDPOINT_KEYS, FakeMicrosoft, FakeTenant
from tests.fakes.slack import FakeSlack

SLACK_RETRY_S = 3.0
CHATTER = ["lunch at 12?", "PR 401 merged", "room 401 is free", "deploy done", "thanks all!", "ok"]
PASTES = [BASIC_AUTH, "401 Unauthorized on the destination verify", "AADSTS50126 on the source admin"]
_ts = itertools.count(1)


def rss_mib() -> float:
    """This process's resident memory, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def start_probes(bot: SlackBot, fake: FakeSlack, count: int) -> None:
    """Start `count` live-check runs through Slack; they hang on the stalled Microsoft endpoints."""
    root = f"1720000000.{next(_ts):06d}"
    await bot.send_event(channel_message(BASIC_AUTH, ts=root))
    answer, _ = await fake.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == root, count=2)
    value = next(
        str(element["value"])
        for block in answer.args["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == RUN_PROBES
    )
    for n in range(count):
        await bot.click(
            RUN_PROBES, value, message_ts=answer.response["ts"], thread_ts=root, user=f"U0LOAD{n}"
        )
    views = await fake.wait_for("views.open", count=count)
    for n, opened in enumerate(views):
        payload = {
            "type": "view_submission",
            "team": {"id": FakeSlack.TEAM_ID},
            "user": {"id": f"U0LOAD{n}"},
            "view": {
                **opened.args["view"],
                "state": {"values": form_values(account=f"user{n}@contoso.test")},
            },
        }
        await bot.interact(payload)


async def batch(bot: SlackBot, events: int, concurrency: int, rng: random.Random) -> list[float]:
    """Send `events` signed events from `concurrency` workers; the ack latency of each, in seconds."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for _ in range(events):
        text = rng.choice(PASTES) if rng.random() < 0.4 else rng.choice(CHATTER)
        event = channel_message(text, ts=f"1730000000.{next(_ts):06d}")
        queue.put_nowait(json.dumps(event_body(event)).encode())
    latencies: list[float] = []
    assert bot.http is not None
    http = bot.http

    async def worker() -> None:
        while not queue.empty():
            body = queue.get_nowait()
            headers = {"Content-Type": "application/json", **signed_headers(body.decode())}
            started = time.perf_counter()
            async with http.post(bot.url(), data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def report(label: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    late = sum(1 for value in latencies if value >= SLACK_RETRY_S)
    print(
        f"  {label}: {len(latencies)} acks, p50 {statistics.median(ordered) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms, {late} at or over {SLACK_RETRY_S:g} s"
    )


async def main(events: int, concurrency: int, probes: int) -> None:
    rng = random.Random(401)
    async with (
        FakeSlack() as fake,
        FakeMicrosoft([FakeTenant("contoso.test", "0" * 8 + "-0000-0000-0000-" + "0" * 12)]) as ms,
    ):
        ms.stalled = set(ENDPOINT_KEYS)
        env = Settings.from_env(ms.env)
        with tempfile.TemporaryDirectory() as folder:
            bot = await SlackBot(
                fake,
                Path(folder) / "why401.db",
                login_url=env.login_url,
                outlook_url=env.outlook_url,
                graph_url=env.graph_url,
                ca_bundle=env.ca_bundle,
            ).start()
            try:
                await start_probes(bot, fake, probes)
                await fake.wait_for(
                    "chat.postMessage", lambda c: "Live checks for" in c.args.get("text", ""), count=probes
                )
                before = rss_mib()
                print(f"{events} events per batch at concurrency {concurrency}; {probes} live checks hanging")
                first = await batch(bot, events, concurrency, rng)
                after_first = rss_mib()
                report("batch 1", first)
                second = await batch(bot, events, concurrency, rng)
                after_second = rss_mib()
                report("batch 2", second)
                hanging = sum(1 for row in bot.store.probe_audit(limit=probes) if row["outcome"] == "running")
                print(f"  live checks still waiting on stalled endpoints afterwards: {hanging} of {probes}")
                print(
                    f"  memory (RSS): {before:.1f} MiB before, {after_first:.1f} after batch 1, "
                    f"{after_second:.1f} after batch 2 ({after_second - after_first:+.1f} MiB in batch 2)"
                )
            finally:
                await bot.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--events", type=int, default=1000, help="events per batch (default 1000)")
    parser.add_argument("--concurrency", type=int, default=100, help="requests in flight (default 100)")
    parser.add_argument("--probes", type=int, default=20, help="live-check runs left hanging (default 20)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.concurrency, args.probes))
