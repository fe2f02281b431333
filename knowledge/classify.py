"""Text in, Diagnosis out: is this a 401 worth answering, in which wording, on which side, and why."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from knowledge.load import default_catalog
from knowledge.model import Article, Catalog, Cause, Diagnosis, Gate, RankedCause, Side
from knowledge.sides import failing_side
from knowledge.slacktext import clean

MAX_ANALYSED_CHARS = 20_000
OTHER_FORM = "other-401"
_OFF_SIDE_FACTOR = 0.3
_SNIPPET_CHARS = 60


def _union(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern in patterns), re.IGNORECASE)


def _snippet(match: re.Match[str]) -> str:
    words = " ".join(match.group(0).split())
    return words if len(words) <= _SNIPPET_CHARS else words[: _SNIPPET_CHARS - 1] + "…"


def _gate_accepts(gate: Gate, text: str) -> bool:
    if any(pattern.search(text) for pattern in gate.unmistakable):
        return True
    for pattern in gate.not_failure:
        text = pattern.sub(" ", text)
    return any(p.search(text) for p in gate.failure) and any(p.search(text) for p in gate.context)


def _rank(cause: Cause, body: str, endpoint: Side | None) -> RankedCause:
    """Score one cause: its clues combine as independent votes on top of its prior."""
    doubt, damping, evidence = 1.0, 1.0, []
    for signal in cause.signals:
        if signal.side is not None and signal.side != endpoint:
            continue
        match = signal.pattern.search(body)
        if match is None:
            continue
        if signal.weight >= 0:
            doubt *= 1.0 - signal.weight
        else:
            damping *= 1.0 + signal.weight
        evidence.append(f"'{_snippet(match)}': {signal.because}")
    if doubt == 1.0:
        evidence.append(
            f"no clue in the text names it; listed by how often it is behind this error ({cause.prior:.0%})"
        )
    score = (1.0 - doubt * (1.0 - cause.prior)) * damping
    if endpoint is not None and endpoint not in cause.sides:
        score *= _OFF_SIDE_FACTOR
        evidence.append(f"usually seen on the {' or '.join(cause.sides)} side, and this is the {endpoint}")
    return RankedCause(cause.id, min(1.0, max(0.0, score)), tuple(evidence), from_text=doubt < 1.0)


class Classifier:
    """Classifies texts against one catalog; build once, call for every message."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        gates = [pattern for a in catalog.articles for pattern in (*a.gate.unmistakable, *a.gate.failure)]
        self._trigger = _union(gates)
        self._order = {cause_id: index for index, cause_id in enumerate(catalog.causes)}

    def __call__(self, text: str) -> Diagnosis:
        notes: list[str] = []
        if len(text) > MAX_ANALYSED_CHARS:
            notes.append(f"Only the first {MAX_ANALYSED_CHARS:,} of {len(text):,} characters were read.")
            text = text[:MAX_ANALYSED_CHARS]
        if not text.strip():
            return Diagnosis(False, None, None, (), (*notes, "The text is empty."))
        if self._trigger.search(text) is None:
            return Diagnosis(False, None, None, (), tuple(notes))
        plain = clean(text)
        articles = [article for article in self.catalog.articles if _gate_accepts(article.gate, plain)]
        if not articles:
            return Diagnosis(False, None, None, (), tuple(notes))
        return self._diagnose(plain, articles, notes)

    def _diagnose(self, plain: str, articles: list[Article], notes: list[str]) -> Diagnosis:
        forms = [form for article in articles for form in article.forms]
        form = next((f.id for f in forms if any(p.search(plain) for p in f.detect)), OTHER_FORM)
        body = plain
        for pattern in (p for f in forms for p in f.boilerplate):
            body = pattern.sub(" ", body)
        endpoint = failing_side(plain)
        causes = [cause for article in articles for cause in article.causes]
        ranked = sorted(
            (_rank(cause, body, endpoint) for cause in causes),
            key=lambda r: (-r.score, -self.catalog.causes[r.id].prior, self._order[r.id]),
        )
        if not any(r.from_text for r in ranked):
            notes.append(
                "Nothing in the text points at one cause: the ranking follows how common each cause is."
            )
        return Diagnosis(True, form, endpoint, tuple(ranked), tuple(notes))


@cache
def default_classifier() -> Classifier:
    """The classifier over the shipped catalog, built on first use."""
    return Classifier(default_catalog())


def classify(text: str) -> Diagnosis:
    """Classify `text` against the shipped catalog."""
    return default_classifier()(text)
