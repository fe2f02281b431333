"""The Microsoft fakes answer over real TLS in Microsoft's shapes; msal signs in against them unchanged."""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import msal
import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.fakes.microsoft import (
    EXCHANGE_BEARER,
    INVALID_USER_DIAGNOSTICS,
    FakeApp,
    FakeMicrosoft,
    FakeOnPremEws,
    FakeTenant,
    FakeUser,
)

TENANT_ID = "5c2f8a1e-3b7d-4e9a-8f06-1d2c3b4a5e6f"
FABRIKAM_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
CLIENT_ID = "0e4d2c7b-9a1f-4b3e-8d6c-5f7a9b1c3d2e"
PASSWORD = "canary P@ss+w0rd&=%"  # needs URL-encoding, so the canary check must look past it
ADMIN = "admin@contoso.test"
EWS_SCOPE = "https://outlook.office365.com/EWS.AccessAsUser.All"
GRAPH_SCOPE = "https://graph.microsoft.com/User.Read.All"
BASIC = 'Basic Realm="outlook.office365.com"'
OAUTH_OFF = '4000000;reason="OAuth is not available.";error_category="oauth_not_available"'


def scenario() -> list[FakeTenant]:
    contoso = [
        FakeUser(ADMIN, PASSWORD),
        FakeUser("mfa.user@contoso.test", PASSWORD, signin_error=50076),
        FakeUser(
            "no.mailbox@contoso.test", PASSWORD, mailbox=False, onedrive=False, enabled=False, licenses=()
        ),
        FakeUser("gone@contoso.test", PASSWORD, exists=False),
        FakeUser("both@contoso.test", PASSWORD, personal_account_too=True),
    ]
    return [
        FakeTenant.of("contoso.test", TENANT_ID, contoso, CLIENT_ID),
        FakeTenant(
            "fabrikam.test",
            FABRIKAM_ID,
            users={"sam@fabrikam.test": FakeUser("sam@fabrikam.test", PASSWORD, realm="Federated")},
            apps={CLIENT_ID: FakeApp(CLIENT_ID, consented=False)},
            security_defaults=True,
            ews_challenges=(EXCHANGE_BEARER, BASIC),
            ews_diagnostics=OAUTH_OFF,
        ),
    ]


@pytest.fixture
async def ms() -> AsyncIterator[FakeMicrosoft]:
    async with FakeMicrosoft(scenario()) as ms:
        yield ms


def trusting(ms: FakeMicrosoft | FakeOnPremEws, **kwargs: Any) -> aiohttp.ClientSession:
    context = ssl.create_default_context(cafile=ms.ca_file)
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context), **kwargs)


@pytest.fixture
async def http(ms: FakeMicrosoft) -> AsyncIterator[aiohttp.ClientSession]:
    async with trusting(ms) as session:
        yield session


async def fetch(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any, aiohttp.ClientResponse]:
    async with http.request(method, url, **kwargs) as response:
        text = await response.text()
        body = json.loads(text) if response.content_type == "application/json" else text
        return response.status, body, response


async def sign_in(
    http: aiohttp.ClientSession,
    ms: FakeMicrosoft,
    upn: str = ADMIN,
    password: str = PASSWORD,
    *,
    tenant: str = TENANT_ID,
    client_id: str = CLIENT_ID,
    scope: str = EWS_SCOPE,
) -> tuple[int, dict[str, Any]]:
    form = {
        "grant_type": "password",
        "client_id": client_id,
        "username": upn,
        "password": password,
        "scope": f"{scope} openid profile offline_access",
        "client_info": "1",
    }
    status, body, _ = await fetch(http, "POST", f"{ms.login_url}/{tenant}/oauth2/v2.0/token", data=form)
    return status, body


def claims(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


# ---------------------------------------------------------------------- TLS and lifecycle


def test_urls_env_and_ca_file(ms: FakeMicrosoft) -> None:
    urls = {ms.login_url, ms.outlook_url, ms.graph_url}
    assert len(urls) == 3
    assert all(u.startswith("https://127.0.0.1:") and not u.endswith("/") for u in urls)
    assert ms.env == {
        "WHY401_LOGIN_URL": ms.login_url,
        "WHY401_OUTLOOK_URL": ms.outlook_url,
        "WHY401_GRAPH_URL": ms.graph_url,
        "WHY401_CA_BUNDLE": str(ms.ca_file),
    }
    assert ms.ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")


async def test_tls_is_trusted_only_with_the_fakes_ca(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    url = f"{ms.login_url}/contoso.test/.well-known/openid-configuration"
    async with aiohttp.ClientSession() as untrusting:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await fetch(untrusting, "GET", url)
    status, _, _ = await fetch(http, "GET", url)
    assert status == 200


async def test_on_prem_ews_shares_the_ca_and_the_test_names(
    ms: FakeMicrosoft, http: aiohttp.ClientSession
) -> None:
    async with FakeOnPremEws(hostnames=["mail.fabrikam.test"]) as onprem:
        assert onprem.url == f"https://127.0.0.1:{onprem.port}/EWS/Exchange.asmx"
        status, _, response = await fetch(http, "POST", onprem.url, server_hostname="mail.fabrikam.test")
        assert status == 401
        assert response.headers.getall("WWW-Authenticate") == ["Negotiate", "NTLM"]
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await fetch(http, "GET", onprem.url, server_hostname="mail.elsewhere.test")
        assert [r.server for r in onprem.requests] == ["onprem"]


async def test_on_prem_ews_challenges_and_delay() -> None:
    async with FakeOnPremEws(challenges=("NTLM",), delay=0.2) as onprem, trusting(onprem) as http:
        started = time.monotonic()
        status, _, response = await fetch(http, "GET", onprem.url)
        assert time.monotonic() - started >= 0.2
    assert status == 401
    assert response.headers.getall("WWW-Authenticate") == ["NTLM"]


async def test_delays_hold_an_answer(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    ms.delays["openid"] = 0.3
    started = time.monotonic()
    status, _, _ = await fetch(http, "GET", f"{ms.login_url}/contoso.test/.well-known/openid-configuration")
    assert status == 200
    assert time.monotonic() - started >= 0.3

    ms.delays["tokne"] = 1.0
    status, body, _ = await fetch(
        http, "GET", f"{ms.login_url}/contoso.test/.well-known/openid-configuration"
    )
    assert (status, body) == (500, "unknown endpoint keys: ['tokne']")


async def test_a_stalled_endpoint_times_out_and_stopping_stays_quick() -> None:
    async with FakeMicrosoft(scenario()) as ms:
        ms.stalled.add("token")
        async with trusting(ms, timeout=aiohttp.ClientTimeout(total=0.3)) as impatient:
            with pytest.raises(TimeoutError):
                await sign_in(impatient, ms)
        async with trusting(ms) as patient:
            waiting = asyncio.create_task(fetch(patient, "GET", f"{ms.graph_url}/v1.0/users/{ADMIN}"))
            ms.stalled.add("graph")
            await asyncio.sleep(0.1)
            started = time.monotonic()
            await ms.stop()
            assert time.monotonic() - started < 1.0
            status, _, _ = await waiting
    assert status == 503  # released by the stop, not answered
    assert [r.path for r in ms.requests] == [f"/{TENANT_ID}/oauth2/v2.0/token", f"/v1.0/users/{ADMIN}"]


# ---------------------------------------------------------------------- login.microsoftonline.com


@pytest.mark.parametrize("tenant", ["contoso.test", TENANT_ID, "CONTOSO.test"])
async def test_openid_configuration_names_the_tenant(
    ms: FakeMicrosoft, http: aiohttp.ClientSession, tenant: str
) -> None:
    status, v2, _ = await fetch(http, "GET", f"{ms.login_url}/{tenant}/v2.0/.well-known/openid-configuration")
    assert status == 200
    assert v2["issuer"] == f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"
    assert v2["token_endpoint"] == f"{ms.login_url}/{TENANT_ID}/oauth2/v2.0/token"
    assert v2["authorization_endpoint"] == f"{ms.login_url}/{TENANT_ID}/oauth2/v2.0/authorize"
    assert v2["device_authorization_endpoint"] == f"{ms.login_url}/{TENANT_ID}/oauth2/v2.0/devicecode"
    _, v1, _ = await fetch(http, "GET", f"{ms.login_url}/{tenant}/.well-known/openid-configuration")
    assert v1["issuer"] == f"https://sts.windows.net/{TENANT_ID}/"
    assert v1["token_endpoint"] == f"{ms.login_url}/{TENANT_ID}/oauth2/token"


async def test_openid_configuration_for_common_and_unknown(
    ms: FakeMicrosoft, http: aiohttp.ClientSession
) -> None:
    _, common, _ = await fetch(http, "GET", f"{ms.login_url}/common/v2.0/.well-known/openid-configuration")
    assert common["issuer"] == "https://login.microsoftonline.com/{tenantid}/v2.0"
    assert common["token_endpoint"] == f"{ms.login_url}/common/oauth2/v2.0/token"

    status, error, _ = await fetch(
        http, "GET", f"{ms.login_url}/nowhere.test/.well-known/openid-configuration"
    )
    assert status == 400
    assert error["error"] == "invalid_tenant"
    assert error["error_codes"] == [90002]
    assert error["error_description"].startswith("AADSTS90002: Tenant 'nowhere.test' not found.")


@pytest.mark.parametrize(
    ("login", "realm"),
    [
        (ADMIN, "Managed"),
        ("gone@contoso.test", "Managed"),
        ("sam@fabrikam.test", "Federated"),
        ("x@y.test", "Unknown"),
    ],
)
async def test_user_realm(ms: FakeMicrosoft, http: aiohttp.ClientSession, login: str, realm: str) -> None:
    _, old, _ = await fetch(
        http, "GET", f"{ms.login_url}/getuserrealm.srf", params={"login": login, "json": "1"}
    )
    assert old["NameSpaceType"] == realm
    assert ("AuthURL" in old) is (realm == "Federated")
    _, new, _ = await fetch(http, "GET", f"{ms.login_url}/common/userrealm/{login}?api-version=1.0")
    assert new["ver"] == "1.0"
    assert new["account_type"] == realm
    assert new["domain_name"] == login.partition("@")[2]
    assert new["cloud_instance_name"] == "microsoftonline.com"
    assert new["cloud_audience_urn"] == "urn:federation:MicrosoftOnline"


@pytest.mark.parametrize(
    ("key", "login", "exists"),
    [("Username", ADMIN, 0), ("username", "nobody@contoso.test", 1), ("USERNAME", "gone@contoso.test", 1),
     ("username", "both@contoso.test", 6)],
)  # fmt: skip
async def test_get_credential_type(
    ms: FakeMicrosoft, http: aiohttp.ClientSession, key: str, login: str, exists: int
) -> None:
    status, body, _ = await fetch(http, "POST", f"{ms.login_url}/common/GetCredentialType", json={key: login})
    assert status == 200
    assert body["Username"] == body["Display"] == login
    assert body["IfExistsResult"] == exists
    assert body["ThrottleStatus"] == 0
    assert body["Credentials"]["HasPassword"] is True
    assert body["EstsProperties"]["DomainType"] == 3


async def test_get_credential_type_for_federated_user(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    url = f"{ms.login_url}/common/GetCredentialType"
    _, body, _ = await fetch(http, "POST", url, json={"username": "sam@fabrikam.test"})
    assert body["Credentials"]["FederationRedirectUrl"].startswith("https://sts.fabrikam.test/adfs/ls/")
    assert body["EstsProperties"]["DomainType"] == 4


async def test_token_for_a_good_password(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    status, body = await sign_in(http, ms)

    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["scope"] == EWS_SCOPE
    assert body["expires_in"] == 3599
    assert body["refresh_token"]
    token = ms.tokens[body["access_token"]]
    assert (token.tenant.tenant_id, token.user and token.user.upn, token.audience) == (
        TENANT_ID,
        ADMIN,
        "outlook",
    )
    assert "EWS.AccessAsUser.All" in token.permissions
    id_token = claims(body["id_token"])
    assert id_token["aud"] == CLIENT_ID
    assert id_token["iss"] == f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"
    assert id_token["tid"] == TENANT_ID
    assert id_token["preferred_username"] == ADMIN
    assert id_token["exp"] > id_token["iat"]
    client_info = json.loads(base64.urlsafe_b64decode(body["client_info"] + "=="))
    assert client_info == {"uid": id_token["oid"], "utid": TENANT_ID}


async def test_token_by_domain_and_through_common(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    assert (await sign_in(http, ms, tenant="contoso.test"))[0] == 200
    status, body = await sign_in(http, ms, tenant="organizations", scope=GRAPH_SCOPE)
    assert status == 200
    assert ms.tokens[body["access_token"]].audience == "graph"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"tenant": "nowhere.test", "password": "wrong"}, 90002),
        ({"client_id": "11111111-2222-3333-4444-555555555555", "upn": "nobody@contoso.test"}, 700016),
        ({"upn": "nobody@contoso.test", "password": "wrong"}, 50034),
        ({"upn": "gone@contoso.test"}, 50034),
        ({"tenant": FABRIKAM_ID}, 50034),
        ({"password": "wrong"}, 50126),
        ({"upn": "mfa.user@contoso.test", "password": "wrong"}, 50126),  # the password comes before MFA
        ({"upn": "mfa.user@contoso.test"}, 50076),
        ({"tenant": FABRIKAM_ID, "upn": "sam@fabrikam.test"}, 65001),
    ],
)
async def test_token_errors_in_order(
    ms: FakeMicrosoft, http: aiohttp.ClientSession, change: dict[str, str], code: int
) -> None:
    status, body = await sign_in(http, ms, **change)

    assert status == 400
    assert body["error_codes"] == [code]
    description = body["error_description"].split("\r\n")
    assert description[0].startswith(f"AADSTS{code}: ")
    assert [line.split(":")[0] for line in description[1:]] == ["Trace ID", "Correlation ID", "Timestamp"]
    assert {"error", "timestamp", "trace_id", "correlation_id"} <= body.keys()


@pytest.mark.parametrize("code", [50076, 50158, 50079, 530035, 53003, 50055, 50144, 50057, 50053])
async def test_each_signin_error_the_scenario_names(
    ms: FakeMicrosoft, http: aiohttp.ClientSession, code: int
) -> None:
    ms.tenants[0].users[ADMIN].signin_error = code
    _, body = await sign_in(http, ms)
    assert body["error_codes"] == [code]


async def test_security_defaults_do_not_change_sign_in(
    ms: FakeMicrosoft, http: aiohttp.ClientSession
) -> None:
    ms.tenants[0].security_defaults = True
    assert (await sign_in(http, ms))[0] == 200


async def test_refresh_token_grant_switches_audience(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    _, first = await sign_in(http, ms)
    form = {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "refresh_token": first["refresh_token"],
        "scope": f"{GRAPH_SCOPE} offline_access",
    }
    url = f"{ms.login_url}/{TENANT_ID}/oauth2/v2.0/token"
    status, second, _ = await fetch(http, "POST", url, data=form)
    assert status == 200
    assert ms.tokens[second["access_token"]].audience == "graph"

    status, bad, _ = await fetch(http, "POST", url, data=form | {"refresh_token": "nope"})
    assert status == 400
    assert bad["error"] == "invalid_grant"


async def test_client_credentials_and_an_expired_secret(
    ms: FakeMicrosoft, http: aiohttp.ClientSession
) -> None:
    url = f"{ms.login_url}/{TENANT_ID}/oauth2/v2.0/token"
    form = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": "s3cret",
        "scope": "https://outlook.office365.com/.default",
    }
    status, body, _ = await fetch(http, "POST", url, data=form)
    assert status == 200
    assert ms.tokens[body["access_token"]].user is None
    assert "refresh_token" not in body
    app_only = {"Authorization": f"Bearer {body['access_token']}", "X-AnchorMailbox": ADMIN}
    status, _, _ = await fetch(http, "POST", f"{ms.outlook_url}/EWS/Exchange.asmx", headers=app_only)
    assert status == 200

    ms.tenants[0].apps[CLIENT_ID].secret_expired = True
    status, body, _ = await fetch(http, "POST", url, data=form)
    assert status == 401
    assert body["error_codes"] == [7000222]


# ---------------------------------------------------------------------- outlook.office365.com


@pytest.mark.parametrize(
    ("email", "found"),
    [(ADMIN, True), ("no.mailbox@contoso.test", False), ("gone@contoso.test", False), ("x@y.test", False)],
)
async def test_autodiscover(ms: FakeMicrosoft, http: aiohttp.ClientSession, email: str, found: bool) -> None:
    url = f"{ms.outlook_url}/autodiscover/autodiscover.json/v1.0/{email}?Protocol=EWS"
    status, body, _ = await fetch(http, "GET", url)
    if found:
        assert (status, body) == (200, {"Protocol": "EWS", "Url": f"{ms.outlook_url}/EWS/Exchange.asmx"})
    else:
        assert status == 404
        assert body["ErrorCode"] == "MailboxNotFound"


async def test_ews_without_a_token_lists_each_challenge(
    ms: FakeMicrosoft, http: aiohttp.ClientSession
) -> None:
    url = f"{ms.outlook_url}/EWS/Exchange.asmx"
    status, _, modern_only = await fetch(http, "POST", url, data="<soap/>")
    assert status == 401
    assert modern_only.headers.getall("WWW-Authenticate") == [EXCHANGE_BEARER]
    assert "X-MS-Diagnostics" not in modern_only.headers

    anchor = {"X-AnchorMailbox": "sam@fabrikam.test"}
    status, _, basic_too = await fetch(http, "POST", url, data="<soap/>", headers=anchor)
    assert status == 401
    assert basic_too.headers.getall("WWW-Authenticate") == [EXCHANGE_BEARER, BASIC]
    assert basic_too.headers["X-MS-Diagnostics"] == OAUTH_OFF


async def test_ews_with_tokens(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    url = f"{ms.outlook_url}/EWS/Exchange.asmx"
    _, good = await sign_in(http, ms)
    status, body, response = await fetch(
        http, "POST", url, headers={"Authorization": f"Bearer {good['access_token']}"}
    )
    assert status == 200
    assert response.content_type == "text/xml"
    assert "NoError" in body

    _, mailless = await sign_in(http, ms, "no.mailbox@contoso.test")
    auth = {"Authorization": f"Bearer {mailless['access_token']}"}
    status, _, response = await fetch(http, "POST", url, headers=auth)
    assert status == 401
    assert response.headers["X-MS-Diagnostics"] == INVALID_USER_DIAGNOSTICS

    _, graph = await sign_in(http, ms, scope=GRAPH_SCOPE)
    status, _, response = await fetch(
        http, "POST", url, headers={"Authorization": f"Bearer {graph['access_token']}"}
    )
    assert status == 401
    assert "invalid_resource" in response.headers["X-MS-Diagnostics"]


# ---------------------------------------------------------------------- graph.microsoft.com


async def graph_token(ms: FakeMicrosoft, http: aiohttp.ClientSession, **change: Any) -> dict[str, str]:
    _, body = await sign_in(http, ms, scope=GRAPH_SCOPE, **change)
    return {"Authorization": f"Bearer {body['access_token']}"}


async def test_graph_needs_a_graph_token(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    url = f"{ms.graph_url}/v1.0/users/{ADMIN}"
    _, outlook = await sign_in(http, ms)
    for headers, message in [
        ({}, "Access token is empty."),
        ({"Authorization": "Bearer forged"}, "IDX14100"),
        ({"Authorization": f"Bearer {outlook['access_token']}"}, "Invalid audience"),
    ]:
        status, body, response = await fetch(http, "GET", url, headers=headers)
        assert status == 401
        assert body["error"]["code"] == "InvalidAuthenticationToken"
        assert message in body["error"]["message"]
        assert "request-id" in body["error"]["innerError"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")


async def test_graph_security_defaults_policy(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    url = f"{ms.graph_url}/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"
    status, body, _ = await fetch(http, "GET", url, headers=await graph_token(ms, http))
    assert status == 200
    assert body["isEnabled"] is False
    assert body["id"] == "00000000-0000-0000-0000-000000000005"

    ms.tenants[0].security_defaults = True
    _, body, _ = await fetch(http, "GET", url, headers=await graph_token(ms, http))
    assert body["isEnabled"] is True

    ms.tenants[0].apps[CLIENT_ID].permissions = frozenset({"User.Read.All"})
    status, body, _ = await fetch(http, "GET", url, headers=await graph_token(ms, http))
    assert status == 403
    assert body["error"]["code"] == "Authorization_RequestDenied"


async def test_graph_user(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    auth = await graph_token(ms, http)
    base = f"{ms.graph_url}/v1.0/users"
    select = {"$select": "accountEnabled,createdDateTime,assignedLicenses,userType"}

    status, admin, _ = await fetch(http, "GET", f"{base}/{ADMIN}", params=select, headers=auth)
    assert status == 200
    assert admin["accountEnabled"] is True
    assert admin["createdDateTime"] == "2023-03-01T09:00:00Z"
    assert admin["assignedLicenses"] == [
        {"disabledPlans": [], "skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900"}
    ]
    assert admin["userType"] == "Member"
    assert "displayName" not in admin

    _, plain, _ = await fetch(http, "GET", f"{base}/{ADMIN}", headers=auth)
    assert plain["userPrincipalName"] == ADMIN
    assert "accountEnabled" not in plain  # Graph's default properties leave it out

    _, disabled, _ = await fetch(http, "GET", f"{base}/no.mailbox@contoso.test", params=select, headers=auth)
    assert (disabled["accountEnabled"], disabled["assignedLicenses"]) == (False, [])

    for missing in ("nobody@contoso.test", "gone@contoso.test", "sam@fabrikam.test"):
        status, body, _ = await fetch(http, "GET", f"{base}/{missing}", headers=auth)
        assert status == 404
        assert body["error"]["code"] == "Request_ResourceNotFound"

    ms.tenants[0].apps[CLIENT_ID].permissions = frozenset({"Policy.Read.All"})
    status, body, _ = await fetch(http, "GET", f"{base}/{ADMIN}", headers=await graph_token(ms, http))
    assert status == 403


async def test_graph_drive(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    auth = await graph_token(ms, http)
    base = f"{ms.graph_url}/v1.0/users"

    status, drive, _ = await fetch(http, "GET", f"{base}/{ADMIN}/drive", headers=auth)
    assert status == 200
    assert drive["driveType"] == "business"
    assert drive["owner"]["user"]["email"] == ADMIN

    status, body, _ = await fetch(http, "GET", f"{base}/no.mailbox@contoso.test/drive", headers=auth)
    assert status == 404
    assert body["error"]["code"] == "ResourceNotFound"

    ms.tenants[0].apps[CLIENT_ID].permissions = frozenset({"User.Read.All"})
    status, _, _ = await fetch(http, "GET", f"{base}/{ADMIN}/drive", headers=await graph_token(ms, http))
    assert status == 403


# ---------------------------------------------------------------------- recording


async def test_requests_are_recorded_and_searchable(ms: FakeMicrosoft, http: aiohttp.ClientSession) -> None:
    await sign_in(http, ms)
    await fetch(http, "GET", f"{ms.outlook_url}/autodiscover/autodiscover.json/v1.0/{ADMIN}?Protocol=EWS")
    basic = base64.b64encode(f"{ADMIN}:{PASSWORD}".encode()).decode()
    await fetch(
        http, "POST", f"{ms.outlook_url}/EWS/Exchange.asmx", headers={"Authorization": f"Basic {basic}"}
    )

    token, autodiscover, ews = ms.requests
    assert (token.server, token.method, token.path) == ("login", "POST", f"/{TENANT_ID}/oauth2/v2.0/token")
    assert "grant_type=password" in token.body
    assert PASSWORD not in token.body  # it travels URL-encoded ...
    assert token.mentions(PASSWORD)  # ... and is still found
    assert (autodiscover.server, autodiscover.query) == ("outlook", "Protocol=EWS")
    assert ews.mentions(PASSWORD)  # inside Basic credentials
    assert ms.requests_mentioning(PASSWORD) == [token, ews]


# ---------------------------------------------------------------------- msal, unchanged


class _PortlessToLogin(HTTPAdapter):
    """msal builds its userrealm URL from the authority's host alone; send those to the login fake's port."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self._port = port

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = request.url.replace("https://127.0.0.1/", f"https://127.0.0.1:{self._port}/", 1)
        return super().send(request, *args, **kwargs)


@pytest.fixture
def msal_http(ms: FakeMicrosoft) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # this machine sets REQUESTS_CA_BUNDLE, which would override verify
        session.verify = str(ms.ca_file)
        port = urlsplit(ms.login_url).port
        assert port is not None
        session.mount("https://127.0.0.1/", _PortlessToLogin(port))
        yield session


async def msal_app(ms: FakeMicrosoft, session: requests.Session) -> msal.PublicClientApplication:
    """A fresh app (msal caches 400 answers per app); its constructor already fetches the OIDC metadata."""
    return await asyncio.to_thread(
        msal.PublicClientApplication,
        CLIENT_ID,
        authority=f"{ms.login_url}/{TENANT_ID}",
        instance_discovery=False,
        http_client=session,
    )


async def msal_sign_in(app: msal.PublicClientApplication, upn: str, password: str) -> dict[str, Any]:
    with pytest.warns(DeprecationWarning, match="deprecated"):  # msal deprecates ROPC for public clients
        result: dict[str, Any] = await asyncio.to_thread(
            app.acquire_token_by_username_password, upn, password, scopes=[EWS_SCOPE]
        )
    return result


async def test_msal_signs_in_and_refreshes_for_graph(ms: FakeMicrosoft, msal_http: requests.Session) -> None:
    app = await msal_app(ms, msal_http)
    result = await msal_sign_in(app, ADMIN, PASSWORD)

    assert "access_token" in result, result
    assert ms.tokens[result["access_token"]].audience == "outlook"
    assert result["id_token_claims"]["preferred_username"] == ADMIN
    paths = [r.path for r in ms.requests]
    assert paths == [
        f"/{TENANT_ID}/v2.0/.well-known/openid-configuration",
        f"/common/userrealm/{ADMIN}",
        f"/{TENANT_ID}/oauth2/v2.0/token",
    ]
    assert [r.path for r in ms.requests_mentioning(PASSWORD)] == [f"/{TENANT_ID}/oauth2/v2.0/token"]

    [account] = await asyncio.to_thread(app.get_accounts)
    assert account["username"] == ADMIN
    graph = await asyncio.to_thread(app.acquire_token_silent, [GRAPH_SCOPE], account)
    assert graph is not None
    assert "access_token" in graph, graph
    assert ms.tokens[graph["access_token"]].audience == "graph"
    refresh = ms.requests[-1]
    assert "grant_type=refresh_token" in refresh.body
    assert not refresh.mentions(PASSWORD)


async def test_msal_reports_a_wrong_password(ms: FakeMicrosoft, msal_http: requests.Session) -> None:
    app = await msal_app(ms, msal_http)
    result = await msal_sign_in(app, ADMIN, "not-the-password")

    assert "access_token" not in result
    assert result["error"] == "invalid_grant"
    assert result["error_codes"] == [50126]
    assert result["error_description"].startswith("AADSTS50126: ")


async def test_msal_raises_for_an_unknown_tenant(ms: FakeMicrosoft, msal_http: requests.Session) -> None:
    """msal's constructor raises a generic ValueError; the AADSTS90002 answer survives only as its context."""
    with pytest.raises(ValueError, match="Unable to get authority configuration") as raised:
        await asyncio.to_thread(
            msal.PublicClientApplication,
            CLIENT_ID,
            authority=f"{ms.login_url}/nowhere.test",
            instance_discovery=False,
            http_client=msal_http,
        )
    assert "AADSTS90002" in str(raised.value.__context__)
