"""Test-wide guards (no test may reach beyond this machine's loopback interface) and the shared fixtures:
a fake Slack, and the real bot serving HTTP against it."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.slackapp import SlackBot
from tests.fakes.slack import FakeSlack

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket path
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"tests may only connect to loopback, not {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    patcher = pytest.MonkeyPatch()
    patcher.setattr(socket.socket, "connect", _guarded(_real_connect))
    patcher.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))
    yield
    patcher.undo()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The fake Slack Web API on loopback, recording every call."""
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def bot(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackBot]:
    """The real app serving HTTP on loopback against `fake`, on a fresh database."""
    bot = await SlackBot(fake, tmp_path / "why401.db").start()
    yield bot
    await bot.stop()
