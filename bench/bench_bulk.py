"""Bulk dispositions and the aging report on a big database, against their floors.

    python bench/bench_bulk.py [--db URL] [--count 10000] [--runs 5]
                               [--pg | --pg-only] [--pg-leads 200000] [--no-vacuum]
                               [--pg-setting NAME=VALUE ...]

Bulk: 10,000 open QC leads purged, then reassigned, by a supervisor through the service
(`dispositions.purge` / `reassign`: load, role checks, plan, one batch, UPDATEs, events), each
run committed as a user's action is, then undone (`undo_last`, timed too); at the end the
leads, events and batches are put back as they were found. The floor is the same row changes
and event rows written by hand on the driver in one committed transaction — one
`UPDATE … WHERE id = ?` per lead with `executemany` and one event INSERT per lead with a JSON
body of the service's size (issue 4's floor) — then put back untimed; "set-based" is the same
with one UPDATE for all ids, the statement the service now runs.

Aging: `services.analytics.aging.aging()` as `qc-console report aging` computes it; the floor is
the raw GROUP BY (owner × age bucket over open leads) on the driver.

Without --db the database is bench/out/bench-1m.sqlite (migrated first). `--pg` also runs
everything on a throwaway PostgreSQL server (tests/pg.py; as root the server runs as the user
`qcpg`), seeded with `--pg-leads` demo leads, whose tables are vacuumed before each run (as
autovacuum would; `--no-vacuum` to see the runs pile up dead rows instead). Goals (issue 4):
bulk ≤ 500 ms and ≤ 3× its floor; aging ≤ 300 ms. Every figure is printed with the load
average; CPU time (process_time) beside wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc_console.db.database import (  # noqa: E402
    close_database,
    db,
    held,
    hold_open,
    is_postgres,
    open_database,
    wide_cache,
)
from qc_console.db.models import OPEN_LEADS, Lead, Rep  # noqa: E402
from qc_console.db.schema import migrate  # noqa: E402
from qc_console.domain.stages import Stage  # noqa: E402
from qc_console.malloc import keep_freed_memory  # noqa: E402
from qc_console.services import dispositions  # noqa: E402
from qc_console.services._rows import utcnow  # noqa: E402
from qc_console.services.analytics.aging import aging  # noqa: E402
from qc_console.services.undo import undo_last  # noqa: E402

DEFAULT_DB = ROOT / "bench" / "out" / "bench-1m.sqlite"
BULK_GOAL_MS = 500.0
RATIO_GOAL = 3.0
AGING_GOAL_MS = 300.0


class Rollback(Exception):
    """Raised inside a transaction to leave the database as it was (read-only timings)."""


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, list[float]]:
    """(median wall ms, median CPU ms, every wall ms) of `fn`, each run rolled back."""
    walls, cpus = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            with db.atomic():
                fn()
                w1, c1 = time.perf_counter(), time.process_time()
                raise Rollback
        except Rollback:
            pass
        walls.append((w1 - w0) * 1000)
        cpus.append((c1 - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus), walls


Timing = tuple[float, float, list[float], float, float]
"""(median wall ms, median CPU ms, every wall ms, median wall ms of putting it back, median
wall ms of the WAL checkpoint that followed, off the caller's path)."""


def checkpoint() -> float:
    """Checkpoint the WAL now, as the console's checkpointer thread does after a commit (ms);
    0 on PostgreSQL."""
    keeper = held()
    if keeper is None:
        return 0.0
    w0 = time.perf_counter()
    keeper.checkpoint()
    return (time.perf_counter() - w0) * 1000


def committed(
    fn: Callable[[], Any],
    put_back: Callable[[], Any],
    runs: int,
    prepare: Callable[[], Any] = lambda: None,
) -> Timing:
    """`fn` committed (its own transaction, as a user's action), then `put_back`, `runs` times.
    The WAL is checkpointed (timed apart) before each timed call and after it, as the
    console's checkpointer thread would do it while the rep goes on."""
    walls, cpus, backs, settles = [], [], [], []
    for _ in range(runs):
        prepare()
        vacuum()
        checkpoint()
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        w1, c1 = time.perf_counter(), time.process_time()
        settles.append(checkpoint())
        w2 = time.perf_counter()
        put_back()
        backs.append((time.perf_counter() - w2) * 1000)
        walls.append((w1 - w0) * 1000)
        cpus.append((c1 - c0) * 1000)
    med = statistics.median
    return med(walls), med(cpus), walls, med(backs), med(settles)


VACUUM = True
"""Whether PostgreSQL's tables are vacuumed before each timed run (`--no-vacuum`: not)."""


def vacuum() -> None:
    """PostgreSQL: VACUUM the tables the runs change, as autovacuum does on a live server.
    Each run and its undo leave 20,000 dead row versions in `lead` and entries for them in
    its eleven indexes, which the next run would wade through: by the tenth run an UPDATE of
    the same leads took twice as long. Untimed; no-op on SQLite (which updates in place)."""
    if VACUUM and is_postgres():
        db.execute_sql("VACUUM lead, lead_event, batch")


def pick_leads(count: int) -> list[int]:
    """`count` raw, qualified or incubating leads (purge and reassign take all three)."""
    qc = [Stage.RAW.value, Stage.QUALIFIED.value, Stage.INCUBATING.value]
    query = Lead.select(Lead.id).where(Lead.stage.in_(qc)).order_by(Lead.id).limit(count)
    ids = [i for (i,) in query.tuples()]
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} open QC leads: seed a bigger database")
    return ids


def people() -> tuple[str, str, int, int]:
    """A supervisor (the actor), a QC rep to reassign to, and both their ids."""
    boss = Rep.select().where(Rep.role == "supervisor", Rep.active == True).first()  # noqa: E712
    rep = Rep.select().where(Rep.role == "rep", Rep.active == True).first()  # noqa: E712
    return boss.name, rep.name, boss.id, rep.id


KEPT = (
    "stage, reason_code, reason, next_action_due, next_action_note, resurface_on, "
    "stage_entered_at, updated_at, updated_by_id, version, owner_id"
)
"""The columns the floors change, saved before and put back after each floor run."""


class ByHand:
    """The floors: the service's row changes and events written on the driver."""

    def __init__(self, ids: list[int], actor_id: int, to_id: int, now: datetime) -> None:
        self.ids, self.actor_id, self.to_id, self.now = ids, actor_id, to_id, now
        self.p = "%s" if is_postgres() else "?"
        self.stamp: Any = now if is_postgres() else str(now)
        self.saved: list[tuple[Any, ...]] = []
        self.last_event = 0

    def save(self) -> None:
        """What `put_back` restores: the leads' columns and the last event and batch ids, as
        they are now."""
        marks = ", ".join([self.p] * len(self.ids))
        cur = db.execute_sql(f"SELECT {KEPT}, id FROM lead WHERE id IN ({marks})", self.ids)
        self.saved = cur.fetchall()
        self.last_event = db.execute_sql("SELECT MAX(id) FROM lead_event").fetchone()[0]
        self.last_batch = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM batch").fetchone()[0]

    def put_back(self) -> None:
        """The leads, events and batches as `save` found them (the bench's own runs leave no
        history behind: leads acted on hundreds of times would make later runs slower)."""
        sets = ", ".join(f"{c.strip()} = {self.p}" for c in KEPT.split(","))
        with db.atomic():
            cur = db.cursor()
            cur.executemany(f"UPDATE lead SET {sets} WHERE id = {self.p}", self.saved)
            cur.execute(f"DELETE FROM lead_event WHERE id > {self.p}", (self.last_event,))
            cur.execute(f"DELETE FROM batch WHERE id > {self.p}", (self.last_batch,))

    def _update(self, sets: str, head: tuple[Any, ...], set_based: bool) -> None:
        cur, p = db.cursor(), self.p
        sql = f"UPDATE lead SET {sets}, version = version + 1 WHERE id "
        if not set_based:
            cur.executemany(sql + f"= {p}", [(*head, i) for i in self.ids])
        elif is_postgres():
            cur.execute(sql + f"= ANY({p})", (*head, self.ids))
        else:
            cur.execute(sql + "IN (SELECT value FROM json_each(?))", (*head, json.dumps(self.ids)))

    def _events(self, kind: str, to_stage: str, data: str) -> None:
        values = ", ".join([self.p] * 8)
        insert = (
            "INSERT INTO lead_event (lead_id, actor_id, at, kind, from_stage, to_stage, data,"
            f" batch_id) VALUES ({values})"
        )
        rows = [(i, self.actor_id, self.stamp, kind, "raw", to_stage, data, None) for i in self.ids]
        db.cursor().executemany(insert, rows)

    def purge(self, set_based: bool = False) -> None:
        p, now = self.p, self.stamp
        with wide_cache(), db.atomic():  # the page cache the service's big batches get
            self._update(
                "stage = 'purged', reason_code = 'bad_data', reason = '', next_action_due = NULL,"
                f" next_action_note = '', resurface_on = NULL, stage_entered_at = {p},"
                f" updated_at = {p}, updated_by_id = {p}",
                (now, now, self.actor_id),
                set_based,
            )
            body = {
                "after": {"next_action_due": None, "reason": "", "stage": "purged"},
                "before": {"next_action_due": str(now), "reason": "", "stage": "raw", "version": 3},
                "code": "bad_data",
                "version": 4,
            }
            self._events("purge", "purged", json.dumps(body | {"pad": "x" * 380}))  # ~600 bytes

    def reassign(self, set_based: bool = False) -> None:
        p, now = self.p, self.stamp
        with wide_cache(), db.atomic():
            self._update(
                f"owner_id = {p}, updated_at = {p}, updated_by_id = {p}",
                (self.to_id, now, self.actor_id),
                set_based,
            )
            body = {"after": {"owner_id": self.to_id}, "before": {"owner_id": None}, "to": "x"}
            self._events("reassign", "raw", json.dumps(body | {"pad": "x" * 120}))  # ~250 bytes


def aging_floor(now: datetime) -> None:
    """Open leads per owner × age bucket: the raw GROUP BY."""
    p = "%s" if is_postgres() else "?"
    stamp = (lambda d: d) if is_postgres() else str
    cuts = [now - timedelta(hours=1), now - timedelta(days=1), now - timedelta(days=3)]
    cuts += [now - timedelta(days=7), now - timedelta(days=30)]
    case = " ".join(f"WHEN stage_entered_at > {p} THEN {i}" for i in range(len(cuts)))
    sql = (
        f"SELECT owner_id, CASE {case} ELSE {len(cuts)} END AS b, COUNT(*) FROM lead "
        f"WHERE {OPEN_LEADS} GROUP BY owner_id, b"
    )
    cur = db.cursor()
    cur.execute(sql, [stamp(c) for c in cuts])
    cur.fetchall()


def _ms(t: Timing) -> str:
    return f"{t[0]:.0f} ms wall, {t[1]:.0f} ms CPU (min {min(t[2]):.0f}, max {max(t[2]):.0f})"


def events_per_lead(ids: list[int]) -> float:
    """How much history the picked leads carry (a freshly seeded lead has ~7 events)."""
    p = "%s" if is_postgres() else "?"
    marks = ", ".join([p] * len(ids))
    sql = f"SELECT COUNT(*) FROM lead_event WHERE lead_id IN ({marks})"
    return db.execute_sql(sql, ids).fetchone()[0] / len(ids)


def bulk(
    engine: str, count: int, runs: int, ids: list[int], by_hand: ByHand, boss: str, rep: str
) -> list[tuple[str, str]]:
    """The service's purge and reassign of `ids` (each committed, then undone) and their floors."""
    out: list[tuple[str, str]] = []
    now = by_hand.now

    def purge() -> None:
        r = dispositions.purge(ids, reason="bad_data", actor=boss, now=now)
        assert len(r.leads) == count

    def reassign() -> None:
        r = dispositions.reassign(ids, to=rep, actor=boss, now=now)
        assert len(r.leads) == count

    def undo() -> None:
        assert len(undo_last(actor=boss).leads) == count

    committed(purge, undo, 1)  # warm the cache: every run then reads the same pages
    cases = [("purge", purge, by_hand.purge), ("reassign", reassign, by_hand.reassign)]
    for name, service, floor in cases:
        mine = committed(service, undo, runs)
        base = committed(floor, by_hand.put_back, runs, by_hand.save)
        one = committed(lambda f=floor: f(set_based=True), by_hand.put_back, runs, by_hand.save)
        line = (
            f"{_ms(mine)} · {mine[0] / base[0]:.2f}× the floor by wall clock, "
            f"{mine[1] / base[1]:.2f}× by CPU · its undo {mine[3]:.0f} ms wall · the"
            f" checkpoint after it {mine[4]:.0f} ms (floor's {base[4]:.0f}), off the path"
        )
        print(f"  bulk {name}: {line} · {load()}")
        print(f"  floor ({name}, executemany): {_ms(base)} · {load()}")
        print(f"  floor ({name}, set-based): {_ms(one)}")
        out.append((f"{engine} bulk {name} of {count:,}, committed", line))
        out.append((f"{engine} floor ({name}): executemany UPDATE + INSERT", _ms(base)))
        out.append((f"{engine} floor ({name}): one UPDATE + INSERT", _ms(one)))

    return out


def bench(url: str, count: int, runs: int) -> list[tuple[str, str]]:
    open_database(url)
    out: list[tuple[str, str]] = []
    try:
        migrate()
        hold_open()  # as the console runs: checkpoints off the commits' path (SQLite)
        engine = "PostgreSQL" if is_postgres() else "SQLite"
        leads = Lead.select().count()
        ids = pick_leads(count)
        boss, rep, boss_id, rep_id = people()
        now = utcnow()
        by_hand = ByHand(ids, boss_id, rep_id, now)
        history = events_per_lead(ids)
        print(
            f"{engine}: {leads:,} leads, {count:,} bulk leads ({history:.1f} events each),"
            f" actor {boss} · {load()}"
        )
        as_found = ByHand(ids, boss_id, rep_id, now)
        as_found.save()
        try:
            out += bulk(engine, count, runs, ids, by_hand, boss, rep)
        finally:
            as_found.put_back()  # the service's runs and their undos leave no history either

        aging(now=now)  # warm
        a_wall, a_cpu, a_walls = timed(lambda: aging(now=now), runs)
        f_wall, f_cpu, _ = timed(lambda: aging_floor(now), runs)
        line = f"{a_wall:.1f} ms wall, {a_cpu:.1f} ms CPU (max {max(a_walls):.1f})"
        print(f"  aging report: {line} · floor GROUP BY {f_wall:.1f} ms · {load()}")
        out.append((f"{engine} aging report", line))
        out.append((f"{engine} floor: raw GROUP BY", f"{f_wall:.1f} ms wall, {f_cpu:.1f} ms CPU"))
    finally:
        close_database()
    return out


def postgres_url(leads: int, settings: tuple[str, ...] = ()) -> tuple[str, Any]:
    """A throwaway server (with extra `settings`) seeded with `leads` demo leads."""

    from qc_console.services import seed as seeding
    from tests.pg import start_server

    server = start_server(settings)
    url = server.url(server.create_database())
    open_database(url)
    try:
        migrate()
        t0 = time.perf_counter()
        seeding.seed_demo(leads=leads)
        print(f"PostgreSQL seeded with {leads:,} leads in {time.perf_counter() - t0:.0f} s")
    finally:
        close_database()
    return url, server


def main() -> None:
    keep_freed_memory()  # as the qc-console command does (qc_console/malloc.py)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=f"sqlite:///{DEFAULT_DB}")
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pg", action="store_true", help="also on a throwaway PostgreSQL")
    ap.add_argument("--pg-only", action="store_true", help="only on a throwaway PostgreSQL")
    ap.add_argument("--pg-leads", type=int, default=200_000)
    ap.add_argument(
        "--no-vacuum", action="store_true", help="PostgreSQL: no VACUUM between the runs"
    )
    ap.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a server setting for the throwaway PostgreSQL (e.g. shared_buffers=2GB)",
    )
    args = ap.parse_args()
    global VACUUM
    VACUUM = not args.no_vacuum
    results = [] if args.pg_only else bench(args.db, args.count, args.runs)
    if args.pg or args.pg_only:
        url, server = postgres_url(args.pg_leads, tuple(args.pg_setting))
        try:
            results += bench(url, args.count, args.runs)
        finally:
            server.stop()
    print()
    for what, line in results:
        print(f"| {what} | {line} |")


if __name__ == "__main__":
    main()
