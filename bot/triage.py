"""One triage, whatever the front end: classify, let the workspace's verdicts nudge, redact, record."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.answer import Answer, build_answer
from bot.metrics import TRIAGES
from bot.redact import find_secrets, redact
from bot.store import Store
from knowledge.classify import Classifier
from knowledge.history import rerank
from knowledge.model import Catalog, Diagnosis, Side


@dataclass(frozen=True)
class Outcome:
    """What a triage produced: its record id (None when nothing matched), the diagnosis and the answer."""

    triage_id: int | None
    diagnosis: Diagnosis
    answer: Answer
    secrets: tuple[str, ...]


class Triager:
    """Runs triages against one catalog and records them in one store."""

    def __init__(self, catalog: Catalog, store: Store) -> None:
        self.catalog = catalog
        self.store = store
        self.classify = Classifier(catalog)

    def diagnose(
        self, text: str, team_id: str, side_hint: Side | None = None, asked: bool = False
    ) -> Outcome:
        """Classify `text`; a match is re-ranked by this workspace's verdicts. Nothing is recorded yet.

        `asked` marks text put to the bot directly (command, form, mention), which it reads more willingly.
        """
        diagnosis = self.classify(text, side_hint, asked)
        secrets = tuple(find_secrets(text))
        if diagnosis.matched:
            history = {cause: (v.fixed, v.not_this) for cause, v in self.store.cause_history(team_id).items()}
            diagnosis = rerank(diagnosis, history)
        return Outcome(None, diagnosis, build_answer(self.catalog, diagnosis), secrets)

    def record(
        self,
        outcome: Outcome,
        text: str,
        *,
        team_id: str,
        via: str,
        channel: str | None = None,
        thread_ts: str | None = None,
        message_ts: str | None = None,
        user: str | None = None,
        once_per_thread: bool = False,
    ) -> Outcome:
        """Store a matched triage with its text redacted; returns the outcome with its record id.

        With `once_per_thread`, the id is None when the thread already has a triage naming the same cause.
        """
        triage_id = self.store.record_triage(
            team_id=team_id,
            channel=channel,
            thread_ts=thread_ts,
            message_ts=message_ts,
            user=user,
            text=redact(text).encode("utf-8", errors="replace").decode("utf-8"),  # no lone surrogates
            diagnosis=outcome.diagnosis.to_dict(),
            via=via,
            checklist_size=len(outcome.answer.checklist),
            once_per_thread=once_per_thread,
        )
        if triage_id is not None:
            causes = outcome.diagnosis.causes
            TRIAGES.labels(causes[0].id if causes else "none").inc()
        return replace(outcome, triage_id=triage_id)

    def answer_for(self, triage_id: int) -> tuple[Answer, Diagnosis] | None:
        """The answer of a recorded triage, rebuilt from its stored diagnosis."""
        record = self.store.triage(triage_id)
        if record is None:
            return None
        diagnosis = Diagnosis.from_dict(record.diagnosis)
        return build_answer(self.catalog, diagnosis), diagnosis
