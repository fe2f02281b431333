"""What every listener is given: settings, the store, the triager and the catalog, built once."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from aiohttp.abc import AbstractResolver

from bot.config import Settings
from bot.probes.prober import Prober
from bot.store import Store
from bot.triage import Triager
from knowledge.model import Catalog

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Deps:
    """The bot's collaborators, passed to listeners instead of globals."""

    settings: Settings
    store: Store
    triager: Triager
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("why401"))
    stored: asyncio.Event = field(default_factory=asyncio.Event)  # set when the inbox takes an event
    db_thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="why401-db")
    )
    probe_resolver: AbstractResolver | None = None  # name lookups for probes; tests point names at fakes
    probe_runs: set[asyncio.Task[None]] = field(default_factory=set)  # live checks in progress here

    @functools.cached_property
    def prober(self) -> Prober:
        """The live checks, against the Microsoft bases in settings."""
        return Prober(self.settings, resolver=self.probe_resolver)

    async def db(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a store call off the event loop on the store's own thread, never queued behind CPU work."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.db_thread, functools.partial(call, *args, **kwargs))

    @property
    def catalog(self) -> Catalog:
        return self.triager.catalog
