"""The live checks of a probe run, in the order a report lists them, and the one call that runs them."""

from __future__ import annotations

from aiohttp.abc import AbstractResolver

from bot.config import Settings
from bot.probes import entra, exchange, graph, signin
from bot.probes.model import ProbeReport, Target
from bot.probes.rerank import rerank
from bot.probes.run import CHECK_TIMEOUT_S, DEADLINE_S, Check, OnResult, run_checks
from knowledge.model import Diagnosis

CHECKS: tuple[tuple[str, Check], ...] = (
    ("tenant", entra.tenant),
    ("account", entra.account),
    ("mailbox", exchange.mailbox),
    ("ews", exchange.ews),
    ("onprem-ews", exchange.onprem_ews),
    ("sign-in", signin.sign_in),
    ("security-defaults", graph.security_defaults),
    ("user", graph.user_state),
    ("onedrive", graph.onedrive),
)


class Prober:
    """Runs the live checks against the Microsoft bases in settings (and an on-premises EWS host)."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: AbstractResolver | None = None,
        check_timeout_s: float = CHECK_TIMEOUT_S,
        deadline_s: float = DEADLINE_S,
    ) -> None:
        self.settings = settings
        self._resolver = resolver
        self.check_timeout_s = check_timeout_s
        self.deadline_s = deadline_s

    async def probe(
        self, target: Target, diagnosis: Diagnosis, on_result: OnResult | None = None
    ) -> ProbeReport:
        """Run every check for `target` and re-rank `diagnosis` by what they measured."""
        checks = await run_checks(
            self.settings,
            target,
            CHECKS,
            on_result=on_result,
            resolver=self._resolver,
            check_timeout_s=self.check_timeout_s,
            deadline_s=self.deadline_s,
        )
        return ProbeReport(tuple(checks), rerank(diagnosis, checks))
