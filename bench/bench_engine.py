"""Engine benchmark: seed a big demo database, then time a rep's first queue page against the
same SQL run by hand on the raw driver (the floor).

    python bench/bench_engine.py [--leads 1000000] [--db URL] [--reuse] [--runs 20]

Without --db the database is bench/out/bench-1m.sqlite (git-ignored; the reports and console
benchmarks reuse it). A PostgreSQL URL must point at an empty database, or pass --reset to drop
the tables of its current schema first. Goals (issue 2): seed ≤ 60 s; queue page ≤ 5 ms and
≤ 3× the floor.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc_console.db.database import close_database, db, is_postgres  # noqa: E402
from qc_console.db.models import OPEN_LEADS, Rep  # noqa: E402
from qc_console.domain.stages import Stage  # noqa: E402
from qc_console.domain.values import QueueFilter  # noqa: E402
from qc_console.malloc import keep_freed_memory  # noqa: E402
from qc_console.services import seed as seeding  # noqa: E402
from qc_console.services.facade import open_backend  # noqa: E402
from qc_console.services.queue import queue_clock, queue_page  # noqa: E402

DEFAULT_DB = ROOT / "bench" / "out" / "bench-1m.sqlite"
PAGE = 100
SEED_GOAL_S = 60.0
PAGE_GOAL_MS = 5.0
RATIO_GOAL = 3.0
QUALIFIED = QueueFilter(stages=(Stage.QUALIFIED,))

# The page by hand, the way services/queue.py asks for it: the priority classes in order until
# PAGE + 1 rows (the extra row says whether there is a next page). A class is the UNION ALL of
# one index range per (owner, stage) — the rep's own leads and the pool — each in the class's
# order with a LIMIT.
NOT_BREACH = "(stage = 'qualified' OR touch_count > 0 OR created_at >= :cutoff)"
CLASSES = [  # (stages, condition, ORDER BY)
    (("raw",), "touch_count = 0 AND created_at < :cutoff", "created_at, id"),
    (("raw", "qualified"), f"{NOT_BREACH} AND next_action_due < :now", "next_action_due, id"),
    (
        ("raw", "qualified"),
        f"{NOT_BREACH} AND next_action_due >= :now AND next_action_due < :day_end",
        "next_action_due, id",
    ),
    (("incubating",), "resurface_on <= :now", "resurface_on, id"),
    (
        ("raw", "qualified", "incubating"),
        f"(stage = 'incubating' AND (resurface_on IS NULL OR resurface_on > :now))"
        f" OR (stage <> 'incubating' AND {NOT_BREACH}"
        " AND (next_action_due IS NULL OR next_action_due >= :day_end))",
        "rating_rank DESC, stage_entered_at, id",
    ),
]


def class_sql(stages: tuple[str, ...], condition: str, order: str, sqlite: bool = True) -> str:
    """One class's SQL. SQLite reads a partial index only when the WHERE holds its very
    predicate (`OPEN_LEADS`), so the hand SQL says it there, as the service does."""
    open_ = f" AND {OPEN_LEADS}" if sqlite else ""
    parts = [
        f"SELECT * FROM (SELECT * FROM lead WHERE owner_id {owner} AND stage = '{stage}'"
        f"{open_} AND do_not_contact = :no AND ({condition}) ORDER BY {order} LIMIT :limit)"
        f" AS p{i}"
        for i, (owner, stage) in enumerate(
            (owner, stage) for stage in stages for owner in ("= :rep", "IS NULL")
        )
    ]
    return " UNION ALL ".join(parts) + f" ORDER BY {order} LIMIT :limit"


def median_ms(fns: tuple[Callable[[], Any], ...], runs: int) -> list[tuple[float, float]]:
    """Median wall-clock and CPU milliseconds of each of `fns`, run in turns (so a change of
    load on a shared machine falls on all of them alike). Both the service and the floor run
    in this thread, so on a busy machine the CPU time is the fairer comparison on SQLite."""
    for fn in fns:
        fn()  # warm the caches once
    wall: list[list[float]] = [[] for _ in fns]
    cpu: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for k, fn in enumerate(fns):
            t, c = time.perf_counter(), time.thread_time()
            fn()
            wall[k].append((time.perf_counter() - t) * 1000)
            cpu[k].append((time.thread_time() - c) * 1000)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(wall, cpu, strict=True)]


def fresh_database(url: str, reset: bool) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        return
    if reset:
        import psycopg2

        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def seed(url: str, leads: int, seed_value: int, now: datetime) -> dict[str, float]:
    """Seed and say where the time went (planning is overlapped with writing)."""
    from qc_console.services.seed import writer

    spent = {"insert": 0.0, "last": 0.0, "last_cpu": 0.0}
    insert_chunk = writer.insert_chunk

    def timed(chunk: Any, bases: Any) -> Any:
        t = time.perf_counter()
        try:
            return insert_chunk(chunk, bases)
        finally:
            spent["last"], spent["last_cpu"] = time.perf_counter(), time.process_time()
            spent["insert"] += spent["last"] - t

    copy_block = seeding.copy_block
    copying = {"wall": 0.0, "cpu": 0.0, "copies": 0}

    def copied(*args: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        try:
            return copy_block(*args)
        finally:
            spent["last"], spent["last_cpu"] = time.perf_counter(), time.process_time()
            copying["wall"] += spent["last"] - t
            copying["cpu"] += spent["last_cpu"] - c
            copying["copies"] += 1

    writer.insert_chunk = timed  # type: ignore[assignment]
    seeding.copy_block = copied  # type: ignore[assignment]
    load = os.getloadavg()[0]
    cpu = time.process_time()
    try:
        report = seeding.seed_demo(leads=leads, seed=seed_value, now=now)
    finally:
        writer.insert_chunk = insert_chunk  # type: ignore[assignment]
        seeding.copy_block = copy_block  # type: ignore[assignment]
    done, done_cpu = time.perf_counter(), time.process_time()
    cpu = done_cpu - cpu
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"seeded {report.leads:,} leads, {report.touches:,} touches, {report.events:,} events"
        f" in {report.seconds:.1f} s (inserting {spent['insert']:.1f} s); CPU: this process"
        f" {cpu:.0f} s, planning workers {workers.ru_utime + workers.ru_stime:.0f} s;"
        f" load average {load:.1f} → {os.getloadavg()[0]:.1f}"
    )
    if copying["copies"]:
        print(
            f"  {copying['copies']} copies of the planned block (INSERT … SELECT):"
            f" {copying['wall']:.1f} s, {copying['cpu']:.1f} CPU-s"
        )
    print(
        f"  after the last chunk or copy (index build, sequences): {done - spent['last']:.1f} s,"
        f" {done_cpu - spent['last_cpu']:.1f} CPU-s"
    )
    return {"seconds": report.seconds, "touches": report.touches, "events": report.events}


def floor_runner(
    url: str, rep_id: int, now: datetime, only: tuple[str, ...] = ()
) -> Callable[[], list[tuple]]:
    """The hand-written page on a raw driver connection of its own (`only`: these stages)."""
    clock = queue_clock(now)
    params: dict[str, Any] = {
        "rep": rep_id,
        "no": False,
        "now": clock.now,
        "cutoff": clock.sla_cutoff,
        "day_end": clock.day_end,
    }
    sqls = []
    sqlite = url.startswith("sqlite:///")
    for stages, condition, order in CLASSES:
        stages = tuple(s for s in stages if not only or s in only)
        if stages:
            sqls.append(class_sql(stages, condition, order, sqlite))
    if sqlite:
        import sqlite3

        conn: Any = sqlite3.connect(url[len("sqlite:///") :])
        params = {k: (str(v) if isinstance(v, datetime) else v) for k, v in params.items()}
    else:
        import psycopg2

        conn = psycopg2.connect(url)
        conn.autocommit = True
        sqls = [re.sub(r":(\w+)", r"%(\1)s", sql) for sql in sqls]

    def page() -> list[tuple]:
        rows: list[tuple] = []
        cur = conn.cursor()
        for sql in sqls:
            if len(rows) > PAGE:
                break
            cur.execute(sql, {**params, "limit": PAGE + 1 - len(rows)})
            rows.extend(cur.fetchall())
        return rows[:PAGE]

    return page


def explain(url: str, rep_id: int, now: datetime) -> None:
    if not url.startswith("sqlite:///"):
        return
    import sqlite3

    conn = sqlite3.connect(url[len("sqlite:///") :])
    clock = queue_clock(now)
    values = {
        "rep": rep_id,
        "no": False,
        "now": str(clock.now),
        "cutoff": str(clock.sla_cutoff),
        "day_end": str(clock.day_end),
        "limit": PAGE + 1,
    }
    for stages, condition, order in CLASSES:
        sql = f"EXPLAIN QUERY PLAN {class_sql(stages, condition, order)}"
        plan = sorted({r[-1] for r in conn.execute(sql, values) if "lead" in r[-1]})
        print(f"  {order:<40} {'; '.join(plan)}")


def main() -> None:
    keep_freed_memory()  # as the qc-console command does (qc_console/malloc.py)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--leads", type=int, default=1_000_000)
    ap.add_argument("--db", default=f"sqlite:///{DEFAULT_DB}")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rep", default="demo", help="the QC rep whose queue is timed")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--reuse", action="store_true", help="time the queue on an existing database")
    ap.add_argument("--reset", action="store_true", help="PostgreSQL: drop the schema's tables")
    ap.add_argument("--explain", action="store_true", help="print SQLite's query plans")
    args = ap.parse_args()

    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    if not args.reuse:
        fresh_database(args.db, args.reset)
    open_backend(args.db, args.rep)
    db.connect(reuse_if_open=True)
    engine = "PostgreSQL" if is_postgres() else "SQLite"
    print(f"{engine}: {args.db}")
    if not args.reuse:
        seeded = seed(args.db, args.leads, args.seed, now)
        verdict = "ok" if seeded["seconds"] <= SEED_GOAL_S else "MISSED"
        print(f"seed: {seeded['seconds']:.1f} s (goal ≤ {SEED_GOAL_S:.0f} s: {verdict})")
    else:
        last = db.execute_sql("SELECT MAX(at) FROM lead_event").fetchone()[0]
        now = last if isinstance(last, datetime) else datetime.fromisoformat(last)
    rep_id = Rep.get(Rep.name == args.rep).id
    scenarios = [("first page", QueueFilter(), ()), ("qualified only", QUALIFIED, ("qualified",))]
    for label, f, only in scenarios:

        def service(f: QueueFilter = f) -> Any:
            return queue_page(f, actor=args.rep, limit=PAGE, now=now)

        floor = floor_runner(args.db, rep_id, now, only)
        got, want = [v.id for v in service().rows], [r[0] for r in floor()]
        if got != want:
            raise SystemExit(f"the hand SQL disagrees with queue_page: {got[:5]}… vs {want[:5]}…")
        (page_ms, page_cpu), (floor_ms, floor_cpu) = median_ms((service, floor), args.runs)
        # SQLite works inside this process, so its CPU time is the fair measure on a busy
        # machine; PostgreSQL works in the server, so only the wall clock sees it.
        ratio = page_ms / floor_ms if is_postgres() else page_cpu / floor_cpu
        ok = page_ms <= PAGE_GOAL_MS and ratio <= RATIO_GOAL
        print(
            f"queue {label} ({len(got)} rows, median of {args.runs}): {page_ms:.2f} ms"
            f" (CPU {page_cpu:.2f}); floor {floor_ms:.2f} ms (CPU {floor_cpu:.2f});"
            f" ratio {page_cpu / floor_cpu:.1f}× by CPU, {page_ms / floor_ms:.1f}× by wall clock"
            f" (goal ≤ {PAGE_GOAL_MS:.0f} ms and ≤ {RATIO_GOAL:.0f}× by"
            f" {'wall clock' if is_postgres() else 'CPU'}: {'ok' if ok else 'MISSED'});"
            f" load average {os.getloadavg()[0]:.1f}"
        )
    if args.explain:
        explain(args.db, rep_id, now)
    close_database()


if __name__ == "__main__":
    main()
