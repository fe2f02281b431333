"""`why401 probe`: live checks of one account from a terminal, progress on stderr, the report on stdout."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import IO

from bot.answer import build_answer
from bot.config import Settings
from bot.probes.guard import TargetRefused, check_onprem_ews_url
from bot.probes.model import EMAIL, CheckResult, Secret, Target
from bot.probes.prober import Prober
from bot.render import Style, check_line, probe_report_text
from bot.store import ProbeQuota, QuotaExceeded, Store
from knowledge.classify import default_classifier
from knowledge.load import default_catalog
from knowledge.model import Diagnosis, Side


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `probe` subcommand and its options."""
    probe = commands.add_parser(
        "probe",
        help="live, read-only checks of an account against Microsoft; re-ranks the diagnosis",
        description="Checks the account's tenant, realm, mailbox and EWS without a password; with the "
        "project's app (client) id and a password it also signs in as MigrationWiz does and reads Graph. "
        "The password is used for that one sign-in and never stored or shown.",
    )
    probe.add_argument("--email", required=True, help="the endpoint's admin account, e.g. admin@contoso.com")
    probe.add_argument("--client-id", help="the app (client) id the MigrationWiz project signs in with")
    probe.add_argument("--tenant", help="the tenant id or domain of that app (default: found from --email)")
    secret = probe.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    secret.add_argument("--password-prompt", action="store_true", help="ask for the password, hidden")
    probe.add_argument("--ews-url", help="an on-premises EWS address to test (https, port 443)")
    probe.add_argument("--side", choices=["source", "destination"], help="which endpoint this account is")
    probe.add_argument("--text", help="the pasted error, to re-rank its diagnosis (default: none)")
    probe.add_argument("--json", action="store_true", help="print the probe object of CONTRACT.md")


def _password(args: argparse.Namespace, stdin: IO[bytes]) -> Secret | None:
    if args.password_stdin:
        line = stdin.readline(4096).decode("utf-8", errors="replace").rstrip("\r\n")
        return Secret(line) if line else None
    if args.password_prompt:
        return Secret(getpass.getpass(f"Password for {args.email} (used once, not stored): "))
    return None


def _diagnosis(text: str | None, side: Side | None) -> Diagnosis:
    classifier = default_classifier()
    if text:
        diagnosis = classifier(text, side_hint=side, asked=True)
        if diagnosis.matched:
            return diagnosis
    return classifier.baseline(side)


def run(args: argparse.Namespace, settings: Settings, stdin: IO[bytes], stdout: IO[str]) -> int:
    """Run `why401 probe`; 2 for bad options, 1 when refused by the rate limits, else 0."""
    if not EMAIL.fullmatch(args.email):
        print(
            f"why401: --email must be an address like admin@contoso.com, not {args.email!r}", file=sys.stderr
        )
        return 2
    if args.ews_url:
        try:
            check_onprem_ews_url(args.ews_url)
        except TargetRefused as error:
            print(f"why401: --ews-url: {error}", file=sys.stderr)
            return 2
    password = _password(args, stdin)
    if (args.password_stdin or args.password_prompt) and password is None:
        print("why401: no password was given", file=sys.stderr)
        return 2
    target = Target(args.email, args.side, args.client_id, args.tenant, args.ews_url, password)
    store = Store(settings.db_path)
    try:
        audit_id = store.start_probe(
            team_id=None,
            user=getpass.getuser(),
            account=target.email,
            signs_in=bool(password),
            quota=ProbeQuota(),
        )
    except QuotaExceeded as error:
        print(f"why401: {error}", file=sys.stderr)
        store.close()
        return 1

    async def progress(check: CheckResult) -> None:
        print(check_line(check), file=sys.stderr, flush=True)

    print(f"Checking {target.email} ...", file=sys.stderr, flush=True)
    outcome = "interrupted"
    try:
        report = asyncio.run(Prober(settings).probe(target, _diagnosis(args.text, args.side), progress))
        outcome = report.audit_outcome()
    except KeyboardInterrupt:
        print("why401: interrupted", file=sys.stderr)
        return 130
    finally:
        store.finish_probe(audit_id, outcome)
        store.close()
    if args.json:
        stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        style = Style(color=stdout.isatty() and not settings.no_color)
        stdout.write(probe_report_text(report, build_answer(default_catalog(), report.diagnosis), style))
    return 0
