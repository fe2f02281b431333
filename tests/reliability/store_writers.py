"""Child-process writers for the storage tests: each writes through `bot.store.Store` and says what committed.

Run as ``python -c "from tests.reliability.store_writers import main; main()" KIND PATH NAME [STEPS]``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
from dataclasses import dataclass, field

from bot.store import ProbeQuota, QuotaExceeded, Store

SHARED_ACCOUNT = "shared@contoso.com"
CAUSE = "wrong-credentials"


def _say(kind: str, value: object) -> None:
    print(kind, value, flush=True)


def crash_writer(store: Store, name: str) -> None:
    """Write without end, printing each triage, event, tick and finish once its transaction has committed."""
    for i in itertools.count():
        pad = "x" * (i % 9 * 900)  # rows of a few pages, so a kill often lands inside a page write
        triage_id = store.record_triage(
            team_id="T1",
            channel="C1",
            thread_ts=f"{i}.0",
            message_ts=f"{i}.0",
            user=name,
            text=f"{name} {i} 401 Unauthorized {pad}",
            diagnosis={"causes": [{"id": CAUSE, "score": 0.5}], "pad": pad},
            via="message",
            checklist_size=3,
        )
        assert triage_id is not None
        _say("T", triage_id)
        event_id = f"{name}-{i}"
        store.receive_event(event_id, "T1", {"i": i, "pad": pad})
        _say("E", event_id)
        store.toggle_item(triage_id, 0, name)
        _say("C", triage_id)
        if i % 2:
            store.finish_event(event_id)
            _say("F", event_id)


@dataclass
class Writer:
    """One writer's share of the concurrent load, and what it saw committed."""

    store: Store = field(repr=False)
    name: str
    triages: list[int] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    claimed: list[str] = field(default_factory=list)
    probes: list[int] = field(default_factory=list)

    def step(self, i: int) -> None:
        """Five writes and a read, mixed as the bot mixes them: a paste, its answer, a tick, a verdict, an
        inbox event; every fifth step claims and finishes events, every tenth tries a rate-limited probe."""
        store = self.store
        triage_id = store.record_triage(
            team_id="T1",
            channel="C1",
            thread_ts=f"{i}.0",
            message_ts=f"{i}.0",
            user=self.name,
            text=f"{self.name} {i}",
            diagnosis={"causes": [{"id": CAUSE, "score": 0.5}]},
            via="message",
            checklist_size=3,
        )
        assert triage_id is not None
        self.triages.append(triage_id)
        store.set_answer(triage_id, "C1", f"{i}.1")
        store.toggle_item(triage_id, i % 3, self.name)
        store.record_verdict(triage_id, CAUSE, "fixed", self.name)
        event_id = f"{self.name}-{i}"
        if not store.receive_event(event_id, "T1", {"i": i}):
            raise AssertionError(f"{event_id} was new but taken for a retry")
        self.events.append(event_id)
        if i % 5 == 4:
            for item in store.claim_events(self.name, limit=5):
                store.finish_event(item.event_id)
                self.claimed.append(item.event_id)
        if i % 10 == 0:
            with contextlib.suppress(QuotaExceeded):
                self.probes.append(
                    store.start_probe(
                        team_id="T1",
                        user=self.name,
                        account=SHARED_ACCOUNT,
                        signs_in=True,
                        quota=ProbeQuota(),
                    )
                )
        store.stats("T1", 7)

    def report(self) -> dict[str, object]:
        return {
            "triages": self.triages,
            "events": self.events,
            "claimed": self.claimed,
            "probes": self.probes,
        }


def main() -> None:
    kind, path, name = sys.argv[1:4]
    store = Store(path)
    _say("ready", name)
    if kind == "crash":
        crash_writer(store, name)
    else:
        writer = Writer(store, name)
        sys.stdin.readline()  # wait for "go", so every writer starts at once
        for i in range(int(sys.argv[4])):
            writer.step(i)
        print(json.dumps(writer.report()), flush=True)
    store.close()
