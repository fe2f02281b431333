"""What every listener is given: settings, the store, the triager and the catalog, built once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.config import Settings
from bot.store import Store
from bot.triage import Triager
from knowledge.model import Catalog


@dataclass(frozen=True)
class Deps:
    """The bot's collaborators, passed to listeners instead of globals."""

    settings: Settings
    store: Store
    triager: Triager
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("why401"))

    @property
    def catalog(self) -> Catalog:
        return self.triager.catalog
