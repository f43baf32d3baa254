"""Bulk dispositions and the aging report on a big database, against their floors.

    python bench/bench_bulk.py [--db URL] [--count 10000] [--runs 5] [--pg] [--pg-leads 200000]

Bulk: 10,000 open QC leads purged, then reassigned, by a supervisor through the service
(`dispositions.purge` / `reassign`: load, role checks, plan, one batch, UPDATEs, events),
each inside an outer transaction that is rolled back, so the database is left as it was. The
floor is the same row changes and event rows written with the driver's `executemany` on the
same connection, in the same kind of rolled-back transaction: one `UPDATE … WHERE id = ?` per
lead and one event INSERT per lead with a JSON body of the service's size.

Aging: `services.analytics.aging.aging()` as `qc-console report aging` computes it; the floor is
the raw GROUP BY (owner × age bucket over open leads) on the driver.

Without --db the database is bench/out/bench-1m.sqlite. `--pg` also runs everything on a
throwaway PostgreSQL server (tests/pg.py; as root the server runs as the user `qcpg`), seeded
with `--pg-leads` demo leads. Goals (issue 4): bulk ≤ 500 ms and ≤ 3× its floor; aging ≤ 300 ms.
Every figure is printed with the load average; CPU time (process_time) beside wall clock.
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

from qc_console.db.database import close_database, db, is_postgres, open_database  # noqa: E402
from qc_console.db.models import Lead, Rep  # noqa: E402
from qc_console.domain.stages import OPEN, Stage  # noqa: E402
from qc_console.services import dispositions  # noqa: E402
from qc_console.services._rows import utcnow  # noqa: E402
from qc_console.services.analytics.aging import aging  # noqa: E402
from qc_console.services.undo import undo_last  # noqa: E402

DEFAULT_DB = ROOT / "bench" / "out" / "bench-1m.sqlite"
BULK_GOAL_MS = 500.0
RATIO_GOAL = 3.0
AGING_GOAL_MS = 300.0


class Rollback(Exception):
    """Raised inside the outer transaction to leave the database as it was."""


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


def nested(fn: Callable[[], None]) -> Callable[[], None]:
    """`fn` in a savepoint, as the service's own `db.atomic()` is inside `timed`'s transaction:
    SQLite copies every page first changed in a savepoint to its statement journal, so the
    floor must pay for that too."""

    def run() -> None:
        with db.atomic():
            fn()

    return run


def floor(ids: list[int], actor_id: int, now: datetime) -> None:
    """The purge's row changes and events, by hand: executemany on the driver."""
    p = "%s" if is_postgres() else "?"
    cur = db.cursor()
    stamp: Any = now if is_postgres() else str(now)
    update = (
        f"UPDATE lead SET stage = 'purged', reason_code = 'bad_data', reason = '', "
        f"next_action_due = NULL, next_action_note = '', resurface_on = NULL, "
        f"stage_entered_at = {p}, updated_at = {p}, updated_by_id = {p}, version = version + 1 "
        f"WHERE id = {p}"
    )
    cur.executemany(update, [(stamp, stamp, actor_id, i) for i in ids])
    body = {
        "after": {"next_action_due": None, "reason": "", "stage": "purged"},
        "before": {"next_action_due": str(now), "reason": "", "stage": "raw", "version": 3},
        "code": "bad_data",
        "version": 4,
    }
    data = json.dumps(body | {"pad": "x" * 380})  # the service's purge events: ~600 bytes
    insert = (
        "INSERT INTO lead_event (lead_id, actor_id, at, kind, from_stage, to_stage, data,"
        f" batch_id) VALUES ({', '.join([p] * 8)})"
    )
    cur.executemany(
        insert, [(i, actor_id, stamp, "purge", "raw", "purged", data, None) for i in ids]
    )


def floor_reassign(ids: list[int], actor_id: int, to_id: int, now: datetime) -> None:
    """The reassign's row changes (the owner) and events, by hand."""
    p = "%s" if is_postgres() else "?"
    cur = db.cursor()
    stamp: Any = now if is_postgres() else str(now)
    update = (
        f"UPDATE lead SET owner_id = {p}, updated_at = {p}, updated_by_id = {p}, "
        f"version = version + 1 WHERE id = {p}"
    )
    cur.executemany(update, [(to_id, stamp, actor_id, i) for i in ids])
    body = {"after": {"owner_id": to_id}, "before": {"owner_id": None, "version": 3}, "to": "x"}
    data = json.dumps(body | {"pad": "x" * 120})  # the service's reassign events: ~250 bytes
    insert = (
        "INSERT INTO lead_event (lead_id, actor_id, at, kind, from_stage, to_stage, data,"
        f" batch_id) VALUES ({', '.join([p] * 8)})"
    )
    cur.executemany(
        insert, [(i, actor_id, stamp, "reassign", "raw", "raw", data, None) for i in ids]
    )


def aging_floor(now: datetime) -> None:
    """Open leads per owner × age bucket: the raw GROUP BY."""
    p = "%s" if is_postgres() else "?"
    stamp = (lambda d: d) if is_postgres() else str
    cuts = [now - timedelta(hours=1), now - timedelta(days=1), now - timedelta(days=3)]
    cuts += [now - timedelta(days=7), now - timedelta(days=30)]
    case = " ".join(f"WHEN stage_entered_at > {p} THEN {i}" for i in range(len(cuts)))
    stages = ", ".join([p] * len(OPEN))
    sql = (
        f"SELECT owner_id, CASE {case} ELSE {len(cuts)} END AS b, COUNT(*) FROM lead "
        f"WHERE stage IN ({stages}) GROUP BY owner_id, b"
    )
    cur = db.cursor()
    cur.execute(sql, [stamp(c) for c in cuts] + [s.value for s in OPEN])
    cur.fetchall()


def bench(url: str, count: int, runs: int, commit: bool) -> list[tuple[str, str]]:
    open_database(url)
    out: list[tuple[str, str]] = []
    try:
        engine = "PostgreSQL" if is_postgres() else "SQLite"
        leads = Lead.select().count()
        ids = pick_leads(count)
        boss, rep, boss_id, rep_id = people()
        now = utcnow()
        print(f"{engine}: {leads:,} leads, {count:,} bulk leads, actor {boss} · {load()}")

        def purge() -> None:
            r = dispositions.purge(ids, reason="bad_data", actor=boss, now=now)
            assert len(r.leads) == count

        def reassign() -> None:
            r = dispositions.reassign(ids, to=rep, actor=boss, now=now)
            assert len(r.leads) == count

        timed(purge, 1)  # warm the cache: every run then reads the same pages
        pairs = [
            ("purge", purge, nested(lambda: floor(ids, boss_id, now))),
            ("reassign", reassign, nested(lambda: floor_reassign(ids, boss_id, rep_id, now))),
        ]
        for name, service, by_hand in pairs:
            wall, cpu, walls = timed(service, runs)
            f_wall, f_cpu, f_walls = timed(by_hand, runs)
            line = (
                f"{wall:.0f} ms wall, {cpu:.0f} ms CPU (min {min(walls):.0f}, max "
                f"{max(walls):.0f}) · {wall / f_wall:.2f}× floor wall, {cpu / f_cpu:.2f}× CPU"
            )
            f_line = f"{f_wall:.0f} ms wall, {f_cpu:.0f} ms CPU (min {min(f_walls):.0f})"
            print(f"  bulk {name}: {line} · {load()}")
            print(f"  floor ({name}): {f_line} · {load()}")
            out.append((f"{engine} bulk {name} of {count:,}", line))
            out.append((f"{engine} floor: executemany UPDATE + INSERT ({name})", f_line))

        if commit:  # once for real: its own transaction, committed, then undone
            w0, c0 = time.perf_counter(), time.process_time()
            reassign()
            w1, c1 = time.perf_counter(), time.process_time()
            undone = undo_last(actor=boss)
            w2, c2 = time.perf_counter(), time.process_time()
            assert len(undone.leads) == count
            line = (
                f"{(w1 - w0) * 1000:.0f} ms wall, {(c1 - c0) * 1000:.0f} ms CPU; its undo "
                f"{(w2 - w1) * 1000:.0f} ms wall, {(c2 - c1) * 1000:.0f} ms CPU"
            )
            print(f"  bulk reassign committed (no savepoint): {line} · {load()}")
            out.append((f"{engine} bulk reassign of {count:,}, committed, then undone", line))

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


def postgres_url(leads: int) -> tuple[str, Any]:
    """A throwaway server seeded with `leads` demo leads."""
    from qc_console.db.schema import migrate
    from qc_console.services import seed as seeding
    from tests.pg import start_server

    server = start_server()
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
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=f"sqlite:///{DEFAULT_DB}")
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pg", action="store_true", help="also on a throwaway PostgreSQL")
    ap.add_argument("--pg-leads", type=int, default=200_000)
    ap.add_argument(
        "--commit", action="store_true", help="also one committed reassign, then its undo"
    )
    args = ap.parse_args()
    results = bench(args.db, args.count, args.runs, args.commit)
    if args.pg:
        url, server = postgres_url(args.pg_leads)
        try:
            results += bench(url, args.count, args.runs, args.commit)
        finally:
            server.stop()
    print()
    for what, line in results:
        print(f"| {what} | {line} |")


if __name__ == "__main__":
    main()
