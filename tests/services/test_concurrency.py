"""Several reps acting at the same instant, on SQLite and on PostgreSQL: nobody gets a lead
someone else got, no update is lost, the loser of a race is told, and nobody sees a raw
database error. Threads start together at a barrier; nothing here sleeps."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from qc_console.domain.errors import DomainError, StaleLead
from qc_console.domain.values import ActionResult, NewLead
from qc_console.services import reps
from qc_console.services.facade import ServiceBackend
from tests.conftest import NOW

WORKERS = 4
POOL = 60


def together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads released at the same instant; each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def go(i: int, job: Callable[[], Any]) -> None:
        barrier.wait(timeout=30)
        try:
            results[i] = job()
        except BaseException as exc:  # noqa: BLE001 (the test inspects it)
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return results


def raised(results: list[Any]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]


@pytest.fixture
def team(people: str) -> str:
    """ann, bob, cat, dan (reps), sue and val (supervisors), sam and tia (sales)."""
    reps.add_rep("cat", "rep", now=NOW)
    reps.add_rep("dan", "rep", now=NOW)
    reps.add_rep("val", "supervisor", now=NOW)
    return people


def pool_leads(n: int) -> list[int]:
    """`n` unowned leads (created by the supervisor, then released to the pool)."""
    sue = ServiceBackend("sue")
    ids = [
        sue.create_lead(NewLead(first_name=f"Pool {i}", email=f"pool{i}@example.com")).leads[0].id
        for i in range(n)
    ]
    sue.reassign(ids, None)
    return ids


def claim_all(actor: str, limit: int) -> Callable[[], list[int]]:
    def work() -> list[int]:
        backend = ServiceBackend(actor)
        got: list[int] = []
        for _ in range(limit + 1):
            result = backend.claim_next()
            if not result.leads:
                break
            got.append(result.leads[0].id)
        return got

    return work


def test_reps_claiming_at_the_same_instant_never_get_the_same_lead(team: str) -> None:
    ids = pool_leads(POOL)
    names = ["ann", "bob", "cat", "dan"][:WORKERS]

    results = together([claim_all(name, POOL) for name in names])

    assert raised(results) == []
    claimed = [lead_id for got in results for lead_id in got]
    assert Counter(claimed).most_common(1)[0][1] == 1, "a lead was claimed twice"
    assert sorted(claimed) == sorted(ids), "every pool lead was claimed once"
    sue = ServiceBackend("sue")
    for name, got in zip(names, results, strict=True):
        for lead_id in got:
            detail = sue.lead_detail(lead_id)
            assert detail.lead.owner == name
            assert [e.kind for e in detail.events].count("claim") == 1
    assert ServiceBackend("ann").claim_next().message == "the pool is empty"


def test_two_people_qualifying_one_lead_at_once_one_wins_the_other_is_told(team: str) -> None:
    ann, sue = ServiceBackend("ann"), ServiceBackend("sue")
    for i in range(8):
        lead = ann.create_lead(NewLead(first_name=f"Race {i}", email=f"race{i}@x.com")).leads[0]
        seen = {lead.id: lead.version}

        results = together(
            [
                lambda i=lead.id, seen=seen: ann.qualify([i], "high", expected=seen),
                lambda i=lead.id, seen=seen: sue.qualify([i], "low", expected=seen),
            ]
        )

        wins = [r for r in results if isinstance(r, ActionResult)]
        stale = [r for r in results if isinstance(r, StaleLead)]
        assert (len(wins), len(stale)) == (1, 1), results
        now = sue.lead_detail(lead.id)
        assert now.lead.rating == wins[0].leads[0].rating
        assert now.lead.version == lead.version + 1
        assert [e.kind for e in now.events].count("qualify") == 1
        assert "changed by" in str(stale[0])


def test_an_action_waiting_on_a_lead_being_changed_sees_the_change(team: str) -> None:
    """Another session changes the lead and holds its lock; the rep's qualify waits, then
    refuses as stale instead of overwriting the change."""
    ann = ServiceBackend("ann")
    lead = ann.create_lead(NewLead(first_name="Held", email="held@x.com")).leads[0]
    other = _Session(team)
    other.lock_and_rate(lead.id, "low")

    results: list[Any] = []
    worker = threading.Thread(
        target=lambda: results.append(
            _outcome(lambda: ann.qualify([lead.id], "high", expected={lead.id: lead.version}))
        )
    )
    worker.start()
    other.wait_until_someone_waits()
    other.commit()
    worker.join(timeout=60)

    assert isinstance(results[0], StaleLead), results
    now = ann.lead_detail(lead.id).lead
    assert (now.rating, now.version) == ("low", lead.version + 1)


def test_touches_logged_at_once_on_one_lead_all_count(team: str) -> None:
    ann = ServiceBackend("ann")
    lead = ann.create_lead(NewLead(first_name="Busy", email="busy@x.com")).leads[0]
    per_worker = 8

    def touch(actor: str) -> Callable[[], None]:
        def work() -> None:
            backend = ServiceBackend(actor)
            for i in range(per_worker):
                backend.log_touch([lead.id], "call", "no_answer", note=f"{actor} {i}")

        return work

    results = together([touch(a) for a in ("ann", "sue", "val", "ann")])

    assert raised(results) == []
    detail = ann.lead_detail(lead.id)
    total = 4 * per_worker
    assert detail.lead.touch_count == total
    assert len(detail.touches) == total
    assert detail.lead.version == lead.version + total
    assert [e.kind for e in detail.events].count("touch") == total


def test_a_busy_team_sees_only_clear_messages(team: str) -> None:
    """Claims, touches, qualifies and a supervisor's bulk reassign all at once: every outcome is
    a result or a domain error (e.g. stale), never a raw database error such as 'locked'."""
    pool = pool_leads(24)
    ann = ServiceBackend("ann")
    owned = [ann.create_lead(NewLead(email=f"own{i}@x.com")).leads[0].id for i in range(6)]

    def rep_work(actor: str) -> Callable[[], list[Any]]:
        def work() -> list[Any]:
            backend = ServiceBackend(actor)
            out = []
            for _ in range(6):
                out.append(_outcome(backend.claim_next))
                claimed = out[-1].leads if isinstance(out[-1], ActionResult) else ()
                for lead in claimed:
                    out.append(
                        _outcome(lambda i=lead.id: backend.log_touch([i], "email", "replied"))
                    )
                    out.append(_outcome(lambda i=lead.id: backend.qualify([i], "medium")))
            return out

        return work

    def supervisor_work() -> list[Any]:
        sue = ServiceBackend("sue")
        return [
            _outcome(lambda: sue.reassign(owned, "bob")),
            _outcome(lambda: sue.reassign(pool[12:], ["cat", "dan"], skip_refused=True)),
            _outcome(lambda: sue.log_touch(owned, "call", "no_answer")),
        ]

    results = together([rep_work("ann"), rep_work("bob"), rep_work("cat"), supervisor_work])

    outcomes = [o for r in results for o in (r if isinstance(r, list) else [r])]
    unexpected = [o for o in outcomes if not isinstance(o, ActionResult | DomainError)]
    assert unexpected == []
    for lead_id, n in Counter(
        lead.id
        for o in outcomes
        if isinstance(o, ActionResult) and o.action == "claim"
        for lead in o.leads
    ).items():
        assert n == 1, f"lead #{lead_id} claimed {n} times"


def test_undo_pressed_in_two_consoles_at_once_undoes_two_actions(team: str) -> None:
    ann = ServiceBackend("ann")
    first = ann.create_lead(NewLead(email="first@x.com")).leads[0].id
    second = ann.create_lead(NewLead(email="second@x.com")).leads[0].id
    ann.qualify([first], "high")
    ann.qualify([second], "high")

    results = together([ServiceBackend("ann").undo, ServiceBackend("ann").undo])

    assert raised(results) == []
    assert sorted(r.leads[0].id for r in results) == [first, second]
    for lead_id in (first, second):
        detail = ann.lead_detail(lead_id)
        assert detail.lead.stage == "raw"
        assert [e.kind for e in detail.events].count("undo") == 1


# --- helpers ---------------------------------------------------------------------------------


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except DomainError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 (a raw database error is what the tests look for)
        return exc


class _Session:
    """A second, raw database session (as another console would hold) for lock tests."""

    def __init__(self, url: str) -> None:
        self.postgres = url.startswith("postgresql://")
        if self.postgres:
            import psycopg2

            self.conn: Any = psycopg2.connect(url)
            self.waiter = psycopg2.connect(url)
            self.waiter.autocommit = True
        else:
            self.conn = sqlite3.connect(url[len("sqlite:///") :], isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")

    def lock_and_rate(self, lead_id: int, rating: str) -> None:
        p = "%s" if self.postgres else "?"
        cur = self.conn.cursor()
        cur.execute(
            f"UPDATE lead SET rating = {p}, stage = 'qualified', version = version + 1"
            f" WHERE id = {p}",
            (rating, lead_id),
        )

    def wait_until_someone_waits(self, deadline: float = 30.0) -> None:
        """PostgreSQL: poll until another backend waits for our lock (SQLite: the writer is
        blocked by construction, or has not begun yet — both must end stale)."""
        if not self.postgres:
            return
        end = time.monotonic() + deadline
        with self.waiter.cursor() as cur:
            while time.monotonic() < end:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cur.fetchone()[0]:
                    return
                time.sleep(0.005)  # polling interval, not a timing assumption
        raise AssertionError("the rep's action never waited for the lock")

    def commit(self) -> None:
        if self.postgres:
            self.conn.commit()
            self.waiter.close()
        else:
            self.conn.execute("COMMIT")
        self.conn.close()
