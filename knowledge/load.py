"""Read the catalog's YAML files into typed models, refusing anything malformed with file and field named."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from knowledge.dates import DAY_GROUPS, DaysApartFinder
from knowledge.learned import READ_CHARS, READING_FILE, SCALE, LearnedModel
from knowledge.lookalikes import LookalikeFinder
from knowledge.matcher import JOINED_LETTERS, Finder, Finders, nests_unbounded_repeats
from knowledge.model import (
    SIDES,
    Article,
    Catalog,
    Cause,
    Form,
    Gate,
    Side,
    Signal,
    Step,
    Triage,
    Wait,
)

MIN_INWORD_LITERAL = 4
RARE_SYMBOLS = frozenset("%$€£@ ")
PLATFORMS = ("exchange-online", "on-premises", "onedrive")
_JOINED = re.compile(f"[{JOINED_LETTERS}]+")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class CatalogError(ValueError):
    """A catalog file is missing, unreadable or says something the model cannot hold."""


class _Fields:
    """Typed access to one YAML mapping, with errors that name the file and the field."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise CatalogError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.where = where

    def fail(self, key: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.where}: field '{key}': {problem}")

    def text(self, key: str, *, optional: bool = False) -> str:
        value = self.data.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be non-empty text")
        return " ".join(value.split())

    def ident(self, key: str) -> str:
        value = self.text(key)
        if not _ID.fullmatch(value):
            raise self.fail(key, f"'{value}' is not a lowercase-hyphenated id")
        return value

    def number(self, key: str, low: float, high: float, *, default: float | None = None) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self.fail(key, f"must be a number from {low} to {high}")
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def items(self, key: str, *, optional: bool = False) -> list[Any]:
        value = self.data.get(key)
        if value is None and optional:
            return []
        if not isinstance(value, list) or (not value and not optional):
            raise self.fail(key, "must be a non-empty list")
        return value

    def texts(self, key: str, *, optional: bool = False) -> tuple[str, ...]:
        values = self.items(key, optional=optional)
        if not all(isinstance(value, str) and value.strip() for value in values):
            raise self.fail(key, "every entry must be non-empty text")
        return tuple(" ".join(value.split()) for value in values)

    def sub(self, key: str, index: int | None = None) -> _Fields:
        data = self.data.get(key) if index is None else self.data[key][index]
        label = key if index is None else f"{key}[{index}]"
        return _Fields(data, f"{self.where}: {label}")

    def pattern(self, key: str) -> re.Pattern[str] | None:
        """One optional pattern, searched within a stretch of text rather than looked up."""
        source = self.text(key, optional=True)
        return _regex(source, f"{self.where}: field '{key}'") if source else None

    def phrases(self, key: str, *, optional: bool = False) -> Finders:
        """Patterns of a phrase list, where only whether and where any phrase matches counts: each
        top-level alternative becomes a finder of its own, so it is tried only where its own leading
        literal stands rather than wherever any alternative's does."""
        return Finders(
            compile_pattern(branch, f"{self.where}: field '{key}[{i}]'")
            for i, source in enumerate(self.texts(key, optional=optional))
            for branch in top_level_alternatives(source)
        )


def top_level_alternatives(source: str) -> list[str]:
    """`source` split at each `|` outside groups and character classes."""
    branches, start, depth, in_class, index = [], 0, 0, False, 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if source[index + 1 : index + 2] == "]":
                index += 1  # a ']' right after '[' is a member, not the end
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(source[start:index])
            start = index + 1
        index += 1
    return [*branches, source[start:]]


def _regex(source: str, where: str) -> re.Pattern[str]:
    """Compile a catalog pattern case-insensitively, refusing invalid or backtracking-prone ones."""
    try:
        pattern = re.compile(source, re.IGNORECASE)
    except re.error as error:
        raise CatalogError(f"{where}: invalid pattern {source!r}: {error}") from error
    if nests_unbounded_repeats(pattern):
        raise CatalogError(f"{where}: pattern {source!r} nests repeats and could backtrack without bound")
    if pattern.search(""):
        raise CatalogError(f"{where}: pattern {source!r} matches empty text")
    if "''" in source:  # YAML already made '' one apostrophe: two are a quote doubled twice
        raise CatalogError(f"{where}: pattern {source!r} has a doubled apostrophe, which no text holds")
    return pattern


def compile_pattern(source: str, where: str) -> Finder:
    """A catalog pattern as a finder, refusing also those with no leading literal to look up."""
    finder = Finder(_regex(source, where))
    if not finder.indexed:
        raise CatalogError(f"{where}: pattern {source!r} must begin with literal text (a word, a code)")
    if finder.single_character_heads:
        raise CatalogError(
            f"{where}: pattern {source!r} may start at any word beginning with "
            f"{finder.single_character_heads[0]!r}: begin with at least two characters"
        )
    short = [literal for literal in finder.anywhere if not _selective(literal)]
    if short:
        raise CatalogError(
            f"{where}: pattern {source!r} may start inside a word with {short[0]!r}: "
            f"anchor it with \\b, or begin with {MIN_INWORD_LITERAL}+ characters, a symbol such as %, "
            "or two CJK letters"
        )
    return finder


def _selective(literal: str) -> bool:
    """Whether an in-word literal is rare enough to look up: long, a rare symbol, or beginning with two
    Japanese, Chinese or Korean letters (each about as telling as a Latin word)."""
    joined = _JOINED.match(literal)
    return (
        len(literal) >= MIN_INWORD_LITERAL
        or set(literal) <= RARE_SYMBOLS
        or (joined is not None and joined.end() >= 2)
    )


def _side(value: Any, fields: _Fields, key: str) -> Side:
    for side in SIDES:
        if value == side:
            return side
    raise fields.fail(key, f"'{value}' is not one of {', '.join(SIDES)}")


def _steps(fields: _Fields, key: str, *, optional: bool = False) -> tuple[Step, ...]:
    steps = []
    for index in range(len(fields.items(key, optional=optional))):
        step = fields.sub(key, index)
        wait = step.data.get("wait_hours")
        steps.append(
            Step(
                do=step.text("do"),
                where=step.text("where", optional=True) or None,
                wait_hours=None if wait is None else int(step.number("wait_hours", 1, 24 * 60)),
            )
        )
    return tuple(steps)


def _signal(fields: _Fields) -> Signal:
    side = fields.data.get("side")
    finder = compile_pattern(fields.text("pattern"), f"{fields.where}: field 'pattern'")
    if fields.flag("lookalikes"):  # only the matches that another match nearly repeats count
        finder = LookalikeFinder(finder.pattern)
    if "days_apart" in fields.data:  # only the matches whose two days of the month lie so far apart count
        finder = DaysApartFinder(finder.pattern, *_days_apart(fields, finder.pattern))
    weight = fields.number("weight", -1.0, 1.0)
    claim = fields.flag("claim")
    if claim and weight >= 0:
        raise fields.fail("claim", "only a clue against the cause (a negative weight) can be a claim")
    explains_claims = fields.flag("explains_claims")
    if explains_claims and weight <= 0:
        raise fields.fail("explains_claims", "only a clue for the cause (a positive weight) explains claims")
    return Signal(
        finder=finder,
        weight=weight,
        because=fields.text("because"),
        side=None if side is None else _side(side, fields, "side"),
        claim=claim,
        explains_claims=explains_claims,
    )


def _days_apart(fields: _Fields, pattern: re.Pattern[str]) -> tuple[int, int]:
    """A clue's `days_apart: [low, high]`, for a pattern that captures the two days it compares."""
    value = fields.data["days_apart"]
    if not (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(days, int) and not isinstance(days, bool) for days in value)
        and 0 <= value[0] <= value[1] < 31
    ):
        raise fields.fail("days_apart", "must be [low, high]: whole days from 0 to 30, low first")
    if not set(DAY_GROUPS) <= set(pattern.groupindex):
        groups = " and ".join(f"(?P<{name}>...)" for name in DAY_GROUPS)
        raise fields.fail("days_apart", f"the pattern must capture the two days as {groups}")
    return value[0], value[1]


def _cause(fields: _Fields, url: str, expected_id: str) -> Cause:
    cause_id = fields.ident("id")
    if cause_id != expected_id:
        raise fields.fail("id", f"'{cause_id}' does not match the file name '{expected_id}'")
    platforms = fields.texts("platforms")
    for platform in platforms:
        if platform not in PLATFORMS:
            raise fields.fail("platforms", f"'{platform}' is not one of {', '.join(PLATFORMS)}")
    wait = None
    if fields.data.get("wait") is not None:
        wait_fields = fields.sub("wait")
        wait = Wait(hours=int(wait_fields.number("hours", 1, 24 * 60)), why=wait_fields.text("why"))
    signals = fields.items("signals", optional=True)
    return Cause(
        id=cause_id,
        title=fields.text("title"),
        summary=fields.text("summary"),
        section=fields.ident("section"),
        sides=tuple(_side(side, fields, "sides") for side in fields.items("sides")),
        platforms=platforms,
        confirm=fields.texts("confirm"),
        steps=_steps(fields, "steps"),
        wait=wait,
        related=fields.texts("related", optional=True),
        prior=fields.number("prior", 0.0, 0.5),
        deniable=fields.flag("deniable"),
        signals=tuple(_signal(fields.sub("signals", index)) for index in range(len(signals))),
        source_url=url,
    )


def _yaml(path: Traversable, label: str) -> _Fields:
    try:
        return _Fields(yaml.safe_load(path.read_text(encoding="utf-8")), label)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CatalogError(f"{label}: cannot be read: {error}") from error


def load_article(folder: Traversable) -> Article:
    """Load one article folder: article.yaml, triage.yaml and causes/*.yaml."""
    label = f"catalog/{folder.name}"
    meta = _yaml(folder / "article.yaml", f"{label}/article.yaml")
    url = meta.text("url")
    gate = meta.sub("gate")
    forms = [meta.sub("forms", index) for index in range(len(meta.items("forms")))]
    triage = _yaml(folder / "triage.yaml", f"{label}/triage.yaml")
    cause_files = sorted(
        (entry for entry in (folder / "causes").iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )
    if not cause_files:
        raise CatalogError(f"{label}/causes: no cause files")
    causes = tuple(
        _cause(_yaml(entry, f"{label}/causes/{entry.name}"), url, entry.name.removesuffix(".yaml"))
        for entry in cause_files
    )
    _check_related(causes, label)
    return Article(
        id=meta.ident("id"),
        title=meta.text("title"),
        url=url,
        gate=Gate(
            unmistakable=gate.phrases("unmistakable"),
            failure=gate.phrases("failure"),
            not_failure=gate.phrases("not_failure", optional=True),
            context=gate.phrases("context"),
            elsewhere=gate.phrases("elsewhere", optional=True),
            resolved=gate.phrases("resolved", optional=True),
            unresolved=gate.phrases("unresolved", optional=True),
            talk=gate.phrases("talk", optional=True),
            asides=gate.phrases("asides", optional=True),
            conditions=gate.phrases("conditions", optional=True),
            closings=gate.phrases("closings", optional=True),
            under_way=gate.phrases("under_way", optional=True),
            checks_pass=gate.phrases("checks_pass", optional=True),
            digressions=gate.phrases("digressions", optional=True),
            back_on_topic=gate.phrases("back_on_topic", optional=True),
            disclaimers=gate.phrases("disclaimers", optional=True),
            other_error=gate.phrases("other_error", optional=True),
            names_the_error=gate.pattern("names_the_error"),
            error_words=gate.pattern("error_words"),
            failure_words=gate.pattern("failure_words"),
            document_titles=gate.pattern("document_titles"),
        ),
        forms=tuple(
            Form(
                id=form.ident("id"),
                title=form.text("title"),
                detect=form.phrases("detect"),
                boilerplate=form.phrases("boilerplate", optional=True),
            )
            for form in forms
        ),
        triage=Triage(
            title=triage.text("title"), summary=triage.text("summary"), steps=_steps(triage, "steps")
        ),
        causes=causes,
        dismissals=meta.phrases("dismissals", optional=True),
        negations=meta.phrases("negations", optional=True),
        rule_outs=meta.phrases("rule_outs", optional=True),
        no_answers=meta.phrases("no_answers", optional=True),
        holding_questions=meta.pattern("holding_questions"),
        reading=_reading(folder / READING_FILE, f"{label}/{READING_FILE}", causes),
    )


def _json(path: Traversable, label: str) -> _Fields:
    try:
        return _Fields(json.loads(path.read_text(encoding="utf-8")), label)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CatalogError(f"{label}: cannot be read: {error}") from error


def _reading(path: Traversable, label: str, causes: tuple[Cause, ...]) -> LearnedModel | None:
    """The article's learned reading, if it has one: for its own causes, reading texts as this code does."""
    if not path.is_file():
        return None
    fields = _json(path, label)
    for key, expected in (("read_chars", READ_CHARS), ("scale", SCALE)):
        if fields.data.get(key) != expected:
            raise fields.fail(key, f"must be {expected}, as the code reads texts: retrain it")
    names = fields.data.get("causes")
    if not isinstance(names, list) or sorted(names) != sorted(cause.id for cause in causes):
        raise fields.fail("causes", f"must list exactly these causes: {sorted(c.id for c in causes)}")
    live_bias, biases = fields.data.get("live_bias"), fields.data.get("cause_biases")
    if not isinstance(live_bias, int | float):
        raise fields.fail("live_bias", "must be a number")
    if not (
        isinstance(biases, list)
        and len(biases) == len(names)
        and all(isinstance(bias, int | float) for bias in biases)
    ):
        raise fields.fail("cause_biases", "must be one number per cause")
    weights = fields.sub("features")
    for feature, numbers in weights.data.items():
        if not (
            isinstance(numbers, list)
            and len(numbers) == 2 + len(names)
            and all(type(n) is int for n in numbers)
            and numbers[0] > 0
        ):
            raise weights.fail(feature, "must be whole numbers: idf squared (above 0), then the weights")
    return LearnedModel(names, live_bias, biases, weights.data)


def _check_related(causes: tuple[Cause, ...], label: str) -> None:
    known = {cause.id for cause in causes}
    for cause in causes:
        for other in cause.related:
            if other not in known:
                raise CatalogError(
                    f"{label}/causes/{cause.id}.yaml: field 'related': unknown cause '{other}'"
                )


def load_catalog(root: Traversable) -> Catalog:
    """Load every article folder under `root`; cause ids must be unique across articles."""
    articles = tuple(
        load_article(folder)
        for folder in sorted(root.iterdir(), key=lambda entry: entry.name)
        if folder.is_dir() and (folder / "article.yaml").is_file()
    )
    if not articles:
        raise CatalogError(f"{root}: no article folders")
    seen: set[str] = set()
    for article in articles:
        for cause in article.causes:
            if cause.id in seen:
                raise CatalogError(f"catalog/{article.id}: cause id '{cause.id}' is defined twice")
            seen.add(cause.id)
    return Catalog(articles)


def catalog_folder() -> Path:
    """Where the shipped catalog's files are."""
    return Path(str(files("knowledge") / "catalog"))


@cache
def default_catalog() -> Catalog:
    """The catalog shipped inside the package, loaded once."""
    return load_catalog(catalog_folder())
