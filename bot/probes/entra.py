"""Checks against Entra ID that need no password: which tenant the domain belongs to, and what Entra ID
knows of the account (does it exist, is it federated, does a personal account share its address)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from bot.probes.model import CheckResult, Evidence
from bot.probes.run import Run

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_AADSTS = re.compile(r"AADSTS(\d+)")


def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def tenant(run: Run) -> CheckResult:
    """Tenant discovery: the domain's OpenID configuration names its tenant id and cloud."""
    domain = run.target.domain
    answer = await run.http.request(
        "GET", f"{run.settings.login_url}/{quote(domain)}/v2.0/.well-known/openid-configuration"
    )
    data = _json(answer.text)
    found = _GUID.search(str(data.get("issuer", "")) + " " + str(data.get("token_endpoint", "")))
    if answer.status != 200 or found is None:
        codes = _AADSTS.findall(str(data.get("error_description", "")))
        return CheckResult(
            "tenant",
            "fail",
            f"No Microsoft 365 tenant answers for {domain}.",
            (f"HTTP {answer.status}" + (f", AADSTS{codes[0]}" if codes else ""),),
            evidence=(
                Evidence(
                    "wrong-credentials",
                    "confirms",
                    f"{domain} is not a Microsoft 365 domain: the account's domain is probably mistyped",
                ),
            ),
        )
    tenant_id = found.group(0).lower()
    details = [f"tenant id {tenant_id}", f"cloud {data.get('cloud_instance_name', 'unknown')}"]
    given = (run.target.tenant or "").lower()
    if given and given not in (tenant_id, domain):
        return CheckResult(
            "tenant",
            "warn",
            f"{domain} belongs to tenant {tenant_id}, not to the tenant id the project gives ({given}).",
            tuple(details),
            evidence=(
                Evidence(
                    "modern-auth-not-configured",
                    "supports",
                    "the project's tenant id is not the tenant of the account's domain",
                ),
            ),
        )
    return CheckResult("tenant", "pass", f"{domain} belongs to tenant {tenant_id}.", tuple(details))


async def account(run: Run) -> CheckResult:
    """What Entra ID says of the account: its realm (managed or federated) and whether it exists."""
    email = run.target.email
    realm_answer = await run.http.request(
        "GET", f"{run.settings.login_url}/getuserrealm.srf?login={quote(email)}&json=1"
    )
    realm = _json(realm_answer.text)
    kind = str(realm.get("NameSpaceType", "Unknown"))
    details = [f"realm {kind}"]
    if kind == "Federated":
        details.append(
            f"passwords are checked by {realm.get('AuthURL') or 'the organisation own sign-in server'}"
        )
    if kind == "Unknown":
        return CheckResult(
            "account",
            "fail",
            f"Entra ID does not know the domain of {email}.",
            tuple(details),
            evidence=(
                Evidence("wrong-credentials", "supports", "the account's domain is unknown to Entra ID"),
            ),
        )
    types = await run.http.request(
        "POST", f"{run.settings.login_url}/common/GetCredentialType", json={"username": email}
    )
    exists = _json(types.text).get("IfExistsResult")
    details.append(f"IfExistsResult {exists}")
    if exists == 1:
        return CheckResult(
            "account",
            "fail",
            f"There is no account {email} in Entra ID.",
            tuple(details),
            evidence=(
                Evidence(
                    "wrong-credentials", "supports", "no account has this name: the user name may be mistyped"
                ),
                Evidence(
                    "new-account-provisioning",
                    "supports",
                    "an account created minutes ago may not be visible yet",
                ),
            ),
        )
    if exists in (5, 6):
        return CheckResult(
            "account",
            "warn",
            f"A personal Microsoft account shares the address {email}, so sign-in asks which account to use.",
            tuple(details),
            evidence=(
                Evidence(
                    "account-picker", "confirms", "a personal account and a work account share this address"
                ),
            ),
        )
    return CheckResult(
        "account",
        "pass",
        f"{email} exists in Entra ID ({kind.lower()}), with no personal account on the same address.",
        tuple(details),
        evidence=(Evidence("account-picker", "rules_out", "no personal account shares this address"),),
    )
