"""Labelled triage cases: the shared dev cases plus this project's own and held-out sets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from knowledge.learned import READING_FILE, SCALE, LearnedModel, features, reading_json
from knowledge.load import catalog_folder, default_catalog
from knowledge.matcher import Text
from knowledge.model import Article
from knowledge.slacktext import clean

HERE = Path(__file__).parent
SHARED_DEV_CASES = HERE.parent.parent / "shared" / "cases" / "dev_cases.jsonl"
OWN_CASES = HERE / "cases" / "own_cases.jsonl"
# Written blind to the classifier and never read while tuning it: scored only in aggregate.
HOLDOUT_CASES = (HERE / "cases" / "holdout4_cases.jsonl", HERE / "cases" / "holdout5_cases.jsonl")
# What the catalog's learned reading is trained on: every labelled set here but the held-out ones.
TRAINING_CASES = tuple(sorted(set((HERE / "cases").glob("*.jsonl")) - set(HOLDOUT_CASES)))


def read_cases(path: Path) -> list[dict[str, Any]]:
    """Every labelled case in a JSON-lines file, tagged with where it came from."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        {**json.loads(line), "where": f"{path.name}:{n}"} for n, line in enumerate(lines, 1) if line.strip()
    ]


# The learned reading's training: a feature must be in this many messages, how loosely weights fit, and how
# close to its optimum the fit runs (at scikit-learn's default it stops short, and each retrain then moves
# borderline answers: README).
READING_MIN_MESSAGES = 10
READING_FIT = 10.0
READING_TOL = 1e-6


def retrain_readings() -> None:
    """Rewrite each article's reading.json from TRAINING_CASES."""
    for article in default_catalog().articles:
        path = catalog_folder() / article.id / READING_FILE
        path.write_text(train_reading(article, TRAINING_CASES), encoding="utf-8")
        print(f"{path}: trained on {len(TRAINING_CASES)} labelled case files")


def labelled_messages(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every row of JSON-lines case files."""
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def cases_fingerprint(paths: Iterable[Path]) -> str:
    """A digest of case files' names and contents: what a model trained on them records."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def train_reading(article: Article, paths: Iterable[Path]) -> str:
    """The article's `reading.json`: logistic regressions, fitted to labelled messages, for live-versus-talk
    and for the first of the article's causes each report names (needs the `train` extra)."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    except ImportError as error:
        raise SystemExit(
            "Training the learned reading needs scikit-learn: pip install -e '.[train]'"
        ) from error
    paths = tuple(paths)
    rows = labelled_messages(paths)
    vectorizer = TfidfVectorizer(analyzer=features, binary=True, min_df=READING_MIN_MESSAGES)
    matrix = vectorizer.fit_transform([Text(clean(row["text"])).lower for row in rows])
    live = LogisticRegression(C=READING_FIT, tol=READING_TOL, max_iter=5000, class_weight="balanced")
    live.fit(matrix, [bool(row["matched"]) for row in rows])
    own = [cause.id for cause in article.causes]
    firsts = {
        index: next(cause for cause in row["causes"] if cause in own)
        for index, row in enumerate(rows)
        if row.get("matched") and set(row.get("causes") or ()) & set(own)
    }
    per_cause = LogisticRegression(C=READING_FIT, tol=READING_TOL, max_iter=5000)
    per_cause.fit(matrix[list(firsts)], list(firsts.values()))
    idf = vectorizer.idf_
    weights = {
        feature: [
            round(number * SCALE)
            for number in (idf[j] ** 2, live.coef_[0][j] * idf[j], *(per_cause.coef_[:, j] * idf[j]))
        ]
        for feature, j in vectorizer.vocabulary_.items()
    }
    model = LearnedModel(
        [str(cause) for cause in per_cause.classes_],
        float(live.intercept_[0]),
        [float(bias) for bias in per_cause.intercept_],
        weights,
    )
    return reading_json(model, weights, {"messages": len(rows), "fingerprint": cases_fingerprint(paths)})


if __name__ == "__main__":
    retrain_readings()
