"""The learned reading on rounds it was not trained on: train it on the labelled sets before holdout N,
then score holdout N and every later set with the catalog's phrases alone and with the reading over them.

Run: python bench/learned_split.py [--first N] (needs the train extra: pip install -e '.[train]').
Prints figures; asserts nothing. The phrases have been tuned on every set, later ones included, so their
figures here flatter them; the reading's share of the difference is what this measures.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accuracy import score

from knowledge.classify import Classifier
from knowledge.learned import READING_FILE
from knowledge.load import catalog_folder, default_catalog, load_catalog
from tests.cases import TRAINING_CASES, train_reading

FIGURES = ["top-1", "top-3", "missed", "chatter matched"]


def holdout_number(path: Path) -> int | None:
    digits = path.name.removeprefix("holdout").split("_")[0]
    return int(digits) if path.name.startswith("holdout") and digits.isdigit() else None


def totals(rows: list[dict[str, str]]) -> dict[str, str]:
    """Column sums of 'hits/total' figures."""
    summed = {}
    for column in FIGURES:
        pairs = [tuple(map(int, row[column].split("/"))) for row in rows]
        summed[column] = f"{sum(hit for hit, _ in pairs)}/{sum(total for _, total in pairs)}"
    return summed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--first", type=int, default=345, help="the first held-out set (default 345)")
    args = parser.parse_args()
    later = [path for path in TRAINING_CASES if (holdout_number(path) or 0) >= args.first]
    earlier = [path for path in TRAINING_CASES if path not in later]
    if not later:
        raise SystemExit(f"no holdout set from {args.first} on")
    with tempfile.TemporaryDirectory() as scratch:
        catalog = Path(scratch) / "catalog"
        shutil.copytree(catalog_folder(), catalog)
        print(f"training on {len(earlier)} sets, scoring {len(later)} ...", flush=True)
        for article in default_catalog().articles:
            reading = train_reading(article, earlier)
            (catalog / article.id / READING_FILE).write_text(reading, encoding="utf-8")
        with_reading = Classifier(load_catalog(catalog))
        for article in with_reading.catalog.articles:
            (catalog / article.id / READING_FILE).unlink()
        phrases_only = Classifier(load_catalog(catalog))
    print(f"{'holdout' + str(args.first) + ' on':<26}" + "".join(f"{column:>17}" for column in FIGURES))
    for name, classifier in (("phrases alone", phrases_only), ("phrases + reading", with_reading)):
        figures = totals([score(path, classifier) for path in later])
        print(f"{name:<26}" + "".join(f"{figures[column]:>17}" for column in FIGURES))


if __name__ == "__main__":
    main()
