"""The answer a person gets for one diagnosis, as structure: every front end renders this same shape."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.model import Catalog, Cause, Diagnosis, RankedCause, Step, Triage

OTHER_CANDIDATES = 3


@dataclass(frozen=True)
class Candidate:
    """A ranked cause with its catalog entry."""

    cause: Cause
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """Everything shown for one triage, front-end neutral.

    `lead` is None when the text was not a credential failure; `triage` is set when the text
    names no specific cause, so the general path leads.
    """

    matched: bool
    form_title: str | None
    endpoint: str | None
    lead: Candidate | None
    others: tuple[Candidate, ...]
    triage: Triage | None
    steps: tuple[Step, ...]
    checklist: tuple[str, ...]
    source_url: str | None
    notes: tuple[str, ...]


def _candidate(catalog: Catalog, ranked: RankedCause) -> Candidate:
    return Candidate(catalog.causes[ranked.id], ranked.score, ranked.evidence)


def _form_title(catalog: Catalog, form_id: str | None) -> str | None:
    forms = {form.id: form.title for article in catalog.articles for form in article.forms}
    if form_id is None:
        return None
    return forms.get(form_id, "Another 401 / sign-in failure")


def _triage_for(catalog: Catalog, cause: Cause) -> Triage:
    return next(a.triage for a in catalog.articles if any(c.id == cause.id for c in a.causes))


def checklist_for(cause: Cause) -> tuple[str, ...]:
    """What the on-call engineer ticks off: confirm the cause, fix it, verify again."""
    return (*cause.confirm, "Run Verify Credentials again in MigrationWiz and watch the result.")


def build_answer(catalog: Catalog, diagnosis: Diagnosis) -> Answer:
    """Turn a diagnosis into the answer's structure: the lead cause, its fix, the other candidates."""
    if not diagnosis.matched or not diagnosis.causes:
        return Answer(False, None, None, None, (), None, (), (), None, diagnosis.notes)
    lead = _candidate(catalog, diagnosis.causes[0])
    others = tuple(_candidate(catalog, ranked) for ranked in diagnosis.causes[1 : 1 + OTHER_CANDIDATES])
    triage = None if diagnosis.specific else _triage_for(catalog, lead.cause)
    return Answer(
        matched=True,
        form_title=_form_title(catalog, diagnosis.form),
        endpoint=diagnosis.endpoint,
        lead=lead,
        others=others,
        triage=triage,
        steps=triage.steps if triage else lead.cause.steps,
        checklist=checklist_for(lead.cause),
        source_url=lead.cause.source_url,
        notes=diagnosis.notes,
    )
