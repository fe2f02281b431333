"""Labelled triage cases: the shared dev cases plus this project's own and held-out sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from knowledge.load import catalog_folder, default_catalog
from knowledge.words import (
    CHATTER_FILE,
    WORDS_FILE,
    chatter_json,
    labelled_messages,
    labelled_reports,
    words_json,
)

HERE = Path(__file__).parent
SHARED_DEV_CASES = HERE.parent.parent / "shared" / "cases" / "dev_cases.jsonl"
OWN_CASES = HERE / "cases" / "own_cases.jsonl"
# Written blind to the classifier and never read while tuning it: scored only in aggregate.
HOLDOUT_CASES = (HERE / "cases" / "holdout4_cases.jsonl", HERE / "cases" / "holdout5_cases.jsonl")
# What the catalog's word model learns from: every labelled set here but the held-out ones.
TRAINING_CASES = tuple(sorted(set((HERE / "cases").glob("*.jsonl")) - set(HOLDOUT_CASES)))


def read_cases(path: Path) -> list[dict[str, Any]]:
    """Every labelled case in a JSON-lines file, tagged with where it came from."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        {**json.loads(line), "where": f"{path.name}:{n}"} for n, line in enumerate(lines, 1) if line.strip()
    ]


def rebuild_word_files() -> None:
    """Rewrite each article's words.json and chatter.json from TRAINING_CASES."""
    reports = labelled_reports(TRAINING_CASES)
    messages = chatter_messages()
    for article in default_catalog().articles:
        folder = catalog_folder() / article.id
        (folder / WORDS_FILE).write_text(words_json(reports, article), encoding="utf-8")
        (folder / CHATTER_FILE).write_text(chatter_json(messages), encoding="utf-8")
        print(f"{folder}: rebuilt from {len(reports)} labelled reports and {len(messages)} messages")


def chatter_messages() -> list[tuple[str, bool]]:
    """(text, whether it is a real failure) for every training case."""
    return [(row["text"], bool(row["matched"])) for row in labelled_messages(TRAINING_CASES)]


if __name__ == "__main__":
    rebuild_word_files()
