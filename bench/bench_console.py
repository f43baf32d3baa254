"""Benchmark the console on a big database: start-up, disposition latency, memory.

    python bench/bench_console.py [DB.sqlite] [--rep NAME] [--actions 200] [--write]

1. Start → first painted queue: a fresh `python` process opens the app (headless: Textual lays
   out and renders every frame, it only does not write to a terminal) and reports the moment the
   first page of the queue has been painted (the app's timing hook, after the refresh that
   shows it). Measured from just before the process is spawned. Median of `--starts` runs.
2. Keystroke → committed and repainted: `--actions` qualifications in work-the-queue mode
   (`q`, then the rating key). The clock starts when the rating key is sent and stops at the
   app's "action.painted" hook, which fires after the frame that draws the patched row (the
   hook, not `Pilot.press`, whose own waiting costs ~60 ms). Runs on a copy of the database.
   Also the CPU time per keystroke (`time.process_time()`, every thread of the process) over
   the same span, which the machine's other jobs do not inflate, and the load average.
3. Peak RSS of the start-up process and of the disposition run.

Without DB, bench/out/bench-1m.sqlite is used when it exists (the 1M-lead database of the
reports benchmark); otherwise a smaller database is seeded at bench/out/console-100k.sqlite.
`--write` appends a "Console" section to bench/RESULTS.md (other sections are left alone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
BIG = OUT / "bench-1m.sqlite"
SMALL = OUT / "console-100k.sqlite"
RESULTS = ROOT / "bench" / "RESULTS.md"

CHILD = """
import sys, time, resource
import qc_console.tui.app as tui_app
url, rep = sys.argv[1], sys.argv[2]
app = None

def hook(event, detail, t):
    if event == "queue.painted":
        def painted():
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            rows = app.screen.table.row_count
            print(f"PAINTED {time.monotonic()} {rss} {rows}", flush=True)
            app.exit()
        app.call_after_refresh(painted)

init = tui_app.QCConsoleApp.__init__
def traced(self, *args, **kwargs):
    global app
    init(self, *args, timing=hook, poll_seconds=0, **kwargs)
    app = self
tui_app.QCConsoleApp.__init__ = traced
# Headless: Textual lays out and renders every frame, it only does not write to a terminal.
tui_app.QCConsoleApp.run = lambda self, **kw: tui_app.App.run(self, headless=True, size=(140, 45))
from qc_console.cli import main
sys.argv = ["qc-console", "--db", url, "--rep", rep, "run", "--keymap", "/dev/null"]
try:
    main()
except SystemExit:
    pass
"""


def busiest_rep(path: Path) -> str:
    """The QC rep with the most open leads (the heaviest queue)."""
    with sqlite3.connect(path) as con:
        row = con.execute(
            "SELECT r.name, COUNT(*) FROM lead l JOIN rep r ON r.id = l.owner_id "
            "WHERE l.stage IN ('raw','qualified','incubating') AND r.role = 'rep' "
            "GROUP BY r.name ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
    return str(row[0])


def counts(path: Path, rep: str) -> tuple[int, int]:
    with sqlite3.connect(path) as con:
        total = con.execute("SELECT COUNT(*) FROM lead").fetchone()[0]
        mine = con.execute(
            "SELECT COUNT(*) FROM lead l JOIN rep r ON r.id = l.owner_id WHERE r.name = ? "
            "AND l.stage IN ('raw','qualified','incubating')",
            (rep,),
        ).fetchone()[0]
    return int(total), int(mine)


def seed_small(path: Path, leads: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "qc_console",
        "--db",
        f"sqlite:///{path}",
        "seed",
        "--leads",
        str(leads),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT)


def bench_start(url: str, rep: str, runs: int) -> dict[str, Any]:
    """Spawn → first painted queue, `runs` times (the first run also warms the OS cache)."""
    times: list[float] = []
    rss: list[int] = []
    rows = 0
    for _ in range(runs + 1):
        t0 = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, url, rep],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        line = next((x for x in out.stdout.splitlines() if x.startswith("PAINTED")), None)
        if line is None:
            raise SystemExit(f"the console did not paint:\n{out.stdout}\n{out.stderr}")
        _, t1, peak, n = line.split()
        times.append(float(t1) - t0)
        rss.append(int(peak))
        rows = int(n)
    times, rss = times[1:], rss[1:]  # drop the cold-cache run
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "rows": rows,
        "peak_rss_mb": max(rss) / 1024,
    }


async def _dispositions(url: str, rep: str, n: int) -> dict[str, Any]:
    from qc_console.services.facade import open_backend
    from qc_console.tui.app import QCConsoleApp

    painted: list[float] = []
    painted_cpu: list[float] = []
    committed: list[float] = []

    def hook(event: str, detail: str, t: float) -> None:
        if event == "action.painted":
            painted.append(t)
            painted_cpu.append(time.process_time())  # every thread: the write's worker too
        elif event == "action.committed":
            committed.append(t)

    app = QCConsoleApp(
        open_backend(url, rep), timing=hook, poll_seconds=0, keymap_path=Path(os.devnull)
    )
    latencies: list[float] = []
    commits: list[float] = []
    cpu: list[float] = []
    loads: list[float] = []
    async with app.run_test(size=(140, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        for _ in range(n):
            lead = screen.table.current  # type: ignore[attr-defined]
            if lead is None:
                break
            key = "m" if lead.rating == "high" else "h"
            await pilot.press("q")
            before = len(painted)
            t0 = time.perf_counter()
            c0 = time.process_time()
            await pilot.press(key)
            while len(painted) == before:  # the hook fires after the repaint
                await asyncio.sleep(0.001)
            latencies.append(painted[-1] - t0)
            commits.append(committed[-1] - t0)
            cpu.append(painted_cpu[-1] - c0)
            if len(latencies) % 20 == 1:
                loads.append(os.getloadavg()[0])
            await app.workers.wait_for_complete()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    latencies.sort()
    commits.sort()
    cpu.sort()
    return {
        "n": len(latencies),
        "commit_p50_ms": 1000 * statistics.median(commits),
        "commit_p95_ms": 1000 * commits[int(0.95 * (len(commits) - 1))],
        "services_p50_ms": services_floor(url, rep),
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
        "cpu_p50_ms": 1000 * statistics.median(cpu),
        "cpu_p95_ms": 1000 * cpu[int(0.95 * (len(cpu) - 1))],
        "load_min": min(loads),
        "load_max": max(loads),
        "peak_rss_mb": rss / 1024,
    }


def services_floor(url: str, rep: str, n: int = 30) -> float:
    """The same qualification through the backend alone (no UI): the database's share."""
    from qc_console.domain.values import QueueFilter
    from qc_console.services.facade import open_backend

    backend = open_backend(url, rep)
    backend.hold_open()  # as the console does (no WAL checkpoint as each call closes)
    rows = backend.queue_page(QueueFilter(), 0, 400).rows[-n:]
    times = []
    for lead in rows:
        rating = "medium" if lead.rating == "high" else "high"
        t0 = time.perf_counter()
        backend.qualify([lead.id], rating, expected={lead.id: lead.version})
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def bench_dispositions(db: Path, rep: str, n: int) -> dict[str, Any]:
    """On a copy (the benchmark writes), in a process of its own (for its peak RSS)."""
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        copy = Path(tmp) / "copy.sqlite"
        with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        out = subprocess.run(
            [sys.executable, __file__, "--child-dispositions", f"sqlite:///{copy}", rep, str(n)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"the disposition run failed:\n{out.stderr}")
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def write_results(text: str) -> None:
    """Append (or replace) the "Console" section; other sections stay as they are."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    marker = "\n## Console\n"
    if marker in old:
        head, _, rest = old.partition(marker)
        nxt = rest.find("\n## ")
        tail = rest[nxt:] if nxt != -1 else ""
        old = head + tail
    RESULTS.write_text(old.rstrip("\n") + "\n" + marker + "\n" + text, encoding="utf-8")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child-dispositions":
        url, rep, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        print(json.dumps(asyncio.run(_dispositions(url, rep, n))))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="?", type=Path)
    ap.add_argument("--rep", help="whose queue (default: the rep with the most open leads)")
    ap.add_argument(
        "--dispositions-db",
        type=Path,
        help="run the dispositions on a copy of this database instead (copying a 7 GB 1M-lead "
        "file for 200 writes is wasteful)",
    )
    ap.add_argument("--actions", type=int, default=200)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--seed-leads", type=int, default=100_000)
    ap.add_argument("--write", action="store_true", help="append the Console section")
    args = ap.parse_args()

    db = args.db or (BIG if BIG.exists() else SMALL)
    note = ""
    if not db.exists():
        note = f"(no 1M database at {BIG.relative_to(ROOT)}: seeded {args.seed_leads:,} leads)"
        print(f"seeding {db} with {args.seed_leads:,} leads …", file=sys.stderr)
        seed_small(db, args.seed_leads)
    rep = args.rep or busiest_rep(db)
    total, mine = counts(db, rep)
    url = f"sqlite:///{db}"
    print(f"{db.name}: {total:,} leads; rep {rep}: {mine:,} open leads", file=sys.stderr)

    floor_runs = []
    for _ in range(3):  # the floor the goal is set against: importing Textual in a new process
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
        floor_runs.append(time.monotonic() - t0)
    floor_s = statistics.median(floor_runs)

    load = os.getloadavg()
    start = bench_start(url, rep, args.starts)
    disp_db = args.dispositions_db or db
    disp_rep = rep if disp_db == db else busiest_rep(disp_db)
    disp_total, disp_open = counts(disp_db, disp_rep)
    disp = bench_dispositions(disp_db, disp_rep, args.actions)
    result = {
        "db": db.name,
        "leads": total,
        "rep": rep,
        "open": mine,
        "floor_s": floor_s,
        "start": start,
        "dispositions": disp,
    }
    print(json.dumps(result, indent=2))

    where = ""
    if disp_db != db:
        where = (
            f" on a copy of `{disp_db.name}`, {disp_total:,} leads, {disp_rep}'s {disp_open:,} open"
        )

    def ok(good: bool) -> str:
        return "✓" if good else "✗"

    text = (
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}; load average {load[0]:.1f} before the start-up runs and "
        f"{disp['load_min']:.1f}–{disp['load_max']:.1f} during the dispositions (other jobs "
        f"share the machine: wall-clock figures move with the load, CPU time does not): "
        f"`{db.name}` ({total:,} leads){' ' + note if note else ''}, queue of **{rep}** "
        f"({mine:,} open leads, pages of 200).\n\n"
        "| measure | result | goal |\n| --- | --- | --- |\n"
        f"| start → first painted queue (median of {args.starts}; headless) | "
        f"{start['median_s']:.2f} s (min {start['min_s']:.2f}, max {start['max_s']:.2f}) | "
        f"≤ 0.8 s {ok(start['median_s'] <= 0.8)} |\n"
        f"| floor: `python -c 'import textual.app'` | {floor_s:.2f} s | |\n"
        f"| keystroke → committed + row repainted, p50 ({disp['n']} qualifies{where}) | "
        f"{disp['p50_ms']:.1f} ms | |\n"
        f"| … p95 | {disp['p95_ms']:.1f} ms (max {disp['max_ms']:.1f}) | "
        f"≤ 50 ms {ok(disp['p95_ms'] <= 50)} |\n"
        f"| … of which to committed (p50 / p95) | {disp['commit_p50_ms']:.1f} / "
        f"{disp['commit_p95_ms']:.1f} ms | |\n"
        f"| CPU time per keystroke, all threads (p50 / p95) | {disp['cpu_p50_ms']:.1f} / "
        f"{disp['cpu_p95_ms']:.1f} ms | |\n"
        f"| floor: the same qualify through the backend, no UI (p50) | "
        f"{disp['services_p50_ms']:.1f} ms | |\n"
        f"| peak RSS, start-up process | {start['peak_rss_mb']:.0f} MB | "
        f"≤ 150 MB {ok(start['peak_rss_mb'] <= 150)} |\n"
        f"| peak RSS, after {disp['n']} dispositions | {disp['peak_rss_mb']:.0f} MB | "
        f"≤ 150 MB {ok(disp['peak_rss_mb'] <= 150)} |\n\n"
        "Method: `python bench/bench_console.py` (see its docstring). The start time runs from "
        "just before the process is spawned to the app's hook after the first page is painted; "
        "the disposition time from the rating key to the hook after the frame that draws the "
        "patched row (work-the-queue mode: the cursor moves to the next lead each time). CPU "
        "time is `time.process_time()` over the same span (the UI thread and the write's "
        "worker thread).\n"
    )
    if args.write:
        write_results(text)
        print(f"appended the Console section to {RESULTS}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
