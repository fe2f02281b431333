"""What a live check reports: its status, what it measured, and what that says about each cause."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from knowledge.model import Diagnosis, Side

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # the shape of an account name a probe accepts
Status = Literal["pass", "fail", "warn", "skipped", "error"]
Effect = Literal["confirms", "rules_out", "supports", "weakens"]


class Secret:
    """A password held for one run: never shown by repr, str or formatting."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The password itself, for the one sign-in request that needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Target:
    """The account a probe run looks at, and where it signs in (the customer's own app, when given)."""

    email: str
    side: Side | None = None
    client_id: str | None = None
    tenant: str | None = None
    ews_url: str | None = None
    password: Secret | None = None

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2].lower()


@dataclass(frozen=True)
class Evidence:
    """What one measurement says about one cause, and why."""

    cause: str
    effect: Effect
    because: str

    def to_dict(self) -> dict[str, str]:
        return {"cause": self.cause, "effect": self.effect, "because": self.because}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, shaped as a check of CONTRACT.md's probe object."""

    id: str
    status: Status
    summary: str
    details: tuple[str, ...] = ()
    elapsed_ms: int = 0
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "summary": self.summary,
            "details": list(self.details),
            "elapsed_ms": self.elapsed_ms,
            "evidence": [item.to_dict() for item in self.evidence],
        }


@dataclass(frozen=True)
class ProbeReport:
    """Every check of one run and the diagnosis they re-ranked: CONTRACT.md's probe object."""

    checks: tuple[CheckResult, ...]
    diagnosis: Diagnosis

    def to_dict(self) -> dict[str, Any]:
        return {"checks": [check.to_dict() for check in self.checks], "diagnosis": self.diagnosis.to_dict()}

    def audit_outcome(self) -> str:
        """A short, secret-free line for the probe audit: how the sign-in went, or that none was tried."""
        sign_in = next((check for check in self.checks if check.id == "sign-in"), None)
        if sign_in is None or sign_in.status == "skipped":
            return "no sign-in"
        return f"sign-in {sign_in.status}: {sign_in.summary}"
