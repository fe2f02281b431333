"""The domain's vocabulary: causes, their remediation and clues, and the diagnosis a paste gets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Literal

from knowledge.learned import LearnedModel
from knowledge.matcher import Finder, Finders

Side = Literal["source", "destination"]
SIDES: tuple[Side, ...] = ("source", "destination")
STRONG_CLUE = 0.7  # a clue this strong is this domain's context by itself
_NONE = Finders()


@dataclass(frozen=True)
class Signal:
    """A clue in pasted text: a pattern, how strongly it points at (or away from) a cause, and why.

    `weight` is in [-1, 1]: positive supports the cause, negative weakens it.
    `side`, when set, makes the clue count only when the failing endpoint is that side.
    `claim` marks a clue against the cause that someone states ("no MFA", "the login works"): in a thread
    or timeline, a clue for the cause in a later reply overturns it, and so does anywhere a clue marked
    `explains_claims`, which says why the claim holds and the cause still does ("a trailing space in the
    stored password": the typed one works).
    """

    finder: Finder
    weight: float
    because: str
    side: Side | None = None
    claim: bool = False
    explains_claims: bool = False


@dataclass(frozen=True)
class Step:
    """One remediation step: what to do, where to do it, and any wait before checking again."""

    do: str
    where: str | None = None
    wait_hours: int | None = None


@dataclass(frozen=True)
class Wait:
    """A delay the fix involves (provisioning, a policy window) and why it exists."""

    hours: int
    why: str


@dataclass(frozen=True)
class Cause:
    """One root cause of a 401, with how to confirm it and how to fix it."""

    id: str
    title: str
    summary: str
    section: str
    sides: tuple[Side, ...]
    platforms: tuple[str, ...]
    confirm: tuple[str, ...]
    steps: tuple[Step, ...]
    wait: Wait | None
    related: tuple[str, ...]
    prior: float
    signals: tuple[Signal, ...]
    source_url: str
    # Its clues say something is there (a prompt, a policy), so "no MFA" denies rather than names it;
    # for other causes the absence is the clue ("no impersonation").
    deniable: bool = False


@dataclass(frozen=True)
class Form:
    """A known wording of the error; its stock phrases are blanked before looking for cause clues."""

    id: str
    title: str
    detect: Finders
    boilerplate: Finders


@dataclass(frozen=True)
class Gate:
    """What makes a text a credential failure worth answering, rather than a passing mention of 401."""

    unmistakable: Finders
    failure: Finders
    not_failure: Finders
    context: Finders
    elsewhere: Finders = _NONE
    resolved: Finders = _NONE
    unresolved: Finders = _NONE
    talk: Finders = _NONE
    asides: Finders = _NONE
    disclaimers: Finders = _NONE
    other_error: Finders = _NONE
    conditions: Finders = _NONE
    closings: Finders = _NONE
    under_way: Finders = _NONE
    checks_pass: Finders = _NONE
    digressions: Finders = _NONE  # what opens a sentence on another matter ("unrelated:", "side note")
    back_on_topic: Finders = _NONE  # what ends one ("anyway, for real", "jokes aside")
    # Searched within one mention or near it, where the article gives them:
    # what in a failure mention names the error itself (401, an AADSTS code), not only that something failed;
    names_the_error: re.Pattern[str] | None = None
    # words that make a bare number an error where the same text's other mentions are rooms or a 401(k);
    error_words: re.Pattern[str] | None = None
    # words that say something fails, however loosely: what the learned reading needs to answer a message
    # no phrase places
    failure_words: re.Pattern[str] | None = None
    # what, right after a mention, makes it the title of a document ("the 401 KB") rather than an error seen.
    document_titles: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Triage:
    """The general path to follow when the text does not point at one cause."""

    title: str
    summary: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Article:
    """One source article: its causes, the error wordings it covers and how to recognise them."""

    id: str
    title: str
    url: str
    gate: Gate
    forms: tuple[Form, ...]
    triage: Triage
    causes: tuple[Cause, ...]
    # Phrases that, right after a cause's clue, take it back ("MFA ... both are off", "... ruled out").
    dismissals: Finders = _NONE
    # Phrases that, right before a cause's clue, deny it ("not security defaults", "no MFA").
    negations: Finders = _NONE
    # Phrases that open a list of causes ruled out ("ruled out: MFA, permissions"): each clue in it is denied.
    rule_outs: Finders = _NONE
    # Answers that, opening a reply, say no to the reply before ("wrong pw?" / "nope"): its questions' clues
    # are denied.
    no_answers: Finders = _NONE
    # Words that make a question one about what the account holds ("does it have ApplicationImpersonation?"):
    # answered no, it confirms a lack rather than ruling a cause out.
    holding_questions: re.Pattern[str] | None = None
    # Whether a message reports a live failure, and of which cause, as learnt from whole labelled messages.
    reading: LearnedModel | None = None

    @cached_property
    def strong_clues(self) -> Finders:
        """Clues that point at one of its causes strongly enough to place a bare 401 in this domain
        (worked out once: the gate asks for them on every message)."""
        return Finders(
            signal.finder for cause in self.causes for signal in cause.signals if signal.weight >= STRONG_CLUE
        )

    def finders(self) -> tuple[Finder, ...]:
        """Every looked-up pattern of this article: its gate's phrases, error wordings and causes' clues."""
        gate = self.gate
        phrase_lists = (getattr(gate, each.name) for each in fields(gate))
        return (
            *(finder for phrases in phrase_lists if isinstance(phrases, Finders) for finder in phrases),
            *(finder for form in self.forms for finder in (*form.detect, *form.boilerplate)),
            *(signal.finder for cause in self.causes for signal in cause.signals),
            *self.dismissals,
            *self.negations,
            *self.rule_outs,
            *self.no_answers,
        )


@dataclass(frozen=True)
class Catalog:
    """Every article, with causes and forms indexed by id."""

    articles: tuple[Article, ...]
    causes: dict[str, Cause] = field(init=False)

    def __post_init__(self) -> None:
        causes = {cause.id: cause for article in self.articles for cause in article.causes}
        object.__setattr__(self, "causes", causes)


@dataclass(frozen=True)
class RankedCause:
    """A candidate cause with its score in [0, 1] and the reasons it is listed.

    `from_text` says whether evidence supports it (a clue in the text, or a live check), rather than its
    prior alone.
    """

    id: str
    score: float
    evidence: tuple[str, ...]
    from_text: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RankedCause:
        return cls(data["id"], float(data["score"]), tuple(data["evidence"]), bool(data.get("from_text")))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 3),
            "evidence": list(self.evidence),
            "from_text": self.from_text,
        }


@dataclass(frozen=True)
class Diagnosis:
    """What the classifier concluded from one text (the classification object of CONTRACT.md)."""

    matched: bool
    form: str | None
    endpoint: Side | None
    causes: tuple[RankedCause, ...]
    notes: tuple[str, ...] = ()

    @property
    def specific(self) -> bool:
        """True when the text itself points at the leading cause."""
        return bool(self.causes) and self.causes[0].from_text

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnosis:
        """The inverse of to_dict, for diagnoses read back from storage."""
        causes = tuple(RankedCause.from_dict(cause) for cause in data.get("causes", ()))
        return cls(
            data["matched"], data.get("form"), data.get("endpoint"), causes, tuple(data.get("notes", ()))
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "form": self.form,
            "endpoint": self.endpoint,
            "causes": [cause.to_dict() for cause in self.causes],
            "notes": list(self.notes),
        }
