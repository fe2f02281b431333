"""Sign in the way MigrationWiz does: msal's username/password flow with the customer's own app, for EWS.

msal is synchronous, so it runs in a worker thread, and every request it makes goes through the run's
guarded session (MsalSession). The app object and its token cache live for this one attempt only.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from typing import Any

import msal

from bot.probes.guard import TargetRefused
from bot.probes.http import MsalSession
from bot.probes.model import CheckResult, Effect, Evidence
from bot.probes.run import Run, SignedIn

EWS_SCOPE = "https://outlook.office365.com/EWS.AccessAsUser.All"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
_CODE = re.compile(r"AADSTS(\d+)")

_PASSWORD_RIGHT: tuple[str, Effect, str] = (
    "wrong-credentials",
    "rules_out",
    "Entra ID accepted the password before asking for more",
)
# What each sign-in error code says about the causes (Microsoft's AADSTS reference; see FACTS.md).
AADSTS_EVIDENCE: dict[int, tuple[str, tuple[tuple[str, Effect, str], ...]]] = {
    50126: (
        "The user name or password is wrong.",
        (("wrong-credentials", "confirms", "Entra ID refused the password"),),
    ),
    50034: (
        "The account does not exist.",
        (
            ("wrong-credentials", "supports", "no account has this name: the user name may be mistyped"),
            ("new-account-provisioning", "supports", "a just-created account may not exist in Entra ID yet"),
        ),
    ),
    50076: (
        "The account must pass multi-factor authentication.",
        (("mfa-required", "confirms", "sign-in asked for MFA"), _PASSWORD_RIGHT),
    ),
    50158: (
        "An external security challenge is required.",
        (("mfa-required", "confirms", "sign-in asked for an extra challenge"), _PASSWORD_RIGHT),
    ),
    50079: (
        "The account must register for multi-factor authentication.",
        (
            (
                "security-defaults",
                "supports",
                "Entra ID demands MFA registration, as Security Defaults do after 14 days",
            ),
            ("mfa-required", "supports", "the account must register for MFA"),
            _PASSWORD_RIGHT,
        ),
    ),
    530035: (
        "Security Defaults blocked the sign-in.",
        (("security-defaults", "confirms", "Entra ID says Security Defaults blocked it"), _PASSWORD_RIGHT),
    ),
    53003: (
        "Conditional Access blocked the sign-in.",
        (("mfa-required", "supports", "a Conditional Access policy blocks the sign-in"),),
    ),
    50055: (
        "The password has expired.",
        (("password-change-required", "confirms", "Entra ID says the password expired"), _PASSWORD_RIGHT),
    ),
    50144: (
        "The password has expired.",
        (("password-change-required", "confirms", "Entra ID says the password expired"), _PASSWORD_RIGHT),
    ),
    50057: (
        "The account is disabled.",
        (("onedrive-source-user", "supports", "the account is disabled, so nothing can sign in as it"),),
    ),
    50053: (
        "The account is locked after too many failed sign-ins.",
        (("wrong-credentials", "supports", "accounts lock after repeated wrong passwords"),),
    ),
    700016: (
        "The app id is not registered in this tenant.",
        (("modern-auth-not-configured", "confirms", "the project's app id is not in the tenant"),),
    ),
    65001: (
        "Nobody has consented to the app.",
        (("modern-auth-not-configured", "confirms", "the app registration lacks admin consent"),),
    ),
    7000215: (
        "The app's client secret is wrong.",
        (("modern-auth-not-configured", "confirms", "the app's secret is invalid"),),
    ),
    7000222: (
        "The app's client secret has expired.",
        (("modern-auth-not-configured", "confirms", "the app's secret has expired"),),
    ),
    90002: (
        "The tenant does not exist.",
        (("wrong-credentials", "confirms", "the tenant named does not exist"),),
    ),
}
# Errors about the app or tenant themselves; Entra ID raises every other code only after accepting the app.
APP_ERRORS = frozenset({700016, 65001, 7000215, 7000222, 90002})
APP_ACCEPTED = Evidence("modern-auth-not-configured", "weakens", "Entra ID accepted the project's app id")
_SUCCESS_RULES_OUT = (
    ("wrong-credentials", "the user name and password signed in"),
    ("mfa-required", "no MFA prompt stopped the sign-in"),
    ("password-change-required", "the password is current"),
    ("account-picker", "no account choice stopped the sign-in"),
    ("security-defaults", "Security Defaults did not block this account"),
    ("modern-auth-not-configured", "the app registration and its consent work"),
)


def _first_line(description: Any) -> str:
    return str(description or "").split("\r\n")[0].split("\n")[0][:300]


def _codes(result: dict[str, Any]) -> list[int]:
    codes = [int(code) for code in result.get("error_codes") or () if str(code).isdigit()]
    return codes or [int(code) for code in _CODE.findall(str(result.get("error_description", "")))]


def _attempt(
    session: MsalSession, authority: str, client_id: str, email: str, password: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One username/password sign-in, then a Graph token from its refresh token; a fresh app each time."""
    with warnings.catch_warnings():
        # msal marks this flow deprecated for public clients; it is still the flow MigrationWiz uses.
        warnings.simplefilter("ignore", DeprecationWarning)
        app = msal.PublicClientApplication(
            client_id, authority=authority, http_client=session, instance_discovery=False
        )
        result = app.acquire_token_by_username_password(email, password, scopes=[EWS_SCOPE])
    graph = None
    if "access_token" in result and (accounts := app.get_accounts()):
        graph = app.acquire_token_silent([GRAPH_SCOPE], account=accounts[0])
    return result, graph


async def sign_in(run: Run) -> CheckResult:
    """The sign-in MigrationWiz makes; its outcome confirms or rules out most causes at once."""
    try:
        return await _sign_in(run)
    finally:
        if not run.signed_in.done():
            run.signed_in.set_result(None)


async def _sign_in(run: Run) -> CheckResult:
    target = run.target
    if target.password is None or not target.password:
        return CheckResult("sign-in", "skipped", "No password was given, so sign-in was not tried.")
    if not target.client_id:
        return CheckResult(
            "sign-in", "skipped", "Sign-in needs the project's app (client) id, as MigrationWiz uses it."
        )
    tenant = target.tenant or target.domain  # Entra ID finds the tenant from its domain: no need to wait
    session = MsalSession(run.http)
    try:
        result, graph = await asyncio.to_thread(
            _attempt,
            session,
            f"{run.settings.login_url}/{tenant}",
            target.client_id,
            target.email,
            target.password.reveal(),
        )
    except TargetRefused:  # a federated account: msal turns to the organisation's own sign-in server
        return CheckResult(
            "sign-in",
            "skipped",
            "The account is federated: its password is checked by the organisation's own sign-in server, "
            "which why401 does not contact.",
        )
    except ValueError as error:
        if "authority" not in str(error).lower():
            raise
        named = (  # msal could not read the tenant's configuration
            Evidence("modern-auth-not-configured", "supports", "the project's tenant id names no tenant")
            if target.tenant
            else Evidence("wrong-credentials", "supports", "the account's domain has no tenant")
        )
        return CheckResult("sign-in", "fail", f"Entra ID has no tenant {tenant}.", evidence=(named,))
    if "access_token" in result:
        token = (graph or {}).get("access_token")
        why_not = (
            ""
            if token
            else f"no Graph token: {_first_line((graph or {}).get('error_description')) or 'not granted'}"
        )
        run.signed_in.set_result(SignedIn(token, why_not))
        return CheckResult(
            "sign-in",
            "pass",
            f"Signed in as {target.email} with the project's app, as MigrationWiz does.",
            evidence=tuple(Evidence(cause, "rules_out", because) for cause, because in _SUCCESS_RULES_OUT),
        )
    codes = _codes(result)
    known = next((code for code in codes if code in AADSTS_EVIDENCE), None)
    details = (
        f"AADSTS{codes[0]}" if codes else str(result.get("error", "error")),
        _first_line(result.get("error_description")),
    )
    if known is None:
        return CheckResult(
            "sign-in", "fail", "Sign-in failed with an error why401 does not map to a cause.", details
        )
    summary, effects = AADSTS_EVIDENCE[known]
    evidence = [Evidence(cause, effect, because) for cause, effect, because in effects]
    if known not in APP_ERRORS:
        evidence.append(APP_ACCEPTED)
    return CheckResult("sign-in", "fail", f"AADSTS{known}: {summary}", details, evidence=tuple(evidence))
