"""The store against real SQLite files: every method's behaviour, and many writers on one file at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.store import CauseStats, CheckMark, FollowUp, ProbeQuota, QuotaExceeded, Store, Verdicts

ROOT = Path(__file__).resolve().parents[2]
DAY = 86400.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "why401.db")
    yield s
    s.close()


def diag(*causes: str) -> dict[str, Any]:
    return {"causes": [{"id": c, "score": 1.0} for c in causes]}


def triage(store: Store, *causes: str, team: str = "T1", thread: str = "1.0", **kw: Any) -> int:
    """Log a paste in channel C1 by U1; `kw` may set `now` and `checklist_size`."""
    row = {"channel": "C1", "message_ts": thread, "user": "U1", "text": "401", "via": "message", "now": 1e3}
    return store.record_triage(team_id=team, thread_ts=thread, diagnosis=diag(*causes), **{**row, **kw})


def test_wal_and_pending_events_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "why401.db"
    store = Store(path)
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.receive_event("E1", "T1", {"type": "message", "n": 1}, now=10.0)
    assert store.receive_event("E2", "T1", {"type": "message", "n": 2}, now=5.0)
    assert store.receive_event("E3", "T2", {"type": "app_mention"}, now=20.0)
    assert not store.receive_event("E1", "T1", {"type": "message", "n": 1}, now=30.0)
    store.finish_event("E3")
    store.close()

    store = Store(path)  # migrations are applied once; data is still there
    assert [(i.event_id, i.payload, i.received_at) for i in store.pending_events()] == [
        ("E2", {"type": "message", "n": 2}, 5.0),
        ("E1", {"type": "message", "n": 1}, 10.0),
    ]
    assert not store.receive_event("E3", "T2", {}, now=40.0), "a finished event is still a duplicate"
    store.finish_event("E1")
    store.finish_event("E2")
    assert store.pending_events() == []
    store.close()


def test_memory_store_and_health() -> None:
    store = Store.memory()
    assert store.healthy()
    assert store.receive_event("E1", "T1", {})
    assert not store.receive_event("E1", "T1", {})
    store.close()
    assert not store.healthy()


def test_triages(store: Store) -> None:
    first = triage(store, "basic-auth", "mfa", now=100.0, checklist_size=3)
    second = triage(store, now=200.0, thread="2.0")
    other = triage(store, "mfa", team="T2", now=300.0)
    t = store.triage(first)
    assert t is not None
    assert (t.team_id, t.channel, t.thread_ts, t.user, t.via) == ("T1", "C1", "1.0", "U1", "message")
    assert (t.top_cause, t.checklist_size, t.created_at) == ("basic-auth", 3, 100.0)
    assert t.diagnosis == diag("basic-auth", "mfa")
    assert (t.answer_channel, t.answer_ts) == (None, None)
    assert store.triage(second).top_cause is None  # type: ignore[union-attr]
    assert store.triage(9999) is None
    assert [x.id for x in store.recent_triages("T1")] == [second, first]
    assert [x.id for x in store.recent_triages("T1", limit=1)] == [second]
    assert [x.id for x in store.recent_triages("T2")] == [other]


def test_a_thread_gets_one_triage_per_cause(store: Store) -> None:
    tid = triage(store, "basic-auth")
    store.set_answer(tid, "C1", "1.5")
    t = store.triage(tid)
    assert t is not None and (t.answer_channel, t.answer_ts) == ("C1", "1.5")
    once = {"once_per_thread": True, "message_ts": "1.2"}
    assert triage(store, "basic-auth", **once) is None, "same thread, same cause: nothing to add"
    assert triage(store, "mfa", **once) is not None, "another cause deserves an answer"
    assert triage(store, "basic-auth", thread="9.0", once_per_thread=True) is not None, "another thread"
    assert triage(store, "basic-auth", team="T2", once_per_thread=True) is not None, "another workspace"
    assert triage(store, "basic-auth", once_per_thread=True) is not None, "a retry of the same message"
    triage(store, thread="3.0")
    assert triage(store, thread="3.0", message_ts="3.1", once_per_thread=True) is None, "unmatched, once"
    with pytest.raises(KeyError):
        store.set_answer(9999, "C1", "1.0")


def test_checklist_toggles_and_open_checklists(store: Store) -> None:
    tid = triage(store, "mfa", checklist_size=2, now=100.0)
    assert store.checklist(tid) == {}
    assert store.toggle_item(tid, 1, "U1", now=5.0) == {1: CheckMark("U1", 5.0)}
    assert store.toggle_item(tid, 0, "U2", now=6.0) == {0: CheckMark("U2", 6.0), 1: CheckMark("U1", 5.0)}
    assert store.toggle_item(tid, 1, "U2", now=7.0) == {0: CheckMark("U2", 6.0)}, "ticking twice unticks"
    assert store.checklist(tid) == {0: CheckMark("U2", 6.0)}
    with pytest.raises(ValueError):
        store.toggle_item(tid, 2, "U1")
    with pytest.raises(KeyError):
        store.toggle_item(9999, 0, "U1")

    assert store.open_checklists("T1") == [], "not answered yet"
    store.set_answer(tid, "C1", "1.1")
    newer = triage(store, "basic-auth", checklist_size=1, now=200.0, thread="2.0")
    store.set_answer(newer, "C1", "2.1")
    store.set_answer(triage(store, now=300.0, thread="3.0"), "C1", "3.1")  # no checklist at all
    assert [t.id for t in store.open_checklists("T1")] == [newer, tid]
    assert [t.id for t in store.open_checklists("T1", limit=1)] == [newer]
    store.toggle_item(newer, 0, "U1")
    store.toggle_item(tid, 1, "U1")
    assert store.open_checklists("T1") == []
    assert store.open_checklists("T2") == []


def test_verdicts_replace_and_history(store: Store) -> None:
    a, b = triage(store, "mfa"), triage(store, "mfa", thread="2.0")
    store.record_verdict(a, "mfa", "not_this", "U1")
    store.record_verdict(a, "mfa", "fixed", "U1")  # replaces U1's earlier verdict
    store.record_verdict(a, "mfa", "fixed", "U2")  # same triage: still one fixed triage
    store.record_verdict(b, "mfa", "not_this", "U1")
    store.record_verdict(b, "basic-auth", "fixed", "U1")
    store.record_verdict(triage(store, "mfa", team="T2"), "mfa", "fixed", "U9")
    assert store.cause_history("T1") == {"mfa": Verdicts(fixed=1, not_this=1), "basic-auth": Verdicts(1, 0)}
    assert store.cause_history("T3") == {}
    with pytest.raises(ValueError):
        store.record_verdict(a, "mfa", "maybe", "U1")
    with pytest.raises(KeyError):
        store.record_verdict(9999, "mfa", "fixed", "U1")


def test_followups(store: Store) -> None:
    tid = triage(store, "mfa")
    kw: dict[str, Any] = {"triage_id": tid, "team_id": "T1", "channel": "C1", "thread_ts": "1.0"}
    late = store.schedule_followup(**kw, due_at=500.0, text="later", now=100.0)
    early = store.schedule_followup(**kw, due_at=200.0, text="sooner", now=100.0)
    assert store.due_followups(now=199.0) == []
    assert store.due_followups(now=200.0) == [FollowUp(early, tid, "T1", "C1", "1.0", 200.0, "sooner")]
    assert [f.id for f in store.due_followups(now=600.0)] == [early, late]
    store.complete_followup(early, now=601.0)
    assert [f.id for f in store.due_followups(now=600.0)] == [late]
    store.complete_followup(late)
    assert store.due_followups() == []
    with pytest.raises(KeyError):
        store.schedule_followup(**{**kw, "triage_id": 9999}, due_at=1.0, text="x")


def test_stats_window(store: Store) -> None:
    now = 100 * DAY
    old = triage(store, "mfa", now=now - 8 * DAY)
    store.record_verdict(old, "mfa", "fixed", "U1")
    for _ in range(3):
        triage(store, "basic-auth", now=now - DAY)
    mfa = triage(store, "mfa", now=now - 2 * DAY)
    triage(store, now=now - 3 * DAY)
    triage(store, "mfa", team="T2", now=now)
    store.record_verdict(mfa, "mfa", "not_this", "U1")
    store.record_verdict(mfa, "app-password", "fixed", "U1")
    assert store.stats("T1", days=7, now=now) == [
        CauseStats("basic-auth", 3, 0, 0),
        CauseStats("mfa", 1, 0, 1),
        CauseStats(None, 1, 0, 0),
        CauseStats("app-password", 0, 1, 0),
    ]
    assert store.stats("T1", days=30, now=now)[1] == CauseStats("mfa", 2, 1, 1)
    assert store.stats("T9", days=30, now=now) == []


def test_probe_audit(store: Store) -> None:
    first = store.start_probe(team_id="T1", user="U1", account="Ann@Contoso.com", signs_in=True, now=100.0)
    store.start_probe(team_id=None, user="console", account="ann@contoso.com ", signs_in=True, now=200.0)
    store.start_probe(team_id="T1", user="U1", account="ann@contoso.com", signs_in=False, now=250.0)
    last = store.start_probe(team_id="T1", user="U1", account="bob@contoso.com", signs_in=False, now=300.0)
    store.finish_probe(first, "sign-in pass")
    store.finish_probe(last, "refused")
    assert store.signin_attempts("ann@contoso.com", since=0.0) == 2
    assert store.signin_attempts("ANN@contoso.com", since=150.0) == 1
    assert store.signin_attempts("ann@contoso.com", since=201.0) == 0
    assert store.probe_runs("T1", "U1", since=0.0) == 3
    assert store.probe_runs(None, "console", since=0.0) == 1
    assert store.probe_runs("T1", "U1", since=260.0) == 1
    rows = store.probe_audit()
    assert [(r["account"], r["outcome"], r["team_id"], r["signs_in"]) for r in rows] == [
        ("bob@contoso.com", "refused", "T1", 0),
        ("ann@contoso.com", "running", "T1", 0),
        ("ann@contoso.com", "running", None, 1),
        ("ann@contoso.com", "sign-in pass", "T1", 1),
    ]
    assert len(store.probe_audit(limit=1)) == 1


N = 200
WORKER = """
import sys
from bot.store import Store
from tests.bot.test_store import work
store = Store(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
print(work(store, sys.argv[2]), flush=True)
store.close()
"""


NO_THREAD: dict[str, Any] = {"team_id": "T", "channel": None, "thread_ts": None, "message_ts": None}


def work(store: Store, user: str) -> int:
    """Log N triages, tick a step of each (a read, then a write) and race for N shared event ids."""
    new = 0
    for i in range(N):
        tid = store.record_triage(**NO_THREAD, user=user, text=str(i), diagnosis={}, via="console")
        store.toggle_item(tid, 0, user)
        new += store.receive_event(f"E{i}", "T", {})
    return new


def test_threads_and_processes_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"  # created by two racing processes: migrations must apply once
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    pipes: dict[str, Any] = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    argv = [sys.executable, "-c", WORKER, str(path)]
    procs = [subprocess.Popen([*argv, f"P{n}"], text=True, cwd=ROOT, env=env, **pipes) for n in range(2)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.communicate()[1]
    shared = Store(path)
    errors: list[BaseException] = []
    new: list[int] = []

    def write(n: int) -> None:
        store = shared if n < 2 else Store(path)  # two threads share a Store, two have their own
        try:
            new.append(work(store, f"T{n}"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            if store is not shared:
                store.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for t in threads:
        t.join()
    outputs = [proc.communicate(timeout=30) for proc in procs]
    shared.close()
    assert errors == []
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in outputs]

    with closing(sqlite3.connect(path)) as db:
        counts = dict(db.execute("select user, count(*) from triages group by user").fetchall())
        assert counts == dict.fromkeys(["T0", "T1", "T2", "T3", "P0", "P1"], N)
        assert db.execute("select count(*) from checkmarks").fetchone()[0] == 6 * N
        applied = db.execute("select count(*), count(distinct name) from _sqlite_migrations").fetchone()
        assert applied[0] == applied[1] >= 1  # every migration applied exactly once
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sum(new) + sum(int(out) for out, _ in outputs) == N, "each event id is new exactly once"


def test_claimed_events_go_to_one_worker_until_released_or_stale(tmp_path: Path) -> None:
    first, second = Store(tmp_path / "why401.db"), Store(tmp_path / "why401.db")
    for n in range(5):
        assert first.receive_event(f"Ev{n}", "T1", {"n": n}, now=100.0 + n)
    mine = first.claim_events("worker-a", limit=3, now=200.0)
    theirs = second.claim_events("worker-b", limit=10, now=200.5)
    assert [item.event_id for item in mine] == ["Ev0", "Ev1", "Ev2"]
    assert [item.event_id for item in theirs] == ["Ev3", "Ev4"]
    assert second.claim_events("worker-b", now=201.0) == []
    first.finish_event("Ev0")
    first.release_claims("worker-a")
    assert [item.event_id for item in second.claim_events("worker-b", now=202.0)] == ["Ev1", "Ev2"]
    stale = first.claim_events("worker-a", stale_after=60.0, now=300.0)  # worker-b went quiet
    assert [item.event_id for item in stale] == ["Ev1", "Ev2", "Ev3", "Ev4"]
    first.close()
    second.close()


def test_only_answered_events_past_the_retry_window_are_pruned(store: Store) -> None:
    for name, received in (("Old", 0.0), ("Recent", 5 * DAY), ("Open", 0.0)):
        assert store.receive_event(name, "T1", {"n": name}, now=received)
    store.finish_event("Old", now=10.0)
    store.finish_event("Recent", now=5 * DAY)
    assert store.prune_events(keep_s=DAY, now=5 * DAY + 60) == 1
    assert [item.event_id for item in store.pending_events()] == ["Open"], "unanswered events are kept"
    assert not store.receive_event("Recent", "T1", {}, now=5 * DAY + 90), (
        "a recent retry is still a duplicate"
    )
    assert store.receive_event("Old", "T1", {}, now=5 * DAY + 90), "the pruned event is forgotten"


def test_probe_quota_limits_sign_ins_per_account_and_runs_per_user(store: Store) -> None:
    quota = ProbeQuota(signins_per_account=2, signin_window_s=900, runs_per_user=4, run_window_s=3600)

    def start(user: str, account: str, signs_in: bool, now: float) -> int:
        return store.start_probe(
            team_id="T1", user=user, account=account, signs_in=signs_in, quota=quota, now=now
        )

    start("U1", "ann@contoso.com", True, 1000.0)
    start("U2", "Ann@Contoso.com", True, 1100.0)
    with pytest.raises(QuotaExceeded, match="2 sign-in attempts"):
        start("U3", "ann@contoso.com", True, 1200.0)
    start("U3", "ann@contoso.com", False, 1200.0)  # checks without a password still run
    start("U3", "ann@contoso.com", True, 1000.0 + 901)  # the first attempt has left the window
    start("U1", "bob@contoso.com", False, 1300.0)
    start("U1", "bob@contoso.com", False, 1301.0)
    start("U1", "bob@contoso.com", False, 1302.0)
    with pytest.raises(QuotaExceeded, match="4 probe runs"):
        start("U1", "bob@contoso.com", False, 1303.0)
    assert store.signin_attempts("ann@contoso.com", since=0.0) == 3  # refused runs are not recorded
    assert store.probe_runs("T1", "U1", since=0.0) == 4
