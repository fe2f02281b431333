"""The shipped catalog is complete and in our own words; broken catalog files fail loudly and precisely."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import fields
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from knowledge.load import (
    CatalogError,
    compile_pattern,
    default_catalog,
    load_catalog,
    top_level_alternatives,
)
from knowledge.matcher import Finders, FinderSet, Text
from knowledge.slacktext import clean
from tests.cases import OWN_CASES, read_cases

CONTRACT_IDS = {
    "modern-auth-not-configured",
    "wrong-credentials",
    "mfa-required",
    "password-change-required",
    "account-picker",
    "security-defaults",
    "insufficient-permissions",
    "entra-connect-mailbox",
    "new-account-provisioning",
    "onedrive-not-provisioned",
    "onedrive-source-user",
    "overutilized-server",
}
ARTICLE = "401-unauthorized-error-suite"
SEED = Path(__file__).parents[3] / "shared" / "seed" / f"{ARTICLE}.txt"


def test_catalog_holds_every_contract_cause_with_a_fix() -> None:
    catalog = default_catalog()
    assert set(catalog.causes) == CONTRACT_IDS
    for cause in catalog.causes.values():
        assert cause.steps and cause.confirm and cause.summary
        assert any(signal.weight > 0 for signal in cause.signals), cause.id
        assert cause.source_url.startswith("https://help.bittitan.com/")


def test_sections_group_the_prompt_and_onedrive_causes() -> None:
    sections = {cause.id: cause.section for cause in default_catalog().causes.values()}
    prompts = {sections["mfa-required"], sections["password-change-required"], sections["account-picker"]}
    assert len(prompts) == 1
    assert sections["onedrive-not-provisioned"] == sections["onedrive-source-user"]


def test_waits_are_carried() -> None:
    causes = default_catalog().causes
    assert causes["new-account-provisioning"].wait is not None
    assert causes["new-account-provisioning"].wait.hours == 24
    assert causes["security-defaults"].wait is not None
    assert causes["security-defaults"].wait.hours == 14 * 24


def test_triage_path_is_its_own_entry() -> None:
    (article,) = default_catalog().articles
    assert len(article.triage.steps) >= 5
    assert any("EWS" in step.do for step in article.triage.steps)


def _catalog_sentences() -> list[str]:
    texts: list[str] = []
    for path in (files("knowledge") / "catalog" / ARTICLE).iterdir():
        if path.name.endswith(".yaml"):
            texts.append(path.read_text(encoding="utf-8"))
    for path in (files("knowledge") / "catalog" / ARTICLE / "causes").iterdir():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("signals")
        texts.append(yaml.safe_dump(data))
    return texts


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


@pytest.mark.skipif(not SEED.is_file(), reason="the source article is not beside the project here")
def test_no_sentence_is_copied_from_the_article() -> None:
    article = " ".join(_words(SEED.read_text(encoding="utf-8")))
    for text in _catalog_sentences():
        words = _words(text)
        for start in range(len(words) - 7):
            window = " ".join(words[start : start + 8])
            assert window not in article, f"copied from the article: {window!r}"


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    source = Path(str(files("knowledge") / "catalog"))
    shutil.copytree(source, tmp_path / "catalog")
    return tmp_path / "catalog"


def _edit_cause(name: str, change: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / ARTICLE / "causes" / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data), encoding="utf-8")

    return edit


def _first_signal(**fields: object) -> Callable[[dict[str, object]], None]:
    def change(data: dict[str, object]) -> None:
        signals = data["signals"]
        assert isinstance(signals, list)
        signals[0].update(fields)

    return change


BREAKAGES = [
    (
        "missing title",
        _edit_cause("mfa-required", lambda d: d.pop("title")),
        "mfa-required.yaml: field 'title'",
    ),
    ("bad side", _edit_cause("mfa-required", lambda d: d.update(sides=["left"])), "field 'sides'"),
    (
        "bad platform",
        _edit_cause("mfa-required", lambda d: d.update(platforms=["lotus"])),
        "field 'platforms'",
    ),
    ("unknown related", _edit_cause("mfa-required", lambda d: d.update(related=["nope"])), "field 'related'"),
    ("id mismatch", _edit_cause("mfa-required", lambda d: d.update(id="mfa")), "field 'id'"),
    ("no steps", _edit_cause("mfa-required", lambda d: d.update(steps=[])), "field 'steps'"),
    ("prior too big", _edit_cause("mfa-required", lambda d: d.update(prior=3)), "field 'prior'"),
    ("weight too big", _edit_cause("mfa-required", _first_signal(weight=2)), "field 'weight'"),
    ("claim for the cause", _edit_cause("mfa-required", _first_signal(claim=True)), "field 'claim'"),
    ("claim not a flag", _edit_cause("mfa-required", _first_signal(claim="yes")), "field 'claim'"),
    (
        "a clue against the cause explaining claims",
        _edit_cause("mfa-required", _first_signal(weight=-0.5, explains_claims=True)),
        "field 'explains_claims'",
    ),
    (
        "days apart without the days captured",
        _edit_cause("mfa-required", _first_signal(days_apart=[13, 21])),
        "field 'days_apart'",
    ),
    (
        "days apart the wrong way round",
        _edit_cause(
            "mfa-required",
            _first_signal(pattern=r"\bon\s+(?P<then>\d+)\D+(?P<now>\d+)", days_apart=[21, 13]),
        ),
        "field 'days_apart'",
    ),
    ("bad regex", _edit_cause("mfa-required", _first_signal(pattern="(unclosed")), "invalid pattern"),
    ("backtracking", _edit_cause("mfa-required", _first_signal(pattern=r"(\w+\s?)+x")), "backtrack"),
    ("empty match", _edit_cause("mfa-required", _first_signal(pattern=r"x*")), "matches empty text"),
    (
        "apostrophe doubled twice",
        _edit_cause("mfa-required", _first_signal(pattern=r"\bhaven''t\s+set\s+up\s+mfa")),
        "doubled apostrophe",
    ),
    (
        "slow start",
        _edit_cause("mfa-required", _first_signal(pattern=r"\S+ mfa")),
        "must begin with literal",
    ),
    (
        "step without do",
        _edit_cause("mfa-required", lambda d: d.update(steps=[{"where": "x"}])),
        "field 'do'",
    ),
]


@pytest.mark.parametrize(("name", "breakage", "message"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_broken_cause_files_name_file_and_field(
    catalog_copy: Path, name: str, breakage: Callable[[Path], None], message: str
) -> None:
    load_catalog(catalog_copy)  # the untouched copy loads
    breakage(catalog_copy)
    with pytest.raises(CatalogError, match=re.escape(message)):
        load_catalog(catalog_copy)


def test_unparseable_yaml_is_reported_with_its_file(catalog_copy: Path) -> None:
    (catalog_copy / ARTICLE / "triage.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"triage\.yaml: cannot be read"):
        load_catalog(catalog_copy)


@pytest.mark.parametrize(
    ("source", "message"),
    [("(unclosed", "invalid pattern"), (r"(\w+\s?)+x", "backtrack"), ("x?", "empty text")],
)
def test_a_broken_gate_pattern_names_file_and_field(catalog_copy: Path, source: str, message: str) -> None:
    path = catalog_copy / ARTICLE / "article.yaml"
    article = yaml.safe_load(path.read_text(encoding="utf-8"))
    article["gate"]["error_words"] = source
    path.write_text(yaml.safe_dump(article), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"article\.yaml: gate: field 'error_words'.*" + message):
        load_catalog(catalog_copy)


def test_duplicate_cause_ids_across_articles_are_refused(catalog_copy: Path) -> None:
    shutil.copytree(catalog_copy / ARTICLE, catalog_copy / "second-article")
    with pytest.raises(CatalogError, match="defined twice"):
        load_catalog(catalog_copy)


def test_a_new_article_is_a_data_change(catalog_copy: Path) -> None:
    second = catalog_copy / "second-article"
    shutil.copytree(catalog_copy / ARTICLE, second)
    for path in (second / "causes").iterdir():
        path.unlink()
    (second / "reading.json").unlink()  # a new article has no labelled messages to learn from yet
    cause = yaml.safe_load((catalog_copy / ARTICLE / "causes" / "mfa-required.yaml").read_text())
    cause.update(
        id="imap-disabled", related=[], signals=[{"pattern": r"\bimap\b", "weight": 0.9, "because": "IMAP"}]
    )
    (second / "causes" / "imap-disabled.yaml").write_text(yaml.safe_dump(cause), encoding="utf-8")
    catalog = load_catalog(catalog_copy)
    assert "imap-disabled" in catalog.causes
    assert len(catalog.articles) == 2


@pytest.mark.parametrize("source", [r"(a+)+$", r"(?:x*y?)*z", r"(a|b+)*", r"(?:(?:ab)+c)+"])
def test_nested_unbounded_repeats_are_refused(source: str) -> None:
    with pytest.raises(CatalogError, match="backtrack"):
        compile_pattern(source, "test")


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (r"\bcreated\s+(?:\w+\s+){0,4}?ago", "created the users an hour ago"),
        (r"\bab{0,3}c+", "abbc"),
        (r"\b(?:ab){2}c*", "abab"),
        (r"impersonat\w*", "ErrorImpersonateUserDenied"),
        (r"%\s*memory", "95% memory"),
        ("有効期限", "パスワードの有効期限が切れています"),
    ],
)
def test_bounded_literal_led_shapes_are_accepted(source: str, text: str) -> None:
    assert compile_pattern(source, "test").first(Text(text))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (r"\w+ failed", "must begin with literal text"),
        (r"(?:\S+\s+){0,3}?401", "must begin with literal text"),
        (r"(?:ok|fine)\b", "may start inside a word with 'ok'"),
        (r"io\b", "may start inside a word"),
        ("源|目标", "may start inside a word with '源'"),
    ],
)
def test_patterns_that_cannot_be_looked_up_fast_are_refused(source: str, message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)):
        compile_pattern(source, "test")


@pytest.mark.parametrize(
    ("source", "branches"),
    [
        (r"\ba|\bb", [r"\ba", r"\bb"]),
        (r"\bb(?:c|d)|\be", [r"\bb(?:c|d)", r"\be"]),
        (r"\b[|x]y|\bz\|w", [r"\b[|x]y", r"\bz\|w"]),
        (r"\b[]|]x|\by", [r"\b[]|]x", r"\by"]),
        (r"\bsingle", [r"\bsingle"]),
    ],
)
def test_phrase_lists_split_only_at_top_level_bars(source: str, branches: list[str]) -> None:
    assert top_level_alternatives(source) == branches


def test_split_phrase_lists_find_what_the_whole_patterns_find() -> None:
    """Splitting a phrase list at its bars changes where lookups run, never whether a text matches."""
    gate = default_catalog().articles[0].gate
    texts = [case["text"] for case in read_cases(OWN_CASES)][::7]
    for name in ("talk", "resolved", "unresolved", "not_failure", "context", "elsewhere"):
        finders = getattr(gate, name)
        whole = re.compile("|".join(f"(?:{finder.pattern.pattern})" for finder in finders), re.IGNORECASE)
        lookups = FinderSet(finders)
        for raw in texts:
            text = lookups.prepare(Text(clean(raw)))
            found = any(finder.first(text) for finder in finders)
            assert bool(whole.search(text.lower)) == found, (name, raw)


def test_every_phrase_the_gate_reads_is_looked_up_with_the_rest() -> None:
    """A gate list left out of the article's finders would be searched on its own for every message."""
    for article in default_catalog().articles:
        registered = set(article.finders())
        for field in fields(article.gate):
            phrases = getattr(article.gate, field.name)
            if isinstance(phrases, Finders):
                assert set(phrases) <= registered, field.name
