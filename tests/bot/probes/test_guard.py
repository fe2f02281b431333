"""The address and name rules of bot.probes.guard, without any network."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.probes.guard import GuardedResolver, TargetRefused, check_onprem_ews_url, is_public_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.5",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",
        "198.51.100.7",
        "203.0.113.9",
        "198.18.0.1",
        "::",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "2002:7f00:1::1",
        "2002:a00:1::",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    ],
)
def test_refuses_non_public_addresses(address: str) -> None:
    assert not is_public_address(ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "40.126.1.1",
        "52.96.0.1",
        "2603:1036::1",
        "2620:1ec:21::14",
        "::ffff:8.8.8.8",
        "2002:808:808::1",
        "64:ff9b::808:808",
    ],
)
def test_accepts_public_addresses(address: str) -> None:
    assert is_public_address(ip_address(address))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://mail.contoso.com/EWS/Exchange.asmx", "https://mail.contoso.com/EWS/Exchange.asmx"),
        ("  https://MAIL.Contoso.com:443/EWS/Exchange.asmx ", "https://mail.contoso.com/EWS/Exchange.asmx"),
        (
            "https://mail.contoso.com./ews/exchange.asmx?x=1#frag",
            "https://mail.contoso.com/ews/exchange.asmx?x=1",
        ),
        ("https://bücher.example/EWS", "https://xn--bcher-kva.example/EWS"),
        ("https://8.8.8.8/EWS/Exchange.asmx", "https://8.8.8.8/EWS/Exchange.asmx"),
        ("https://134744072/EWS", "https://8.8.8.8/EWS"),
        ("https://0x8.0x8.0x8.0x8/EWS", "https://8.8.8.8/EWS"),
        ("https://[2620:1ec:21::14]/EWS", "https://[2620:1ec:21::14]/EWS"),
    ],
)
def test_onprem_url_is_normalised(typed: str, expected: str) -> None:
    assert str(check_onprem_ews_url(typed)) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "http://mail.contoso.com/EWS/Exchange.asmx",
        "ftp://mail.contoso.com/",
        "mail.contoso.com/EWS/Exchange.asmx",
        "https:///EWS",
        "https://mail.contoso.com:8443/EWS",
        "https://mail.contoso.com:80/EWS",
        "https://admin:secret@mail.contoso.com/EWS",
        "https://admin@mail.contoso.com/EWS",
        "https://localhost/EWS",
        "https://LOCALHOST./EWS",
        "https://mail.localhost/EWS",
        "https://exchange.local/EWS",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://mail.corp/EWS",
        "https://router.home.arpa/",
        "https://exchange/EWS",
        "https://127.0.0.1/EWS",
        "https://2130706433/EWS",
        "https://0177.0.0.1/EWS",
        "https://0x7f.1/EWS",
        "https://0x7f000001/EWS",
        "https://127.1/EWS",
        "https://0/EWS",
        "https://0x/EWS",
        "https://0x.0X.0x0.0/EWS",
        "https://10.1/EWS",
        "https://1.2.3.4.5/EWS",
        "https://256.1.1.1/EWS",
        "https://08.1.1.1/EWS",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/EWS",
        "https://[::1]/EWS",
        "https://[::ffff:127.0.0.1]/EWS",
        "https://[fd00:ec2::254]/",
        "https://[fe80::1%25eth0]/EWS",
        "https://[2620:1ec:21::14%25eth0]/EWS",
        "https://%31%32%37.0.0.1/EWS",
        "https://under_score.example.com/EWS",
        "https://exa mple.com/EWS",
        "not a url at all",
    ],
)
def test_onprem_url_refused(typed: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_onprem_ews_url(typed)
    assert str(refused.value)


class _Inner(AbstractResolver):
    """A name lookup answering from a table, and counting lookups."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            ResolveResult(hostname=host, host=ip, port=port, family=0, proto=0, flags=0)
            for ip in self.table[host]
        ]

    async def close(self) -> None:
        pass


_TABLE = {
    "good.example.com": ["8.8.8.8", "2620:1ec:21::14"],
    "private.example.com": ["10.0.0.5"],
    "mixed.example.com": ["8.8.8.8", "127.0.0.1"],
    "metadata.example.com": ["169.254.169.254"],
    "mapped.example.com": ["::ffff:127.0.0.1"],
    "scoped.example.com": ["fe80::1%eth0"],
    "fake.login.test": ["127.0.0.1"],
}


async def test_resolver_passes_public_answers() -> None:
    resolver = GuardedResolver(inner=_Inner(_TABLE))
    answers = await resolver.resolve("good.example.com", 443)
    assert [a["host"] for a in answers] == ["8.8.8.8", "2620:1ec:21::14"]


@pytest.mark.parametrize(
    "host",
    [
        "private.example.com",
        "mixed.example.com",
        "metadata.example.com",
        "mapped.example.com",
        "scoped.example.com",
        "fake.login.test",
    ],
)
async def test_resolver_refuses_any_private_answer(host: str) -> None:
    resolver = GuardedResolver(inner=_Inner(_TABLE))
    with pytest.raises(TargetRefused, match=host):
        await resolver.resolve(host, 443)


async def test_resolver_trusts_configured_hosts_only() -> None:
    resolver = GuardedResolver(trusted={"FAKE.login.test"}, inner=_Inner(_TABLE))
    assert [a["host"] for a in await resolver.resolve("fake.login.test", 443)] == ["127.0.0.1"]
    with pytest.raises(TargetRefused):
        await resolver.resolve("private.example.com", 443)
