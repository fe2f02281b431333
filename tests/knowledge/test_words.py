"""The word vote: stems, counts, the vote itself, the shipped file's freshness, and its place in ranking."""

from __future__ import annotations

import json
import re
import shutil
from importlib.resources import files
from pathlib import Path

import pytest

from knowledge.classify import Classifier
from knowledge.load import CatalogError, catalog_folder, default_catalog, load_catalog
from knowledge.matcher import Text
from knowledge.words import (
    CHATTER_FILE,
    MIN_REPORTS,
    WORDS_FILE,
    ChatterModel,
    Stems,
    WordModel,
    chatter_json,
    count_reports,
    labelled_reports,
    stems,
    words_json,
)
from tests.cases import TRAINING_CASES, chatter_messages

ARTICLE = "401-unauthorized-error-suite"


def test_stems_cut_words_and_skip_numbers_and_short_words() -> None:
    found = stems(Text("The Licensed users: 401 on it, 2024-06-11 and licences"))
    assert found["license"] == "licensed"  # the first word a stem came from is kept for evidence
    assert "licence" in found
    assert not {"401", "on", "it", "2024"} & set(found)


def test_handles_addresses_and_hosts_do_not_vote() -> None:
    found = stems(Text("ask @dana about contoso.com, mail admin@fabrikam.net; contoso's other site"))
    assert not {"dana", "admin", "fabrika"} & set(found)
    assert "contoso" in found  # named once outside an address too
    assert "about" in found


def test_japanese_runs_give_character_pairs() -> None:
    found = stems(Text("MigrationWizで移行先"))
    assert {"移行", "行先"} <= set(found)
    assert "migrati" in found


def test_words_only_inside_the_given_spans_are_left_out() -> None:
    text = Text("mailbox impersonation mailbox licence")
    spans = ((0, 7), (5, 22), (30, 40))  # overlapping spans cover the first "mailbox" and "impersonation"
    found = stems(text, outside=spans)
    assert "mailbox" in found  # it stands outside the spans too
    assert "imperso" not in found
    assert "licence" not in found
    assert set(stems(text)) == {"mailbox", "imperso", "licence"}


def test_counts_drop_stems_from_too_few_reports() -> None:
    reports = [("zebra stripes", ["a"])] * MIN_REPORTS + [("okapi", ["b"])] * (MIN_REPORTS - 1)
    content = count_reports(reports)
    assert content["reports"] == {"a": MIN_REPORTS, "b": MIN_REPORTS - 1}
    assert content["stems"]["zebra"] == {"a": MIN_REPORTS}
    assert "okapi" not in content["stems"]


def _model() -> WordModel:
    reports = [
        ("zebra crossing", ["a"]),
        ("okapi crossing", ["b"]),
        ("crossing", ["c"]),
        ("crossing", ["d"]),
    ] * 5
    content = count_reports(reports)
    return WordModel.from_counts(content["reports"], content["stems"])


def test_a_stem_leans_to_the_cause_whose_reports_hold_it() -> None:
    model = _model()
    assert "crossin" not in model.weights  # held by every cause alike: it says nothing
    vote = model.vote(Stems(Text("a zebra again")))
    assert max(vote.shares, key=lambda cause: vote.shares[cause]) == "a"
    assert vote.leaning("a") == ("zebra",)
    assert vote.leaning("b") == ()
    assert sum(vote.shares.values()) == pytest.approx(1.0)


def test_a_joined_run_leaning_to_a_cause_is_quoted_once() -> None:
    reports = [("パスワード変更", ["a"]), ("zebra", ["b"]), ("okapi", ["c"]), ("gnu", ["d"])] * 5
    content = count_reports(reports)
    vote = WordModel.from_counts(content["reports"], content["stems"]).vote(Stems(Text("パスワード変更")))
    assert vote.leaning("a") == ("パスワード変更",)


def test_unknown_words_leave_the_vote_even() -> None:
    vote = _model().vote(Stems(Text("nothing familiar here")))
    assert list(vote.shares.values()) == [pytest.approx(1 / 4)] * 4


def test_shipped_word_files_are_rebuilt_from_the_training_cases() -> None:
    article = next(article for article in default_catalog().articles if article.id == ARTICLE)
    assert article.words is not None and article.chatter is not None  # shipped inside the package
    shipped = (catalog_folder() / ARTICLE / WORDS_FILE).read_text(encoding="utf-8")
    assert shipped == words_json(labelled_reports(TRAINING_CASES), article), (
        "knowledge's words.json is stale: run `python -m tests.cases`"
    )
    shipped = (catalog_folder() / ARTICLE / CHATTER_FILE).read_text(encoding="utf-8")
    assert shipped == chatter_json(chatter_messages()), "chatter.json is stale: run `python -m tests.cases`"


def _chatter_model(messages: list[tuple[str, bool]]) -> ChatterModel:
    content = json.loads(chatter_json(messages))
    return ChatterModel.from_counts(content["messages"], content["stems"])


def test_chatter_words_lean_to_chatter_and_failure_words_away() -> None:
    model = _chatter_model([("planning the kickoff agenda", False)] * 5 + [("verify fails again", True)] * 5)
    assert model.odds(Stems(Text("agenda for the kickoff"))).log_odds > 2
    assert set(model.odds(Stems(Text("agenda for the kickoff"))).words) == {"agenda", "kickoff", "the"}
    assert model.odds(Stems(Text("verify fails"))).log_odds < -2
    assert model.odds(Stems(Text("nothing known"))).log_odds == 0


def test_a_japanese_word_weighs_about_as_much_as_a_latin_one() -> None:
    model = _chatter_model([("ticket チケット", False)] * 5 + [("verify fails again", True)] * 5)
    latin, joined = model.odds(Stems(Text("ticket"))), model.odds(Stems(Text("チケット")))
    assert 0 < joined.log_odds < 2 * latin.log_odds  # three overlapping pairs, not three words
    assert joined.words == ("チケット",)


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    shutil.copytree(Path(str(files("knowledge") / "catalog")), tmp_path / "catalog")
    return tmp_path / "catalog"


def _write_words(root: Path, reports: list[tuple[str, list[str]]]) -> None:
    (root / ARTICLE / WORDS_FILE).write_text(words_json(reports), encoding="utf-8")


def test_the_vote_ranks_a_cause_no_clue_names(catalog_copy: Path) -> None:
    text = "MigrationWiz verify credentials failed: 401 Unauthorized. Zebras graze there, stripes and all."
    (catalog_copy / ARTICLE / WORDS_FILE).unlink()
    without = Classifier(load_catalog(catalog_copy))(text)
    priors = {cause.id: cause.prior for cause in load_catalog(catalog_copy).causes.values()}
    causes = sorted(priors)
    least_common = min(causes, key=lambda cause: priors[cause])
    _write_words(
        catalog_copy,
        [("zebras graze there, stripes", [least_common])] * 6
        + [("nothing here", [cause]) for cause in causes] * 6,
    )
    with_words = Classifier(load_catalog(catalog_copy))(text)
    assert without.causes[0].id != least_common
    assert with_words.causes[0].id == least_common
    assert any("'zebras'" in line for line in with_words.causes[0].evidence)
    assert with_words.matched and with_words.endpoint == without.endpoint


CHATTER_LIKE = "kickoff agenda for next week: the MigrationWiz 401 Unauthorized on the destination"


def _write_chatter(root: Path) -> None:
    messages = [("kickoff agenda for next week", False)] * 20 + [("destination 401 unauthorized", True)] * 20
    (root / ARTICLE / CHATTER_FILE).write_text(chatter_json(messages), encoding="utf-8")


def test_channel_text_worded_like_chatter_is_left_alone(catalog_copy: Path) -> None:
    (catalog_copy / ARTICLE / CHATTER_FILE).unlink()
    assert Classifier(load_catalog(catalog_copy))(CHATTER_LIKE).matched
    _write_chatter(catalog_copy)
    classifier = Classifier(load_catalog(catalog_copy))
    refused = classifier(CHATTER_LIKE)
    assert not refused.matched
    (note,) = [note for note in refused.notes if note.startswith("Reads like talk")]
    assert {"'kickoff'", "'agenda'", "'next'", "'week'", "'for'"} >= set(re.findall(r"'\w+'", note)) != set()
    assert classifier(CHATTER_LIKE, asked=True).matched  # put to the bot directly, it answers
    assert classifier(f"{CHATTER_LIKE}, and it still fails").matched  # says the failure goes on


def test_the_vote_does_not_make_chatter_a_match(catalog_copy: Path) -> None:
    causes = sorted(load_catalog(catalog_copy).causes)
    _write_words(catalog_copy, [("lunch in room 401", [cause]) for cause in causes] * 6)
    assert not Classifier(load_catalog(catalog_copy))("lunch in room 401 today?").matched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "words.json: cannot be read"),
        (json.dumps({"reports": {"imap": 3}, "stems": {}}), "field 'reports'"),
        (json.dumps({"stems": {}}), r"words\.json: reports: expected a mapping"),
    ],
)
def test_a_broken_word_file_names_itself(catalog_copy: Path, content: str, message: str) -> None:
    (catalog_copy / ARTICLE / WORDS_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(catalog_copy)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"messages": {"chatter": 0, "failures": 3}, "stems": {}}, "field 'chatter'"),
        ({"messages": {"chatter": 3, "failures": 3}, "stems": {"x": [1]}}, "field 'x': must be two"),
        ({"messages": {"chatter": 3, "failures": 3}, "stems": {"x": [1, -1]}}, "field 'x': must be two"),
    ],
)
def test_a_broken_chatter_file_names_itself(catalog_copy: Path, content: object, message: str) -> None:
    (catalog_copy / ARTICLE / CHATTER_FILE).write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"chatter\.json.*{message}"):
        load_catalog(catalog_copy)


def test_word_counts_must_be_for_known_causes_and_whole(catalog_copy: Path) -> None:
    path = catalog_copy / ARTICLE / WORDS_FILE
    content = json.loads(path.read_text(encoding="utf-8"))
    stem = next(iter(content["stems"]))
    for held, message in [({"imap": 1}, "cause ids"), ({"mfa-required": -1}, "whole numbers")]:
        broken = {**content, "stems": {**content["stems"], stem: held}}
        path.write_text(json.dumps(broken), encoding="utf-8")
        with pytest.raises(CatalogError, match=rf"words\.json: stems: field '{stem}'.*{message}"):
            load_catalog(catalog_copy)
