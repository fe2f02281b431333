"""The live-checks form, progress line and report as Block Kit: pure functions within Slack's limits."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks import MAX_SECTION_CHARS
from bot.probe_blocks import (
    ACCOUNT_BLOCK,
    CLIENT_BLOCK,
    EWS_BLOCK,
    PASSWORD_BLOCK,
    SIDE_BLOCK,
    TENANT_BLOCK,
    VALUE,
    ProbePlace,
    probe_form,
    probe_modal,
    progress_message,
    report_messages,
)
from bot.probes.model import CheckResult, ProbeReport
from knowledge.classify import default_classifier

PLACE = ProbePlace(42, "C0SUPPORT", "1710000000.000100")


def form_values(**fields: str) -> dict[str, Any]:
    """The live-checks form's state as Slack submits it, with the given fields filled in."""
    blocks = {
        "account": ACCOUNT_BLOCK,
        "client": CLIENT_BLOCK,
        "tenant": TENANT_BLOCK,
        "password": PASSWORD_BLOCK,
        "ews": EWS_BLOCK,
    }
    values: dict[str, Any] = {
        blocks[k]: {VALUE: {"type": "plain_text_input", "value": v}} for k, v in fields.items() if k in blocks
    }
    if "side" in fields:
        values[SIDE_BLOCK] = {VALUE: {"type": "static_select", "selected_option": {"value": fields["side"]}}}
    return values


def test_the_form_fits_slacks_limits_and_says_why_it_asks_for_the_password() -> None:
    view = probe_modal(PLACE, "destination")
    assert len(view["title"]["text"]) <= 24 and len(view["blocks"]) <= 100
    assert ProbePlace.load(view["private_metadata"]) == PLACE
    side = next(block for block in view["blocks"] if block["block_id"] == SIDE_BLOCK)
    assert side["element"]["initial_option"]["value"] == "destination"
    password = next(block for block in view["blocks"] if block["block_id"] == PASSWORD_BLOCK)
    assert password["optional"] and "never stored" in password["hint"]["text"]


def test_the_form_reads_back_into_a_target_keeping_the_password_as_typed() -> None:
    form = probe_form(
        form_values(account=" admin@contoso.com ", side="source", client="abc", password=" pass word ")
    )
    assert form.errors == {}
    target = form.target
    assert (target.email, target.side, target.client_id, target.tenant, target.ews_url) == (
        "admin@contoso.com",
        "source",
        "abc",
        None,
        None,
    )
    assert target.password is not None and target.password.reveal() == " pass word "
    assert "pass word" not in repr(target)
    unsure = probe_form(form_values(account="admin@contoso.com", side="unknown"))
    assert unsure.target.side is None and unsure.target.password is None


@pytest.mark.parametrize(
    ("fields", "block"),
    [
        ({"account": ""}, ACCOUNT_BLOCK),
        ({"account": "admin at contoso"}, ACCOUNT_BLOCK),
        ({"account": "a@contoso.com", "ews": "https://localhost/EWS/Exchange.asmx"}, EWS_BLOCK),
        ({"account": "a@contoso.com", "ews": "https://mail.contoso.com:444/EWS"}, EWS_BLOCK),
    ],
)
def test_an_unusable_field_is_named(fields: dict[str, str], block: str) -> None:
    assert block in probe_form(form_values(**fields)).errors


def test_progress_and_report_stay_within_a_section() -> None:
    checks = [
        CheckResult(f"check-{n}", "fail", "x" * 400, tuple("detail " * 40 for _ in range(5)), n)
        for n in range(9)
    ]
    progress = progress_message("a@contoso.com", checks[:4], 9)
    assert "4 of 9 done" in progress.text
    assert all(len(block["text"]["text"]) <= MAX_SECTION_CHARS for block in progress.blocks)
    report = report_messages("a@contoso.com", ProbeReport(tuple(checks), default_classifier().baseline()))
    sections = [block for message in report for block in message.blocks if block["type"] == "section"]
    assert len(sections) > 1 and all(len(block["text"]["text"]) <= MAX_SECTION_CHARS for block in sections)
    assert len(report) == 2 and "part 2 of 2" in report[1].text  # 14,000 characters of details: two messages
    assert "9 of 9 found a problem" in report[0].text


def test_a_crowded_progress_line_keeps_the_latest_checks_and_counts_the_rest() -> None:
    checks = [CheckResult(f"check-{n}", "fail", f"summary {n} " + "y" * 600) for n in range(9)]
    text = progress_message("a@contoso.com", checks, 9).blocks[0]["text"]["text"]
    assert len(text) <= MAX_SECTION_CHARS and "9 of 9 done" in text
    kept = [n for n in range(9) if f"summary {n} " in text]
    assert kept == list(range(9 - len(kept), 9)) and len(kept) < 9
    assert f"+{9 - len(kept)} earlier checks, all in the report that follows" in text
