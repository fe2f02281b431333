"""ProbeHttp and MsalSession against TLS servers on loopback: what they reach, and what they never reach."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import ssl
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import msal
import pytest
import requests
import trustme
import yarl
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.typedefs import Handler

from bot.config import Settings
from bot.probes.guard import TargetRefused
from bot.probes.http import MAX_BODY, MsalSession, ProbeHttp

EVIL = "evil.example.com"


@dataclass
class Listener:
    """Loopback sockets that only count the connections they accept."""

    port: int
    accepted: int = 0

    @property
    def suffix(self) -> str:
        return "" if self.port == 443 else f":{self.port}"


@dataclass
class Server:
    """A TLS server standing in for Microsoft, recording what it was asked."""

    base: str
    seen: list[str] = field(default_factory=list)
    client_gone: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    """Listen on 127.0.0.1:443 when this machine allows it, else an ephemeral port; [::1] too if it can."""
    counter = Listener(port=0)

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counter.accepted += 1
        writer.close()

    try:
        v4 = await asyncio.start_server(accept, "127.0.0.1", 443)
    except OSError:
        v4 = await asyncio.start_server(accept, "127.0.0.1", 0)
    counter.port = v4.sockets[0].getsockname()[1]
    servers = [v4]
    with contextlib.suppress(OSError):
        servers.append(await asyncio.start_server(accept, "::1", counter.port))
    yield counter
    for server in servers:
        server.close()
        await server.wait_closed()


async def _hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


async def _challenge(request: web.Request) -> web.Response:
    response = web.Response(status=401, text="")
    response.headers.add("WWW-Authenticate", 'Bearer client_id="00000002-0000-0ff1-ce00-000000000000"')
    response.headers.add("WWW-Authenticate", 'Basic Realm="contoso"')
    return response


async def _redirect(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": request.query["to"]})


async def _big(request: web.Request) -> web.Response:
    return web.Response(body=b"a" * (3 * MAX_BODY), content_type="text/plain")


async def _echo(request: web.Request) -> web.Response:
    form = await request.post()
    return web.json_response({"form": dict(form), "query": dict(request.query)})


async def _openid(request: web.Request) -> web.Response:
    base = f"https://{request.host}/{request.match_info['tenant']}"
    return web.json_response(
        {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
        }
    )


async def _userrealm(request: web.Request) -> web.Response:
    return web.json_response({"ver": "1.0", "account_type": "Managed"})


async def _token(request: web.Request) -> web.Response:
    return web.json_response(
        {"error": "invalid_grant", "error_description": "AADSTS50126: bad password", "error_codes": [50126]},
        status=400,
    )


@pytest.fixture
async def server(ca: trustme.CA) -> AsyncIterator[Server]:
    """The trusted TLS server, on 127.0.0.1 with a certificate from the test CA."""
    state = Server(base="")

    async def slow(request: web.Request) -> web.Response:
        while request.transport is not None and not request.transport.is_closing():
            await asyncio.sleep(0.02)
        state.client_gone.set()
        return web.Response(text="too late")

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        state.seen.append(f"{request.method} {request.path_qs}")
        return await handler(request)

    app = web.Application(middlewares=[record])
    app.router.add_get("/hello", _hello)
    app.router.add_get("/challenge", _challenge)
    app.router.add_get("/redirect", _redirect)
    app.router.add_get("/big", _big)
    app.router.add_get("/slow", slow)
    app.router.add_post("/echo", _echo)
    app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", _openid)
    app.router.add_get("/common/userrealm/{user}", _userrealm)
    app.router.add_post("/{tenant}/oauth2/v2.0/token", _token)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(tls)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    state.base = f"https://127.0.0.1:{runner.addresses[0][1]}"
    yield state
    await runner.cleanup()


def _settings(server: Server, ca_file: Path | None) -> Settings:
    return Settings(login_url=server.base, outlook_url=server.base, graph_url=server.base, ca_bundle=ca_file)


class _FakeDns(AbstractResolver):
    """Answers every name from a table; loopback answers carry the listener's port so a slip would show."""

    def __init__(self, answers: list[str], port: int) -> None:
        self.answers = answers
        self.port = port

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host=ip,
                port=self.port if ip in ("127.0.0.1", "::1") else port,
                family=socket.AF_INET6 if ":" in ip else socket.AF_INET,
                proto=0,
                flags=0,
            )
            for ip in self.answers
        ]

    async def close(self) -> None:
        pass


# {s} is the listener's ":port" (empty when it holds 443), {server} the trusted server's host:port.
CORPUS = [
    "https://127.0.0.1{s}/",
    "https://127.0.0.2{s}/",
    "https://[::1]{s}/",
    "https://localhost{s}/",
    "https://LOCALHOST.{s}/",
    "https://10.0.0.5{s}/",
    "https://172.16.0.1{s}/",
    "https://192.168.1.1{s}/",
    "https://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://[fe80::1%25lo]{s}/",
    "https://[::ffff:127.0.0.1]{s}/",
    "https://[64:ff9b::7f00:1]{s}/",
    "https://[2002:7f00:1::]{s}/",
    "https://2130706433{s}/",
    "https://0177.0.0.1{s}/",
    "https://0x7f.1{s}/",
    "https://0x7f000001{s}/",
    "https://127.1{s}/",
    "https://0.0.0.0{s}/",
    "https://0{s}/",
    "https://[::]{s}/",
    "https://100.64.0.1/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "http://127.0.0.1{s}/",
    "ftp://127.0.0.1{s}/",
    "https://user:secret@127.0.0.1{s}/",
    "http://{server}/hello",
    "https://admin:secret@{server}/hello",
    "https://evil.example.com:8443/",
    "https://evil.example.com./EWS/Exchange.asmx",
    "https://login.microsoftonline.com/common/userrealm/a@b.c",  # Microsoft's, but not what is configured
    "/hello",
]

# Names that pass every check but resolve where no probe may go.
RESOLVED = [
    ["10.0.0.5"],
    ["127.0.0.1"],
    ["::1"],
    ["8.8.8.8", "127.0.0.1"],
    ["169.254.169.254"],
    ["::ffff:127.0.0.1"],
    ["100.64.0.1"],
]


@pytest.mark.parametrize("target", CORPUS)
async def test_corpus_refused_without_any_connection(
    target: str, listener: Listener, server: Server, ca_file: Path
) -> None:
    url = target.format(s=listener.suffix, server=yarl.URL(server.base).raw_authority)
    onprem = yarl.URL(f"https://{EVIL}/EWS/Exchange.asmx")
    async with ProbeHttp(_settings(server, ca_file), onprem_url=onprem) as http:
        with pytest.raises(TargetRefused) as refused:
            await http.request("GET", url)
    assert "why401" in str(refused.value)
    assert listener.accepted == 0
    assert server.seen == []


@pytest.mark.parametrize("answers", RESOLVED, ids="+".join)
async def test_names_resolving_privately_refused(
    answers: list[str], listener: Listener, server: Server, ca_file: Path
) -> None:
    onprem = yarl.URL(f"https://{EVIL}/EWS/Exchange.asmx")
    dns = _FakeDns(answers, listener.port)
    async with ProbeHttp(_settings(server, ca_file), onprem_url=onprem, resolver=dns) as http:
        with pytest.raises(TargetRefused, match=EVIL):
            await http.request("POST", str(onprem), data="<soap/>")
    assert listener.accepted == 0


async def test_public_answer_is_let_through(server: Server, ca_file: Path) -> None:
    """The guard passes a public address on; only the test-wide loopback guard then stops the connection."""
    onprem = yarl.URL(f"https://{EVIL}/EWS/Exchange.asmx")
    async with ProbeHttp(
        _settings(server, ca_file), onprem_url=onprem, resolver=_FakeDns(["8.8.8.8"], 0)
    ) as http:
        with pytest.raises(aiohttp.ClientConnectorError):
            await http.request("GET", onprem)


async def test_unsafe_onprem_url_refused_at_construction(server: Server) -> None:
    with pytest.raises(TargetRefused):
        ProbeHttp(_settings(server, None), onprem_url=yarl.URL("https://127.0.0.1/EWS/Exchange.asmx"))


@pytest.mark.parametrize("to", ["https://127.0.0.1{s}/", "http://169.254.169.254/latest/meta-data/"])
async def test_redirect_returned_not_followed(
    to: str, listener: Listener, server: Server, ca_file: Path
) -> None:
    location = to.format(s=listener.suffix)
    async with ProbeHttp(_settings(server, ca_file)) as http:
        answer = await http.request("GET", yarl.URL(f"{server.base}/redirect").with_query(to=location))
        assert answer.status == 302
        assert answer.headers["Location"] == location
        with pytest.raises(TargetRefused):
            await http.request("GET", answer.headers["Location"])
    assert listener.accepted == 0
    assert len(server.seen) == 1


async def test_response_keeps_every_challenge(server: Server, ca_file: Path) -> None:
    async with ProbeHttp(_settings(server, ca_file)) as http:
        answer = await http.request("GET", f"{server.base}/challenge")
    assert answer.status == 401
    assert answer.headers.getall("WWW-Authenticate") == [
        'Bearer client_id="00000002-0000-0ff1-ce00-000000000000"',
        'Basic Realm="contoso"',
    ]
    assert answer.url == f"{server.base}/challenge"
    assert answer.elapsed_ms >= 0


async def test_body_capped(server: Server, ca_file: Path) -> None:
    async with ProbeHttp(_settings(server, ca_file)) as http:
        answer = await http.request("GET", f"{server.base}/big")
        assert (await http.request("GET", f"{server.base}/hello")).text == "hello"
    assert answer.status == 200
    assert len(answer.text) == MAX_BODY


async def test_timeout_leaves_nothing_hanging(server: Server, ca_file: Path) -> None:
    started = time.monotonic()
    async with ProbeHttp(_settings(server, ca_file), timeout_s=5) as http:
        with pytest.raises(TimeoutError):
            await http.request("GET", f"{server.base}/slow", timeout_s=0.3)
        assert time.monotonic() - started < 2
        await asyncio.wait_for(server.client_gone.wait(), 2)  # the client dropped the connection
        assert (await http.request("GET", f"{server.base}/hello")).status == 200


async def test_ca_trusted_only_through_settings(
    server: Server, ca_file: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    garbage = ca_file.parent / "garbage.pem"
    garbage.write_text("not a certificate")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(garbage))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(garbage))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # would make the test CA trusted, were it read
    monkeypatch.setenv("SSL_CERT_DIR", str(ca_file.parent))
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{listener.port}")
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{listener.port}")
    async with ProbeHttp(_settings(server, None)) as http:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await http.request("GET", f"{server.base}/hello")
    async with ProbeHttp(_settings(server, ca_file)) as http:
        assert (await http.request("GET", f"{server.base}/hello")).text == "hello"
    assert listener.accepted == 0


async def test_request_outside_context_is_an_error(server: Server) -> None:
    with pytest.raises(RuntimeError):
        await ProbeHttp(_settings(server, None)).request("GET", f"{server.base}/hello")


async def test_msal_session_from_a_thread(server: Server, ca_file: Path) -> None:
    port = yarl.URL(server.base).port
    async with ProbeHttp(_settings(server, ca_file)) as http:
        session = MsalSession(http)
        realm = await asyncio.to_thread(
            session.get,
            "https://127.0.0.1/common/userrealm/adele@contoso.com?api-version=1.0",
            headers={"Accept": "application/json", "client-request-id": None},
        )
        posted = await asyncio.to_thread(
            session.post, f"{server.base}/echo", params={"a": "1", "b": None}, data={"grant_type": "password"}
        )
        challenge = await asyncio.to_thread(session.get, f"https://127.0.0.1:{port}/challenge")
        with pytest.raises(TargetRefused):
            await asyncio.to_thread(session.get, "https://127.0.0.1:1/common/userrealm/x")
        with pytest.raises(RuntimeError):
            session.get(f"{server.base}/hello")
        session.close()
    assert realm.status_code == 200
    assert json.loads(realm.text)["account_type"] == "Managed"
    realm.raise_for_status()
    assert json.loads(posted.text) == {"form": {"grant_type": "password"}, "query": {"a": "1"}}
    assert challenge.headers["www-authenticate"].startswith("Bearer ")
    assert challenge.headers["WWW-Authenticate"].endswith(', Basic Realm="contoso"')
    with pytest.raises(requests.HTTPError, match="401"):
        challenge.raise_for_status()
    assert server.seen[0] == "GET /common/userrealm/adele@contoso.com?api-version=1.0"


async def test_msal_username_password_flow_runs_through_the_guard(server: Server, ca_file: Path) -> None:
    """Real msal with a fresh app: discovery, the port-less user realm call and the token call all arrive."""
    async with ProbeHttp(_settings(server, ca_file)) as http:
        session = MsalSession(http)

        def sign_in() -> dict[str, object]:
            app = msal.PublicClientApplication(
                "11111111-1111-1111-1111-111111111111",
                authority=f"{server.base}/contoso.onmicrosoft.com",
                http_client=session,
                instance_discovery=False,
            )
            with warnings.catch_warnings():
                warnings.simplefilter(
                    "ignore", DeprecationWarning
                )  # msal deprecates this flow for public apps
                result: dict[str, object] = app.acquire_token_by_username_password(
                    "adele@contoso.com",
                    "wrong",
                    scopes=["https://outlook.office365.com/EWS.AccessAsUser.All"],
                )
            return result

        result = await asyncio.to_thread(sign_in)
    assert result["error_codes"] == [50126]
    assert [line.split("?")[0] for line in server.seen] == [
        "GET /contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
        "GET /common/userrealm/adele@contoso.com",
        "POST /contoso.onmicrosoft.com/oauth2/v2.0/token",
    ]
