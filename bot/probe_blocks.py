"""Block Kit for live probes: the form that asks for the account, the progress line, and the report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks import MAX_SECTION_CHARS, Block, Message, clip, escape, sections, split_messages
from bot.probes.guard import TargetRefused, check_onprem_ews_url
from bot.probes.model import EMAIL, CheckResult, ProbeReport, Secret, Target
from knowledge.model import SIDES, Side

PROBE_MODAL = "why401_probe"
ACCOUNT_BLOCK, SIDE_BLOCK, CLIENT_BLOCK, TENANT_BLOCK, PASSWORD_BLOCK, EWS_BLOCK = (
    "probe_account",
    "probe_side",
    "probe_client",
    "probe_tenant",
    "probe_password",
    "probe_ews",
)
VALUE = "value"  # the action id of every input in the form
_ICONS = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skipped": "⏭️", "error": "💥"}


@dataclass(frozen=True)
class ProbePlace:
    """Where a probe was asked for: the triage, and the thread to report in (the form's private_metadata)."""

    triage_id: int
    channel: str
    thread_ts: str

    def dump(self) -> str:
        return json.dumps({"triage": self.triage_id, "channel": self.channel, "thread_ts": self.thread_ts})

    @classmethod
    def load(cls, text: str) -> ProbePlace:
        data = json.loads(text)
        return cls(int(data["triage"]), str(data["channel"]), str(data["thread_ts"]))


def _input(block_id: str, label: str, hint: str, *, optional: bool = True, **element: Any) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "hint": {"type": "plain_text", "text": hint},
        "element": {"type": "plain_text_input", "action_id": VALUE, **element},
    }


def probe_modal(place: ProbePlace, side: Side | None) -> dict[str, Any]:
    """The live-checks form: which account, which app, and (only for the sign-in) the password."""
    sides = [("Not sure", "unknown"), ("Source", "source"), ("Destination", "destination")]
    options = [{"text": {"type": "plain_text", "text": label}, "value": value} for label, value in sides]
    initial = next(option for option in options if option["value"] == (side or "unknown"))
    return {
        "type": "modal",
        "callback_id": PROBE_MODAL,
        "private_metadata": place.dump(),
        "title": {"type": "plain_text", "text": "Run live checks"},
        "submit": {"type": "plain_text", "text": "Run checks"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _input(
                ACCOUNT_BLOCK,
                "Admin account of the failing endpoint",
                "The user name the MigrationWiz endpoint signs in with.",
                optional=False,
                placeholder={"type": "plain_text", "text": "migadmin@contoso.com"},
                max_length=320,
            ),
            {
                "type": "input",
                "block_id": SIDE_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Which endpoint is it?"},
                "element": {
                    "type": "static_select",
                    "action_id": VALUE,
                    "options": options,
                    "initial_option": initial,
                },
            },
            _input(
                CLIENT_BLOCK,
                "App (client) id",
                "From the project's modern authentication settings.",
                max_length=100,
            ),
            _input(
                TENANT_BLOCK,
                "Tenant id or domain",
                "Leave empty to find it from the account.",
                max_length=255,
            ),
            _input(
                PASSWORD_BLOCK,
                "Password (optional)",
                "Only to sign in once as MigrationWiz does. It is kept in memory for this run, never stored, "
                "logged or shown. Leave empty to run only the checks that need no password.",
                max_length=256,
            ),
            _input(
                EWS_BLOCK,
                "On-premises EWS address (optional)",
                "For an on-premises server: https://mail.example.com/EWS/Exchange.asmx",
                max_length=500,
            ),
        ],
    }


def _check_text(check: CheckResult) -> str:
    return f"{_ICONS[check.status]} *{escape(check.id)}* {escape(check.summary)} _({check.elapsed_ms} ms)_"


def _earlier_note(earlier: int) -> str:
    return f"_+{earlier} earlier check{'s' if earlier > 1 else ''}, all in the report that follows_"


def progress_message(email: str, done: Sequence[CheckResult], total: int) -> Message:
    """The thread's progress line, updated as each check finishes: the latest checks whole, and how many
    earlier ones no longer fit (each is in the report that follows)."""
    head = f"🔎 Live checks for {escape(clip(email, 320))}: {len(done)} of {total} done"
    lines = [clip(_check_text(check), MAX_SECTION_CHARS // 3) for check in done]
    longest_note = _earlier_note(len(done))  # the note is never longer than with every check earlier
    while lines and len("\n".join([head, longest_note, *lines])) > MAX_SECTION_CHARS:
        lines.pop(0)
    earlier = len(done) - len(lines)
    if earlier:
        lines.insert(0, _earlier_note(earlier))
    return Message(
        text=f"Live checks for {email}: {len(done)} of {total} done",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join([head, *lines])}}],
    )


def report_messages(email: str, report: ProbeReport) -> list[Message]:
    """What every check found, with its details, and which checks decided the new ranking; spread over as
    many sections and messages as Slack's limits need, nothing cut."""
    lines = [f"*Live checks for {escape(email)}*"]
    for check in report.checks:
        lines.append(_check_text(check))
        lines += [f"      {escape(detail)}" for detail in check.details]
    blocks: list[Block] = sections("\n".join(lines))
    if report.diagnosis.notes:
        blocks += sections(f"_{escape(report.diagnosis.notes[-1])}_")
    failed = sum(1 for check in report.checks if check.status in ("fail", "error"))
    return split_messages(
        blocks, f"Live checks for {email}: {failed} of {len(report.checks)} found a problem."
    )


@dataclass(frozen=True)
class ProbeForm:
    """The live-checks form read back: the target, or the errors to show beside its fields."""

    target: Target
    errors: dict[str, str]


def _value(values: dict[str, Any], block_id: str) -> str:
    element = values.get(block_id, {}).get(VALUE) or {}
    picked = (element.get("selected_option") or {}).get("value")
    return str(picked if picked is not None else element.get("value") or "").strip()


def probe_form(values: dict[str, Any]) -> ProbeForm:
    """Read the submitted form; an unusable account or EWS address comes back as a field error."""
    email = _value(values, ACCOUNT_BLOCK)
    errors: dict[str, str] = {}
    if not EMAIL.fullmatch(email):
        errors[ACCOUNT_BLOCK] = "Enter the account as an address, like migadmin@contoso.com."
    ews_url = _value(values, EWS_BLOCK) or None
    if ews_url:
        try:
            check_onprem_ews_url(ews_url)
        except TargetRefused as error:
            errors[EWS_BLOCK] = str(error)[:150]
    side = next((s for s in SIDES if s == _value(values, SIDE_BLOCK)), None)
    element = values.get(PASSWORD_BLOCK, {}).get(VALUE) or {}
    password = str(element.get("value") or "")  # kept as typed: spaces may be part of it
    target = Target(
        email,
        side,
        _value(values, CLIENT_BLOCK) or None,
        _value(values, TENANT_BLOCK) or None,
        ews_url,
        Secret(password) if password else None,
    )
    return ProbeForm(target, errors)
