"""In-process fakes of Microsoft sign-in (Entra ID), Exchange Online, Graph and an on-premises EWS server.

Each serves real TLS on an ephemeral ``127.0.0.1`` port with a certificate from one process-wide trustme CA,
so production code runs unchanged against it with ``ms.env`` (``WHY401_*_URL`` and ``WHY401_CA_BUNDLE``).

    async with FakeMicrosoft([FakeTenant("contoso.test", TENANT_ID, users={...}, apps={...})]) as ms:
        ...

The scenario is plain mutable dataclasses (`FakeTenant`, `FakeUser`, `FakeApp`) read on every request, so a
test may change it between calls. Graph facts (``enabled``, ``licenses``, ``onedrive``, ``security_defaults``)
never change a sign-in: set ``FakeUser.signin_error`` for that. Access and refresh tokens are opaque strings
the fake remembers (`FakeMicrosoft.tokens`). Every request is recorded on arrival (`RecordedRequest`);
``delays`` and ``stalled`` hold answers per endpoint key (`ENDPOINT_KEYS`), and stopping the fake releases
held requests at once with a 503.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import re
import secrets
import socket
import ssl
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import quote, unquote_plus

import trustme
import yarl
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.typedefs import Handler, Middleware
from multidict import CIMultiDict

Realm = Literal["Managed", "Federated"]
Audience = Literal["outlook", "graph"]
_GraphHandler = Callable[[web.Request, "IssuedToken"], Awaitable[web.Response]]

ENDPOINT_KEYS = frozenset({"openid", "realm", "credential_type", "token", "autodiscover", "ews", "graph"})
"""The keys of `FakeMicrosoft.delays` and `FakeMicrosoft.stalled`."""

EXCHANGE_BEARER = (
    'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", '
    'trusted_issuers="00000001-0000-0000-c000-000000000000@*", '
    'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"'
)
"""The challenge Exchange Online sends when only modern authentication is on."""

INVALID_USER_DIAGNOSTICS = (
    '2000005;reason="The user specified by the user-context in the token does not exist.";'
    'error_category="invalid_user"'
)
SECURITY_DEFAULTS_POLICY = "identitySecurityDefaultsEnforcementPolicy"
SECURITY_DEFAULTS_POLICY_ID = "00000000-0000-0000-0000-000000000005"

_ENTRA = "https://login.microsoftonline.com"
_GRAPH = "https://graph.microsoft.com/v1.0"
_RESOURCE_IDS: dict[Audience, str] = {
    "outlook": "00000002-0000-0ff1-ce00-000000000000",
    "graph": "00000003-0000-0000-c000-000000000000",
}
_MULTI_TENANT = frozenset({"common", "organizations"})
_OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
_SKU_IDS = {
    "ENTERPRISEPACK": "6fd2c87f-b296-42f0-b197-1e91e994b900",
    "SPE_E3": "05e9a617-0261-4cee-bb44-138d3ef5d965",
}
_GRAPH_DEFAULT_USER_FIELDS = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)
_SOAP_OK = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
    '<h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="7452" MinorBuildNumber="0"'
    ' Version="V2018_01_08" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/>'
    "</s:Header><s:Body>"
    '<m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">'
    '<m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success">'
    "<m:ResponseCode>NoError</m:ResponseCode></m:GetFolderResponseMessage></m:ResponseMessages>"
    "</m:GetFolderResponse></s:Body></s:Envelope>"
)

# code -> (HTTP status, OAuth error, text); {placeholders} are filled from what the request said.
_AADSTS: dict[int, tuple[int, str, str]] = {
    50034: (
        400,
        "invalid_grant",
        "The user account {upn} does not exist in the {domain} directory. "
        "To sign into this application, the account must be added to the directory.",
    ),
    50126: (400, "invalid_grant", "Error validating credentials due to invalid username or password."),
    50076: (
        400,
        "invalid_grant",
        "Due to a configuration change made by your administrator, or because you moved to a new location, "
        "you must use multi-factor authentication to access '{resource}'.",
    ),
    50158: (
        400,
        "interaction_required",
        "External security challenge not satisfied. User will be redirected to another page or "
        "authentication provider to satisfy additional authentication challenges.",
    ),
    50079: (
        400,
        "invalid_grant",
        "Due to a configuration change made by your administrator, or because you moved to a new location, "
        "you must enroll in multi-factor authentication to access '{resource}'.",
    ),
    530035: (
        400,
        "invalid_grant",
        "Access has been blocked by security defaults. This is due to the request using legacy auth "
        "or being deemed unsafe by security defaults policies.",
    ),
    53003: (
        400,
        "invalid_grant",
        "Access has been blocked by Conditional Access policies. "
        "The access policy does not allow token issuance.",
    ),
    50055: (400, "invalid_grant", "The password is expired."),
    50144: (400, "invalid_grant", "The user's Active Directory password has expired."),
    50057: (400, "invalid_grant", "The user account is disabled."),
    50053: (
        400,
        "invalid_grant",
        "Your account is locked because the user tried to sign in too many times "
        "with an incorrect user ID or password.",
    ),
    700016: (
        400,
        "unauthorized_client",
        "Application with identifier '{client_id}' was not found in the directory '{domain}'. "
        "This can happen if the application has not been installed by the administrator of the tenant "
        "or consented to by any user in the tenant. You may have sent your authentication request "
        "to the wrong tenant.",
    ),
    65001: (
        400,
        "invalid_grant",
        "The user or administrator has not consented to use the application with ID '{client_id}'. "
        "Send an interactive authorization request for this user and resource.",
    ),
    7000222: (
        401,
        "invalid_client",
        "The provided client secret keys for app '{client_id}' are expired. Visit the Azure portal "
        "to create new keys for your app, or consider using certificate credentials for added security.",
    ),
    7000218: (
        401,
        "invalid_client",
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
    90002: (
        400,
        "invalid_request",
        "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing "
        "into the correct cloud. Check with your subscription administrator, this may happen if there "
        "are no active subscriptions for the tenant.",
    ),
    900144: (400, "invalid_request", "The request body must contain the following parameter: '{name}'."),
    70003: (400, "unsupported_grant_type", "The app requested an unsupported grant type '{grant_type}'."),
    9002313: (400, "invalid_grant", "Invalid request. Request is malformed or invalid."),
}


@dataclass
class FakeUser:
    """One account; ``exists=False`` keeps its domain facts (realm) while sign-in and Graph say not found."""

    upn: str
    password: str
    exists: bool = True
    realm: Realm = "Managed"
    personal_account_too: bool = False
    mailbox: bool = True
    onedrive: bool = True
    enabled: bool = True
    created: str = "2023-03-01T09:00:00Z"
    licenses: tuple[str, ...] = ("ENTERPRISEPACK",)
    signin_error: int | None = None
    """An AADSTS code the token endpoint answers even when the password is right."""

    @property
    def object_id(self) -> str:
        """A stable object id (``oid``) derived from the UPN."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"why401:{self.upn.lower()}"))

    @property
    def display_name(self) -> str:
        local = self.upn.partition("@")[0]
        return " ".join(part.capitalize() for part in re.split(r"[._-]+", local) if part)


@dataclass
class FakeApp:
    """An app registration in a tenant, with the permissions its tokens carry."""

    client_id: str
    consented: bool = True
    permissions: frozenset[str] = frozenset(
        {"EWS.AccessAsUser.All", "Policy.Read.All", "User.Read.All", "Files.Read.All"}
    )
    secret_expired: bool = False


@dataclass
class FakeTenant:
    """A tenant: its domain, users, app registrations, and what its Exchange Online offers."""

    domain: str
    tenant_id: str
    users: dict[str, FakeUser] = field(default_factory=dict)
    apps: dict[str, FakeApp] = field(default_factory=dict)
    security_defaults: bool = False
    ews_challenges: tuple[str, ...] = (EXCHANGE_BEARER,)
    """One ``WWW-Authenticate`` header each; a ``Basic Realm="..."`` entry means Basic is still offered."""
    ews_diagnostics: str | None = None
    """``X-MS-Diagnostics`` on EWS's unauthenticated 401, when set."""

    @classmethod
    def of(cls, domain: str, tenant_id: str, users: list[FakeUser], *app_ids: str) -> FakeTenant:
        """A tenant holding `users`, with a consented app registration for each of `app_ids`."""
        return cls(domain, tenant_id, {u.upn: u for u in users}, {app: FakeApp(app) for app in app_ids})

    def find(self, key: str) -> FakeUser | None:
        """The user entry with this UPN or object id (case-insensitive), whether or not it ``exists``."""
        key = key.lower()
        return next((u for u in self.users.values() if key in (u.upn.lower(), u.object_id)), None)


@dataclass(frozen=True)
class IssuedToken:
    """What an access token stands for; permissions are fixed when it is issued, as in a real token."""

    tenant: FakeTenant
    user: FakeUser | None
    app: FakeApp
    audience: Audience
    permissions: frozenset[str]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived (before any delay)."""

    server: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str

    def mentions(self, text: str) -> bool:
        """Whether ``text`` appears anywhere in the request: raw, URL-decoded or in Basic credentials."""
        parts = [self.path, self.query, self.body, *self.headers.values()]
        for value in self.headers.values():
            if value.startswith("Basic "):
                with contextlib.suppress(binascii.Error):
                    parts.append(base64.b64decode(value[6:]).decode("utf-8", "replace"))
        blob = "\n".join(parts)
        return text in blob or text in unquote_plus(blob)


@cache
def shared_ca() -> trustme.CA:
    """The one CA every fake's certificate comes from, so one CA file trusts them all."""
    return trustme.CA()


class _Aadsts(Exception):
    def __init__(self, code: int, **facts: str) -> None:
        super().__init__(code)
        self.code = code
        self.facts = facts

    def response(self, request: web.Request, error: str | None = None) -> web.Response:
        """Microsoft's error body; ``error`` overrides the OAuth error name the table gives."""
        status, default_error, text = _AADSTS[self.code]
        trace_id = str(uuid.uuid4())
        correlation_id = request.headers.get("client-request-id") or str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        description = (
            f"AADSTS{self.code}: {text.format_map(defaultdict(str, self.facts))}\r\n"
            f"Trace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {stamp}"
        )
        body = {
            "error": error or default_error,
            "error_description": description,
            "error_codes": [self.code],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"{_ENTRA}/error?code={self.code}",
        }
        return web.json_response(body, status=status)


def _audience(scope: str) -> Audience:
    """Unqualified scopes (``User.Read``) mean Graph, as they do for Entra ID."""
    scope = scope.lower()
    return "outlook" if "outlook.office365.com" in scope or "ews." in scope else "graph"


def _b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _graph_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    inner = {"date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "request-id": str(uuid.uuid4())}
    body = {"error": {"code": code, "message": message, "innerError": inner}}
    return web.json_response(body, status=status, headers=headers)


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class _TlsFake:
    """What the fakes share: TLS servers on loopback, the CA file, the request log, held answers."""

    def __init__(self, hostnames: Sequence[str]) -> None:
        self.hostnames = tuple(hostnames)
        """Names the certificates are valid for, besides ``127.0.0.1`` and ``localhost``."""
        self.requests: list[RecordedRequest] = []
        self._runners: list[web.AppRunner] = []
        self._closing = asyncio.Event()
        self._ca_dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def ca_file(self) -> Path:
        """The PEM file of the CA that signed every fake's certificate."""
        if self._ca_dir is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return Path(self._ca_dir.name) / "ca.pem"

    def requests_mentioning(self, text: str) -> list[RecordedRequest]:
        """The recorded requests that carry ``text`` anywhere (see `RecordedRequest.mentions`)."""
        return [r for r in self.requests if r.mentions(text)]

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        """Release held requests, stop serving, delete the CA file."""
        self._closing.set()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        if self._ca_dir is not None:
            self._ca_dir.cleanup()
            self._ca_dir = None

    async def __aenter__(self) -> Self:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve(self, server: str, app: web.Application) -> int:
        """Serve ``app`` over TLS on an ephemeral loopback port; return the port."""
        if self._ca_dir is None:
            self._ca_dir = tempfile.TemporaryDirectory(prefix="why401-ca-")
            shared_ca().cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        shared_ca().issue_cert("127.0.0.1", "localhost", *self.hostnames).configure_cert(context)
        app.middlewares.append(self._recorder(server))
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context).start()
        port: int = runner.addresses[0][1]
        return port

    def _recorder(self, server: str) -> Middleware:
        @web.middleware
        async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
            body = (await request.read()).decode("utf-8", "replace")
            headers = dict(request.headers)
            self.requests.append(
                RecordedRequest(server, request.method, request.path, request.query_string, headers, body)
            )
            return await handler(request)

        return record

    async def _pause(self, seconds: float | None) -> None:
        """Wait ``seconds`` (``None``: until the fake stops); a stopping fake answers 503 at once."""
        if seconds is not None and seconds <= 0:
            return
        try:
            async with asyncio.timeout(seconds):
                await self._closing.wait()
        except TimeoutError:
            return
        raise web.HTTPServiceUnavailable(text="fake stopping")


class FakeMicrosoft(_TlsFake):
    """Entra ID sign-in (``login``), Exchange Online (``outlook``) and Graph (``graph``) on three ports."""

    def __init__(self, tenants: list[FakeTenant], *, hostnames: Sequence[str] = ()) -> None:
        super().__init__(hostnames)
        self.tenants = tenants
        self.delays: dict[str, float] = {}
        """Seconds to wait before answering, per endpoint key (`ENDPOINT_KEYS`)."""
        self.stalled: set[str] = set()
        """Endpoint keys that never answer until the fake stops."""
        self.tokens: dict[str, IssuedToken] = {}
        """Every access token issued, by its value."""
        self._refresh: dict[str, tuple[FakeTenant, FakeUser, FakeApp]] = {}
        self._ports: dict[str, int] = {}

    async def start(self) -> None:
        """Serve the three endpoints, each on its own ephemeral loopback port."""
        self._ports["login"] = await self._serve("login", self._login_app())
        self._ports["outlook"] = await self._serve("outlook", self._outlook_app())
        self._ports["graph"] = await self._serve("graph", self._graph_app())

    def _url(self, server: str) -> str:
        if server not in self._ports:
            raise RuntimeError("FakeMicrosoft is not started")
        return f"https://127.0.0.1:{self._ports[server]}"

    @property
    def login_url(self) -> str:
        """Stands for ``https://login.microsoftonline.com`` (no trailing slash)."""
        return self._url("login")

    @property
    def outlook_url(self) -> str:
        """Stands for ``https://outlook.office365.com``."""
        return self._url("outlook")

    @property
    def graph_url(self) -> str:
        """Stands for ``https://graph.microsoft.com``."""
        return self._url("graph")

    @property
    def env(self) -> dict[str, str]:
        """The environment that points the production code at this fake."""
        return {
            "WHY401_LOGIN_URL": self.login_url,
            "WHY401_OUTLOOK_URL": self.outlook_url,
            "WHY401_GRAPH_URL": self.graph_url,
            "WHY401_CA_BUNDLE": str(self.ca_file),
        }

    # ------------------------------------------------------------------ scenario lookups

    def _tenant(self, key: str) -> FakeTenant | None:
        key = key.lower()
        return next((t for t in self.tenants if key in (t.domain.lower(), t.tenant_id.lower())), None)

    def _home(self, upn: str) -> tuple[FakeTenant, FakeUser | None] | None:
        """The tenant holding ``upn`` (else the one owning its domain), and its entry if any."""
        for tenant in self.tenants:
            if (user := tenant.find(upn)) is not None:
                return tenant, user
        owner = self._tenant(upn.rpartition("@")[2]) if "@" in upn else None
        return (owner, None) if owner is not None else None

    def _realm(self, upn: str) -> tuple[str, str]:
        """``(Managed | Federated | Unknown, domain)`` for an address."""
        domain = upn.rpartition("@")[2].lower()
        home = self._home(upn)
        if home is None:
            return "Unknown", domain
        user = home[1]
        return (user.realm if user is not None else "Managed"), domain

    async def _hold(self, key: str) -> None:
        unknown = (self.delays.keys() | self.stalled) - ENDPOINT_KEYS
        if unknown:  # a typo in a test would otherwise hold nothing, silently
            raise web.HTTPInternalServerError(text=f"unknown endpoint keys: {sorted(unknown)}")
        await self._pause(None if key in self.stalled else self.delays.get(key, 0.0))

    def _held(self, key: str, handler: Handler) -> Handler:
        async def held(request: web.Request) -> web.StreamResponse:
            await self._hold(key)
            return await handler(request)

        return held

    def _token(self, request: web.Request) -> IssuedToken | None:
        token = _bearer(request)
        return self.tokens.get(token) if token is not None else None

    # ------------------------------------------------------------------ login.microsoftonline.com

    def _login_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{tenant}/.well-known/openid-configuration", self._held("openid", self._openid))
        app.router.add_get(
            "/{tenant}/v2.0/.well-known/openid-configuration", self._held("openid", self._openid)
        )
        app.router.add_get("/getuserrealm.srf", self._held("realm", self._getuserrealm))
        app.router.add_get("/common/userrealm/{upn}", self._held("realm", self._userrealm))
        app.router.add_post("/common/GetCredentialType", self._held("credential_type", self._credential_type))
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._held("token", self._token_endpoint))
        app.router.add_post("/{tenant}/oauth2/token", self._held("token", self._token_endpoint))
        return app

    async def _openid(self, request: web.Request) -> web.Response:
        segment = request.match_info["tenant"]
        v2 = "/v2.0/" in request.path
        if segment.lower() in _MULTI_TENANT:
            path, tid = segment, "{tenantid}"
        elif (tenant := self._tenant(segment)) is not None:
            path = tid = tenant.tenant_id
        else:
            return _Aadsts(90002, tenant=segment).response(request, error="invalid_tenant")
        base = f"{self.login_url}/{path}"
        oauth = f"{base}/oauth2/v2.0" if v2 else f"{base}/oauth2"
        return web.json_response(
            {
                "token_endpoint": f"{oauth}/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "jwks_uri": f"{base}/discovery/{'v2.0/' if v2 else ''}keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{_ENTRA}/{tid}/v2.0" if v2 else f"https://sts.windows.net/{tid}/",
                "request_uri_parameter_supported": False,
                "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
                "authorization_endpoint": f"{oauth}/authorize",
                "device_authorization_endpoint": f"{oauth}/devicecode",
                "http_logout_supported": True,
                "frontchannel_logout_supported": True,
                "end_session_endpoint": f"{oauth}/logout",
                "kerberos_endpoint": f"{base}/kerberos",
                "tenant_region_scope": None if tid == "{tenantid}" else "EU",
                "cloud_instance_name": "microsoftonline.com",
                "cloud_graph_host_name": "graph.windows.net",
                "msgraph_host": "graph.microsoft.com",
                "rbac_url": "https://pas.windows.net",
            }
        )

    @staticmethod
    def _federation(domain: str) -> dict[str, str]:
        return {
            "mex": f"https://sts.{domain}/adfs/services/trust/mex",
            "active": f"https://sts.{domain}/adfs/services/trust/2005/usernamemixed",
            "auth": f"https://sts.{domain}/adfs/ls/",
        }

    async def _getuserrealm(self, request: web.Request) -> web.Response:
        upn = request.query.get("login", "")
        realm, domain = self._realm(upn)
        if realm == "Unknown":
            return web.json_response({"State": 4, "UserState": 1, "Login": upn, "NameSpaceType": "Unknown"})
        body: dict[str, Any] = {
            "State": 3 if realm == "Federated" else 4,
            "UserState": 2 if realm == "Federated" else 1,
            "Login": upn,
            "NameSpaceType": realm,
            "DomainName": domain,
            "FederationBrandName": domain.split(".")[0].capitalize(),
            "CloudInstanceName": "microsoftonline.com",
            "CloudInstanceIssuerUri": "urn:federation:MicrosoftOnline",
        }
        if realm == "Federated":
            body["FederationGlobalVersion"] = -1
            body["AuthURL"] = (
                f"{self._federation(domain)['auth']}?username={quote(upn)}&wa=wsignin1.0"
                "&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx="
            )
        return web.json_response(body)

    async def _userrealm(self, request: web.Request) -> web.Response:
        realm, domain = self._realm(request.match_info["upn"])
        body: dict[str, Any] = {"ver": "1.0", "account_type": realm, "domain_name": domain}
        if realm == "Federated":
            federation = self._federation(domain)
            body |= {
                "federation_protocol": "WSTrust",
                "federation_metadata_url": federation["mex"],
                "federation_active_auth_url": federation["active"],
            }
        body |= {
            "cloud_instance_name": "microsoftonline.com",
            "cloud_audience_urn": "urn:federation:MicrosoftOnline",
        }
        return web.json_response(body)

    async def _credential_type(self, request: web.Request) -> web.Response:
        try:
            payload = await request.json()
        except json.JSONDecodeError:
            payload = {}
        fields = {str(k).lower(): v for k, v in payload.items()} if isinstance(payload, dict) else {}
        upn = str(fields.get("username", ""))
        home = self._home(upn)
        user = home[1] if home is not None else None
        # 0: exists; 1: not found; 6: also a personal Microsoft account (the "which account?" picker)
        exists = 1 if user is None or not user.exists else 6 if user.personal_account_too else 0
        realm, domain = self._realm(upn)
        credentials: dict[str, Any] = {
            "PrefCredential": 1,
            "HasPassword": True,
            "RemoteNgcParams": None,
            "FidoParams": None,
            "SasParams": None,
            "CertAuthParams": None,
            "GoogleParams": None,
            "FacebookParams": None,
        }
        if realm == "Federated":
            credentials["FederationRedirectUrl"] = f"{self._federation(domain)['auth']}?username={quote(upn)}"
        return web.json_response(
            {
                "Username": upn,
                "Display": upn,
                "IfExistsResult": exists,
                "IsUnmanaged": False,
                "ThrottleStatus": 0,
                "Credentials": credentials,
                "EstsProperties": {
                    "UserTenantBranding": None,
                    "DomainType": {"Unknown": 1, "Managed": 3, "Federated": 4}[realm],
                },
                "IsSignupDisallowed": True,
                "apiCanary": secrets.token_urlsafe(16),
            }
        )

    async def _token_endpoint(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        try:
            return web.json_response(self._grant(request.match_info["tenant"], form))
        except _Aadsts as e:
            return e.response(request)

    def _grant(self, segment: str, form: dict[str, str]) -> dict[str, Any]:
        grant_type = form.get("grant_type", "")
        scope = form.get("scope") or form.get("resource", "")  # v1 sends a resource instead of scopes
        facts = {"tenant": segment, "domain": segment, "client_id": form.get("client_id", "")}
        facts["resource"] = _RESOURCE_IDS[_audience(scope)]
        if grant_type == "password":
            return self._password_grant(segment, form, scope, facts)
        if grant_type == "refresh_token":
            return self._refresh_grant(segment, form, scope, facts)
        if grant_type == "client_credentials":
            tenant = self._tenant(segment)
            if tenant is None:
                raise _Aadsts(90002, **facts)
            app = self._app(tenant, form, facts)
            if not form.get("client_secret"):
                raise _Aadsts(7000218, **facts)
            return self._issue(tenant, None, app, scope, form)
        raise _Aadsts(70003, grant_type=grant_type)

    def _password_grant(
        self, segment: str, form: dict[str, str], scope: str, facts: dict[str, str]
    ) -> dict[str, Any]:
        for name in ("client_id", "username", "password"):
            if not form.get(name):
                raise _Aadsts(900144, name=name)
        upn = facts["upn"] = form["username"]
        tenant = self._tenant(segment)
        if tenant is None and segment.lower() in _MULTI_TENANT:
            home = self._home(upn)
            if home is None:
                raise _Aadsts(50034, **facts)
            tenant = home[0]
        if tenant is None:
            raise _Aadsts(90002, **facts)
        facts["domain"] = tenant.domain
        app = self._app(tenant, form, facts)
        user = tenant.find(upn)
        if user is None or not user.exists:
            raise _Aadsts(50034, **facts)
        if form["password"] != user.password:
            raise _Aadsts(50126, **facts)
        if user.signin_error is not None:
            raise _Aadsts(user.signin_error, **facts)
        if not app.consented:
            raise _Aadsts(65001, **facts)
        return self._issue(tenant, user, app, scope, form)

    def _refresh_grant(
        self, segment: str, form: dict[str, str], scope: str, facts: dict[str, str]
    ) -> dict[str, Any]:
        known = self._refresh.get(form.get("refresh_token", ""))
        if known is None:
            raise _Aadsts(9002313, **facts)
        tenant, user, app = known
        if segment.lower() not in _MULTI_TENANT and self._tenant(segment) is not tenant:
            raise _Aadsts(90002 if self._tenant(segment) is None else 9002313, **facts)
        facts["domain"] = tenant.domain
        if self._app(tenant, form, facts) is not app:
            raise _Aadsts(9002313, **facts)
        return self._issue(tenant, user, app, scope, form)

    @staticmethod
    def _app(tenant: FakeTenant, form: dict[str, str], facts: dict[str, str]) -> FakeApp:
        app = tenant.apps.get(form.get("client_id", ""))
        if app is None:
            raise _Aadsts(700016, **facts)
        if form.get("client_secret") and app.secret_expired:
            raise _Aadsts(7000222, **facts)
        return app

    def _issue(
        self, tenant: FakeTenant, user: FakeUser | None, app: FakeApp, scope: str, form: dict[str, str]
    ) -> dict[str, Any]:
        audience = _audience(scope)
        access_token = f"fake-at-{secrets.token_urlsafe(24)}"
        self.tokens[access_token] = IssuedToken(tenant, user, app, audience, frozenset(app.permissions))
        requested = scope.split()
        granted = " ".join(s for s in requested if s not in _OIDC_SCOPES) or "User.Read"
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": granted,
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": access_token,
        }
        if user is None:
            return body
        if "offline_access" in requested:
            refresh_token = f"fake-rt-{secrets.token_urlsafe(32)}"
            self._refresh[refresh_token] = (tenant, user, app)
            body["refresh_token"] = refresh_token
        if "openid" in requested:
            now = int(time.time())
            claims = {
                "aud": app.client_id,
                "iss": f"{_ENTRA}/{tenant.tenant_id}/v2.0",
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "name": user.display_name,
                "oid": user.object_id,
                "preferred_username": user.upn,
                "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{app.client_id}:{user.object_id}")),
                "tid": tenant.tenant_id,
                "ver": "2.0",
            }
            body["id_token"] = f"{_b64url({'typ': 'JWT', 'alg': 'none'})}.{_b64url(claims)}."
        if form.get("client_info") == "1":
            body["client_info"] = _b64url({"uid": user.object_id, "utid": tenant.tenant_id})
        return body

    # ------------------------------------------------------------------ outlook.office365.com

    def _outlook_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(
            "/autodiscover/autodiscover.json/v1.0/{email}", self._held("autodiscover", self._autodiscover)
        )
        app.router.add_route("POST", "/EWS/Exchange.asmx", self._held("ews", self._ews))
        app.router.add_route("GET", "/EWS/Exchange.asmx", self._held("ews", self._ews))
        return app

    async def _autodiscover(self, request: web.Request) -> web.Response:
        email = request.match_info["email"]
        protocol = next((v for k, v in request.query.items() if k.lower() == "protocol"), "")
        if protocol.lower() != "ews":
            return web.json_response(
                {
                    "ErrorCode": "ProtocolNotSupported",
                    "ErrorMessage": f"Protocol '{protocol}' is not supported.",
                },
                status=400,
            )
        home = self._home(email)
        user = home[1] if home is not None else None
        if user is not None and user.exists and user.mailbox:
            return web.json_response({"Protocol": "EWS", "Url": f"{self.outlook_url}/EWS/Exchange.asmx"})
        # Exchange Online's answer for an address it does not host varies (a redirect towards on-premises,
        # or an error); the fake's choice is a 404 with a small JSON error, so probes must treat anything
        # but a 200 with a Url as "this mailbox is not known to Exchange Online".
        return web.json_response(
            {"ErrorCode": "MailboxNotFound", "ErrorMessage": f"The mailbox '{email}' was not found."},
            status=404,
        )

    async def _ews(self, request: web.Request) -> web.Response:
        token = self._token(request)
        if token is None:
            anchor = request.headers.get("X-AnchorMailbox", "")
            home = self._home(anchor) if anchor else None
            tenant = home[0] if home is not None else self.tenants[0]
            headers = CIMultiDict[str]()
            for challenge in tenant.ews_challenges:
                headers.add("WWW-Authenticate", challenge)
            if tenant.ews_diagnostics:
                headers["X-MS-Diagnostics"] = tenant.ews_diagnostics
            return web.Response(status=401, headers=headers)
        if token.audience != "outlook":
            reason = (
                f'2000003;reason="Invalid audience \'{token.audience}\'.";error_category="invalid_resource"'
            )
            return web.Response(status=401, headers={"X-MS-Diagnostics": reason})
        user = token.user or token.tenant.find(request.headers.get("X-AnchorMailbox", ""))
        if user is None or not user.exists or not user.mailbox:
            return web.Response(status=401, headers={"X-MS-Diagnostics": INVALID_USER_DIAGNOSTICS})
        return web.Response(text=_SOAP_OK, content_type="text/xml", charset="utf-8")

    # ------------------------------------------------------------------ graph.microsoft.com

    def _graph_app(self) -> web.Application:
        app = web.Application()
        routes = {
            f"/v1.0/policies/{SECURITY_DEFAULTS_POLICY}": self._security_defaults,
            "/v1.0/users/{user}": self._user,
            "/v1.0/users/{user}/drive": self._drive,
        }
        for path, handler in routes.items():
            app.router.add_get(path, self._held("graph", self._graph_auth(handler)))
        return app

    def _graph_auth(self, handler: _GraphHandler) -> Handler:
        async def authorized(request: web.Request) -> web.Response:
            token = self._token(request)
            if token is None or token.audience != "graph":
                if _bearer(request) is None:
                    message = "Access token is empty."
                elif token is None:
                    message = "IDX14100: JWT is not well formed, there are no dots (.)."
                else:
                    message = "Access token validation failure. Invalid audience."
                challenge = (
                    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/'
                    'authorize", client_id="00000003-0000-0000-c000-000000000000"'
                )
                return _graph_error(
                    401, "InvalidAuthenticationToken", message, {"WWW-Authenticate": challenge}
                )
            return await handler(request, token)

        return authorized

    @staticmethod
    def _denied(token: IssuedToken, permission: str) -> web.Response | None:
        if permission in token.permissions:
            return None
        return _graph_error(
            403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
        )

    @staticmethod
    def _not_found(key: str) -> web.Response:
        return _graph_error(
            404,
            "Request_ResourceNotFound",
            f"Resource '{key}' does not exist or one of its queried reference-property objects "
            "are not present.",
        )

    async def _security_defaults(self, request: web.Request, token: IssuedToken) -> web.Response:
        if (denied := self._denied(token, "Policy.Read.All")) is not None:
            return denied
        return web.json_response(
            {
                "@odata.context": f"{_GRAPH}/$metadata#policies/{SECURITY_DEFAULTS_POLICY}/$entity",
                "id": SECURITY_DEFAULTS_POLICY_ID,
                "displayName": "Security Defaults",
                "description": "Security defaults is a set of basic identity security mechanisms recommended "
                "by Microsoft. When enabled, these recommendations will be automatically enforced in your "
                "organization.",
                "isEnabled": token.tenant.security_defaults,
            }
        )

    async def _user(self, request: web.Request, token: IssuedToken) -> web.Response:
        """Without ``$select`` Graph returns only its default properties, not accountEnabled and the like."""
        if (denied := self._denied(token, "User.Read.All")) is not None:
            return denied
        key = request.match_info["user"]
        user = token.tenant.find(key)
        if user is None or not user.exists:
            return self._not_found(key)
        given, _, surname = user.display_name.partition(" ")
        properties: dict[str, Any] = {
            "id": user.object_id,
            "userPrincipalName": user.upn,
            "displayName": user.display_name,
            "givenName": given,
            "surname": surname or None,
            "mail": user.upn if user.mailbox else None,
            "businessPhones": [],
            "jobTitle": None,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": None,
            "accountEnabled": user.enabled,
            "createdDateTime": user.created,
            "userType": "Member",
            "assignedLicenses": [
                {"disabledPlans": [], "skuId": _SKU_IDS.get(sku) or str(uuid.uuid5(uuid.NAMESPACE_URL, sku))}
                for sku in user.licenses
            ],
        }
        select = request.query.get("$select")
        wanted = [s.strip().lower() for s in select.split(",")] if select else None
        chosen = [
            name
            for name in properties
            if (name.lower() in wanted if wanted is not None else name in _GRAPH_DEFAULT_USER_FIELDS)
        ]
        body = {"@odata.context": f"{_GRAPH}/$metadata#users/$entity"} | {n: properties[n] for n in chosen}
        return web.json_response(body)

    async def _drive(self, request: web.Request, token: IssuedToken) -> web.Response:
        if (denied := self._denied(token, "Files.Read.All")) is not None:
            return denied
        key = request.match_info["user"]
        user = token.tenant.find(key)
        if user is None or not user.exists:
            return self._not_found(key)
        if not user.onedrive:
            return _graph_error(404, "ResourceNotFound", "User's mysite not found.")
        site = token.tenant.domain.split(".")[0]
        personal = re.sub(r"[^a-z0-9]", "_", user.upn.lower())
        return web.json_response(
            {
                "@odata.context": f"{_GRAPH}/$metadata#drives/$entity",
                "id": "b!" + base64.urlsafe_b64encode(uuid.UUID(user.object_id).bytes).decode().rstrip("="),
                "name": "OneDrive",
                "description": "",
                "driveType": "business",
                "createdDateTime": user.created,
                "lastModifiedDateTime": user.created,
                "webUrl": f"https://{site}-my.sharepoint.com/personal/{personal}/Documents",
                "createdBy": {"user": {"displayName": "System Account"}},
                "owner": {
                    "user": {"email": user.upn, "id": user.object_id, "displayName": user.display_name}
                },
                "quota": {
                    "deleted": 0,
                    "remaining": 1099511627776,
                    "state": "normal",
                    "total": 1099511627776,
                    "used": 0,
                },
            }
        )


class FakeOnPremEws(_TlsFake):
    """An on-premises Exchange EWS endpoint that answers every request with 401 and its challenges."""

    def __init__(
        self,
        challenges: Sequence[str] = ("Negotiate", "NTLM"),
        delay: float = 0.0,
        *,
        hostnames: Sequence[str] = (),
    ) -> None:
        super().__init__(hostnames)
        self.challenges = tuple(challenges)
        self.delay = delay
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/EWS/Exchange.asmx", self._ews)
        app.router.add_route("GET", "/EWS/Exchange.asmx", self._ews)
        self.port = await self._serve("onprem", app)

    @property
    def url(self) -> str:
        """The EWS endpoint, ``https://127.0.0.1:<port>/EWS/Exchange.asmx``."""
        if not self.port:
            raise RuntimeError("FakeOnPremEws is not started")
        return f"https://127.0.0.1:{self.port}/EWS/Exchange.asmx"

    async def _ews(self, request: web.Request) -> web.Response:
        await self._pause(self.delay)
        headers = CIMultiDict[str]({"Server": "Microsoft-IIS/8.5", "X-Powered-By": "ASP.NET"})
        for challenge in self.challenges:
            headers.add("WWW-Authenticate", challenge)
        return web.Response(status=401, headers=headers)


class OnPremRoute(AbstractResolver):
    """Reach a FakeOnPremEws under a public-looking name, as the probes' guard demands of on-premises hosts.

    The guard refuses loopback answers for every host but the configured Microsoft ones, so the route serves
    Graph under the on-premises name too (`graph_url`, which makes the name trusted), and as the probes'
    resolver answers that name with 127.0.0.1: port 443 to the on-premises fake, other ports unchanged.
    """

    def __init__(self, name: str, ms: FakeMicrosoft, onprem: FakeOnPremEws) -> None:
        self.name = name
        self.onprem_port = onprem.port
        self.graph_url = str(yarl.URL(ms.graph_url).with_host(name))

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host != self.name:
            raise OSError(f"this route knows only {self.name}, not {host}")
        port = self.onprem_port if port == 443 else port
        return [
            ResolveResult(hostname=host, host="127.0.0.1", port=port, family=socket.AF_INET, proto=0, flags=0)
        ]

    async def close(self) -> None:
        pass
