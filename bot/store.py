"""SQLite through sqlite-utils: migrations, triage log, checklists, feedback, follow-ups, the event inbox
and the probe audit.

One `Store` owns one connection, guarded by a lock, so threads (or `asyncio.to_thread`) may share it; other
processes may open the same file at the same time. Times are UTC epoch seconds; callers pass redacted text.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

BUSY_TIMEOUT_S = 5.0
# Answered events are kept this long to recognise Slack's retries (which come within minutes), then pruned.
INBOX_KEEP_S = 24 * 3600.0
VERDICTS = ("fixed", "not_this")

migrations = Migrations("why401")


@migrations()
def m001_initial(db: Database) -> None:
    """Events, triages, checklist ticks, verdicts, follow-ups and the probe audit."""
    db.table("events").create(
        {"event_id": str, "team_id": str, "payload": str, "received_at": float, "finished_at": float},
        pk="event_id",
        not_null=["team_id", "payload", "received_at"],
    )
    db.table("triages").create(
        {
            "id": int,
            "team_id": str,
            "channel": str,
            "thread_ts": str,
            "message_ts": str,
            "user": str,
            "text": str,
            "diagnosis": str,
            "via": str,
            "top_cause": str,
            "answer_channel": str,
            "answer_ts": str,
            "checklist_size": int,
            "created_at": float,
        },
        pk="id",
        not_null=["team_id", "text", "diagnosis", "via", "checklist_size", "created_at"],
    )
    db.table("triages").create_index(["team_id", "created_at"])
    db.table("triages").create_index(["team_id", "channel", "thread_ts"])
    db.table("checkmarks").create(
        {"triage_id": int, "item": int, "user": str, "at": float},
        pk=("triage_id", "item"),
        not_null=["user", "at"],
        foreign_keys=[("triage_id", "triages", "id")],
    )
    db.table("verdicts").create(
        {"triage_id": int, "cause": str, "user": str, "verdict": str, "at": float},
        pk=("triage_id", "cause", "user"),
        not_null=["verdict", "at"],
        foreign_keys=[("triage_id", "triages", "id")],
    )
    db.table("followups").create(
        {
            "id": int,
            "triage_id": int,
            "team_id": str,
            "channel": str,
            "thread_ts": str,
            "due_at": float,
            "text": str,
            "created_at": float,
            "done_at": float,
        },
        pk="id",
        not_null=["triage_id", "team_id", "channel", "thread_ts", "due_at", "text", "created_at"],
        foreign_keys=[("triage_id", "triages", "id")],
    )
    db.table("followups").create_index(["done_at", "due_at"])
    db.table("probe_audit").create(
        {"id": int, "team_id": str, "user": str, "account": str, "outcome": str, "at": float},
        pk="id",
        not_null=["user", "account", "outcome", "at"],
    )
    db.table("probe_audit").create_index(["account", "at"])


@migrations()
def m002_inbox_claims(db: Database) -> None:
    """Let several answering workers share the inbox: each event is claimed by one at a time."""
    db.table("events").add_column("claimed_by", str)


@migrations()
def m003_probe_signins(db: Database) -> None:
    """Tell probe runs that tried a password apart, and count runs per user, for the probe rate limits."""
    db.table("probe_audit").add_column("signs_in", int, not_null_default=0)
    db.table("probe_audit").create_index(["team_id", "user", "at"])
    db.table("events").add_column("claimed_at", float)
    db.table("events").create_index(["finished_at", "claimed_at"])


@migrations()
def m004_answer_parts(db: Database) -> None:
    """Count how many messages of an answer went out, so an answer cut short is finished, not repeated."""
    db.table("triages").add_column("parts_posted", int, not_null_default=0)
    db.table("triages").create_index(["team_id", "channel", "message_ts"])


@dataclass(frozen=True)
class InboxItem:
    """A Slack event stored before it was acknowledged and not yet answered."""

    event_id: str
    team_id: str
    payload: dict[str, Any]
    received_at: float


@dataclass(frozen=True)
class Triage:
    """One diagnosed paste, where it came from, and where the answer went."""

    id: int
    team_id: str
    channel: str | None
    thread_ts: str | None
    message_ts: str | None
    user: str | None
    text: str
    diagnosis: dict[str, Any]
    via: str
    top_cause: str | None
    answer_channel: str | None
    answer_ts: str | None
    checklist_size: int
    created_at: float
    parts_posted: int = 0


@dataclass(frozen=True)
class CheckMark:
    """Who ticked a checklist step, and when."""

    user: str
    at: float


@dataclass(frozen=True)
class Verdicts:
    """How many triages were marked fixed, or not this, for one cause."""

    fixed: int
    not_this: int


@dataclass(frozen=True)
class FollowUp:
    """A reminder to post in a thread once a wait is over."""

    id: int
    triage_id: int
    team_id: str
    channel: str
    thread_ts: str
    due_at: float
    text: str


@dataclass(frozen=True)
class CauseStats:
    """Counts for one top cause in a window; `cause` is None for pastes no cause matched."""

    cause: str | None
    triages: int
    fixed: int
    not_this: int


class QuotaExceeded(Exception):
    """A probe run would go over its rate limit; the message says which and when to try again."""


@dataclass(frozen=True)
class ProbeQuota:
    """How often probes may run: sign-in attempts per account, and runs per user, each in a sliding window."""

    signins_per_account: int = 3
    signin_window_s: float = 15 * 60
    runs_per_user: int = 20
    run_window_s: float = 3600

    def check(
        self, db: Database, team_id: str | None, user: str, account: str, *, signs_in: bool, at: float
    ) -> None:
        """Raise QuotaExceeded if one more run by `user` (of `account`, maybe signing in) goes over."""
        runs = db.execute(
            "select count(*) from probe_audit where team_id is ? and user = ? and at >= ?",
            [team_id, user, at - self.run_window_s],
        ).fetchone()[0]
        if runs >= self.runs_per_user:
            raise QuotaExceeded(
                f"You have started {runs} probe runs in the last {self.run_window_s / 60:.0f} minutes, "
                "the most allowed. Try again later."
            )
        if not signs_in:
            return
        attempts = db.execute(
            "select count(*), min(at) from probe_audit where account = ? and signs_in = 1 and at >= ?",
            [account, at - self.signin_window_s],
        ).fetchone()
        if attempts[0] >= self.signins_per_account:
            wait_min = max(1, round((attempts[1] + self.signin_window_s - at) / 60))
            raise QuotaExceeded(
                f"{account} has had {attempts[0]} sign-in attempts from why401 in the last "
                f"{self.signin_window_s / 60:.0f} minutes; to avoid locking the account, the next is "
                f"allowed in about {wait_min} min. Checks without a password can still run."
            )


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _account(account: str) -> str:
    """Normalise an account name, so case cannot dodge the probe rate limit."""
    return account.strip().lower()


def _triage(row: dict[str, Any]) -> Triage:
    return Triage(**{**row, "diagnosis": json.loads(row["diagnosis"])})


class Store:
    """The bot's memory: every method is synchronous, thread-safe and short."""

    def __init__(self, path: str | Path) -> None:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        self._db = Database(conn, execute_plugins=False)
        self._lock = threading.Lock()
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self._enable_wal()
        self._db.execute("PRAGMA synchronous = NORMAL")  # WAL: a power cut may lose commits, not corrupt
        self._db.execute("PRAGMA foreign_keys = ON")
        with self._write():  # IMMEDIATE: two processes starting together apply the migrations once
            migrations.apply(self._db)
        # The inbox has a connection and lock of its own: an acknowledgement never waits for answering work.
        self._inbox, self._inbox_lock = self._db.conn, self._lock
        if str(path) != ":memory:":
            self._inbox = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            self._inbox.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._inbox.execute("PRAGMA synchronous = NORMAL")
            self._inbox_lock = threading.Lock()

    def _enable_wal(self) -> None:
        """Switch to WAL, retrying: it fails at once while another process opens the same new file."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._db.enable_wal()
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorname != "SQLITE_BUSY" or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    @classmethod
    def memory(cls) -> Store:
        """An in-memory store, for tests and the local console."""
        return cls(":memory:")

    def healthy(self) -> bool:
        """Whether the database answers a query (for the health endpoint)."""
        try:
            return self._rows("select 1 as ok") == [{"ok": 1}]
        except sqlite3.Error:
            return False

    def close(self) -> None:
        """Close the connections."""
        with self._inbox_lock:
            if self._inbox is not self._db.conn:
                self._inbox.close()
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """A write transaction that takes the write lock up front.

        A deferred `BEGIN` (what `db.atomic()` issues) that reads and then writes can fail at once with
        SQLITE_BUSY when another process commits in between; the busy timeout does not cover that case.
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()

    def _rows(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._db.query(sql, params))

    def _require_triage(self, db: Database, triage_id: int) -> dict[str, Any]:
        rows = list(db.query("select * from triages where id = ?", [triage_id]))
        if not rows:
            raise KeyError(f"no triage {triage_id}")
        return rows[0]

    # inbox

    def receive_event(
        self, event_id: str, team_id: str, payload: dict[str, Any], now: float | None = None
    ) -> bool:
        """Store an event before it is acknowledged; False if this event_id was seen before (a retry).

        Fast enough (a single insert on the inbox's own connection) to call on the event loop.
        """
        with self._inbox_lock:
            with self._inbox:  # one transaction, committed on exit
                cursor = self._inbox.execute(
                    "insert or ignore into events (event_id, team_id, payload, received_at)"
                    " values (?, ?, ?, ?)",
                    [event_id, team_id, json.dumps(payload), _now(now)],
                )
            return cursor.rowcount == 1

    def finish_event(self, event_id: str, now: float | None = None) -> None:
        """Mark an event answered, so a restart does not answer it again."""
        with self._write() as db:
            db.execute(
                "update events set finished_at = ? where event_id = ? and finished_at is null",
                [_now(now), event_id],
            )

    def prune_events(self, keep_s: float = INBOX_KEEP_S, now: float | None = None) -> int:
        """Forget events answered more than `keep_s` ago (past Slack's retries); returns how many."""
        with self._write() as db:
            cursor = db.execute("delete from events where finished_at < ?", [_now(now) - keep_s])
        return cursor.rowcount

    def claim_events(
        self, worker: str, limit: int = 10, stale_after: float = 60.0, now: float | None = None
    ) -> list[InboxItem]:
        """Claim up to `limit` unanswered events for `worker`, oldest first.

        An event claimed by a worker that has not finished it within `stale_after` seconds (it died) may
        be claimed again; an event is finished by exactly one worker.
        """
        at = _now(now)
        with self._write() as db:
            rows = list(
                db.query(
                    "select event_id, team_id, payload, received_at from events where finished_at is null"
                    " and (claimed_at is null or claimed_at < ?) order by received_at, rowid limit ?",
                    [at - stale_after, limit],
                )
            )
            marks = ",".join("?" * len(rows))
            db.execute(
                f"update events set claimed_by = ?, claimed_at = ? where event_id in ({marks})",
                [worker, at, *(row["event_id"] for row in rows)],
            )
        return [InboxItem(**{**row, "payload": json.loads(row["payload"])}) for row in rows]

    def claimants(self) -> list[str]:
        """The workers holding claims on unfinished events."""
        rows = self._rows(
            "select distinct claimed_by from events where claimed_by is not null and finished_at is null"
        )
        return [str(row["claimed_by"]) for row in rows]

    def release_claims(self, worker: str) -> None:
        """Give back the unfinished events `worker` claimed (it is stopping), so others take them at once."""
        with self._write() as db:
            db.execute(
                "update events set claimed_by = null, claimed_at = null"
                " where claimed_by = ? and finished_at is null",
                [worker],
            )

    def pending_events(self) -> list[InboxItem]:
        """Events received but not finished, oldest first."""
        rows = self._rows(
            "select event_id, team_id, payload, received_at from events"
            " where finished_at is null order by received_at, rowid"
        )
        return [InboxItem(**{**row, "payload": json.loads(row["payload"])}) for row in rows]

    # triages

    def record_triage(
        self,
        *,
        team_id: str,
        channel: str | None,
        thread_ts: str | None,
        message_ts: str | None,
        user: str | None,
        text: str,
        diagnosis: dict[str, Any],
        via: str,
        checklist_size: int = 0,
        once_per_thread: bool = False,
        now: float | None = None,
    ) -> int | None:
        """Log a diagnosed paste and return its id; its top cause is the first ranked cause, if any.

        With `once_per_thread`, another message of the same thread already triaged to the same top cause
        means there is nothing to add: nothing is recorded and None comes back. The check and the record are
        one transaction, so two such pastes arriving together get one answer between them.
        """
        causes = diagnosis.get("causes") or []
        top_cause = causes[0].get("id") if causes else None
        row = {
            "team_id": team_id,
            "channel": channel,
            "thread_ts": thread_ts,
            "message_ts": message_ts,
            "user": user,
            "text": text,
            "diagnosis": json.dumps(diagnosis),
            "via": via,
            "top_cause": top_cause,
            "answer_channel": None,
            "answer_ts": None,
            "checklist_size": checklist_size,
            "created_at": _now(now),
        }
        with self._write() as db:
            if (
                once_per_thread
                and db.execute(
                    "select 1 from triages where team_id = ? and channel = ? and thread_ts = ?"
                    " and top_cause is ? and message_ts is not ? limit 1",
                    [team_id, channel, thread_ts, top_cause, message_ts],
                ).fetchone()
            ):
                return None
            cursor = db.execute(
                f"insert into triages ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            return int(cursor.lastrowid or 0)

    def triage_for_message(self, team_id: str, channel: str, message_ts: str) -> Triage | None:
        """The latest triage of one message, if it was triaged before (a retried event)."""
        rows = self._rows(
            "select * from triages where team_id = ? and channel = ? and message_ts = ?"
            " order by id desc limit 1",
            [team_id, channel, message_ts],
        )
        return _triage(rows[0]) if rows else None

    def count_posted(self, triage_id: int, parts: int) -> None:
        """Record that the first `parts` messages of a triage's answer went out."""
        with self._write() as db:
            db.execute(
                "update triages set parts_posted = max(parts_posted, ?) where id = ?", [parts, triage_id]
            )

    def set_answer(self, triage_id: int, channel: str, answer_ts: str) -> None:
        """Remember where the answer to a triage was posted."""
        with self._write() as db:
            self._require_triage(db, triage_id)
            db.execute(
                "update triages set answer_channel = ?, answer_ts = ? where id = ?",
                [channel, answer_ts, triage_id],
            )

    def triage(self, triage_id: int) -> Triage | None:
        """One triage, or None if there is no such id."""
        rows = self._rows("select * from triages where id = ?", [triage_id])
        return _triage(rows[0]) if rows else None

    def recent_triages(self, team_id: str, limit: int = 10) -> list[Triage]:
        """A workspace's latest triages, newest first."""
        rows = self._rows(
            "select * from triages where team_id = ? order by created_at desc, id desc limit ?",
            [team_id, limit],
        )
        return [_triage(row) for row in rows]

    # checklist

    def toggle_item(
        self, triage_id: int, item: int, user: str, now: float | None = None
    ) -> dict[int, CheckMark]:
        """Tick a step (0-based) if unticked, untick it if ticked; return the whole checklist."""
        with self._write() as db:
            size = self._require_triage(db, triage_id)["checklist_size"]
            if item < 0 or (size and item >= size):
                raise ValueError(f"triage {triage_id} has no checklist step {item}")
            deleted = db.execute("delete from checkmarks where triage_id = ? and item = ?", [triage_id, item])
            if deleted.rowcount == 0:
                db.execute(
                    "insert into checkmarks (triage_id, item, user, at) values (?, ?, ?, ?)",
                    [triage_id, item, user, _now(now)],
                )
            return self._checklist(db, triage_id)

    def checklist(self, triage_id: int) -> dict[int, CheckMark]:
        """The ticked steps of a triage's checklist, by step number."""
        with self._lock:
            return self._checklist(self._db, triage_id)

    @staticmethod
    def _checklist(db: Database, triage_id: int) -> dict[int, CheckMark]:
        rows = db.query(
            "select item, user, at from checkmarks where triage_id = ? order by item", [triage_id]
        )
        return {row["item"]: CheckMark(row["user"], row["at"]) for row in rows}

    def open_checklists(self, team_id: str, limit: int = 10) -> list[Triage]:
        """Answered triages with a checklist not yet fully ticked, newest first."""
        rows = self._rows(
            """
            select t.* from triages t
            where t.team_id = ? and t.answer_ts is not null and t.checklist_size > 0
              and (select count(*) from checkmarks c where c.triage_id = t.id and c.item < t.checklist_size)
                  < t.checklist_size
            order by t.created_at desc, t.id desc limit ?
            """,
            [team_id, limit],
        )
        return [_triage(row) for row in rows]

    # feedback

    def record_verdict(
        self, triage_id: int, cause: str, verdict: str, user: str, now: float | None = None
    ) -> None:
        """Record that a cause fixed it or was not it; a user's later verdict on it replaces theirs."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        with self._write() as db:
            self._require_triage(db, triage_id)
            db.execute(
                "insert into verdicts (triage_id, cause, user, verdict, at) values (?, ?, ?, ?, ?)"
                " on conflict (triage_id, cause, user)"
                " do update set verdict = excluded.verdict, at = excluded.at",
                [triage_id, cause, user, verdict, _now(now)],
            )

    def cause_history(self, team_id: str) -> dict[str, Verdicts]:
        """Per cause, how many of a workspace's triages were marked fixed and not this."""
        rows = self._rows(
            """
            select v.cause,
                   count(distinct case when v.verdict = 'fixed' then v.triage_id end) as fixed,
                   count(distinct case when v.verdict = 'not_this' then v.triage_id end) as not_this
            from verdicts v join triages t on t.id = v.triage_id
            where t.team_id = ? group by v.cause order by v.cause
            """,
            [team_id],
        )
        return {row["cause"]: Verdicts(row["fixed"], row["not_this"]) for row in rows}

    # follow-ups

    def schedule_followup(
        self,
        *,
        triage_id: int,
        team_id: str,
        channel: str,
        thread_ts: str,
        due_at: float,
        text: str,
        now: float | None = None,
    ) -> int:
        """Plan a message in a thread for later; return its id."""
        with self._write() as db:
            self._require_triage(db, triage_id)
            cursor = db.execute(
                "insert into followups (triage_id, team_id, channel, thread_ts, due_at, text, created_at)"
                " values (?, ?, ?, ?, ?, ?, ?)",
                [triage_id, team_id, channel, thread_ts, due_at, text, _now(now)],
            )
            return int(cursor.lastrowid or 0)

    def due_followups(self, now: float | None = None) -> list[FollowUp]:
        """Follow-ups whose time has come and that are not done, oldest first."""
        rows = self._rows(
            "select id, triage_id, team_id, channel, thread_ts, due_at, text from followups"
            " where done_at is null and due_at <= ? order by due_at, id",
            [_now(now)],
        )
        return [FollowUp(**row) for row in rows]

    def complete_followup(self, followup_id: int, now: float | None = None) -> None:
        """Mark a follow-up sent (or dropped), so it is never due again."""
        with self._write() as db:
            db.execute(
                "update followups set done_at = ? where id = ? and done_at is null", [_now(now), followup_id]
            )

    # stats

    def stats(self, team_id: str, days: int, now: float | None = None) -> list[CauseStats]:
        """Per top cause among the triages of the last `days` days: how many, and how many fixed / not this.

        Verdicts count distinct triages in the window, for the cause they name, ranked first or not.
        """
        since = _now(now) - days * 86400
        rows = self._rows(
            """
            with recent as (select id, top_cause from triages where team_id = :team and created_at >= :since),
            tops as (select top_cause as cause, count(*) as triages from recent group by top_cause),
            votes as (
                select v.cause,
                       count(distinct case when v.verdict = 'fixed' then v.triage_id end) as fixed,
                       count(distinct case when v.verdict = 'not_this' then v.triage_id end) as not_this
                from verdicts v join recent r on r.id = v.triage_id group by v.cause
            ),
            causes as (select cause from tops union select cause from votes)
            select c.cause, coalesce(t.triages, 0) as triages,
                   coalesce(v.fixed, 0) as fixed, coalesce(v.not_this, 0) as not_this
            from causes c
            left join tops t on t.cause is c.cause
            left join votes v on v.cause is c.cause
            order by triages desc, fixed desc, c.cause is null, c.cause
            """,
            {"team": team_id, "since": since},
        )
        return [CauseStats(**row) for row in rows]

    # probe audit

    def start_probe(
        self,
        *,
        team_id: str | None,
        user: str,
        account: str,
        signs_in: bool,
        quota: ProbeQuota | None = None,
        now: float | None = None,
    ) -> int:
        """Record, before it starts, who probes which account and whether with a password (not which).

        With a `quota`, first check it in the same transaction, so simultaneous runs cannot both slip under
        it; raises QuotaExceeded, recording nothing, when the run would go over.
        """
        at = _now(now)
        with self._write() as db:
            if quota is not None:
                quota.check(db, team_id, user, _account(account), signs_in=signs_in, at=at)
            cursor = db.execute(
                "insert into probe_audit (team_id, user, account, outcome, at, signs_in)"
                " values (?, ?, ?, ?, ?, ?)",
                [team_id, user, _account(account), "running", at, int(signs_in)],
            )
            return int(cursor.lastrowid or 0)

    def finish_probe(self, audit_id: int, outcome: str) -> None:
        """Record how a probe run ended (a short outcome such as 'sign-in fail: AADSTS50126')."""
        with self._write() as db:
            db.execute("update probe_audit set outcome = ? where id = ?", [outcome[:200], audit_id])

    def signin_attempts(self, account: str, since: float) -> int:
        """How many probe runs tried a password for this account (any case) at or after `since`."""
        rows = self._rows(
            "select count(*) as n from probe_audit where account = ? and signs_in = 1 and at >= ?",
            [_account(account), since],
        )
        return int(rows[0]["n"])

    def probe_runs(self, team_id: str | None, user: str, since: float) -> int:
        """How many probe runs this user started at or after `since`."""
        rows = self._rows(
            "select count(*) as n from probe_audit where team_id is ? and user = ? and at >= ?",
            [team_id, user, since],
        )
        return int(rows[0]["n"])

    def probe_audit(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest probe audit entries, newest first."""
        return self._rows(
            "select id, team_id, user, account, outcome, at, signs_in from probe_audit"
            " order by at desc, id desc limit ?",
            [limit],
        )
