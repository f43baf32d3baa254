"""Benchmark every `qc-console report` on a big database against the floor (the raw GROUP BY in
sqlite3 that a report without rollups would have to run).

    python bench/bench_reports.py [DB] [--runs 5] [--verify] [--write]

DB defaults to the shared bench/out/bench-1m.sqlite; a missing file is seeded first
(`--leads`, default 1,000,000, with the demo seed).
The first run after the migration builds the weekly rollup once (timed separately); every run
after that folds in only the events since (the incremental refresh is timed on a 1,000-lead bulk
qualification inside a transaction that is rolled back, so the database is left as it was).
`--write` appends a "Reports" section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc_console.db.database import db  # noqa: E402
from qc_console.malloc import keep_freed_memory  # noqa: E402
from qc_console.services.analytics import _rollup  # noqa: E402
from qc_console.services.analytics._common import ReportFilter  # noqa: E402
from qc_console.services.analytics.aging import aging  # noqa: E402
from qc_console.services.analytics.campaigns import campaigns_report  # noqa: E402
from qc_console.services.analytics.conversion import conversion  # noqa: E402
from qc_console.services.analytics.digest import digest  # noqa: E402
from qc_console.services.analytics.forecast import forecast  # noqa: E402
from qc_console.services.analytics.reps import reps_report  # noqa: E402
from qc_console.services.analytics.touch_depth import touch_depth  # noqa: E402
from qc_console.services.analytics.value import value  # noqa: E402
from qc_console.services.analytics.velocity import velocity  # noqa: E402
from qc_console.services.analytics.volumes import volumes  # noqa: E402
from qc_console.services.facade import open_backend  # noqa: E402

GOAL_MS = 500.0
OPEN = "('raw','qualified','incubating','handed_off','accepted','delayed')"
EVENTS_FLOOR = (
    "SELECT to_stage, CAST((julianday(at) - 2440587.5) / 7 AS INTEGER) AS wk, COUNT(*) "
    "FROM lead_event WHERE to_stage <> from_stage OR kind = 'create' GROUP BY 1, 2"
)
AGING_FLOOR = (
    "SELECT owner_id, CASE WHEN stage_entered_at > :h1 THEN 0 WHEN stage_entered_at > :h24 "
    "THEN 1 WHEN stage_entered_at > :d3 THEN 2 WHEN stage_entered_at > :d7 THEN 3 "
    "WHEN stage_entered_at > :d30 THEN 4 ELSE 5 END AS b, COUNT(*) FROM lead "
    f"WHERE stage IN {OPEN} GROUP BY 1, 2"
)
VALUE_FLOOR = (
    "SELECT source, stage, SUM(amount), COUNT(*) FROM lead "
    "WHERE stage IN ('accepted', 'delayed', 'won') GROUP BY 1, 2"
)


CPU_MS: dict[int, float] = {}
"""Median CPU (process) time in ms of the last `timed` call, by id of its function."""


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time in ms over `runs` calls, and the last result (the median CPU time
    goes to `CPU_MS[id(fn)]`: on a shared 2-core machine it is the steadier figure)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    CPU_MS[id(fn)] = statistics.median(cpu)
    return statistics.median(times), result


def floor(path: str, sql: str, params: dict[str, Any], runs: int) -> float:
    con = sqlite3.connect(path)
    try:
        return timed(lambda: con.execute(sql, params).fetchall(), runs)[0]
    finally:
        con.close()


def seed(path: Path, leads: int) -> None:
    from qc_console.services.seed import seed_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    open_backend(f"sqlite:///{path}", "bench")
    with db.connection_context():
        print(f"seeding {leads:,} leads into {path} …", flush=True)
        print(seed_demo(leads=leads, seed=7), flush=True)


def incremental(now: datetime) -> tuple[float, int]:
    """Refresh time after a bulk qualification of 1,000 raw leads (rolled back afterwards)."""
    from qc_console.db.models import Lead, Rep
    from qc_console.services import dispositions

    boss = Rep.select().where(Rep.role == "supervisor").first()
    ids = [i for (i,) in Lead.select(Lead.id).where(Lead.stage == "raw").limit(1000).tuples()]
    if boss is None or not ids:
        return 0.0, 0
    with db.atomic() as txn:
        dispositions.qualify(ids, rating="medium", actor=boss.name, now=now)
        start = time.perf_counter()
        stats = _rollup.refresh()
        ms = (time.perf_counter() - start) * 1000
        txn.rollback()
    return ms, stats.leads


def main() -> None:
    keep_freed_memory()  # as the qc-console command does (qc_console/malloc.py)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db", type=Path, nargs="?", default=ROOT / "bench" / "out" / "bench-1m.sqlite")
    ap.add_argument("--leads", type=int, default=1_000_000, help="when seeding a missing file")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true", help="time a full rollup rebuild")
    ap.add_argument("--verify", action="store_true", help="compare the rollup to a recompute")
    ap.add_argument("--write", action="store_true", help="append the section to RESULTS.md")
    ap.add_argument("--note", default="", help="a sentence about the database, for RESULTS.md")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    seeded = not args.db.exists()
    if seeded:
        seed(args.db, args.leads)
    url = f"sqlite:///{args.db}"
    open_backend(url, "bench")
    lines: list[str] = []
    with db.connection_context():
        n_leads = db.execute_sql("SELECT COUNT(*) FROM lead").fetchone()[0]
        n_events = db.execute_sql("SELECT COUNT(*) FROM lead_event").fetchone()[0]
        now = datetime.fromisoformat(
            str(db.execute_sql("SELECT MAX(at) FROM lead_event").fetchone()[0])
        ) + timedelta(minutes=1)
        start = time.perf_counter()
        stats = _rollup.refresh(rebuild=args.rebuild)
        build_s = time.perf_counter() - start
        rollup_rows = db.execute_sql("SELECT COUNT(*) FROM analytics_rollup").fetchone()[0]
        inc_ms, inc_leads = incremental(now)
        verified = None
        if args.verify:
            full = {
                k: (int(v[0]), round(v[1], 2)) for k, v in _rollup.expand(_rollup.compute()).items()
            }
            kept = {k: (int(v[0]), round(v[1], 2)) for k, v in _rollup.stored().items()}
            verified = full == kept
        some_source = ReportFilter(source="web_download")
        rep_name = db.execute_sql(
            "SELECT name FROM rep WHERE role = 'rep' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        some_rep = ReportFilter(rep=rep_name)
        campaign = db.execute_sql(
            "SELECT name FROM campaign WHERE source = 'web_download' ORDER BY id LIMIT 1"
        ).fetchone()
        source_rep = ReportFilter(source="web_download", rep=rep_name)
        all_three = ReportFilter(
            source="web_download", campaign=campaign[0] if campaign else None, rep=rep_name
        )
        cases: list[tuple[str, Callable[[], Any], str]] = [
            ("aging", lambda: aging(now=now), "aging"),
            ("refinery", lambda: volumes(now=now), "events"),
            ("refinery --source", lambda: volumes(some_source, now=now), "events"),
            ("refinery --rep", lambda: volumes(some_rep, now=now), "events"),
            ("refinery --source --rep", lambda: volumes(source_rep, now=now), "events"),
            ("refinery --source --campaign --rep", lambda: volumes(all_three, now=now), "events"),
            (
                "reps --source (breakdown under a filter)",
                lambda: reps_report(some_source, now=now),
                "events",
            ),
            ("forecast --source --rep", lambda: forecast(source_rep, now=now), "events"),
            ("conversion", lambda: conversion(now=now), "events"),
            ("velocity", lambda: velocity(now=now), "events"),
            ("value", lambda: value(now=now), "value"),
            ("touch-depth", lambda: touch_depth(now=now), "events"),
            ("reps", lambda: reps_report(now=now), "events"),
            ("campaigns", lambda: campaigns_report(now=now), "events"),
            ("forecast", lambda: forecast(raw_change_pct=20, now=now), "events"),
            ("digest", lambda: digest(now=now), "events"),
        ]
        results = []
        for name, fn, kind in cases:
            ms, _ = timed(fn, args.runs)
            results.append((name, ms, CPU_MS[id(fn)], kind))
            load = os.getloadavg()[0]
            print(f"{name:42s} {ms:8.1f} ms  cpu {CPU_MS[id(fn)]:8.1f} ms  load {load:.1f}")
    params = {
        "h1": str(now - timedelta(hours=1)),
        "h24": str(now - timedelta(hours=24)),
        "d3": str(now - timedelta(days=3)),
        "d7": str(now - timedelta(days=7)),
        "d30": str(now - timedelta(days=30)),
    }
    floors = {
        "events": floor(str(args.db), EVENTS_FLOOR, {}, args.runs),
        "aging": floor(str(args.db), AGING_FLOOR, params, args.runs),
        "value": floor(str(args.db), VALUE_FLOOR, {}, args.runs),
    }
    lines += [
        "## Reports",
        "",
        f"`python bench/bench_reports.py {args.db} --runs {args.runs}` on "
        f"{datetime.now():%Y-%m-%d}: {n_leads:,} leads, {n_events:,} events"
        + (" (seeded by the bench itself: no bench/out database was there)" if seeded else "")
        + (f" ({args.note})" if args.note else "")
        + f". SQLite, 2 cores shared with other work (load average {load_before:.1f} at the "
        f"start, {os.getloadavg()[0]:.1f} at the end). Median of "
        f"{args.runs} runs, each report as `qc-console report` computes it (rollup refresh "
        "check included). Floor: the raw GROUP BY a report without rollups would need, in "
        "sqlite3 (events: stage entries per week over `lead_event`; aging: open leads per owner "
        "× age bucket; value: amounts per source and stage).",
        "",
        "| report | ms | cpu ms | floor ms | goal ≤ 500 ms |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, ms, cpu_ms, kind in results:
        ok = "yes" if ms <= GOAL_MS else "**no**"
        lines.append(f"| {name} | {ms:.1f} | {cpu_ms:.1f} | {floors[kind]:.1f} ({kind}) | {ok} |")
    lines += [
        "",
        f"- Rollup: {rollup_rows:,} rows. "
        + (
            f"Built from scratch in {build_s:.1f} s (all {n_events:,} events; once, by the "
            "first report after the migration, on a read snapshot: writers wait only for the "
            "final insert)."
            if stats.rebuilt
            else f"Already built; this run's refresh took {build_s * 1000:.0f} ms."
        ),
        f"- Incremental refresh after a bulk qualification of {inc_leads:,} leads: "
        f"{inc_ms:.0f} ms (re-replays only those leads).",
        "- Filters combined (source + campaign + rep) and breakdowns under a filter sum the "
        "rollup's full-key (`cube`) cells that match; before the cube they replayed every "
        "matching lead's events (37.8 s for `refinery --source web_download --rep demo`).",
    ]
    if verified is not None:
        lines.append(
            f"- Rollup equals a full recompute from the event log: {'yes' if verified else 'NO'}."
        )
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    if args.write:
        results_md = ROOT / "bench" / "RESULTS.md"
        with results_md.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)
        print(f"appended to {results_md}")


if __name__ == "__main__":
    main()
