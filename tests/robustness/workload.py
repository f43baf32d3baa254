"""A qualifying center in 8 processes: six QC reps, a supervisor and a sales rep, each opening
the database itself (`open_backend(url, rep)`) and acting for a while with the versions it has
just read, so people collide. `tests.robustness.proof` checks what they leave behind;
bench/bench_concurrency.py runs it for a minute, test_concurrency.py for a few seconds.

Each process counts what it did and what it was told (`Tally`): successes with the lead
versions they produced, `StaleLead`s with the version the loser had read, other refusals, and
any exception that is not a domain error (a raw database error such as "database is locked").
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from qc_console.db.database import close_database, db
from qc_console.domain.errors import DomainError, StaleLead
from qc_console.domain.stages import Stage
from qc_console.domain.values import ActionResult, LeadView, NewLead, QueueFilter, UndoResult
from qc_console.services import dispositions, leads, reps
from qc_console.services._rows import utcnow
from qc_console.services.facade import ServiceBackend, open_backend

QC_REPS = ("ann", "bob", "cat", "dan", "eve", "fay")
SUPERVISOR = "sue"
SALES = "sam"
TEAM = [*((n, "rep") for n in QC_REPS), (SUPERVISOR, "supervisor"), (SALES, "sales")]


# --- what each process counts ----------------------------------------------------------------


@dataclass
class Tally:
    """One process's account of what it did and what it was told."""

    name: str
    role: str
    attempts: Counter[str] = field(default_factory=Counter)
    ok: Counter[str] = field(default_factory=Counter)
    stale: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    raw: list[str] = field(default_factory=list)
    """Exceptions that are not domain errors (a raw database error, a crash): must stay empty."""
    locked: int = 0
    """Messages mentioning "locked", domain errors included: must stay 0."""
    writes: list[tuple[int, int]] = field(default_factory=list)
    """(lead, version after) of every lead a successful action changed."""
    batches: list[tuple[int, str, int]] = field(default_factory=list)
    """(batch, action, leads) of every successful action but undo."""
    undone: list[int] = field(default_factory=list)
    """Batches this process undid."""
    stale_seen: list[tuple[int, int]] = field(default_factory=list)
    """(lead, the version this process had read) of every StaleLead."""
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """This process's own CPU time while acting (the database server's is not in it)."""

    def act(self, action: str, call: Callable[[], Any], expected: dict[int, int]) -> Any:
        """Run one write and account for its outcome; returns the result or None."""
        self.attempts[action] += 1
        started = time.perf_counter()
        try:
            result = call()
        except StaleLead as exc:
            self.stale += 1
            self.stale_seen.append((exc.lead_id, expected[exc.lead_id]))
            self._check_locked(exc)
            return None
        except DomainError as exc:
            self.refused[type(exc).__name__] += 1
            self._check_locked(exc)
            return None
        except Exception as exc:  # noqa: BLE001 (what the proof counts)
            self.raw.append(f"{action}: {type(exc).__module__}.{type(exc).__name__}: {exc}")
            self._check_locked(exc)
            return None
        finally:
            self.latencies.append(time.perf_counter() - started)
        self.ok[action] += 1
        self.writes.extend((v.id, v.version) for v in result.leads)
        if isinstance(result, UndoResult):
            self.undone.append(result.batch_id)
        elif result.batch_id is not None:
            self.batches.append((result.batch_id, result.action, len(result.leads)))
        return result

    def _check_locked(self, exc: BaseException) -> None:
        if "locked" in str(exc).lower():
            self.locked += 1


# --- the people ------------------------------------------------------------------------------


class Person:
    """One process's loop: read, pick, act with the versions just read."""

    def __init__(self, backend: ServiceBackend, role: str, rnd: random.Random) -> None:
        self.b, self.role, self.rnd = backend, role, rnd
        self.tally = Tally(backend.actor, role)

    def expect(self, views: list[LeadView]) -> dict[int, int]:
        return {v.id: v.version for v in views}

    def read(self, f: QueueFilter | None = None, limit: int = 40) -> list[LeadView]:
        return list(self.b.queue_page(f or QueueFilter(), limit=limit).rows)

    def step(self) -> None:
        choice = {"rep": self.rep_step, "supervisor": self.supervisor_step, "sales": self.sales}
        choice[self.role]()

    # QC reps ---------------------------------------------------------------------------
    def rep_step(self) -> None:
        r = self.rnd.random()
        if r < 0.12:
            self.tally.act("claim", self.b.claim_next, {})
        elif r < 0.18:
            self.tally.act("undo", self.b.undo, {})
        elif r < 0.34:
            self.bulk(self.read())
        else:
            rows = self.read()
            if rows:
                self.one(self.rnd.choice(rows))

    def one(self, lead: LeadView) -> None:
        """A disposition that fits the stage the rep just read."""
        b, t, ids, seen = self.b, self.tally, [lead.id], self.expect([lead])
        soon = utcnow() + timedelta(days=self.rnd.randint(1, 9))
        rating = self.rnd.choice(["low", "medium", "high"])
        options: list[tuple[int, str, Callable[[], Any]]] = [
            (35, "touch", lambda: b.log_touch(ids, "call", "no_answer", expected=seen)),
            (10, "next_action", lambda: b.set_next_action(ids, soon, "call", expected=seen)),
            (5, "release", lambda: b.reassign(ids, None, expected=seen)),
        ]
        if lead.stage == Stage.RAW:
            options += [
                (25, "qualify", lambda: b.qualify(ids, rating, expected=seen)),
                (8, "incubate", lambda: b.incubate(ids, soon, "later", expected=seen)),
                (2, "purge", lambda: b.purge(ids, "duplicate", expected=seen)),
            ]
        elif lead.stage == Stage.QUALIFIED:
            options += [
                (30, "hand_off", lambda: b.hand_off(ids, SALES, expected=seen)),
                (10, "qualify", lambda: b.qualify(ids, rating, expected=seen)),
                (8, "incubate", lambda: b.incubate(ids, soon, "later", expected=seen)),
            ]
        else:  # incubating: back to work
            options = [
                (50, "qualify", lambda: b.qualify(ids, rating, expected=seen)),
                (30, "touch", options[0][2]),
            ]
        _weight, action, call = self.rnd.choices(options, [o[0] for o in options])[0]
        t.act(action, call, seen)

    def bulk(self, rows: list[LeadView]) -> None:
        """The same action on several leads: the ones that cannot take it are left out."""
        if not rows:
            return
        picked = self.rnd.sample(rows, min(len(rows), self.rnd.randint(2, 8)))
        seen, ids = self.expect(picked), [v.id for v in picked]
        due = utcnow() + timedelta(days=2)
        b, kw = self.b, {"expected": seen, "skip_refused": True}
        calls: list[tuple[str, Callable[[], Any]]] = [
            ("bulk_touch", lambda: b.log_touch(ids, "email", "replied", **kw)),
            ("bulk_next_action", lambda: b.set_next_action(ids, due, "bulk", **kw)),
            ("bulk_qualify", lambda: b.qualify(ids, "medium", **kw)),
        ]
        action, call = self.rnd.choice(calls)
        self.tally.act(action, call, seen)

    # the supervisor --------------------------------------------------------------------
    def supervisor_step(self) -> None:
        r = self.rnd.random()
        everyone = QueueFilter(owner="*")
        if r < 0.55:
            rows = self.read(everyone, limit=150)
            picked = self.rnd.sample(rows, min(len(rows), self.rnd.randint(5, 30)))
            seen = self.expect(picked)
            targets: list[str | None] = [*self.rnd.sample(QC_REPS, 3), None]
            self.tally.act(
                "bulk_reassign",
                lambda: self.b.reassign(list(seen), targets, expected=seen, skip_refused=True),
                seen,
            )
        elif r < 0.80:
            rows = self.read(QueueFilter(owner="*", stages=(Stage.INCUBATING,)), limit=100)
            picked = self.rnd.sample(rows, min(len(rows), self.rnd.randint(3, 20)))
            seen = self.expect(picked)
            self.tally.act("bulk_resurface", lambda: self._resurface(seen), seen)
        elif r < 0.90:
            rows = self.read(everyone, limit=60)
            self.bulk(rows)
        else:
            self.tally.act("undo", self.b.undo, {})

    def _resurface(self, seen: dict[int, int]) -> ActionResult:
        with db.connection_context():
            return dispositions.resurface(
                list(seen), actor=self.b.actor, expected=seen, skip_refused=True
            )

    # the sales rep ---------------------------------------------------------------------
    def sales(self) -> None:
        if self.rnd.random() < 0.04:
            self.tally.act("undo", self.b.undo, {})
            return
        rows = self.read(limit=60)
        if not rows:
            return
        lead = self.rnd.choice(rows)
        b, ids, seen = self.b, [lead.id], self.expect([lead])
        options: list[tuple[int, str, Callable[[], Any]]]
        if lead.stage == Stage.HANDED_OFF:
            options = [
                (45, "accept", lambda: b.accept(ids, 1000.0, expected=seen)),
                (40, "reject", lambda: b.reject(ids, "not now", "qualified", expected=seen)),
                (15, "reject", lambda: b.reject(ids, "later", "incubating", expected=seen)),
            ]
        elif lead.stage == Stage.ACCEPTED:
            options = [
                (50, "outcome", lambda: b.record_outcome(ids, "delayed", expected=seen)),
                (25, "outcome", lambda: b.record_outcome(ids, "won", 900.0, expected=seen)),
                (25, "outcome", lambda: b.record_outcome(ids, "lost", expected=seen)),
            ]
        else:  # delayed: park it with the QC center again
            until = utcnow() + timedelta(days=30)
            options = [(1, "incubate", lambda: b.incubate(ids, until, "delayed", expected=seen))]
        _weight, action, call = self.rnd.choices(options, [o[0] for o in options])[0]
        self.tally.act(action, call, seen)


def worker(
    url: str, name: str, role: str, seconds: float, seed: int, barrier: Any, out: Any
) -> None:
    """One process: open the database itself, wait for the others, act until time is up."""
    tally = Tally(name, role)
    try:
        backend = open_backend(url, name)
        person = Person(backend, role, random.Random(seed))
        tally = person.tally
        barrier.wait(timeout=120)
        started, cpu = time.monotonic(), time.process_time()
        end = started + seconds
        while time.monotonic() < end:
            try:
                person.step()
            except Exception as exc:  # noqa: BLE001 (a read failed: counted as raw)
                tally.raw.append(f"read: {type(exc).__module__}.{type(exc).__name__}: {exc}")
                if "locked" in str(exc).lower():
                    tally.locked += 1
        tally.seconds = time.monotonic() - started
        tally.cpu_seconds = time.process_time() - cpu
    except BaseException as exc:  # noqa: BLE001 (reported to the parent, never lost)
        tally.raw.append(f"worker: {type(exc).__name__}: {exc}")
    finally:
        close_database()
        out.put(tally)


# --- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    last_batch: int
    last_event: int
    leads: int


def prepare(url: str, n_leads: int) -> Setup:
    """Migrate, add the team and `n_leads` raw leads: a third in the pool, the rest spread
    over the QC reps."""
    from qc_console.db.models import Batch, LeadEvent

    open_backend(url, "nobody")
    with db.connection_context():
        for name, role in TEAM:
            reps.add_rep(name, role)
        ids = [
            leads.create_lead(
                NewLead(first_name=f"Lead{i}", company=f"Co {i % 37}", email=f"l{i}@example.com"),
                actor=SUPERVISOR,
            )
            .leads[0]
            .id
            for i in range(n_leads)
        ]
        third = len(ids) // 3
        dispositions.reassign(ids[:third], to=None, actor=SUPERVISOR)
        dispositions.reassign(ids[third:], to=list(QC_REPS), actor=SUPERVISOR)
        setup = Setup(
            last_batch=Batch.select().order_by(Batch.id.desc()).first().id,
            last_event=LeadEvent.select().order_by(LeadEvent.id.desc()).first().id,
            leads=len(ids),
        )
    close_database()
    return setup


def run_team(url: str, seconds: float, *, seed: int = 1) -> list[Tally]:
    """Run the 8 people in 8 processes and collect their tallies. The processes come from a
    fork server that has imported the services already but never opened a database, so no
    connection is shared and starting them costs little."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    barrier = ctx.Barrier(len(TEAM))
    out = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(url, name, role, seconds, seed * 100 + i, barrier, out))
        for i, (name, role) in enumerate(TEAM)
    ]
    for p in procs:
        p.start()
    tallies = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return sorted(tallies, key=lambda t: t.name)
