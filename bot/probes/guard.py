"""Which hosts a live probe may contact: public internet addresses only, checked before any connection."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

import aiohttp
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

_SITE_LOCAL = IPv6Network("fec0::/10")
_NAT64 = IPv6Network("64:ff9b::/96")
_PRIVATE_SUFFIXES = (
    "localhost",
    "local",
    "localdomain",
    "internal",
    "intranet",
    "lan",
    "home",
    "corp",
    "home.arpa",
    "invalid",
    "onion",
)
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")
_NUMERIC_END = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")


class TargetRefused(ValueError):
    """A target the probes will not contact; the message says why in plain words, for users."""


def is_public_address(ip: IPv4Address | IPv6Address) -> bool:
    """True only for globally routable unicast; IPv6 forms that carry an IPv4 address are judged by it."""
    if isinstance(ip, IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return all(is_public_address(v4) for v4 in embedded)
        if ip in _SITE_LOCAL:
            return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local or ip.is_unspecified
    )


def _embedded_ipv4(ip: IPv6Address) -> tuple[IPv4Address, ...] | None:
    """The IPv4 addresses inside an IPv4-mapped, 6to4, NAT64 or Teredo address, else None."""
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip in _NAT64:
        return (IPv4Address(int(ip) & 0xFFFFFFFF),)
    return ip.teredo


def ip_literal(host: str) -> IPv4Address | IPv6Address | None:
    """The address a URL host names when it is an IP literal in any form (127.1, 0x7f.1, [::1]), else None."""
    if ":" in host:
        address = host.strip("[]").split("%")[0]
        try:
            return IPv6Address(address)
        except ValueError:
            raise TargetRefused(f"{host} is not a valid IPv6 address.") from None
    return _legacy_ipv4(host)


def _legacy_ipv4(host: str) -> IPv4Address | None:
    """An IPv4 host as browsers and inet_aton read it: decimal, octal, hex, and fewer than four parts."""
    labels = host.split(".")
    if len(labels) > 1 and not labels[-1]:
        labels.pop()
    if not _NUMERIC_END.fullmatch(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMBER.fullmatch(label) for label in labels):
        raise TargetRefused(f"{host} is neither a valid IPv4 address nor a host name.")
    numbers = [
        int(label[2:] or "0", 16) if label[:2].lower() == "0x" else int(label, 8 if label[:1] == "0" else 10)
        for label in labels
    ]
    *head, last = numbers
    if any(number > 255 for number in head) or last >= 256 ** (5 - len(numbers)):
        raise TargetRefused(f"{host} is not a valid IPv4 address.")
    return IPv4Address(sum(number << 8 * (3 - i) for i, number in enumerate(head)) + last)


def _refuse_unless_public(host: str, ip: IPv4Address | IPv6Address) -> None:
    if not is_public_address(ip):
        raise TargetRefused(
            f"{host} is not a public internet address (it points into a private network or at this "
            "machine), so why401 will not contact it."
        )


def check_onprem_ews_url(url: str) -> yarl.URL:
    """The on-premises EWS URL a user typed, normalised, or TargetRefused; never looks the name up."""
    try:
        parsed = yarl.URL(url.strip())
    except ValueError:
        raise TargetRefused(f"{url!r} is not a web address.") from None
    if parsed.scheme != "https" or not parsed.raw_host:
        raise TargetRefused("The EWS address must be a full https:// web address.")
    if parsed.raw_user is not None or parsed.raw_password is not None:
        raise TargetRefused("The EWS address must not contain a user name or password.")
    if parsed.explicit_port not in (None, 443):
        raise TargetRefused("The EWS address must use the standard HTTPS port, 443.")
    host = parsed.raw_host.lower()
    if "%" in host:
        raise TargetRefused(f"{parsed.host} is a scoped or encoded host, not a public server name.")
    ip = ip_literal(host)
    if ip is not None:
        _refuse_unless_public(host, ip)
        host = f"[{ip}]" if ip.version == 6 else str(ip)
    else:
        host = _check_name(host)
    return yarl.URL.build(
        scheme="https", host=host, path=parsed.raw_path, query_string=parsed.raw_query_string, encoded=True
    )


def _check_name(host: str) -> str:
    """A public-looking DNS name without its trailing dot, or TargetRefused."""
    name = host.removesuffix(".")
    labels = name.split(".")
    if name == "localhost" or any(name == s or name.endswith("." + s) for s in _PRIVATE_SUFFIXES):
        raise TargetRefused(
            f"{name} is a name private to a network or machine, so why401 will not contact it."
        )
    if len(labels) < 2 or len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise TargetRefused(f"{name} is not a full public server name (like mail.example.com).")
    return name


class GuardedResolver(AbstractResolver):
    """Name lookups for aiohttp that fail whole if any answer is not public (the trusted hosts aside).

    TargetRefused is not an OSError, so aiohttp does not wrap it in ClientConnectorDNSError: the caller of
    the request sees the TargetRefused itself, before any connection is attempted.
    """

    def __init__(self, trusted: Iterable[str] = (), inner: AbstractResolver | None = None) -> None:
        self._trusted = frozenset(host.lower() for host in trusted)
        self._inner = inner or aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if host.lower() not in self._trusted:
            for result in results:
                _refuse_unless_public(host, ip_address(result["host"].split("%")[0]))
        return results

    async def close(self) -> None:
        await self._inner.close()
