"""Checks against Exchange: does Exchange Online know the mailbox, which sign-in schemes EWS offers, and
how an on-premises EWS server the user names answers."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from bot.probes.http import Response
from bot.probes.model import CheckResult, Evidence
from bot.probes.run import Run

SLOW_MS = (
    3000  # an EWS challenge should come back in well under a second; this much means a struggling server
)
QUICK_MS = 1000
_DIAGNOSTIC = re.compile(r'^\s*(\d+)\s*;\s*reason="([^"]*)"(?:\s*;\s*error_category="([^"]*)")?')


def _schemes(answer: Response) -> list[str]:
    """The scheme names of every WWW-Authenticate challenge (Bearer, Basic, NTLM, Negotiate ...)."""
    return [value.split()[0] for value in answer.headers.getall("WWW-Authenticate", []) if value.strip()]


def diagnostics(value: str) -> tuple[str, str, str] | None:
    """X-MS-Diagnostics decoded: (code, reason, error category), or None when it is not in that shape."""
    found = _DIAGNOSTIC.match(value)
    return (found.group(1), found.group(2), found.group(3) or "") if found else None


async def mailbox(run: Run) -> CheckResult:
    """Autodiscover v2: Exchange Online names an EWS address only for a mailbox it knows."""
    if run.onprem_url is not None:
        return CheckResult(
            "mailbox", "skipped", "The mailbox is on premises, so Exchange Online is not asked."
        )
    email = run.target.email
    answer = await run.http.request(
        "GET", f"{run.settings.outlook_url}/autodiscover/autodiscover.json/v1.0/{quote(email)}?Protocol=EWS"
    )
    try:
        url = json.loads(answer.text).get("Url") if answer.status == 200 else None
    except (ValueError, AttributeError):
        url = None
    if url:
        return CheckResult(
            "mailbox",
            "pass",
            f"Exchange Online has a mailbox for {email}.",
            (f"EWS at {url}",),
            evidence=(
                Evidence("entra-connect-mailbox", "weakens", "Exchange Online knows the mailbox"),
                Evidence("new-account-provisioning", "weakens", "the mailbox is already provisioned"),
            ),
        )
    return CheckResult(
        "mailbox",
        "fail",
        f"Exchange Online has no mailbox for {email}.",
        (f"autodiscover answered HTTP {answer.status}",),
        evidence=(
            Evidence(
                "entra-connect-mailbox", "supports", "the user has no Exchange Online mailbox behind it"
            ),
            Evidence(
                "new-account-provisioning", "supports", "a new mailbox can take up to 24 hours to appear"
            ),
        ),
    )


async def ews(run: Run) -> CheckResult:
    """Exchange Online's EWS challenge: Bearer alone means Basic is off and OAuth must be set up."""
    answer = await run.http.request(
        "POST",
        f"{run.settings.outlook_url}/EWS/Exchange.asmx",
        headers={"X-AnchorMailbox": run.target.email, "Content-Type": "text/xml"},
    )
    schemes = _schemes(answer)
    details = [
        f"HTTP {answer.status}",
        f"offers {', '.join(schemes) or 'no scheme'}",
        f"{answer.elapsed_ms} ms",
    ]
    evidence = []
    decoded = diagnostics(answer.headers.get("X-MS-Diagnostics", ""))
    if decoded:
        code, reason, category = decoded
        details.append(f"X-MS-Diagnostics {code}: {reason} ({category or 'no category'})")
        if category == "invalid_user":
            evidence.append(
                Evidence(
                    "entra-connect-mailbox", "supports", "Exchange says the user has no mailbox behind it"
                )
            )
        if category == "oauth_not_available":
            evidence.append(
                Evidence("modern-auth-not-configured", "supports", "Exchange says OAuth is not available")
            )
    lowered = [scheme.lower() for scheme in schemes]
    if "basic" in lowered:
        evidence.append(
            Evidence("modern-auth-not-configured", "weakens", "EWS still offers Basic authentication")
        )
        return CheckResult(
            "ews", "pass", "EWS offers Basic and modern authentication.", tuple(details), 0, tuple(evidence)
        )
    if "bearer" in lowered:
        evidence.append(
            Evidence(
                "modern-auth-not-configured",
                "supports",
                "EWS offers only OAuth (Bearer): the project must sign in with an app registration",
            )
        )
        return CheckResult(
            "ews",
            "warn",
            "Basic authentication is off for EWS: only modern authentication (OAuth) can sign in.",
            tuple(details),
            0,
            tuple(evidence),
        )
    return CheckResult(
        "ews", "warn", "EWS offered no sign-in scheme why401 recognises.", tuple(details), 0, tuple(evidence)
    )


async def onprem_ews(run: Run) -> CheckResult:
    """An on-premises EWS server: its schemes and TLS, and its response time as a sign of load."""
    if run.onprem_url is None:
        return CheckResult("onprem-ews", "skipped", "No on-premises EWS address was given.")
    answer = await run.http.request("POST", run.onprem_url, headers={"Content-Type": "text/xml"})
    schemes = _schemes(answer)
    seconds = answer.elapsed_ms / 1000
    details = (
        f"HTTP {answer.status}",
        f"offers {', '.join(schemes) or 'no scheme'}",
        "TLS certificate trusted",
        f"{answer.elapsed_ms} ms",
    )
    if answer.elapsed_ms >= SLOW_MS:
        return CheckResult(
            "onprem-ews",
            "warn",
            f"{run.onprem_url.host} took {seconds:.1f} s to send a sign-in challenge: it looks overloaded.",
            details,
            evidence=(
                Evidence(
                    "overutilized-server",
                    "supports",
                    f"EWS took {seconds:.1f} s to send its sign-in challenge",
                ),
            ),
        )
    evidence = (
        (Evidence("overutilized-server", "weakens", f"EWS answered in {answer.elapsed_ms} ms"),)
        if answer.elapsed_ms < QUICK_MS
        else ()
    )
    return CheckResult(
        "onprem-ews",
        "pass",
        f"{run.onprem_url.host} answers in {answer.elapsed_ms} ms and {details[1]}.",
        details,
        evidence=evidence,
    )
