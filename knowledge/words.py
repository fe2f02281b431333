"""Word votes learnt from labelled messages: which causes a text's wording resembles, and whether it
reads like a failure happening now or like talk about one.

The catalog's clues recognise what people say; past messages also show how they say it in words no clue
lists ("leavers", "offboarding", "perfmon"; "kickoff", "onboarding session"). Each article may carry
`words.json`: for every word stem seen in at least `MIN_REPORTS` reports, how many reports of each cause
held it; and `chatter.json`: for every such stem, how many chatter messages and how many real failures
held it. Naive Bayes turns those counts into votes. Rebuild both from the labelled cases with
`python -m tests.cases`.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.matcher import JOINED_LETTERS, Text
from knowledge.slacktext import clean

if TYPE_CHECKING:
    from knowledge.model import Article

Spans = tuple[tuple[int, int], ...]

WORDS_FILE = "words.json"
CHATTER_FILE = "chatter.json"
MIN_REPORTS = 3  # a stem from fewer reports than this is one writer's wording, not the field's
STEM_CHARS = 7  # "licence", "licensed" and "licences" share a stem; so do most inflections
_SMOOTHING = 0.5
_MIN_LEAN = 1.0  # a stem votes only if some cause is e (2.7) times as likely as the average to hold it
_JOINED_SCRIPT = re.compile(rf"([{JOINED_LETTERS}]+)")
# Each letter of a Japanese, Chinese or Korean run stands in two overlapping pairs, so one word of
# such a run ("チケット") would otherwise vote two or three times in the chatter odds.
_PAIR_SHARE = 0.5


def _in_address(lower: str, start: int, end: int) -> bool:
    """Whether the word at start:end is part of a handle, address or host name (@dana, contoso.com):
    names say who and where, not what went wrong."""
    after = lower[end : end + 1]
    return (
        lower[start - 1 : start] in _ADDRESS_MARKS
        or after == "@"
        or (after == "." and lower[end + 1 : end + 2].isalnum())
    )


_ADDRESS_MARKS = frozenset("@.")


class Stems:
    """A text's word stems, found once for every model that reads the text: each with the first word it
    came from and where that word stands. Handles, addresses and host names are left out.

    Japanese, Chinese and Korean join words (or words and particles), so their runs give character pairs
    instead.
    """

    def __init__(self, text: Text) -> None:
        self.found: dict[str, tuple[str, list[int]]] = {}
        self.pairs: set[str] = set()  # the stems that are character pairs of joined runs
        found, lower = self.found, text.lower
        for word, positions in text.words().items():
            plain = word.isascii()
            if plain and (len(word) < 3 or not word[0].isalpha()):
                continue
            if _in_address(lower, positions[0], positions[0] + len(word)) and all(
                _in_address(lower, at, at + len(word)) for at in positions[1:]
            ):
                continue
            if plain:
                found.setdefault(word[:STEM_CHARS], (word, positions))
                continue
            for piece, run in enumerate(_JOINED_SCRIPT.split(word)):
                if piece % 2:  # the split keeps the joined runs, at odd places
                    for index in range(len(run) - 1):
                        pair = run[index : index + 2]
                        found.setdefault(pair, (run, positions))
                        self.pairs.add(pair)
                elif len(run) > 2 and run[0].isalpha():
                    found.setdefault(run[:STEM_CHARS], (run, positions))

    def outside(self, spans: Spans = ()) -> dict[str, str]:
        """Each stem with its word, leaving out words that stand only inside `spans`."""
        if not spans:
            return {stem: word for stem, (word, _) in self.found.items()}
        starts, ends = _merged(spans)

        def covered(at: int) -> bool:
            index = bisect_right(starts, at) - 1
            return index >= 0 and at < ends[index]

        return {
            stem: word
            for stem, (word, positions) in self.found.items()
            if not all(covered(at) for at in positions)
        }


def _merged(spans: Spans) -> tuple[list[int], list[int]]:
    """The starts and ends of `spans` merged where they overlap, in order."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def stems(text: Text, outside: Spans = ()) -> dict[str, str]:
    """The stems of `text` with their words, leaving out words that stand only inside `outside`."""
    return Stems(text).outside(outside)


@dataclass(frozen=True)
class WordVote:
    """How the word model shares its vote among causes, and the text's words that cast it."""

    causes: tuple[str, ...]
    shares: Mapping[str, float]
    known: tuple[tuple[str, tuple[float, ...]], ...]  # (word of the text, its leans per cause)

    def leaning(self, cause: str, keep: int = 3) -> tuple[str, ...]:
        """The text's words that favour `cause` most."""
        index = self.causes.index(cause)
        best = sorted(((leans[index], word) for word, leans in self.known), reverse=True)
        leaning = dict.fromkeys(word for lean, word in best if lean > _MIN_LEAN)  # a run quoted once
        return tuple(leaning)[:keep]


@dataclass(frozen=True)
class WordModel:
    """Per-stem weights (log-odds against the average cause) for an article's causes."""

    causes: tuple[str, ...]
    weights: Mapping[str, tuple[float, ...]]

    @classmethod
    def from_counts(cls, reports: Mapping[str, int], counts: Mapping[str, Mapping[str, int]]) -> WordModel:
        """Weights from how many reports of each cause held each stem."""
        causes = tuple(sorted(reports))
        weights: dict[str, tuple[float, ...]] = {}
        for stem, held in counts.items():
            likelihoods = [
                (held.get(cause, 0) + _SMOOTHING) / (reports[cause] + 2 * _SMOOTHING) for cause in causes
            ]
            average = sum(likelihoods) / len(likelihoods)
            leans = tuple(math.log(likelihood / average) for likelihood in likelihoods)
            if max(abs(lean) for lean in leans) > _MIN_LEAN:
                weights[stem] = leans
        return cls(causes, weights)

    def vote(self, found: Stems, outside: Spans = ()) -> WordVote:
        """Share the vote among causes by the text's stems outside `outside`; even when none is known."""
        weights = self.weights
        known = tuple(
            (word, weights[stem]) for stem, word in found.outside(outside).items() if stem in weights
        )
        totals = [sum(column) for column in zip(*(leans for _, leans in known), strict=True)] or [0.0]
        top = max(totals)
        odds = [math.exp(total - top) for total in totals] if known else [1.0] * len(self.causes)
        whole = sum(odds)
        # Few known words are thin evidence: one word's vote counts half, the rest stays even.
        certainty = len(known) / (len(known) + 1)
        even = (1.0 - certainty) / len(self.causes)
        shares = {cause: certainty * odd / whole + even for cause, odd in zip(self.causes, odds, strict=True)}
        return WordVote(self.causes, shares, known)


@dataclass(frozen=True)
class ChatterOdds:
    """How much likelier the text's words are in chatter than in real failures (natural log), and the
    words that lean most to chatter."""

    log_odds: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class ChatterModel:
    """Per-stem log-likelihood ratios of chatter (talk about 401s, other systems' 401s) to real failures."""

    weights: Mapping[str, float]

    @classmethod
    def from_counts(cls, messages: Mapping[str, int], counts: Mapping[str, Sequence[int]]) -> ChatterModel:
        """Weights from how many chatter messages and how many failures held each stem."""
        chatter, failures = messages["chatter"], messages["failures"]
        return cls(
            {
                stem: math.log(
                    ((in_chatter + _SMOOTHING) / (chatter + 2 * _SMOOTHING))
                    / ((in_failures + _SMOOTHING) / (failures + 2 * _SMOOTHING))
                )
                for stem, (in_chatter, in_failures) in counts.items()
            }
        )

    def odds(self, found: Stems, keep: int = 3) -> ChatterOdds:
        """The text's log-odds of chatter against a failure, its prior aside."""
        weights, pairs = self.weights, found.pairs
        leans = sorted(
            (
                (weights[stem] * (_PAIR_SHARE if stem in pairs else 1.0), word)
                for stem, (word, _) in found.found.items()
                if stem in weights
            ),
            reverse=True,
        )
        leaning = dict.fromkeys(word for lean, word in leans if lean > 0)  # a run's pairs quote it once
        return ChatterOdds(sum(lean for lean, _ in leans), tuple(leaning)[:keep])


def chatter_json(messages: Iterable[tuple[str, bool]]) -> str:
    """The `chatter.json` text for labelled messages (text, whether it is a real failure)."""
    totals: Counter[bool] = Counter()
    held: dict[str, Counter[bool]] = {}
    for text, failure in messages:
        totals[failure] += 1
        for stem in stems(Text(clean(text))):
            held.setdefault(stem, Counter())[failure] += 1
    content = {
        "min_reports": MIN_REPORTS,
        "messages": {"chatter": totals[False], "failures": totals[True]},
        "stems": {
            stem: [held[stem][False], held[stem][True]]
            for stem in sorted(held)
            if held[stem].total() >= MIN_REPORTS
        },
    }
    return _one_stem_a_line(content)


def words_json(reports: Iterable[tuple[str, Iterable[str]]], article: Article | None = None) -> str:
    """The `words.json` text for labelled reports (text, cause ids).

    Given the article, only its causes are counted and the wording of its errors is left out.
    """
    if article is None:
        return _one_stem_a_line(count_reports(reports))
    own = {cause.id for cause in article.causes}
    wording = [finder for form in article.forms for finder in (*form.detect, *form.boilerplate)]
    mine = ((text, [cause for cause in causes if cause in own]) for text, causes in reports)

    def stock(text: Text) -> Spans:
        return tuple(match.span() for finder in wording for match in finder.matches(text))

    return _one_stem_a_line(count_reports(((text, causes) for text, causes in mine if causes), stock))


def count_reports(
    reports: Iterable[tuple[str, Iterable[str]]], stock: Callable[[Text], Spans] | None = None
) -> dict[str, Any]:
    """How many reports of each cause held each stem, stems from under MIN_REPORTS reports dropped."""
    per_cause: Counter[str] = Counter()
    held: dict[str, Counter[str]] = {}
    seen: Counter[str] = Counter()
    for text, causes in reports:
        prepared = Text(clean(text))
        found = stems(prepared, stock(prepared) if stock else ())
        seen.update(found.keys())
        for cause in causes:
            per_cause[cause] += 1
            for stem in found:
                held.setdefault(stem, Counter())[cause] += 1
    return {
        "min_reports": MIN_REPORTS,
        "reports": dict(sorted(per_cause.items())),
        "stems": {
            stem: dict(sorted(held[stem].items()))
            for stem in sorted(seen)
            if seen[stem] >= MIN_REPORTS and stem in held
        },
    }


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _one_stem_a_line(content: dict[str, Any]) -> str:
    """JSON that diffs well: the header, then one line per stem."""
    lines = [f'"{key}": {_compact(value)}' for key, value in content.items() if key != "stems"]
    stems = [f"  {_compact(stem)}: {_compact(held)}" for stem, held in content["stems"].items()]
    return "{\n" + ",\n".join([*lines, '"stems": {\n' + ",\n".join(stems) + "\n}"]) + "\n}\n"


def labelled_messages(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every row of JSON-lines case files."""
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def labelled_reports(paths: Iterable[Path]) -> list[tuple[str, list[str]]]:
    """Matched rows with causes from JSON-lines case files."""
    return [
        (row["text"], list(row["causes"]))
        for row in labelled_messages(paths)
        if row.get("matched") and row.get("causes")
    ]
