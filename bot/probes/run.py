"""One probe run: the checks run concurrently in one guarded session, each with its own timeout, all
within one deadline; the Graph checks wait for the sign-in's token."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import aiohttp
import yarl
from aiohttp.abc import AbstractResolver

from bot.config import Settings
from bot.probes.guard import TargetRefused, check_onprem_ews_url
from bot.probes.http import ProbeHttp
from bot.probes.model import CheckResult, Target

CHECK_TIMEOUT_S = 8.0
DEADLINE_S = 15.0

log = logging.getLogger("why401.probes")


@dataclass
class SignedIn:
    """What a successful sign-in leaves for the checks after it: a Graph token, or why there is none."""

    graph_token: str | None
    why_not: str = ""


@dataclass
class Run:
    """What the checks of one run share: the target, the session, and results some checks wait on."""

    target: Target
    settings: Settings
    http: ProbeHttp
    onprem_url: yarl.URL | None = None
    signed_in: asyncio.Future[SignedIn | None] = field(default_factory=asyncio.Future)


Check = Callable[[Run], Awaitable[CheckResult]]
OnResult = Callable[[CheckResult], Awaitable[None]]


def _failed(check_id: str, error: BaseException, timeout_s: float) -> CheckResult:
    """A check that could not finish, said in words a support engineer can act on."""
    if isinstance(error, TargetRefused):
        return CheckResult(check_id, "error", str(error))
    if isinstance(error, TimeoutError):
        return CheckResult(
            check_id,
            "error",
            f"Not done within {timeout_s:g} s: the service, or a check this one waits for, is slow or down.",
        )
    if isinstance(error, aiohttp.ClientConnectorCertificateError):
        return CheckResult(check_id, "error", "The server's TLS certificate is not trusted.")
    if isinstance(error, (aiohttp.ClientError, OSError)):
        return CheckResult(check_id, "error", f"Could not reach the service: {type(error).__name__}.")
    log.error("probe check %s failed unexpectedly: %s", check_id, type(error).__name__)
    return CheckResult(check_id, "error", f"The check failed unexpectedly ({type(error).__name__}).")


async def _timed(check_id: str, check: Check, run: Run, timeout_s: float) -> CheckResult:
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s):
            result = await check(run)
    except Exception as error:  # every failure of one check becomes its result; the others go on
        result = _failed(check_id, error, timeout_s)
    return dataclasses.replace(result, id=check_id, elapsed_ms=round((time.monotonic() - started) * 1000))


async def run_checks(
    settings: Settings,
    target: Target,
    checks: Sequence[tuple[str, Check]],
    *,
    on_result: OnResult | None = None,
    resolver: AbstractResolver | None = None,
    check_timeout_s: float = CHECK_TIMEOUT_S,
    deadline_s: float = DEADLINE_S,
) -> list[CheckResult]:
    """Run `checks` for `target` and return their results in the order given, whatever happens to each."""
    onprem_url, refused = None, None
    if target.ews_url:
        try:
            onprem_url = check_onprem_ews_url(target.ews_url)
        except TargetRefused as error:
            refused = str(error)
    results: dict[str, CheckResult] = {}

    async def finished(result: CheckResult) -> None:
        results[result.id] = result
        if on_result is not None:
            await on_result(result)

    async with ProbeHttp(
        settings, onprem_url=onprem_url, resolver=resolver, timeout_s=check_timeout_s
    ) as http:
        run = Run(target, settings, http, onprem_url)
        if refused:
            await finished(CheckResult("onprem-ews", "error", refused))
        tasks = {
            asyncio.create_task(_timed(check_id, check, run, check_timeout_s)): check_id
            for check_id, check in checks
            if check_id not in results
        }
        pending = set(tasks)
        deadline = time.monotonic() + deadline_s
        try:
            while pending:
                done, pending = await asyncio.wait(
                    pending,
                    timeout=max(0.0, deadline - time.monotonic()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if not done:
                    break
                for task in done:
                    await finished(task.result())
        finally:
            for task in pending:
                task.cancel()
            if not run.signed_in.done():
                run.signed_in.set_result(None)
            await asyncio.gather(*pending, return_exceptions=True)
        late = f"Did not finish within the {deadline_s:g} s deadline for all checks."
        for task in pending:
            await finished(CheckResult(tasks[task], "error", late))
    return [results[check_id] for check_id, _ in checks if check_id in results]
