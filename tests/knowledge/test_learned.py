"""The learned reading: its features, its packed sums, its file, and how the classifier weighs it."""

from __future__ import annotations

import json
import math
import re
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.classify import Classifier, classify, default_classifier
from knowledge.learned import READ_CHARS, SCALE, LearnedModel, features, pack, unpack
from knowledge.load import CatalogError, load_catalog
from tests.cases import TRAINING_CASES, cases_fingerprint

ARTICLE = "401-unauthorized-error-suite"
CAUSES = ("alpha", "beta")


def test_features_are_tokens_and_adjacent_pairs_of_the_start_only() -> None:
    assert sorted(features("verify fails: 401")) == sorted(
        ["verify", "fails", ":", "401", "verify fails", "fails :", ": 401"]
    )
    assert "tail" not in features("x " * READ_CHARS + "tail")
    assert features("") == []


@given(st.lists(st.lists(st.integers(-(2**20), 2**20), min_size=4, max_size=4), max_size=300))
def test_packed_sums_unpack_to_the_sums_of_each_field(rows: list[list[int]]) -> None:
    total = sum(pack(row) for row in rows)
    assert unpack(total, 4) == [sum(row[field] for row in rows) for field in range(4)]


def _model(weights: dict[str, list[float]], live_bias: float = -0.5) -> LearnedModel:
    scaled = {feature: [round(number * SCALE) for number in numbers] for feature, numbers in weights.items()}
    return LearnedModel(CAUSES, live_bias, [0.2, -0.2], scaled)


def test_reading_is_logistic_regression_over_unit_length_tf_idf() -> None:
    # per feature: idf squared, live weight times idf, one weight per cause times idf
    weights = {
        "verify": [4.0, 1.5, 0.5, -0.25],
        "fails": [1.0, 2.0, -1.0, 1.0],
        "quiz": [9.0, -3.0, 0.0, 0.0],
    }
    reading = _model(weights).read("verify fails again")
    norm = math.sqrt(4.0 + 1.0)  # "again" and the pairs are unknown: they neither vote nor lengthen
    assert reading.known == 2
    assert reading.live == pytest.approx(1 / (1 + math.exp(-(-0.5 + (1.5 + 2.0) / norm))), abs=1e-3)
    logits = [0.2 + (0.5 - 1.0) / norm, -0.2 + (-0.25 + 1.0) / norm]
    expected = [math.exp(logit) / sum(map(math.exp, logits)) for logit in logits]
    assert [reading.causes[cause] for cause in CAUSES] == pytest.approx(expected, abs=1e-3)


def test_a_pair_counts_where_its_two_tokens_stand_together_and_only_there() -> None:
    model = _model({"fails :": [1.0, 3.0, 0.0, 0.0]})
    assert model.read("verify fails: 401").known == 1
    assert model.read("fails, then : 401").known == 0


def test_a_text_with_no_known_feature_gets_the_biases_alone() -> None:
    reading = _model({"verify": [1.0, 5.0, 5.0, 0.0]}).read("lunch at noon")
    assert reading.known == 0
    assert reading.live == pytest.approx(1 / (1 + math.exp(0.5)))
    assert reading.causes["alpha"] == pytest.approx(math.exp(0.2) / (math.exp(0.2) + math.exp(-0.2)))


def test_the_shipped_reading_was_trained_on_the_current_cases() -> None:
    shipped = json.loads((Path(str(files("knowledge") / "catalog")) / ARTICLE / "reading.json").read_text())
    assert shipped["trained_on"]["fingerprint"] == cases_fingerprint(TRAINING_CASES), (
        "reading.json is stale: run `python -m tests.cases` (needs the train extra)"
    )


@pytest.fixture
def reading_file(tmp_path: Path) -> Path:
    shutil.copytree(Path(str(files("knowledge") / "catalog")), tmp_path / "catalog")
    return tmp_path / "catalog" / ARTICLE / "reading.json"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"read_chars": 1000', '"read_chars": 2000', "field 'read_chars': must be 1000"),
        ('"causes": ["', '"causes": ["nope", "', "field 'causes'"),
        ('"live_bias": ', '"live_bias": "high", "was": ', "field 'live_bias'"),
        ('"cause_biases": [', '"cause_biases": [1, ', "field 'cause_biases'"),
        (
            '"features": {\n  ',
            '"features": {\n  "not a feature": [1, 2],\n  ',
            "features: field 'not a feature'",
        ),
    ],
)
def test_a_broken_reading_file_names_its_file_and_field(
    reading_file: Path, old: str, new: str, message: str
) -> None:
    content = reading_file.read_text(encoding="utf-8")
    assert old in content
    reading_file.write_text(content.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"reading\.json.*" + re.escape(message)):
        load_catalog(reading_file.parent.parent)


def test_an_article_without_a_reading_is_read_by_its_phrases_alone(reading_file: Path) -> None:
    reading_file.unlink()
    assert load_catalog(reading_file.parent.parent).articles[0].reading is None


TALK = "lunch-and-learn thursday: walking through MigrationWiz 401 Unauthorized triage, bring tickets"


def test_a_message_the_phrases_accept_but_that_reads_as_talk_is_left_alone() -> None:
    diagnosis = classify(TALK)
    assert not diagnosis.matched
    assert any("Read as a whole, this is talk" in note for note in diagnosis.notes)
    assert classify("MigrationWiz 401 Unauthorized on verify for every mailbox since thursday").matched


@pytest.mark.parametrize(
    "paste",
    [
        "Basic Auth Disabled: MigrationWiz has detected that Basic Authentication is off",
        "401 Unauthorized - Basic Auth Disabled: MigrationWiz has detected that Basic Authentication is off",
        "HTTP 401 Unauthorized: DatabaseNotFoundException",
        "401 - AADSTS50076 due to a configuration change made by your administrator",
    ],
)
def test_the_reading_never_turns_away_the_pasted_error_itself(reading_file: Path, paste: str) -> None:
    """A reading that takes every message for talk still lets a paste through, even behind words naming
    the error; a failure merely told is turned away."""
    sceptic = _reading_biased(reading_file, -50.0)
    assert sceptic(paste).matched
    assert not sceptic(f"we keep talking about this one: {paste}").matched


def _reading_biased(reading_file: Path, live_bias: float) -> Classifier:
    """A classifier whose learned reading leans as far as `live_bias` says, whatever the text."""
    document = json.loads(reading_file.read_text(encoding="utf-8"))
    document["live_bias"] = live_bias
    reading_file.write_text(json.dumps(document), encoding="utf-8")
    return Classifier(load_catalog(reading_file.parent.parent))


EVIDENCE = "svc acct on the old exchange box has no impersonation role"


def test_evidence_alone_is_answered_only_when_put_to_the_bot(reading_file: Path) -> None:
    """No reading, however sure, makes evidence with no word of failure a live report in a channel:
    positive states read much like reports ("OWA for the synced users shows the mailbox list"). Put to the
    bot directly, evidence of this domain is a report by being asked, whatever the reading says."""
    assert not _reading_biased(reading_file, 50.0)(EVIDENCE).matched
    sceptic = _reading_biased(reading_file, -50.0)
    diagnosis = sceptic(EVIDENCE, asked=True)
    assert diagnosis.matched
    assert diagnosis.causes[0].id == "insufficient-permissions"
    assert any("put to the bot" in note for note in diagnosis.notes)
    blocked = sceptic("src onedrive user left the company last year, sign-in blocked", asked=True)
    assert blocked.causes[0].id == "onedrive-source-user"
    assert not sceptic("what's for lunch today?", asked=True).matched


WORKED_THROUGH = (
    "not MFA, not perms (same account verified fine yesterday). what did change: helpdesk reset the source "
    "svc acct password this morning and the endpoint still has the old one"
)


@pytest.mark.parametrize(
    ("worked_through", "cause"),
    [
        (WORKED_THROUGH, "wrong-credentials"),
        (
            "pw fine, no MFA. the source admin's address is also a personal Microsoft account",
            "account-picker",
        ),
        (
            "Not a password issue. the address is linked to both a work and a home account, so login makes "
            "you choose. that's on source",
            "account-picker",
        ),
        (
            "ruled out: MFA (disabled, checked), perms (GA). only oddity on the source side: logging into "
            "OWA with the same creds it forces me to set a new pw before continuing",
            "password-change-required",
        ),
    ],
)
def test_evidence_that_works_through_the_causes_lets_the_reading_answer(
    reading_file: Path, worked_through: str, cause: str
) -> None:
    """Ruling causes out one by one and naming another is working a failure: when the reading takes it
    for a live one, it is answered, though no word says what fails; a sceptical reading leaves it."""
    diagnosis = _reading_biased(reading_file, 50.0)(worked_through)
    assert diagnosis.matched
    assert diagnosis.causes[0].id == cause
    assert not _reading_biased(reading_file, -50.0)(worked_through).matched


@pytest.mark.parametrize(
    "not_worked_through",
    [
        # causes ruled out, none named: a pre-flight check
        "not MFA, not perms, security defaults off on the source admin. all set for friday",
        # a cause named and then ruled out itself
        "MFA is off on the source admin, checked. security defaults too",
        # evidence alone
        EVIDENCE,
    ],
)
def test_evidence_that_rules_nothing_out_or_names_nothing_left_is_not_answered(
    reading_file: Path, not_worked_through: str
) -> None:
    assert not _reading_biased(reading_file, 50.0)(not_worked_through).matched


def test_the_reading_says_nothing_of_a_message_it_knows_too_few_words_of(reading_file: Path) -> None:
    """However sure it leans, a reading that knows only a few marks of a message in a script it has seen
    little of neither turns the phrases' report away nor makes a note about the article a report; the same
    message in words it knows is its to judge."""
    sceptic = _reading_biased(reading_file, -50.0)
    assert sceptic("移行先の管理者パスワードを変えたら 401 が続いています。").matched
    assert sceptic(
        "Η MigrationWiz δίνει 401 Unauthorized στον προορισμό — οι χρήστες άλλαξαν τους κωδικούς τους "
        "την περασμένη εβδομάδα"
    ).matched
    assert not sceptic(
        "source admin password rotated last week, the endpoint still has the old one, 401"
    ).matched
    enthusiast = _reading_biased(reading_file, 50.0)
    assert enthusiast("401 unauthorized").matched
    assert not enthusiast(
        "Την επόμενη εβδομάδα στην εκπαίδευση θα διαβάσουμε μαζί το άρθρο για το 401 Unauthorized, ελάτε όλοι"
    ).matched


def test_the_reading_never_overrules_a_failure_said_to_go_on_or_put_to_the_bot() -> None:
    assert default_classifier()(TALK, asked=True).matched
    assert classify(TALK + ", and our own Contoso project still fails with it").matched


@pytest.mark.parametrize(
    ("live", "not_live"),
    [
        (
            "Northwind status: phase 3, 95 of 110 done, 15 failing verify credentials with 401 on the source",
            "Northwind status: phase 3, 95 of 110 done, 0 failing verify credentials with 401 on the source",
        ),
        (
            "Northwind source admin: 'password has expired' at sign-in, 401s all morning",
            "Northwind source admin: 'password has expired' at sign-in, 401s this morning",
        ),
        (
            "<@U0XYZ> could someone take the 401 on Northwind dest? I'm stuck in the Fabrikam cutover call",
            "<@U0XYZ> I took the 401 on Northwind dest. I'm stuck in the Fabrikam cutover call",
        ),
        (
            "Encore des 401 sur le projet Martin ce matin, je regarde ça après le café",
            "Pas encore de 401 sur le projet Martin ce matin, je regarde ça après le café",
        ),
    ],
    ids=["a count failing now", "all morning", "someone asked to take it", "french again"],
)
def test_a_failure_counted_lasting_or_handed_on_now_keeps_a_report_live(
    reading_file: Path, live: str, not_live: str
) -> None:
    """'15 failing', '401s all morning' and 'could someone take the 401' say the failure is on now, which no
    reading overrules; the same words without it are the reading's to judge."""
    sceptic = _reading_biased(reading_file, -50.0)
    assert sceptic(live).matched
    assert not sceptic(not_live).matched


def test_a_bare_error_falls_back_to_how_common_each_cause_is() -> None:
    ranked = classify("401 Unauthorized on verify").causes
    assert not ranked[0].from_text
    assert ranked[0].id == "wrong-credentials"  # the commonest cause, whatever a short text's softmax says


@pytest.mark.parametrize(
    ("evidence", "failing", "cause"),
    [
        (
            "the dest mailboxes only got licensed an hour ago",
            "and mw just bounces on every one",
            "new-account-provisioning",
        ),
        (
            "svc acct on the old exchange box has no impersonation role",
            ", every mbx in the batch bounces",
            "insufficient-permissions",
        ),
    ],
)
def test_a_failure_no_phrase_knows_is_answered_when_said_in_loose_words(
    evidence: str, failing: str, cause: str
) -> None:
    diagnosis = classify(f"{evidence} {failing}")
    assert diagnosis.matched
    assert any("read as a whole it reads like one" in note for note in diagnosis.notes)
    assert diagnosis.causes[0].id == cause


def test_talk_around_an_own_failure_gives_way_when_the_reading_is_all_but_sure() -> None:
    report = (
        "dest admin is a plain user with no exchange admin role and every mailbox is 401 on verify, so we "
        "won't get the pass done before tonight and I've pushed the schedule by a day"
    )
    diagnosis = classify(report)
    assert diagnosis.matched
    assert any("taken for an aside" in note for note in diagnosis.notes)
    assert diagnosis.causes[0].id == "insufficient-permissions"


def test_a_failure_said_in_loose_words_lets_the_reading_answer() -> None:
    assert classify("OWA for the synced users says we couldn't find a mailbox for this user").matched
    assert classify("dest admin gets an Authenticator number prompt on login, MW verify never passes").matched
    dying = "old tenant creds check keeps dying, the app registration shows EWS.AccessAsUser.All not granted"
    assert classify(dying).matched
    assert classify(
        "acct chooser pops up for the target admin at login, is that what's killing verify?"
    ).matched
    assert classify("src svc acct is a plain user with no exchange admin role. login ok, verify not").matched
    # "verifying now" is no fix when it bounces in the same breath
    assert classify(
        "new tenant created this morning, admin made at 10, verifying now and it just bounces"
    ).matched
    assert classify(
        "pw was reset by the helpdesk overnight and the endpoint still has the old one. verify ✗"
    ).matched
    # the cause found, or a check to run again, says something failed
    assert classify(
        "Found it I think: the MigrationWiz app in the target tenant shows admin consent not granted, and "
        "verify stays at the credentials check for everyone."
    ).matched
    assert classify(
        "the target mailboxes were created an hour ago. give it till tomorrow and reverify"
    ).matched
    assert not classify("OWA for the synced users shows the mailbox list").matched


def test_talk_the_phrases_let_through_beside_the_error_wording_is_turned_away_when_all_but_sure() -> None:
    wiki = (
        "for the wiki: should the Basic Auth Disabled wording be quoted verbatim or paraphrased? "
        "editing the page"
    )
    diagnosis = classify(wiki)
    assert not diagnosis.matched
    assert any("Read as a whole, this is talk" in note for note in diagnosis.notes)


def test_the_reading_answers_an_unnamed_failure_only_in_this_domain() -> None:
    # MigrationWiz unhappy with freshly licensed users: no failure the phrases know, but this domain's
    assert classify("put E5 on the new target users 15 min ago and mw is unhappy with all of them").matched
    # another system's 401 (an export to S3): the reading's liking for "401 Unauthorized" is not enough
    export = "週次のエクスポート（rclone → S3 バケット）が 401 Unauthorized で失敗。キーの期限切れ？"
    assert not classify(export).matched
