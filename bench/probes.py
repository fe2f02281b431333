"""Wall time of a full probe run against the Microsoft fakes with realistic delays, against the floor its
slowest check and its longest dependency chain set; then the wall time with one endpoint stalled.

Run: python bench/probes.py [--runs N] [--deadline S] [--check-timeout S]. Prints figures; asserts nothing.

FakeMicrosoft and FakeOnPremEws serve real TLS on loopback and wait DELAYS before answering. A full run
signs in with a password and names an on-premises EWS URL (so Exchange Online's autodiscover is not asked).
The on-premises name reaches the loopback fake through OnPremRoute, as in the tests.

Checks run concurrently; only the Graph checks wait, for the sign-in's token. Every check's elapsed time (as
the probe object reports it) counts from the start of the run, so the slowest check as reported is the floor
for the run. A Graph check's own time is its elapsed time less the sign-in's. The chain sign-in -> slowest
Graph check (msal asks openid, user realm and token, then token again for Graph) is what sets that floor.
The stalled run names no on-premises URL, so that autodiscover is asked and never answers.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bot.config import Settings
from bot.probes.model import ProbeReport, Secret, Target
from bot.probes.prober import Prober
from bot.probes.run import CHECK_TIMEOUT_S, DEADLINE_S
from knowledge.classify import default_classifier
from tests.fakes.microsoft import FakeApp, FakeMicrosoft, FakeOnPremEws, FakeTenant, FakeUser, OnPremRoute

DELAYS = {
    "openid": 0.120,
    "realm": 0.150,
    "credential_type": 0.180,
    "token": 0.450,
    "autodiscover": 0.250,
    "ews": 0.200,
    "graph": 0.300,
}
ONPREM_DELAY = 0.400
# msal's requests for one sign-in and the Graph token after it, in order.
SIGN_IN_CALLS = ("openid", "realm", "token", "token")
GRAPH_CHECKS = ("security-defaults", "user", "onedrive")
CHAIN_MS = 1000 * (sum(DELAYS[key] for key in SIGN_IN_CALLS) + DELAYS["graph"])

TENANT_ID = "6f1c2b7e-0c1d-4e5f-8a9b-0123456789ab"
CLIENT_ID = "0e4d2c7b-9a1f-4b3e-8d6c-5f7a9b1c3d2e"
EMAIL = "adele.vance@contoso.test"
PASSWORD = "bench-password"
ONPREM = "mail.fabrikam.example"


def own_times(report: ProbeReport) -> dict[str, int]:
    """Each check's elapsed time, less the wait for the sign-in for the Graph checks."""
    elapsed = {check.id: check.elapsed_ms for check in report.checks}
    own = dict(elapsed)
    for check_id in GRAPH_CHECKS:
        own[check_id] = elapsed[check_id] - elapsed["sign-in"]
    return own


def chain_ms(report: ProbeReport) -> int:
    """The measured chain: the last Graph check's finish, counted from the start of the run."""
    return max(check.elapsed_ms for check in report.checks if check.id in GRAPH_CHECKS)


def line(label: str, value: str, note: str = "") -> str:
    return f"  {label:<44}{value:>12}  {note}".rstrip()


async def full_runs(runs: int) -> None:
    user = FakeUser(EMAIL, PASSWORD)
    tenant = FakeTenant("contoso.test", TENANT_ID, users={EMAIL: user}, apps={CLIENT_ID: FakeApp(CLIENT_ID)})
    diagnosis = default_classifier()("401 Unauthorized", asked=True)
    async with (
        FakeMicrosoft([tenant], hostnames=[ONPREM]) as ms,
        FakeOnPremEws(delay=ONPREM_DELAY, hostnames=[ONPREM]) as onprem,
    ):
        ms.delays = dict(DELAYS)
        route = OnPremRoute(ONPREM, ms, onprem)
        settings = dataclasses.replace(Settings.from_env(ms.env), graph_url=route.graph_url)
        prober = Prober(settings, resolver=route)
        target = Target(
            EMAIL,
            client_id=CLIENT_ID,
            password=Secret(PASSWORD),
            ews_url=f"https://{ONPREM}/EWS/Exchange.asmx",
        )
        cold = 0.0
        walls: list[float] = []
        reports: list[ProbeReport] = []
        for run in range(runs + 1):  # the first run warms up (TLS context, msal, connection set-up)
            started = time.perf_counter()
            report = await prober.probe(target, diagnosis)
            wall = (time.perf_counter() - started) * 1000
            if run == 0:
                cold = wall
                continue
            walls.append(wall)
            reports.append(report)
    statuses = ", ".join(f"{check.id} {check.status}" for check in reports[-1].checks)
    per_run = [own_times(r) for r in reports]
    own = {check_id: statistics.median(times[check_id] for times in per_run) for check_id in per_run[0]}
    slowest = max(own, key=lambda check_id: own[check_id])
    chain = statistics.median(chain_ms(r) for r in reports)
    wall = statistics.median(walls)
    delays = ", ".join(f"{key} {value * 1000:.0f}" for key, value in DELAYS.items())
    print(f"full run x{runs} (+1 warm-up), password and on-premises URL given")
    print(f"  delays (ms): {delays}, on-premises EWS {ONPREM_DELAY * 1000:.0f}")
    print(f"  checks: {statuses}")
    print("  own time per check (median ms): " + ", ".join(f"{k} {v:,.0f}" for k, v in own.items()))
    spread = f"(min {min(walls):,.0f}, max {max(walls):,.0f}; cold first run {cold:,.0f})"
    print(line("median wall time of a full run", f"{wall:,.0f} ms", spread))
    print(
        line("slowest check as reported (elapsed_ms)", f"{chain:,.0f} ms", "(a Graph check, after sign-in)")
    )
    print(line("ratio wall / slowest check as reported", f"{wall / chain:.2f}x"))
    print(line("slowest check's own time", f"{own[slowest]:,.0f} ms", f"({slowest}, which Graph waits for)"))
    print(line("ratio wall / slowest own time", f"{wall / own[slowest]:.2f}x"))
    print(line("chain sign-in -> Graph, its delays", f"{CHAIN_MS:,.0f} ms"))
    print(line("ratio wall / the chain's delays", f"{wall / CHAIN_MS:.2f}x"))


async def stalled_run(check_timeout_s: float, deadline_s: float) -> None:
    user = FakeUser(EMAIL, PASSWORD)
    tenant = FakeTenant("contoso.test", TENANT_ID, users={EMAIL: user}, apps={CLIENT_ID: FakeApp(CLIENT_ID)})
    diagnosis = default_classifier()("401 Unauthorized", asked=True)
    async with FakeMicrosoft([tenant]) as ms:
        ms.delays = dict(DELAYS)
        ms.stalled = {"autodiscover"}
        prober = Prober(Settings.from_env(ms.env), check_timeout_s=check_timeout_s, deadline_s=deadline_s)
        started = time.perf_counter()
        report = await prober.probe(Target(EMAIL, client_id=CLIENT_ID, password=Secret(PASSWORD)), diagnosis)
        wall = time.perf_counter() - started
    stalled = next(check for check in report.checks if check.id == "mailbox")
    others = [check for check in report.checks if check.id != "mailbox"]
    finished = sum(check.status != "error" for check in others)
    print(
        "autodiscover stalled, no on-premises URL; "
        f"per-check timeout {check_timeout_s:g} s, deadline {deadline_s:g} s"
    )
    print(line("wall time", f"{wall:,.2f} s", f"({wall / deadline_s:.0%} of the deadline)"))
    print(line("mailbox check", stalled.status, f"after {stalled.elapsed_ms:,} ms: {stalled.summary}"))
    print(
        line(
            "other checks finished",
            f"{finished} of {len(others)}",
            f"(last at {max(c.elapsed_ms for c in others):,} ms)",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="full runs measured (default 5)")
    parser.add_argument(
        "--deadline",
        type=float,
        default=DEADLINE_S,
        help=f"deadline of the stalled run, s (default {DEADLINE_S:g})",
    )
    parser.add_argument(
        "--check-timeout",
        type=float,
        default=CHECK_TIMEOUT_S,
        help=f"per-check timeout of the stalled run, s (default {CHECK_TIMEOUT_S:g})",
    )
    args = parser.parse_args()
    asyncio.run(full_runs(max(1, args.runs)))
    asyncio.run(stalled_run(args.check_timeout, args.deadline))


if __name__ == "__main__":
    main()
