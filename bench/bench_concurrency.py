"""Concurrency proof and benchmark: 8 processes act as a qualifying center for a while, then
the data must still tell one consistent story.

    python bench/bench_concurrency.py [--seconds 60] [--leads 600] [--engine sqlite|postgres|both]
                                      [--db URL] [--append-results]

Each process opens the database itself (`open_backend(url, rep)`) and acts as one person:
six QC reps (claim next, touch, qualify, incubate, next action, hand off, release, bulk with
`skip_refused`, undo), one supervisor (bulk reassign round-robin, bulk resurface, undo) and one
sales rep (accept, reject, outcomes). Every write passes `expected={id: version}` from a read
made just before, so people collide. Afterwards (`verify`):

- `check_integrity()` has no errors (each lead's state is the replay of its events, touch
  counters equal touch rows, no orphans);
- every lead's event versions run 1, 2, 3 … without a gap or a repeat (no two writers ever
  acted on the same version, so no claim or update was made twice or lost);
- every claim event took a lead that was in the pool;
- the writes the processes were told succeeded are exactly the events in the database
  (lead, version) for (lead, version), batch for batch, undo for undo: nothing lost, nothing
  extra;
- every `StaleLead` a process got names a lead that really changed after its read;
- no process saw a raw database error (e.g. "database is locked"): counted, must be 0.

Without --db the SQLite run uses a file under bench/out/ and the PostgreSQL run a throwaway
server started here (initdb into a temp dir; as root the server runs as a system user).
tests/robustness/test_concurrency.py runs the same workload for a few seconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qc_console.db.database import close_database, db  # noqa: E402
from qc_console.domain.errors import DomainError, StaleLead  # noqa: E402
from qc_console.domain.stages import Stage  # noqa: E402
from qc_console.domain.values import (  # noqa: E402
    ActionResult,
    LeadView,
    NewLead,
    QueueFilter,
    UndoResult,
)
from qc_console.services import dispositions, leads, reps  # noqa: E402
from qc_console.services._rows import utcnow  # noqa: E402
from qc_console.services.facade import ServiceBackend, open_backend  # noqa: E402

QC_REPS = ("ann", "bob", "cat", "dan", "eve", "fay")
SUPERVISOR = "sue"
SALES = "sam"
TEAM = [*((n, "rep") for n in QC_REPS), (SUPERVISOR, "supervisor"), (SALES, "sales")]
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


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
        calls: list[tuple[str, Callable[[], Any]]] = [
            (
                "bulk_touch",
                lambda: self.b.log_touch(ids, "email", "replied", expected=seen, skip_refused=True),
            ),  # fmt: skip
            (
                "bulk_next_action",
                lambda: self.b.set_next_action(ids, due, "bulk", expected=seen, skip_refused=True),
            ),  # fmt: skip
            (
                "bulk_qualify",
                lambda: self.b.qualify(ids, "medium", expected=seen, skip_refused=True),
            ),  # fmt: skip
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
        started = time.monotonic()
        end = started + seconds
        while time.monotonic() < end:
            try:
                person.step()
            except Exception as exc:  # noqa: BLE001 (a read failed: counted as raw)
                tally.raw.append(f"read: {type(exc).__module__}.{type(exc).__name__}: {exc}")
                if "locked" in str(exc).lower():
                    tally.locked += 1
        tally.seconds = time.monotonic() - started
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
    ctx.set_forkserver_preload([__name__ if __name__ != "__main__" else "__main__"])
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


@dataclass
class Verdict:
    problems: list[str]
    actions: int
    attempts: int
    stale: int
    refused: Counter[str]
    raw: int
    locked: int
    events: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.actions / self.seconds if self.seconds else 0.0


def verify(url: str, setup: Setup, tallies: list[Tally]) -> Verdict:
    """Compare what the processes were told with what the database holds (see module doc)."""
    from qc_console.db.models import Batch, Lead, LeadEvent, Rep, Touch
    from qc_console.services.integrity import check_integrity

    problems: list[str] = []
    open_backend(url, "nobody")
    with db.connection_context():
        report = check_integrity()
        problems += [f"integrity: {f.kind}: {f.count} {f.lead_ids}" for f in report.errors]
        names = dict(Rep.select(Rep.id, Rep.name).tuples())
        chains: dict[int, list[int]] = {}
        in_db: Counter[tuple[int, int]] = Counter()
        by_batch: Counter[int] = Counter()
        for lead_id, kind, data, batch_id, event_id in (
            LeadEvent.select(
                LeadEvent.lead_id, LeadEvent.kind, LeadEvent.data, LeadEvent.batch, LeadEvent.id
            )
            .order_by(LeadEvent.id)
            .tuples()
            .iterator()
        ):
            d = json.loads(data)
            chains.setdefault(lead_id, []).append(d["version"])
            if event_id > setup.last_event:
                in_db[(lead_id, d["version"])] += 1
                by_batch[batch_id] += 1
                if kind == "claim" and d["before"].get("owner_id") is not None:
                    problems.append(f"claim of lead #{lead_id} owned by {d['before']['owner_id']}")
        for lead_id, versions in chains.items():
            if versions != list(range(versions[0], versions[0] + len(versions))):
                problems.append(f"lead #{lead_id}: event versions {versions} are not a chain")
        versions = dict(Lead.select(Lead.id, Lead.version).tuples())
        touches = Counter(lead for (lead,) in Touch.select(Touch.lead_id).tuples())
        counters = dict(Lead.select(Lead.id, Lead.touch_count).tuples())
        bad_counts = [i for i, n in counters.items() if touches.get(i, 0) != n]
        if bad_counts:
            problems.append(f"touch_count differs from touch rows on {bad_counts[:10]}")
        batches = {
            b.id: (names.get(b.actor_id), b.action, b.size, b.undo_of)
            for b in Batch.select().where(Batch.id > setup.last_batch)
        }

    told: Counter[tuple[int, int]] = Counter(w for t in tallies for w in t.writes)
    if told != in_db:
        lost = told - in_db
        extra = in_db - told
        problems.append(f"writes told ≠ events: lost {list(lost)[:10]}, extra {list(extra)[:10]}")
    dupes = [k for k, n in in_db.items() if n > 1]
    if dupes:
        problems.append(f"two events for one lead version: {dupes[:10]}")
    reported = set()
    for t in tallies:
        for batch_id, action, size in t.batches:
            reported.add(batch_id)
            who, _kind, db_size, _undo_of = batches.get(batch_id, (None, None, None, None))
            if who != t.name or db_size != size or by_batch[batch_id] != size:
                problems.append(f"{t.name}'s {action} batch {batch_id}: db says {who}/{db_size}")
        for undone in t.undone:
            undos = [b for b, v in batches.items() if v[3] == undone and v[0] == t.name]
            if len(undos) != 1:
                problems.append(f"{t.name} undid batch {undone}: {len(undos)} undo batches")
            reported.update(undos)
    unreported = sorted(b for b, v in batches.items() if v[2] and b not in reported)
    if unreported:
        problems.append(f"batches nobody was told about: {unreported[:10]}")
    for t in tallies:
        for lead_id, seen in t.stale_seen:
            if versions[lead_id] <= seen:
                problems.append(f"{t.name} was told #{lead_id} v{seen} was stale; it is not")
        problems += [f"{t.name}: {raw}" for raw in t.raw[:5]]
    latencies = sorted(x for t in tallies for x in t.latencies)
    return Verdict(
        problems=problems,
        actions=sum(sum(t.ok.values()) for t in tallies),
        attempts=sum(sum(t.attempts.values()) for t in tallies),
        stale=sum(t.stale for t in tallies),
        refused=sum((t.refused for t in tallies), Counter()),
        raw=sum(len(t.raw) for t in tallies),
        locked=sum(t.locked for t in tallies),
        events=sum(in_db.values()),
        seconds=max((t.seconds for t in tallies), default=0.0),
        p50_ms=1000 * statistics.median(latencies) if latencies else 0.0,
        p95_ms=1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
    )


def prove(url: str, *, seconds: float, n_leads: int, seed: int = 1) -> tuple[Verdict, list[Tally]]:
    """Prepare `url` (an empty database), run the team, verify."""
    setup = prepare(url, n_leads)
    tallies = run_team(url, seconds, seed=seed)
    return verify(url, setup, tallies), tallies


# --- a throwaway PostgreSQL server for the bench ---------------------------------------------


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """initdb + pg_ctl start on a free port (as a system user when root); yields a URL of an
    empty database; stops the server and deletes its files at the end."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "qcpg"
        if subprocess.run(["id", "-u", user], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", user], check=True)
        prefix = ["runuser", "-u", user, "--"]
    tmp = Path(
        tempfile.mkdtemp(
            prefix="qc-bench-pg-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        )
    )
    if prefix:
        shutil.chown(tmp, user="qcpg")
    data = tmp / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = lambda *cmd: subprocess.run([*prefix, *cmd], check=True, capture_output=True, cwd=tmp)  # noqa: E731
    try:
        run(str(PG_BIN / "initdb"), "--no-sync", "-A", "trust", "-U", "postgres", "-D", str(data))
        opts = f"-h 127.0.0.1 -p {port} -k {tmp} -F -c max_connections=100"
        run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(tmp / "log"),
            "-w",
            "-o",
            opts,
            "start",
        )
        run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "qc")
        yield f"postgresql://postgres@127.0.0.1:{port}/qc"
    finally:
        subprocess.run([*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, cwd=tmp)  # fmt: skip
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def sqlite_file(path: Path | None) -> Iterator[str]:
    path = path or ROOT / "bench" / "out" / "bench-concurrency.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    yield f"sqlite:///{path}"


# --- the command -----------------------------------------------------------------------------


def describe(engine: str, v: Verdict, tallies: list[Tally], n_leads: int) -> list[str]:
    refused = ", ".join(f"{k} {n}" for k, n in sorted(v.refused.items())) or "none"
    lines = [
        f"{engine}: {v.actions} actions in {v.seconds:.1f} s = **{v.per_second:.0f} actions/s**"
        f" ({v.attempts} attempts; latency p50 {v.p50_ms:.1f} ms, p95 {v.p95_ms:.1f} ms;"
        f" {n_leads} leads)",
        f"  conflicts told as StaleLead: {v.stale}; other refusals: {refused};"
        f" raw database errors: {v.raw}; 'locked' seen: {v.locked}",
        f"  events checked: {v.events}; problems: {len(v.problems)}",
    ]
    for t in tallies:
        ok = ", ".join(f"{k} {n}" for k, n in sorted(t.ok.items()))
        lines.append(f"    {t.name} ({t.role}): {ok}; stale {t.stale}")
    lines += [f"  PROBLEM: {p}" for p in v.problems[:20]]
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--leads", type=int, default=600)
    ap.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--db", help="An empty database to use instead (sqlite:/// or postgresql://).")
    ap.add_argument("--append-results", action="store_true", help="Append to bench/RESULTS.md.")
    args = ap.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    report: list[str] = []
    failed = False
    for engine in engines:
        if args.db:
            place: Any = nullcontext(args.db)
        else:
            place = sqlite_file(None) if engine == "sqlite" else throwaway_postgres()
        with place as url:
            verdict, tallies = prove(url, seconds=args.seconds, n_leads=args.leads)
        lines = describe(engine, verdict, tallies, args.leads)
        print("\n".join(lines), flush=True)
        report += lines
        failed |= bool(verdict.problems) or verdict.raw > 0 or verdict.locked > 0
    if args.append_results:
        append_results(report, args.seconds)
    return 1 if failed else 0


def append_results(lines: list[str], seconds: float) -> None:
    cpu = os.cpu_count()
    head = [
        "",
        f"## Concurrency ({time.strftime('%Y-%m-%d')}, {cpu} cores, 8 processes, {seconds:.0f} s)",
        "",
        "`python bench/bench_concurrency.py --seconds 60 --append-results`: 6 QC reps, a supervisor"
        " and a sales rep in 8 processes, every write with the versions just read.",
        "",
        "```",
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join([*head, *lines, "```", ""]))


if __name__ == "__main__":
    sys.exit(main())
