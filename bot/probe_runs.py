"""Live checks asked for in Slack: who may run them, and one run reported in its thread.

The password lives only in the Target of one run, in this process's memory; nothing here stores, logs or
posts it. The run shows progress as checks finish, then the report, then the re-ranked answer and its
checklist, recorded as a new triage so verdicts and reminders apply to the new leading cause.
"""

from __future__ import annotations

import asyncio
import contextlib

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answer import build_answer
from bot.blocks import Message
from bot.conversation import post, post_answer
from bot.deps import Deps
from bot.metrics import PROBE_RUNS, probe_outcome, slack_error
from bot.probe_blocks import ProbePlace, progress_message, report_messages
from bot.probes.model import CheckResult, Target
from bot.probes.prober import CHECKS
from bot.triage import Outcome


async def may_probe(client: AsyncWebClient, deps: Deps, user: str) -> bool:
    """Whether this user may run live checks: anyone, unless the operator listed users or a user group."""
    settings = deps.settings
    if not settings.probe_users and not settings.probe_group:
        return True
    if user in settings.probe_users:
        return True
    if settings.probe_group is None:
        return False
    try:
        response = await client.usergroups_users_list(usergroup=settings.probe_group)
    except SlackApiError as error:
        code = slack_error("usergroups.users.list", error)
        deps.logger.warning("usergroups.users.list failed", extra={"error": code})
        return False
    return user in (response.get("users") or [])


async def probe_in_thread(
    client: AsyncWebClient,
    deps: Deps,
    *,
    team_id: str,
    user: str,
    place: ProbePlace,
    target: Target,
    audit_id: int,
) -> None:
    """Run the live checks for `target` and report them, and the re-ranked answer, in the triage's thread."""
    rebuilt = await deps.db(deps.triager.answer_for, place.triage_id)
    diagnosis = rebuilt[1] if rebuilt else deps.triager.classify.baseline(target.side)
    done: list[CheckResult] = []
    progress_ts = await post(
        client,
        deps,
        place.channel,
        progress_message(target.email, done, len(CHECKS)),
        thread_ts=place.thread_ts,
    )

    async def on_result(check: CheckResult) -> None:
        done.append(check)
        if progress_ts is None:
            return
        message = progress_message(target.email, done, len(CHECKS))
        try:
            await client.chat_update(channel=place.channel, ts=progress_ts, **message.payload())
        except SlackApiError as error:
            deps.logger.warning("progress update failed", extra={"error": slack_error("chat.update", error)})

    outcome = "interrupted"
    task = asyncio.current_task()
    if task is not None:
        deps.probe_runs.add(task)
    try:
        report = await deps.prober.probe(target, diagnosis, on_result)
        outcome = report.audit_outcome()
    except asyncio.CancelledError:  # the process is stopping: say so in the thread, briefly, then stop
        stopped = Message(
            text=f"The live checks for {target.email} were interrupted by a restart; run them again."
        )
        with contextlib.suppress(Exception):
            await asyncio.wait_for(post(client, deps, place.channel, stopped, thread_ts=place.thread_ts), 2)
        raise
    except Exception as error:  # whatever broke, the thread hears of it rather than waiting forever
        outcome = f"error: {type(error).__name__}"
        deps.logger.error("probe run failed", extra={"error": type(error).__name__})
        failed = Message(
            text=f"The live checks for {target.email} stopped with an internal error; try again."
        )
        await post(client, deps, place.channel, failed, thread_ts=place.thread_ts)
        return
    finally:
        deps.probe_runs.discard(task)
        PROBE_RUNS.labels(probe_outcome(outcome)).inc()
        await deps.db(deps.store.finish_probe, audit_id, outcome)
    for message in report_messages(target.email, report):
        await post(client, deps, place.channel, message, thread_ts=place.thread_ts)
    record = await deps.db(deps.store.triage, place.triage_id)
    answer = build_answer(deps.catalog, report.diagnosis)
    recorded = await deps.db(
        deps.triager.record,
        Outcome(None, report.diagnosis, answer, ()),
        record.text if record else f"live checks for {target.email}",
        team_id=team_id,
        via="probe",
        channel=place.channel,
        thread_ts=place.thread_ts,
        user=user,
    )
    await post_answer(client, deps, recorded, place.channel, place.thread_ts)


async def stop_probe_runs(deps: Deps) -> None:
    """Cancel the live checks still running (the process is stopping); each records itself as interrupted."""
    runs = list(deps.probe_runs)
    for run in runs:
        run.cancel()
    await asyncio.gather(*runs, return_exceptions=True)
