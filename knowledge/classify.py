"""Text in, Diagnosis out: is this a 401 worth answering, in which wording, on which side, and why."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from knowledge.entries import entry_starts
from knowledge.learned import READ_CHARS, Reading
from knowledge.load import default_catalog
from knowledge.matcher import Finder, Finders, FinderSet, Prefilter, Text
from knowledge.model import STRONG_CLUE, Article, Catalog, Cause, Diagnosis, Gate, RankedCause, Side
from knowledge.sides import SIDE_FINDERS, failing_side, side_failures
from knowledge.slacktext import clean

MAX_ANALYSED_CHARS = 20_000
# the bot's command typed into a message, where Slack does not run it (in a thread): put to the bot directly
_COMMAND = re.compile(r"\s*/why401\b", re.IGNORECASE)
OTHER_FORM = "other-401"
_OFF_SIDE_FACTOR = 0.5
# The learned reading overrules the catalog's phrases on whether a message reports a live failure only when
# it is this sure of the opposite; chosen by bench/learned_split.py on rounds the reading was not trained on.
_LEARNED_TALK_BELOW = 0.3
_LEARNED_LIVE_ABOVE = 0.8
_LEARNED_SURE_LIVE = 0.95  # ... and only this sure to overrule talk around an own failure ("so we won't ...")
_LEARNED_SURE_TALK = 0.01  # ... or a failure the phrases found going on past the talk or fixes they weighed
# It judges a message only when it knows this many of the message's features (of one in a script it has
# seen little of, "移行先で401エラー。", it may know a few marks and the number) and this part of them (of a
# note in Greek, only "401 unauthorized" and a comma): turning a report away needs both, taking one for live
# the part.
_LEARNED_FEWEST_KNOWN = 5
_LEARNED_LEAST_SHARE = 0.25
_LEARNED_EVIDENCE = 0.5  # from this chance the learned reading is named as evidence for a cause
# The learned vote on causes weighs known / (known + this) against the phrases: a few known features
# ("401 unauthorized") say little, whatever the model's softmax makes of them.
_LEARNED_HALF_WEIGHT = 30
_SNIPPET_CHARS = 60

Spans = tuple[tuple[int, int], ...]
# What the gate makes of a message: a live failure (one that "goes on" past fixes or talk the gate weighed),
# a failure mention nothing places here, no failure it knows, an own failure framed as talk, or one ruled
# out (fixed, disclaimed, another error).
GateVerdict = Literal["live", "goes on", "unplaced", "unsaid", "talk", "refused"]


def _snippet(text: Text, start: int, end: int) -> str:
    words = " ".join(text.span_text(start, end).split())
    return words if len(words) <= _SNIPPET_CHARS else words[: _SNIPPET_CHARS - 1] + "…"


def _spans(finders: Finders, text: Text) -> Spans:
    """Where any of a phrase list matches, in order; found once per text, since the gate, the fixes and the
    closing of a case ask for the same lists."""
    spans = text.spans.get(finders)
    if spans is None:
        found = (match.span() for finder in finders.live(text) for match in finder.matches(text))
        spans = text.spans[finders] = tuple(sorted(found))
    return spans


_FOREIGN_REACH = 300  # characters around a failure mention in which another system's name claims it


def _any(finders: Finders, text: Text) -> bool:
    return any(finder.first(text) for finder in finders.live(text))


_MASK_REACH = 80  # how far before a failure mention a "room", "PR" or count that disowns it may start


def _masks(gate: Gate, text: Text, mentions: Spans) -> Spans:
    """The not-a-failure spans (room 401, 401(k), 401 mailboxes ...) that start near a failure mention.

    Only the stretches around the mentions are looked at, and mentions close together share one stretch, so
    a paste full of "401"s stays linear.
    """
    windows: list[tuple[int, int]] = []
    for start, end in mentions:
        if windows and start - _MASK_REACH <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start - _MASK_REACH, end))
    return tuple(
        sorted(m.span() for finder in gate.not_failure.live(text) for m in finder.starting_in(text, windows))
    )


def _disowned(masks: Spans, mask_starts: list[int], start: int, end: int) -> bool:
    """Whether a not-a-failure span covers this mention."""
    low, high = bisect_left(mask_starts, start - _MASK_REACH), bisect_left(mask_starts, end)
    return any(mask_end > start for _, mask_end in masks[low:high])


_ERROR_REACH = 40  # how near a bare number an error word must stand to make it an error


def _the_same_number_again(gate: Gate, text: Text, start: int, end: int) -> bool:
    """Whether a mention is a bare number ("401", not "401s" nor "401ing") with no error word around it."""
    return (
        gate.error_words is not None
        and text.lower[start:end].isdigit()
        and not gate.error_words.search(text.lower, max(0, start - _ERROR_REACH), end + _ERROR_REACH)
    )


def _undisowned(gate: Gate, text: Text, mentions: Spans) -> list[tuple[int, int]]:
    """The failure mentions no room, PR, 401(k) or count disowns."""
    masks = _masks(gate, text, mentions)
    mask_starts = [start for start, _ in masks]
    return [span for span in mentions if not _disowned(masks, mask_starts, *span)]


def _names_the_error(gate: Gate, text: Text, start: int, end: int) -> bool:
    """Whether a failure mention names the error itself ("users fail" may be failing with a 500), and not a
    document about it ("the 401 KB")."""
    names, titles = gate.names_the_error, gate.document_titles
    return (names is None or bool(names.search(text.lower, start, end))) and not (
        titles is not None and titles.match(text.lower, end)
    )


def _own_failure(gate: Gate, text: Text, undisowned: list[tuple[int, int]], named: bool = False) -> bool:
    """A failure mention that is not a room, PR or 401(k) (`undisowned`, as `_undisowned` finds them among
    all the failure mentions, less any the caller rules out), and not next to another system's name unless
    it is said of a migration side ("401 on the source", whatever else the customer runs); with `named`, only
    one that names the error itself counts ("users fail" may be failing with a 500), not a document ("the
    401 KB"). Where some mentions are rooms or a 401(k), a bare "401" needs an error word beside it."""
    mentions = _spans(gate.failure, text)
    if named:
        mentions = tuple((start, end) for start, end in mentions if _names_the_error(gate, text, start, end))
    kept = set(undisowned)  # a mention's masks start just around it, so the full list's verdicts hold
    failures = [span for span in mentions if span in kept]
    if len(failures) < len(mentions):  # "room 401" here: another bare "401" is the room again
        failures = [span for span in failures if not _the_same_number_again(gate, text, *span)]
    if not failures:
        return False
    foreign = [start for start, _ in _spans(gate.elsewhere, text)]
    if not foreign:
        return True
    of_a_side = side_failures(text)
    return any(
        any(begin <= start and end <= stop for begin, stop in of_a_side)
        or not any(start - _FOREIGN_REACH <= at <= end + _FOREIGN_REACH for at in foreign)
        for start, end in failures
    )


def _within(spans: Spans, start: int, end: int) -> bool:
    """Whether a span overlaps any of `spans`."""
    return any(start < stop and begin < end for begin, stop in spans)


_SUPPOSED = re.compile(r"\b(?:if|whether|in\s+case|suppose|supposing)\b[^.,;:!?]*\Z")
_SUPPOSED_REACH = 80  # how far back the "if" of a clause supposing the failure back may stand


def _goes_on(gate: Gate, text: Text, talk: Spans, before: int | None = None) -> bool:
    """Whether the text says the failure goes on ("still", "again") outside the `talk` spans: talk about
    avoiding it ("so we don't hit it again"), or quotations in a message framed as talk; with `before`,
    only where it says so before that point. A clause that only supposes it ("if the defaults came back
    on") says nothing goes on."""
    return any(
        (before is None or start < before)
        and not _within(talk, start, end)
        and not _SUPPOSED.search(text.lower, max(0, start - _SUPPOSED_REACH), start)
        for start, end in _spans(gate.unresolved, text)
    )


_OPENING = 20  # a text that opens with "fixed" or "resolved" reports a fix, whatever follows; so does its
# first line, a title or status line ("Update on Caldwell & Pryce: resolved, closing")
_LATER = 60  # a failure mention this far past a "verify green" tells of a later failure
_FRAME = 120  # talk or a fix named this near the start frames the whole message ("Post-mortem: ...")
_TALK_REACH = 300  # past the opening, talk this far from every failure mention is about another matter
_CONDITION_REACH = 12  # a condition ending this close before a fix governs it ("only after verify is green")


def _entry_index(text: Text, at: int) -> int:
    """Which entry of the text (a reply of a pasted thread, a timeline line) holds position `at`."""
    return bisect_right(text.entries, at)


def _entry_start(text: Text, at: int) -> int:
    """Where the entry holding position `at` begins."""
    return text.entries[_entry_index(text, at) - 1]


def _entry_end(text: Text, at: int) -> int:
    """Where the entry holding position `at` ends."""
    following = _entry_index(text, at)
    return text.entries[following] if following < len(text.entries) else len(text.lower)


def _fixes(gate: Gate, text: Text, failures: list[int]) -> list[int]:
    """Where the text says the failure is fixed: a resolved phrase at its opening or in its first line, or
    one that no later failure mention follows ("verify green on both ... 4 June: 401" is a timeline, not a
    fix; "no more 401s" or a room 401 is no failure mention) nor words right behind it saying the failure goes
    on ("verify passed; today verify fails"); near the start, no later one in its own entry ("update: all good
    now" above the quoted thread); and not one said under a condition ("resume only after verify is green",
    "in case it starts working again"). `failures` are where the failure mentions that no room or count
    disowns start."""
    said = _unconditional(gate, text, sorted(_spans(gate.resolved, text) + _spans(gate.closings, text)))
    if not said:
        return []
    going_on = _going_on(gate, text)

    def followed(start: int, end: int) -> bool:
        stop = _entry_end(text, start) if start < _FRAME else len(text.lower)
        return any(end + _LATER < at < stop for at in failures) or any(
            end <= at <= end + _LATER for at in going_on
        )

    return [
        start
        for start, end in said
        if (start < max(_OPENING, min(text.headline_end, _FRAME)) or not followed(start, end))
        and not _after_a_but(text, end, failures, _FIX_CONTRAST_REACH)
    ]


_CONTRAST = re.compile(
    r"[^.!?\n]{0,40}?\b(?:but|yet|however|though|except|aber|mais|pero|mas|ma|maar|men)\b([^.!?\n]*)"
)
_FIX_CONTRAST_REACH = 80  # how far past its "but" a failure mention gainsays a fix


def _after_a_but(text: Text, end: int, places: list[int], reach: int | None = None) -> bool:
    """Whether a "but" soon after `end` leads, in its sentence (and within `reach` of it), to one of
    `places`: a fix gainsaid by a failure going on ("all mailboxes green in the admin center, but
    MigrationWiz 401s on them"), or a claim against a cause answered by a clue for it ("customer swears
    MFA is off, but signing in asks for the Authenticator")."""
    contrast = _CONTRAST.match(text.lower, end)
    if contrast is None:
        return False
    begin, stop = contrast.span(1)
    stop = stop if reach is None else min(stop, begin + reach)
    return any(begin <= at < stop for at in places)


def _unconditional(gate: Gate, text: Text, said: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not said under a condition ending just before them ("only after verify is green")."""
    if not said:
        return []
    conditions = [end for _, end in _spans(gate.conditions, text)]
    return [
        (start, end)
        for start, end in said
        if not any(0 <= start - at <= _CONDITION_REACH for at in conditions)
    ]


_ACKNOWLEDGEMENT = 40  # a trailing entry shorter than this, name and time included, only reacts (":tada:")
_UNDER_WAY_REACH = 80  # how near a fix the migration must be said to be moving again


def _closed(gate: Gate, text: Text, fixes: list[int], digressions: Spans) -> bool:
    """Whether the text ends with the case solved, no failure nor word of one going on after: its last
    entry, reactions after it aside, closes the case ("verify passes, closing the ticket"), or a fix or the
    credential check passing sits beside the migration moving again ("re-verify ✅, migration running"),
    unless said under a condition ("once verify passes, the pass starts"). `fixes` are where it says the
    failure is fixed, as `_fixes` finds them; closings in `digressions` close another matter."""
    spans = zip(text.entries, (*text.entries[1:], len(text.lower)), strict=True)
    last = max((start for start, end in spans if end - start >= _ACKNOWLEDGEMENT), default=0)
    closings = _outside(digressions, _spans(gate.closings, text))
    ends = [start for start, _ in closings if start >= last]
    passes = [start for start, _ in _unconditional(gate, text, _spans(gate.checks_pass, text))]
    moving = [start for start, _ in _spans(gate.under_way, text)]
    ends += [max(fix, at) for fix in [*fixes, *passes] for at in moving if abs(at - fix) <= _UNDER_WAY_REACH]
    if not ends:
        return False
    closed_at = max(ends)
    # a failure named in the closing itself ("no further 401s since") is the one it closes
    failures = [start for start, end in _spans(gate.failure, text) if not _within(closings, start, end)]
    after = [*failures, *_going_on(gate, text)]
    return all(at <= closed_at for at in after)


def _going_on(gate: Gate, text: Text) -> list[int]:
    """Where words say the failure goes on ("still 401", "today verify fails"), outside talk and asides ("so
    we don't see this one again") and conditions ("unless it flares up again")."""
    talk = _spans(gate.talk, text) + _spans(gate.asides, text)
    return [
        start
        for start, end in _spans(gate.unresolved, text)
        if not (_within(talk, start, end) or _conditional(gate, text, start))
    ]


_QUOTATION = re.compile(
    r'"[^"\n]{1,300}"|“[^”\n]{1,300}”|「[^」\n]{1,300}」|«[^»\n]{1,300}»'
    # single quotes, told from apostrophes ("don't", "users'") by what stands around them
    r"|(?<!\w)'(?=\S)[^\n]{1,300}?(?<=\S)'(?!\w)|‘[^\n]{1,300}?’(?!\w)"
)


def _quotations(text: Text) -> Spans:
    """Where the text quotes someone or something between quotation marks."""
    return tuple(match.span() for match in _QUOTATION.finditer(text.lower))


_CLAUSE_REACH = 40  # how far back in its sentence a condition may govern a word ("unless it flares up again")


def _conditional(gate: Gate, text: Text, at: int) -> bool:
    """Whether a condition earlier in its sentence governs the word at `at` ("unless it flares up again")."""
    return any(
        0 <= at - end <= _CLAUSE_REACH and _SENTENCE_END.search(text.lower, end, at) is None
        for _, end in _spans(gate.conditions, text)
    )


def _aside(digressions: Spans, at: int) -> bool:
    """Whether position `at` lies in one of the `digressions`."""
    return any(begin <= at < stop for begin, stop in digressions)


def _outside(digressions: Spans, spans: Spans) -> Spans:
    """The spans that start in none of the `digressions`."""
    return tuple(span for span in spans if not _aside(digressions, span[0]))


_SENTENCE_END = re.compile(r"[.!?]\s+|。\s*")
_DIGRESSION_END = re.compile(rf"{_SENTENCE_END.pattern}|\s[•·]\s")  # a sentence or a bullet


def _sentence(text: Text, start: int, end: int) -> tuple[int, int]:
    """The sentence (or bullet) holding a span, within its entry."""
    entry_start, entry_end = _entry_start(text, start), _entry_end(text, start)
    before = [stop.end() for stop in _DIGRESSION_END.finditer(text.lower, entry_start, start)]
    after = _DIGRESSION_END.search(text.lower, end, entry_end)
    return max(before, default=entry_start), after.start() if after else entry_end


def _digressions(gate: Gate, text: Text, said: list[tuple[int, int]]) -> Spans:
    """Stretches of a message about another matter than its own failure (`said`: the failure mentions no
    room or count disowns, with the unmistakable wordings).

    A sentence that turns to another matter ("unrelated:", "side note", "the earlier 'wrong password' ...
    was fixed") is one, whole when it holds no own failure, else from the turn on; when the failure comes
    only after the turn ("PR #401 is merged. separately, my project throws 401"), what came before it in
    its entry is. So is what comes before "anyway, for real" in its entry. Fixes, closings, talk and
    asides there are that matter's; only where an own failure stands outside them all."""
    own = (*said, *_spans(gate.unmistakable, text))
    spans = []
    for start, end in _spans(gate.digressions, text):
        sentence_start, sentence_end = _sentence(text, start, end)
        entry_start = _entry_start(text, start)
        if not _within(own, sentence_start, sentence_end):
            spans.append((sentence_start, sentence_end))
        elif _within(own, start, sentence_end) and not _within(own, entry_start, start):
            spans.append((entry_start, start))
        else:
            spans.append((start, sentence_end))
    spans += [(_entry_start(text, start), start) for start, _ in _spans(gate.back_on_topic, text)]
    if not any(not _within(tuple(spans), *span) for span in own):
        return ()
    return tuple(spans)


def _gate_verdict(article: Article, text: Text, asked: bool) -> GateVerdict:
    """An unmistakable wording, or an own failure mention in this domain's context or beside a strong
    clue to one of its causes; not already fixed, not said to be something other than a 401, and not
    another HTTP error told in MigrationWiz's words.

    Talk or a fix named at the start ("Post-mortem:", "Documentation review") frames the message: then
    only the start itself can say the failure goes on ("still broken, not a post-mortem yet"), not an
    "again" in its middle. In a pasted thread or timeline, a fix told in a later entry is how the diagnosis
    ended, or someone's story of another tenant: only the opening entry can say the failure is fixed (or the
    last one close the case, "verify passes, closing the ticket"), and only there does an aside ("for the
    record", "noted in the KB") make the message talk. Past the opening, talk far from every failure
    mention or pasted error wording is another item's ("the reseller training moved to Tuesday").
    When someone asked the bot directly (`asked`), an own failure mention is enough, even in talk about
    one or about one already fixed.

    "unplaced" is an own failure mention with nothing placing it in this domain, "unsaid" a message that
    nothing else rules out but that names no failure the phrases know: only these may the learned reading
    still take for a live failure, and "unsaid" only in this domain.
    """
    gate = article.gate
    # "still getting the 401?" answered "nope, fixed it" asks of the failure rather than reports it
    asked_no = _asked_if_failing(article, text)
    said = _undisowned(gate, text, _spans(gate.failure, text))
    digressions = _digressions(gate, text, said)
    undisowned = [span for span in said if not (_within(asked_no, *span) or _within(digressions, *span))]
    own_failure = _own_failure(gate, text, undisowned)
    weighed = False
    if not asked:
        fixes_said = _fixes(gate, text, [start for start, _ in undisowned])
        all_fixes = [at for at in fixes_said if not _aside(digressions, at)]
        if _closed(gate, text, all_fixes, digressions):
            return "refused"
        disclaimed = _outside(digressions, _spans(gate.disclaimers, text))
        if disclaimed and (
            any(start < _FRAME for start, _ in disclaimed)
            or not (_any(gate.unmistakable, text) and side_failures(text))
        ):
            return "refused"
        framing = _outside(digressions, _spans(gate.talk, text))
        # in a pasted thread only the opening entry can report the failure fixed or aside
        opening_end = _entry_end(text, 0)
        asides_said = _outside(digressions, _spans(gate.asides, text))
        asides = () if _any(gate.unmistakable, text) else asides_said
        mentions = [start for start, _ in _spans(gate.failure, text) + _spans(gate.unmistakable, text)]
        talk = tuple(
            (start, end)
            for start, end in framing + tuple(span for span in asides if span[0] < opening_end)
            if start < _FRAME or any(abs(at - start) < _TALK_REACH for at in mentions)
        )
        fixes = [start for start in all_fixes if start < opening_end]
        if talk or fixes:
            framed_as_talk = any(start < _FRAME for start, _ in framing)
            framed = framed_as_talk or any(start < _FRAME for start in fixes)
            # in a quiz, a doc or a training note, what stands in quotation marks is quoted, not said now
            unsaid = (talk + _quotations(text) if framed_as_talk else talk) + asked_no
            if not _goes_on(gate, text, unsaid, before=_FRAME if framed else None):
                return "talk" if own_failure and not fixes else "refused"
        weighed = bool(all_fixes or disclaimed or framing or asides_said)
    if _any(gate.other_error, text):
        # "401?" answered "no, it's a 500" does not name the error
        questions = _questions_answered_no(article, text)
        said = [span for span in undisowned if not _within(questions, *span)]
        if not _own_failure(gate, text, said, named=True):
            return "refused"
        weighed = True
    if _any(gate.unmistakable, text):
        return "goes on" if weighed else "live"
    if not own_failure:
        return "unsaid"
    if asked or _in_domain(article, text):
        return "goes on" if weighed else "live"
    return "unplaced"


def _in_domain(article: Article, text: Text) -> bool:
    """Whether the text speaks of this article's domain: a word of its context or a strong clue to a cause."""
    return _any(article.gate.context, text) or _any(article.strong_clues, text)


_PASTE_START = 3  # an unmistakable wording starting this near the top is the pasted error itself
# a paste cut short may open mid-word ("fied do not have"); one opening on a quotation mark quotes it
_CUT_WORD = re.compile(r"[^\w\"'“«「]{0,3}(?:\w{1,20}\s+)?")
_WORD = re.compile(r"\w+")
# "HTTP 401", "Error 401", "status code 401", "Source: 401 Unauthorized"
_STATUS_WORDS = re.compile(r"(?:https?|error|status|code|source|destination|src|dst|dest|target)\Z")
_DISMISS_REACH = 30  # how far after a clue a phrase taking it back ("both are off") may start


def _opens_with_the_error(article: Article, text: Text) -> bool:
    """Whether the message opens with an unmistakable error wording, at most behind a status line naming
    the error ("HTTP 401 Unauthorized - Basic Auth Disabled"), or with the error's stock wording cut short
    ("do not have access to the configured mailbox, or ..."): a paste of the error, not talk of it."""
    stock = (finder for form in article.forms for finder in form.boilerplate)
    return any(
        (match := finder.first(text)) is not None
        and (match.start() <= _PASTE_START or _a_status_line(article, text, match.start()))
        for finder in article.gate.unmistakable
    ) or any(
        (match := finder.first(text)) is not None
        and _CUT_WORD.fullmatch(text.lower, 0, match.start()) is not None
        for finder in stock
    )


def _a_status_line(article: Article, text: Text, end: int) -> bool:
    """Whether every word before `end` names the error, its status or the failing side ("HTTP 401
    Unauthorized -", "Source: 401 Unauthorized")."""
    names = article.gate.names_the_error
    return names is not None and all(
        names.match(word) or _STATUS_WORDS.match(word) for word in _WORD.findall(text.lower, 0, end)
    )


def _all_read(article: Article, text: Text) -> bool:
    """Whether every failure mention stands where the learned reading reads (it reads the first
    READ_CHARS characters): it cannot overrule what it did not see."""
    mentions = _spans(article.gate.failure, text) + _spans(article.gate.unmistakable, text)
    return all(start < READ_CHARS for start, _ in mentions)


def _says_something_fails(article: Article, text: Text) -> bool:
    """Whether the text says, however loosely, that something fails ("mw just bounces", "red", ❌), in words
    no room, ticket or 401(k) disowns ("ticket No. 401"), and not in a question whether it fails nor in the
    no answering it ("still 401?" / "nope")."""
    words = article.gate.failure_words
    if words is None:
        return False
    # the no to "still 401?" says nothing fails any more
    unsaid = tuple(span for pair in _failures_answered_no(article, text) for span in pair)
    said = tuple(match.span() for match in words.finditer(text.lower) if not _within(unsaid, *match.span()))
    return bool(_undisowned(article.gate, text, said))


def _weighs_causes(article: Article, text: Text) -> bool:
    """Whether the text works through the causes of a failure: it rules one out, taking back a clue to it
    ("not MFA", "security defaults (off)") or saying what speaks against it ("pw fine"), and names another
    with a strong clue it leaves standing ("forces me to set a new pw")."""
    denials = _denials([article], text)
    ruled_out: set[str] = set()
    standing: set[str] = set()
    for cause in article.causes:
        for signal in cause.signals:
            if signal.finder in text.ruled_out or (signal.weight <= 0 and not signal.claim):
                continue
            for match in signal.finder.matches(text):
                if signal.claim or denials.deny(*match.span(), cause.deniable):
                    ruled_out.add(cause.id)
                elif signal.weight >= STRONG_CLUE:
                    standing.add(cause.id)
    return any(ruled_out - {cause} for cause in standing)


def _accepts(article: Article, text: Text, asked: bool, reading: Reading | None, notes: list[str]) -> bool:
    """Whether the message reports a live failure of this article's kind: as its phrases say, unless the
    learned reading of the whole message is sure of the opposite.

    The reading may answer a message whose failure the phrases could not place, or did not find in a message
    of this domain, if it says in some words that something fails or works through the causes ("not MFA,
    not perms ... the endpoint still has the old password"), or one they took for talk about its own
    failure when it is all but sure; never evidence alone ("OWA for the synced users shows the mailbox
    list" reads much like a report). It never turns away a message put to the bot directly, one that opens
    with the pasted error, one that says the failure goes on ("still", "again"), or one with a failure mention
    past what it reads; one whose fixes, talk or other errors the phrases weighed already only when it is all
    but sure; none it knows too few words of. Put to the bot directly, a message of this domain is a report
    of the failure by being asked.
    """
    verdict = _gate_verdict(article, text, asked)
    by_phrases = verdict in ("live", "goes on")
    in_domain = verdict == "unsaid" and _in_domain(article, text)
    if asked and in_domain:
        notes.append("No words say what fails, but it was put to the bot as a 401 in this domain.")
        return True
    if reading is None:
        return by_phrases
    if (
        by_phrases
        and reading.known >= _LEARNED_FEWEST_KNOWN
        and reading.share >= _LEARNED_LEAST_SHARE
        and reading.live < (_LEARNED_TALK_BELOW if verdict == "live" else _LEARNED_SURE_TALK)
        and _all_read(article, text)
        and not (
            asked
            or _goes_on(article.gate, text, _asked_if_failing(article, text))
            or _opens_with_the_error(article, text)
        )
    ):
        notes.append(
            f"Read as a whole, this is talk about these errors, not one failing now "
            f"({reading.live:.0%} likely a live failure)."
        )
        return False
    if (
        (verdict == "unplaced" or in_domain)
        and reading.live > _LEARNED_LIVE_ABOVE
        and reading.share >= _LEARNED_LEAST_SHARE
        and (_says_something_fails(article, text) or _weighs_causes(article, text))
    ):
        notes.append(
            f"No phrase of the catalog places this as a live failure, but read as a whole it reads like one "
            f"({reading.live:.0%} likely)."
        )
        return True
    if verdict == "talk" and reading.live > _LEARNED_SURE_LIVE:
        notes.append(
            f"The talk around the failure is taken for an aside: read as a whole, the message reports it "
            f"live ({reading.live:.0%} likely)."
        )
        return True
    return by_phrases


@dataclass(frozen=True)
class _Denials:
    """Where the text takes clues back: a dismissal takes back the clues that end just before it in its
    sentence, negations end where one starts, and lists of what was ruled out, like questions answered with
    a no, hold every clue named in them. A clue that names a lack is not taken back by its own negation, nor
    by a dismissal behind that ("no impersonation assigned" says the right is missing)."""

    dismissals: Spans = ()  # each dismissal's reach: from where a clue it takes back may end, to its start
    negations: tuple[int, ...] = ()
    ruled_out: Spans = ()

    def can_deny(self, negatable: bool) -> bool:
        """Whether the text takes back anything a clue of this kind could be."""
        return bool(self.dismissals or self.ruled_out or (negatable and self.negations))

    def deny(self, start: int, end: int, negatable: bool) -> bool:
        if any(begin <= start < stop for begin, stop in self.ruled_out):
            return True
        if start in self.negations:
            return negatable
        return any(reach <= end <= at for reach, at in self.dismissals)


def _denials(articles: Sequence[Article], text: Text) -> _Denials:
    """Where the text takes back the clues of these articles' causes."""
    return _Denials(
        tuple(_dismissal_reach(a, text, start) for a in articles for start, _ in _spans(a.dismissals, text)),
        tuple(end for article in articles for _, end in _spans(article.negations, text)),
        tuple(
            span
            for article in articles
            for span in (*_ruled_out_lists(article, text), *_questions_answered_no(article, text))
        ),
    )


_SINGULAR = re.compile(r"(?:is|was)\b")  # a dismissal said of one thing ("... is disabled")
_JOINT = re.compile(r"\s(?:and|but)\s|,\s")  # where a list or a second clause before it begins
_OPEN_ASIDE = re.compile(r"[(（][^()（）]*\Z")  # a bracket still open where a dismissal starts
_SPEAKER = re.compile(r"[\w.-]{1,15}\s?:\s+")  # who speaks, in a pasted chat: "A: off", "Sam: pw changed?"


def _dismissal_reach(article: Article, text: Text, at: int) -> tuple[int, int]:
    """How far back a dismissal starting at `at` reaches: _DISMISS_REACH, not past its sentence's start
    nor out of a bracket it stands in, but into a question it answers straight away ("security defaults?
    off", "B: MFA? A: off"), from where whoever asked it began; unless that question asks what the account
    holds ("is the admin a site collection admin? no"): then it takes nothing back."""
    reach = max(0, at - _DISMISS_REACH)
    ends = []
    for match in _SENTENCE_END.finditer(text.lower, reach, at):
        answered = match.end() == at or _SPEAKER.fullmatch(text.lower, match.end(), at)
        if not (answered and text.lower[match.start()] == "?"):
            ends.append(match.end())
        elif _asks_what_is_held(article, text, match.start()):
            return at + 1, at
        else:
            ends.extend(speaker.start() for speaker in _SPEAKER.finditer(text.lower, reach, match.start()))
    if _SINGULAR.match(text.lower, at):  # "no CA policy and per-user MFA is disabled": MFA alone
        ends.extend(joint.end() for joint in _JOINT.finditer(text.lower, reach, at))
    aside = _OPEN_ASIDE.search(text.lower, reach, at)  # "MFA required (security defaults off)"
    if aside:
        ends.append(aside.start() + 1)
    return max(reach, *ends, _entry_start(text, at)), at


def _asks_what_is_held(article: Article, text: Text, mark: int) -> bool:
    """Whether the question ending at `mark` asks what the account holds ("does it have impersonation?"),
    so that a no to it confirms the lack rather than ruling a cause out."""
    holding = article.holding_questions
    return holding is not None and holding.search(text.lower, _question_start(text, mark), mark) is not None


def _question_start(text: Text, mark: int) -> int:
    """Where the question ending at `mark` starts: just past the sentence end or arrow before it, or at its
    line's start."""
    line = max((start for start in text.line_starts() if start <= mark), default=0)
    return max(line, max(text.lower.rfind(stop, 0, mark) for stop in _QUESTION_START) + 1)


_LIST_REACH = 200  # how far a list of what was ruled out may run before its sentence ends
_LIST_END = re.compile(r"[.!?](?:\s|$)|\b(?:but|however|turn(?:s|ed)?\s+out|found|so)\b|→|=>")


def _ruled_out_lists(article: Article, text: Text) -> Spans:
    """Where lists of what was ruled out run: from "ruled out:" to the end of its sentence, or to a "but"."""
    lists = []
    for _, start in _spans(article.rule_outs, text):
        stop = min(start + _LIST_REACH, _entry_end(text, start))
        end = _LIST_END.search(text.lower, start, stop)
        lists.append((start, end.start() if end else stop))
    return tuple(lists)


_ANSWER_OPENING = 30  # a "no" this near a reply's start, past its name and time, answers the reply before
_INLINE_ANSWER = re.compile(r"\?\s*(?:a\s*:)?[\s→>:=–—-]{0,6}$")  # "MFA? no.", "Connect? → No,", "MFA? A: no"
_INLINE_REACH = 8  # how far back from a "no" the question mark it answers may stand
_QUESTION_START = ".!?→"


def _questions_answered_no(article: Article, text: Text) -> Spans:
    """The questions answered with a no: in a pasted thread, those of the reply before the one that opens
    with it ("wrong pw?" / "nope, I can log in"), each from its sentence's start to its question mark; in
    one line, the question right before it ("MFA? no. Entra Connect? → No, cloud-only")."""
    return tuple(question for question, _ in _answered_no(article, text))


_SHORT_QUESTION = 4  # a question of this many words with a failure in it asks whether it fails ("still 401?")
# what after a no puts a detail right rather than denying ("no, just the destination")
_CORRECTION = re.compile(r"\s*(?:just|only|still|but|except)\b")


def _failures_answered_no(article: Article, text: Text) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The questions whether the failure happens, each with the no answering it ("still getting the 401?" /
    "nope"): short ones, or ones saying it goes on, that name a failure; not ones that take it as given and
    ask something of it ("are the 401s the same users each run?" / "no, different ones"), nor ones whose no
    only puts a detail right ("still 401 on both sides?" / "no, just the destination")."""
    gate = article.gate
    return [
        (question, answer)
        for question, answer in _answered_no(article, text)
        if _within(_spans(gate.failure, text), *question)
        and not _CORRECTION.match(text.lower, answer[1])
        and (
            len(_WORD.findall(text.lower, *question)) <= _SHORT_QUESTION
            or any(
                question[0] <= start and end <= question[1] for start, end in _spans(gate.unresolved, text)
            )
        )
    ]


def _asked_if_failing(article: Article, text: Text) -> Spans:
    """The questions whether the failure happens that were answered no, as `_failures_answered_no` finds
    them."""
    return tuple(question for question, _ in _failures_answered_no(article, text))


def _answered_no(article: Article, text: Text) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Each question answered with a no, as `_questions_answered_no` finds them, with the no answering it."""
    answered = []
    for answer in _spans(article.no_answers, text):
        start = answer[0]
        inline = _INLINE_ANSWER.search(text.lower, max(0, start - _INLINE_REACH), start)
        if inline:
            mark = inline.start()
            if not _asks_what_is_held(article, text, mark):
                answered.append(((_question_start(text, mark), mark), answer))
            continue
        entry = _entry_index(text, start)
        if entry < 2 or start - text.entries[entry - 1] > _ANSWER_OPENING:
            continue
        begin, end = text.entries[entry - 2], text.entries[entry - 1]
        mark = text.lower.find("?", begin, end)
        while mark >= 0:
            opening = max(text.lower.rfind(stop, begin, mark) for stop in ".!?")
            answered.append(((max(begin, opening + 1), mark), answer))
            mark = text.lower.find("?", mark + 1, end)
    return answered


def _clue(
    finder: Finder, text: Text, stock: Spans, denials: _Denials, negatable: bool
) -> tuple[re.Match[str] | None, bool]:
    """The first match of a clue outside the error's stock wording and not denied around it, and whether
    the text denied it somewhere ("Security defaults: No (checked)")."""
    if not denials.can_deny(negatable):
        return finder.first(text, outside=stock), False
    denied = False
    for match in finder.matches(text):
        start, end = match.span()
        if not _within(stock, start, end):
            if not denials.deny(start, end, negatable):
                return match, denied
            denied = True
    return None, denied


def _learned(reading: Reading | None, cause: str) -> tuple[float, float] | None:
    """The learned reading's chance for a cause and the weight its vote gets, if there is a reading."""
    if reading is None:
        return None
    return reading.causes.get(cause, 0.0), reading.known / (reading.known + _LEARNED_HALF_WEIGHT)


def _rank(
    cause: Cause,
    text: Text,
    *,
    stock: Spans,
    denials: _Denials,
    endpoint: Side | None,
    fixes: tuple[int, ...],
    learned: tuple[float, float] | None,
) -> RankedCause:
    """Score one cause: its clues combine as independent votes on top of its prior, and the learned
    reading's chance for the cause, when the message has one, is averaged in by its weight (`learned` is
    the chance and the weight)."""
    doubt, damping, evidence = 1.0, 1.0, []
    taken_back = False  # whether the text denies a clue to the cause
    claims: list[tuple[float, re.Match[str], str]] = []
    explanation: re.Match[str] | None = None  # a clue saying why the claims against the cause hold
    clues_for: list[int] = []  # where the clues for the cause start
    absent = text.ruled_out  # most clues cannot start anywhere in the text: skip them without a call
    for signal in cause.signals:
        if signal.finder in absent or (signal.side is not None and signal.side != endpoint):
            continue
        match, denied = _clue(signal.finder, text, stock, denials, cause.deniable)
        taken_back = taken_back or (denied and signal.weight > 0)
        if match is None:
            continue
        if signal.claim:
            claims.append((signal.weight, match, signal.because))
            continue
        if signal.explains_claims:
            explanation = explanation or match
        if signal.weight >= 0:
            doubt *= 1.0 - signal.weight
            clues_for.append(match.start())
        else:
            damping *= 1.0 + signal.weight
        evidence.append(f"'{_snippet(text, *match.span())}': {signal.because}")
    for weight, match, because in claims:
        said = f"'{_snippet(text, *match.span())}': {because}"
        entry = _entry_index(text, match.start())
        if explanation is not None:
            evidence.append(f"{said}, but '{_snippet(text, *explanation.span())}' says why")
        elif _entry_index(text, max(clues_for, default=-1)) > entry:
            evidence.append(f"{said}, but a later reply points back to it")
        elif _after_a_but(text, match.end(), clues_for):
            evidence.append(f"{said}, but what follows it points back to the cause")
        elif _entry_index(text, min(clues_for, default=len(text.lower))) < entry and any(
            at >= text.entries[entry - 1] for at in fixes
        ):
            evidence.append(f"{said}, but that is the fix, after earlier replies pointed at it")
        else:
            damping *= 1.0 + weight
            evidence.append(said)
    chance, weight = learned if learned is not None else (0.0, 0.0)
    if chance >= _LEARNED_EVIDENCE and weight >= _LEARNED_EVIDENCE:
        evidence.append(f"read as a whole, the message is worded like reports of this cause ({chance:.0%})")
    elif doubt == 1.0:
        reads = " and how the message reads" if learned is not None else ""
        basis = f"how often it is behind this error{reads}"
        evidence.append(f"no clue in the text names it; ranked by {basis} ({cause.prior:.0%} of cases)")
    score = min(1.0, max(0.0, (1.0 - doubt * (1.0 - cause.prior)) * damping))
    if endpoint is not None and endpoint not in cause.sides:
        score *= _OFF_SIDE_FACTOR
        evidence.append(f"usually seen on the {' or '.join(cause.sides)} side, and this is the {endpoint}")
    # a cause whose clues the text all takes back, or argues against ("no MFA on it"), gets no learned vote
    vote = 0.0 if (taken_back and doubt == 1.0) or damping < 1.0 else chance
    score = (score + weight * vote) / (1.0 + weight)
    return RankedCause(cause.id, score, tuple(evidence), from_text=doubt < 1.0)


class Classifier:
    """Classifies texts against one catalog; build once, call for every message."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        triggers = [f for a in catalog.articles for f in (*a.gate.unmistakable, *a.gate.failure)]
        # Every catalog pattern starts with a literal, so a text holding none of the gate's cannot match
        # unless it was put to the bot directly.
        self._prefilter = Prefilter(triggers)
        self._order = {cause_id: index for index, cause_id in enumerate(catalog.causes)}
        self._finders = FinderSet(
            [*SIDE_FINDERS, *(f for article in catalog.articles for f in article.finders())]
        )

    def may_match(self, text: str) -> bool:
        """A cheap necessary condition for a match of text not put to the bot directly: a gate phrase's
        leading literal is in the text, and a short one at a word start.

        The text is first made what the matcher sees: compatibility forms folded (full-width letters),
        white space single ("Basic  Auth" across a line break) and underscores, which may be italics, spaces.
        """
        prefix = text[:MAX_ANALYSED_CHARS]
        if not prefix.isascii():
            prefix = unicodedata.normalize("NFKC", prefix)
        lowered = " ".join(prefix.replace("_", " ").split()).lower()  # "_401 again_" is Slack italics
        return self._prefilter.may_match(lowered)

    def __call__(self, text: str, side_hint: Side | None = None, asked: bool = False) -> Diagnosis:
        """Classify `text`; `side_hint` is the failing side to assume when the text names none.

        `asked` is true when someone put the text to the bot directly (a command, a mention, or a message
        that opens with the command), so a bare failure mention is enough; channel chatter also needs a
        word of this domain.
        """
        notes: list[str] = []
        if command := _COMMAND.match(text):
            text, asked = text[command.end() :], True
        if len(text) > MAX_ANALYSED_CHARS:
            notes.append(f"Only the first {MAX_ANALYSED_CHARS:,} of {len(text):,} characters were read.")
            text = text[:MAX_ANALYSED_CHARS]
        if not text.strip():
            return Diagnosis(False, None, None, (), (*notes, "The text is empty."))
        if not (asked or self.may_match(text)):
            return Diagnosis(False, None, None, (), tuple(notes))
        cleaned = clean(text)
        plain = self._finders.prepare(Text(cleaned, entry_starts(cleaned)))
        readings = {a.id: a.reading.read(plain.lower) for a in self.catalog.articles if a.reading}
        articles = [
            article
            for article in self.catalog.articles
            if _accepts(article, plain, asked, readings.get(article.id), notes)
        ]
        if not articles:
            return Diagnosis(False, None, None, (), tuple(notes))
        return self._diagnose(plain, articles, notes, side_hint, readings)

    def baseline(self, side: Side | None = None) -> Diagnosis:
        """Every cause by its prior, for when there is no error text (a probe run started on its own)."""
        note = "No error text was given: the causes are listed by how common they are."
        return self._diagnose(Text(""), list(self.catalog.articles), [note], side, {})

    def _diagnose(
        self,
        text: Text,
        articles: list[Article],
        notes: list[str],
        side_hint: Side | None,
        readings: dict[str, Reading],
    ) -> Diagnosis:
        forms = [form for article in articles for form in article.forms]
        form = next((f.id for f in forms if any(finder.first(text) for finder in f.detect)), OTHER_FORM)
        stock = tuple(span for f in forms for span in _spans(f.boilerplate, text))
        denials = _denials(articles, text)
        endpoint = failing_side(text) or side_hint
        fixes = {a.id: tuple(start for start, _ in _spans(a.gate.resolved, text)) for a in articles}
        ranked = sorted(
            (
                _rank(
                    cause,
                    text,
                    stock=stock,
                    denials=denials,
                    endpoint=endpoint,
                    fixes=fixes[article.id],
                    learned=_learned(readings.get(article.id), cause.id),
                )
                for article in articles
                for cause in article.causes
            ),
            key=lambda r: (-r.score, -self.catalog.causes[r.id].prior, self._order[r.id]),
        )
        if not any(r.from_text for r in ranked) and text.original:
            notes.append(
                "Nothing in the text points at one cause: the ranking follows how common each cause is."
            )
        return Diagnosis(True, form, endpoint, tuple(ranked), tuple(notes))


@cache
def default_classifier() -> Classifier:
    """The classifier over the shipped catalog, built on first use."""
    return Classifier(default_catalog())


def classify(text: str) -> Diagnosis:
    """Classify `text` against the shipped catalog."""
    return default_classifier()(text)
