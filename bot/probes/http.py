"""The one guarded HTTP session of a probe run, and a synchronous face of it for msal."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
import requests
import yarl
from aiohttp.abc import AbstractResolver
from multidict import CIMultiDictProxy
from requests.structures import CaseInsensitiveDict

from bot.config import Settings
from bot.probes.guard import (
    GuardedResolver,
    TargetRefused,
    check_onprem_ews_url,
    ip_literal,
    is_public_address,
)

MAX_BODY = 1024 * 1024
Origin = tuple[str, str | None, int | None]


@dataclass(frozen=True)
class Response:
    """One HTTP answer: every header (use getall for WWW-Authenticate) and at most MAX_BODY of the body."""

    status: int
    headers: CIMultiDictProxy[str]
    text: str
    url: str
    elapsed_ms: int


def tls_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """The system CA store plus the operator's bundle.

    Built by hand because ssl.create_default_context() also obeys SSL_CERT_FILE, SSL_CERT_DIR and
    SSLKEYLOGFILE; the only CA setting that counts here is WHY401_CA_BUNDLE.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies certificates and host names
    system = ssl.get_default_verify_paths()
    cafile = system.openssl_cafile if Path(system.openssl_cafile).is_file() else None
    capath = system.openssl_capath if Path(system.openssl_capath).is_dir() else None
    if cafile or capath:
        context.load_verify_locations(cafile=cafile, capath=capath)
    if ca_bundle is not None:
        context.load_verify_locations(cafile=ca_bundle)
    return context


def _origin(url: yarl.URL) -> Origin:
    return (url.scheme, url.raw_host, url.port)


class ProbeHttp:
    """The one aiohttp session a probe run uses: configured origins only, public addresses, no redirects.

    `resolver` is the inner name lookup (tests inject a fake); the guard always wraps it. Request bodies and
    headers carry passwords and tokens, so nothing here logs them.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        onprem_url: yarl.URL | None = None,
        resolver: AbstractResolver | None = None,
        timeout_s: float = 8.0,
    ) -> None:
        bases = [yarl.URL(base) for base in (settings.login_url, settings.outlook_url, settings.graph_url)]
        self.login_base = bases[0]
        self.timeout_s = timeout_s
        self._trusted = frozenset(base.raw_host for base in bases if base.raw_host)
        self._origins = {_origin(base) for base in bases}
        if onprem_url is not None:
            self._origins.add(_origin(check_onprem_ews_url(str(onprem_url))))
        self._ca_bundle = settings.ca_bundle
        self._inner_resolver = resolver
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ProbeHttp:
        resolver = GuardedResolver(self._trusted, self._inner_resolver)
        connector = aiohttp.TCPConnector(ssl=tls_context(self._ca_bundle), resolver=resolver)
        self._session = aiohttp.ClientSession(
            connector=connector, trust_env=False, cookie_jar=aiohttp.DummyCookieJar()
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def check(self, url: str | yarl.URL) -> yarl.URL:
        """The URL as a yarl.URL if this run may contact it, else TargetRefused."""
        target = yarl.URL(url)
        if target.raw_user is not None or target.raw_password is not None:
            raise TargetRefused("why401 does not send user names or passwords inside web addresses.")
        if _origin(target) not in self._origins:
            raise TargetRefused(
                f"{target.origin() if target.absolute else target} is not one of the Microsoft services "
                "why401 checks, nor the on-premises EWS address given, so why401 will not contact it."
            )
        host = target.raw_host or ""
        ip = None if host in self._trusted else ip_literal(host)
        if ip is not None and not is_public_address(ip):
            raise TargetRefused(f"{host} is not a public internet address, so why401 will not contact it.")
        return target

    async def request(
        self,
        method: str,
        url: str | yarl.URL,
        *,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        json: Any = None,
        timeout_s: float | None = None,
    ) -> Response:
        """Send one request without following redirects; a 3xx comes back as a Response to re-check."""
        if self._session is None:
            raise RuntimeError("use ProbeHttp as an async context manager")
        target = self.check(url)
        started = time.monotonic()
        async with (
            asyncio.timeout(self.timeout_s if timeout_s is None else timeout_s),
            self._session.request(
                method, target, headers=headers, data=data, json=json, allow_redirects=False
            ) as answer,
        ):
            body = bytearray()
            async for chunk in answer.content.iter_chunked(64 * 1024):
                body += chunk[: MAX_BODY - len(body)]
                if len(body) >= MAX_BODY:
                    break
        try:
            text = body.decode(answer.charset or "utf-8", errors="replace")
        except LookupError:
            text = body.decode("utf-8", errors="replace")
        return Response(
            status=answer.status,
            headers=answer.headers,
            text=text,
            url=str(answer.url),
            elapsed_ms=round((time.monotonic() - started) * 1000),
        )


@dataclass(frozen=True)
class MsalResponse:
    """The requests.Response subset msal reads; repeated headers are joined with commas, as msal expects."""

    status_code: int
    text: str
    headers: CaseInsensitiveDict[str]
    url: str

    def raise_for_status(self) -> None:
        """Raise requests.HTTPError for 4xx and 5xx, as requests does."""
        if 400 <= self.status_code < 600:
            kind = "Client" if self.status_code < 500 else "Server"
            raise requests.HTTPError(f"{self.status_code} {kind} Error for url: {self.url}")


class MsalSession:
    """A requests-like session for msal's http_client, sending everything through a ProbeHttp.

    Build it on the event loop, use it from a worker thread (msal runs under asyncio.to_thread).
    """

    def __init__(self, http: ProbeHttp) -> None:
        self._http = http
        self._loop = asyncio.get_running_loop()

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        **_: Any,
    ) -> MsalResponse:
        """GET, as msal calls it (extra requests keywords such as timeout are ignored)."""
        return self._send("GET", url, params, headers)

    def post(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        headers: Mapping[str, Any] | None = None,
        json: Any = None,
        **_: Any,
    ) -> MsalResponse:
        """POST, as msal calls it (extra requests keywords such as timeout are ignored)."""
        return self._send("POST", url, params, headers, data=data, json=json)

    def close(self) -> None:
        """Nothing to release: the ProbeHttp that owns the connections closes them."""

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, Any] | None,
        *,
        data: Any = None,
        json: Any = None,
    ) -> MsalResponse:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            raise RuntimeError("MsalSession blocks: call msal through asyncio.to_thread")
        target = self._with_login_port(yarl.URL(url))
        if params:  # like requests, drop parameters and headers whose value is None
            target = target.update_query({k: v for k, v in params.items() if v is not None})
        clean_headers = {k: str(v) for k, v in (headers or {}).items() if v is not None}
        coro = self._http.request(method, target, headers=clean_headers, data=data, json=json)
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            answer = future.result(self._http.timeout_s + 2)
        except TimeoutError:
            future.cancel()
            raise
        joined = CaseInsensitiveDict({key: ", ".join(answer.headers.getall(key)) for key in answer.headers})
        return MsalResponse(answer.status, answer.text, joined, answer.url)

    def _with_login_port(self, url: yarl.URL) -> yarl.URL:
        """msal builds /common/userrealm/ URLs without a port: put back the login base's scheme and port."""
        login = self._http.login_base
        if url.raw_host == login.raw_host and url.is_default_port():
            return url.with_scheme(login.scheme).with_port(login.explicit_port)
        return url
