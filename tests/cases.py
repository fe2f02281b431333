"""Labelled triage cases: the shared dev cases plus this project's own and held-out sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SHARED_DEV_CASES = HERE.parent.parent / "shared" / "cases" / "dev_cases.jsonl"
OWN_CASES = HERE / "cases" / "own_cases.jsonl"
# Written blind to the classifier and never read while tuning it: scored only in aggregate.
HOLDOUT_CASES = (HERE / "cases" / "holdout4_cases.jsonl", HERE / "cases" / "holdout5_cases.jsonl")


def read_cases(path: Path) -> list[dict[str, Any]]:
    """Every labelled case in a JSON-lines file, tagged with where it came from."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        {**json.loads(line), "where": f"{path.name}:{n}"} for n, line in enumerate(lines, 1) if line.strip()
    ]
