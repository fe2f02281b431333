"""A learned reading of a whole message: whether it reports a failure happening now, and which cause its
wording points at, from a linear model trained on the labelled cases.

The catalog's phrases recognise what people say; this model weighs everything else a message holds, word
pairs included ("verify passes", "for the quiz", "since this morning"). It is logistic regression over
binary tf-idf features (words, punctuation marks and adjacent pairs of them) of a message's first
`READ_CHARS` characters, as the classifier sees them (Slack markup undone, lowercased). Each article may
carry `reading.json`; `python -m tests.cases` retrains it (that needs the `train` extra).

A feature's numbers (a count of 1, its idf squared, its weight for a live failure, one weight per
cause, each already multiplied by its idf) are fixed-point fields of one integer, so a text's sums are a
single integer sum: Python adds a few hundred big integers far faster than it adds the same numbers
one list slot at a time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat
from typing import Any

READING_FILE = "reading.json"
READ_CHARS = 1000  # the start of a message says what it is; a long log's tail adds cost, not sense
SCALE = 1 << 12  # fixed-point scale of the stored numbers
_FIELD_BITS = 40  # room for a few thousand features' sums per field, signed
_TOKEN = re.compile(r"[\w']+|[^\w\s>*`~]")  # Slack's quote, bold, code and strike marks are no words
_HANDLE = re.compile(r"@[\w.-]+")  # mentions and mail domains say who and where, not what went wrong


Key = str | tuple[str, str]  # a token, or a pair of adjacent tokens as the two of them


def _keys(lower: str) -> set[Key]:
    """The distinct features of a lowercased text as the model looks them up: a pair stays two tokens,
    which hash far quicker than a string joined from them."""
    tokens = _TOKEN.findall(_HANDLE.sub(" ", lower[:READ_CHARS]))
    return {*tokens, *pairwise(tokens)}


def _key(feature: str) -> Key:
    """A feature as the model looks it up (tokens hold no spaces, so a space parts a pair)."""
    first, space, second = feature.partition(" ")
    return (first, second) if space else feature


def features(lower: str) -> list[str]:
    """The distinct features of a lowercased text: its tokens and adjacent token pairs, handles left out."""
    return [key if isinstance(key, str) else " ".join(key) for key in _keys(lower)]


def pack(values: Iterable[int]) -> int:
    """Signed whole numbers as the fields of one integer, the first lowest."""
    return sum(value << (_FIELD_BITS * index) for index, value in enumerate(values))


def unpack(total: int, count: int) -> list[int]:
    """The `count` signed fields of a sum of packed integers."""
    half, mask = 1 << (_FIELD_BITS - 1), (1 << _FIELD_BITS) - 1
    fields = []
    for _ in range(count):
        field = ((total + half) & mask) - half
        fields.append(field)
        total = (total - field) >> _FIELD_BITS
    return fields


@dataclass(frozen=True)
class Reading:
    """The model's view of one text: the chance it reports a live failure, and each cause's chance if so."""

    live: float
    causes: Mapping[str, float]
    known: int  # how many of the text's features the model knows: few say little, however sure it sounds
    share: float  # what part of the text's features it knows: a message of words it never saw is beyond it


class LearnedModel:
    """Weights for live-versus-talk and for the causes of one article, looked up by feature."""

    def __init__(
        self,
        causes: Sequence[str],
        live_bias: float,
        cause_biases: Sequence[float],
        weights: Mapping[str, Sequence[int]],
    ) -> None:
        """`weights` maps each feature to its idf squared, live weight and cause weights, scaled by SCALE."""
        self.causes = tuple(causes)
        self.live_bias = live_bias
        self.cause_biases = tuple(cause_biases)
        # a leading field of 1 counts the text's known features in the same sum
        self._packed = {_key(feature): pack((1, *numbers)) for feature, numbers in weights.items()}

    def read(self, lower: str) -> Reading:
        """Read a lowercased text (the classifier's cleaned text)."""
        packed = self._packed
        found = _keys(lower)
        total = sum(map(packed.get, found, repeat(0)))
        known, square, live, *leans = unpack(total, 3 + len(self.causes))
        norm = _norm(square)
        logits = [bias + lean / norm for bias, lean in zip(self.cause_biases, leans, strict=True)]
        top = max(logits)
        odds = [math.exp(logit - top) for logit in logits]
        whole = sum(odds)
        return Reading(
            _logistic(self.live_bias + live / norm),
            {cause: odd / whole for cause, odd in zip(self.causes, odds, strict=True)},
            known,
            known / len(found) if found else 0.0,
        )


def _norm(square: int) -> float:
    """The scaled length of a text's feature vector from its scaled sum of squared idfs (binary tf-idf
    vectors are then divided by it to unit length)."""
    return math.sqrt(square / SCALE) * SCALE or 1.0


def _logistic(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0


def reading_json(
    model: LearnedModel, weights: Mapping[str, Sequence[int]], trained_on: Mapping[str, object]
) -> str:
    """The `reading.json` text for a model and the scaled weights it was built from."""
    content = {
        "read_chars": READ_CHARS,
        "scale": SCALE,
        "trained_on": dict(trained_on),
        "causes": list(model.causes),
        "live_bias": round(model.live_bias, 6),
        "cause_biases": [round(bias, 6) for bias in model.cause_biases],
        "features": {feature: list(weights[feature]) for feature in sorted(weights)},
    }
    return _one_feature_a_line(content)


def _one_feature_a_line(content: dict[str, Any]) -> str:
    """JSON that diffs well: the header, then one line per feature."""
    header = [f'"{key}": {_compact(value)}' for key, value in content.items() if key != "features"]
    rows = [f"  {_compact(feature)}: {_compact(numbers)}" for feature, numbers in content["features"].items()]
    return "{\n" + ",\n".join([*header, '"features": {\n' + ",\n".join(rows) + "\n}"]) + "\n}\n"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
