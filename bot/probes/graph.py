"""Checks through Microsoft Graph with the sign-in's token, where the app's permissions allow: Security
Defaults, the user's age, state and licences, and whether the OneDrive exists. A missing permission skips
the check and names the permission."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from bot.probes.http import Response
from bot.probes.model import CheckResult, Evidence
from bot.probes.run import Run

PROVISIONING_HOURS = 24


async def _get(run: Run, check_id: str, path: str, permission: str) -> Response | CheckResult:
    """The Graph answer, or the check's result when there is no token or the permission is missing."""
    signed_in = await run.signed_in
    if signed_in is None or not signed_in.graph_token:
        why = signed_in.why_not if signed_in else "needs a successful sign-in first"
        return CheckResult(check_id, "skipped", f"Not checked: {why}.")
    answer = await run.http.request(
        "GET",
        f"{run.settings.graph_url}/v1.0/{path}",
        headers={"Authorization": f"Bearer {signed_in.graph_token}"},
    )
    if answer.status == 403:
        return CheckResult(
            check_id, "skipped", f"Not checked: the app lacks the Graph permission {permission}."
        )
    return answer


def _body(answer: Response) -> dict[str, Any]:
    try:
        data = json.loads(answer.text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def security_defaults(run: Run) -> CheckResult:
    """Whether Security Defaults are on for the tenant."""
    answer = await _get(
        run, "security-defaults", "policies/identitySecurityDefaultsEnforcementPolicy", "Policy.Read.All"
    )
    if isinstance(answer, CheckResult):
        return answer
    enabled = _body(answer).get("isEnabled")
    if answer.status != 200 or not isinstance(enabled, bool):
        return CheckResult(
            "security-defaults", "error", f"Graph answered HTTP {answer.status} without the setting."
        )
    if enabled:
        return CheckResult(
            "security-defaults",
            "warn",
            "Security Defaults are on in this tenant.",
            evidence=(Evidence("security-defaults", "supports", "Graph says Security Defaults are enabled"),),
        )
    return CheckResult(
        "security-defaults",
        "pass",
        "Security Defaults are off in this tenant.",
        evidence=(Evidence("security-defaults", "rules_out", "Graph says Security Defaults are disabled"),),
    )


def _side_causes(run: Run) -> tuple[str, ...]:
    """The OneDrive cause for the side being checked (both when the side is unknown)."""
    side = run.target.side
    return {"source": ("onedrive-source-user",), "destination": ("onedrive-not-provisioned",)}.get(
        side or "", ("onedrive-source-user", "onedrive-not-provisioned")
    )


async def user_state(run: Run) -> CheckResult:
    """The user's creation time, whether it is enabled, and its licences."""
    path = f"users/{quote(run.target.email)}?$select=accountEnabled,createdDateTime,assignedLicenses,userType"
    answer = await _get(run, "user", path, "User.Read.All")
    if isinstance(answer, CheckResult):
        return answer
    if answer.status == 404:
        return CheckResult("user", "fail", "Graph finds no such user.")
    user = _body(answer)
    if answer.status != 200:
        return CheckResult("user", "error", f"Graph answered HTTP {answer.status}.")
    evidence: list[Evidence] = []
    problems: list[str] = []
    details: list[str] = []
    try:
        created = datetime.fromisoformat(str(user.get("createdDateTime")).replace("Z", "+00:00"))
    except ValueError:
        created = None
    if created is not None:
        hours = (datetime.now(UTC) - created).total_seconds() / 3600
        details.append(f"created {created:%Y-%m-%d %H:%M} UTC ({hours:.1f} h ago)")
        if hours < PROVISIONING_HOURS:
            problems.append(f"was created {hours:.1f} h ago")
            evidence.append(
                Evidence(
                    "new-account-provisioning",
                    "confirms",
                    f"the user was created {hours:.1f} h ago, inside the 24 h window",
                )
            )
        else:
            evidence.append(Evidence("new-account-provisioning", "rules_out", "the user is older than a day"))
    if user.get("accountEnabled") is False:
        problems.append("is blocked from signing in")
        evidence.extend(
            Evidence(cause, "supports", "the account is disabled")
            for cause in _side_causes(run)
            if cause == "onedrive-source-user"
        )
    licences = user.get("assignedLicenses")
    if isinstance(licences, list):
        details.append(f"{len(licences)} licence(s)")
        if not licences:
            problems.append("has no licence")
            evidence.extend(
                Evidence(cause, "supports", "the user has no licence, so no OneDrive")
                for cause in _side_causes(run)
            )
    if problems:
        return CheckResult(
            "user", "warn", f"The user {' and '.join(problems)}.", tuple(details), evidence=tuple(evidence)
        )
    return CheckResult(
        "user",
        "pass",
        "The user is enabled, licensed and older than a day.",
        tuple(details),
        evidence=tuple(evidence),
    )


async def onedrive(run: Run) -> CheckResult:
    """Whether the user's OneDrive exists."""
    answer = await _get(run, "onedrive", f"users/{quote(run.target.email)}/drive", "Files.Read.All")
    if isinstance(answer, CheckResult):
        return answer
    if answer.status == 404:
        return CheckResult(
            "onedrive",
            "fail",
            "The user has no OneDrive yet.",
            evidence=tuple(
                Evidence(cause, "supports", "Graph finds no OneDrive for the user")
                for cause in _side_causes(run)
            ),
        )
    if answer.status != 200:
        return CheckResult("onedrive", "error", f"Graph answered HTTP {answer.status}.")
    return CheckResult(
        "onedrive",
        "pass",
        "The user's OneDrive exists.",
        evidence=(Evidence("onedrive-not-provisioned", "rules_out", "the OneDrive is provisioned"),),
    )
