"""Import benchmark: a generated 100k-row contact file (10% repeated people, 1% broken rows)
imported into a big database, against the floor (the same rows parsed with `csv` and inserted
with raw sqlite3 `executemany` in one transaction).

    python bench/bench_import.py [--db PATH] [--rows 100000] [--seed-leads 200000] [--no-append]

--db is a SQLite file to import into; it is copied first (backup API) and never changed.
Without it the 1M-lead database the engine benchmark builds (bench/out/bench-1m.sqlite) is used
when present, else a fresh demo database of --seed-leads leads is seeded (and reused next
time). Goals (issue 5): ≥ 30k rows/s and ≤ 5× the floor. Appends an "Import" section to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc_console.db.database import close_database, db  # noqa: E402
from qc_console.db.models import Lead, Rep  # noqa: E402
from qc_console.importing import read_file  # noqa: E402
from qc_console.malloc import keep_freed_memory  # noqa: E402
from qc_console.services import seed as seeding  # noqa: E402
from qc_console.services.bulk_import import run_import as import_parsed  # noqa: E402
from qc_console.services.facade import open_backend  # noqa: E402
from qc_console.services.reps import add_rep  # noqa: E402

OUT = ROOT / "bench" / "out"
BIG_DB = OUT / "bench-1m.sqlite"
RATE_GOAL = 30_000
RATIO_GOAL = 5.0
HEADERS = ["Email", "Phone", "First Name", "Last Name", "Company", "Title", "Lead Source",
           "Created Date"]  # fmt: skip
FIRST = ["Ava", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivo", "Jia", "Kai", "Lior"]
LAST = ["Ng", "Okafor", "Petrov", "Quist", "Rossi", "Sato", "Tran", "Ueda", "Varga", "Weiß"]
SOURCES = ["Trade Show", "Web", "Email", "Partner Referral", "Webinar", ""]


def generate(path: Path, rows: int, seed: int = 5) -> None:
    """`rows` contacts: 10% repeat an earlier person, 1% have a broken email."""
    rnd = random.Random(seed)
    people: list[list[str]] = []
    out: list[list[str]] = []
    for i in range(rows):
        roll = rnd.random()
        if people and roll < 0.10:
            out.append(list(rnd.choice(people)))
            continue
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        email = f"{first.lower()}.{last.lower()}.{i}@bench-{i % 997}.example.com"
        if roll < 0.11:
            email = email.replace("@", "@@")
        phone = f"+1 555 {i:07d}" if roll < 0.6 else ""
        created = f"2026-02-{1 + i % 27:02d} {i % 24:02d}:{i % 60:02d}"
        title = rnd.choice(["CEO", "CTO", "Buyer", ""])
        row = [email, phone, first, last, f"{last} Holdings {i % 5000}", title,
               rnd.choice(SOURCES), created]  # fmt: skip
        people.append(row)
        out.append(row)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(out)


def ensure_database(args: argparse.Namespace) -> tuple[Path, str]:
    """The database to copy, and how it was chosen (said in the results)."""
    if args.db:
        return Path(args.db), f"{args.db} (given)"
    if BIG_DB.exists():
        return BIG_DB, f"{BIG_DB.relative_to(ROOT)} (the engine benchmark's 1M-lead database)"
    path = OUT / f"bench-import-{args.seed_leads}.sqlite"
    if not path.exists():
        print(f"no {BIG_DB.relative_to(ROOT)}: seeding {args.seed_leads:,} leads into {path}")
        open_backend(f"sqlite:///{path}", "nobody")
        with db.connection_context():
            seeding.seed_demo(leads=args.seed_leads)
        close_database()
    return path, f"{path.relative_to(ROOT)} (freshly seeded, {args.seed_leads:,} leads: no 1M db)"


def _lead_columns(con: sqlite3.Connection) -> list[str]:
    return [r[1] for r in con.execute("PRAGMA table_info(lead)") if r[1] != "id"]


def snapshot(source: Path, work: Path) -> None:
    """Copy the database with SQLite's backup API: a consistent copy even while another
    process has it open in WAL mode (a file copy would miss the WAL)."""
    _remove(work)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(work)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def floor(work: Path, data: Path) -> float:
    """Seconds to parse the file with csv and insert every row as a lead in one committed
    transaction. The rows are deleted again afterwards (not timed), so the import that follows
    starts from the same leads."""
    con = sqlite3.connect(work, isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=normal")
    columns = _lead_columns(con)
    top = con.execute("SELECT MAX(id) FROM lead").fetchone()[0] or 0
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    fixed = {"source": "other", "stage": "raw", "created_at": now, "stage_entered_at": now,
             "updated_at": now, "version": 1, "touch_count": 0, "voicemail_count": 0,
             "do_not_contact": 0, "rating_rank": 0, "reason_code": "", "reason": "",
             "next_action_note": "", "title": "", "country": "", "notes": ""}  # fmt: skip
    sql = f"INSERT INTO lead ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    with data.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = []
        for email, phone, first, last, company, *_rest in reader:
            values = fixed | {"email": email, "email_key": email.lower(), "phone": phone,
                              "phone_key": phone, "first_name": first, "last_name": last,
                              "company": company}  # fmt: skip
            rows.append(tuple(values.get(c) for c in columns))
    con.executemany(sql, rows)
    con.execute("COMMIT")
    seconds = time.perf_counter() - started
    con.execute("DELETE FROM lead WHERE id > ?", (top,))
    con.close()
    return seconds


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_import(
    work: Path, data: Path, profile: bool = False
) -> tuple[float, float, str, int, float, float]:
    """(seconds reading and checking the file, seconds planning and writing, summary, leads
    before, CPU seconds reading, CPU seconds writing). `profile`: cProfile each half."""
    open_backend(f"sqlite:///{work}", "nobody")
    with db.connection_context():
        actor = Rep.select(Rep.name).where(Rep.role == "supervisor").first()
        if actor is None:
            add_rep("bench", "supervisor")
            name = "bench"
        else:
            name = actor.name
        leads_before = Lead.select().count()
        prof = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        parsed = read_file(data)
        if prof:
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(15)
            prof = cProfile.Profile()
            prof.enable()
        read_s, read_cpu = time.perf_counter() - started, time.process_time() - cpu
        report = import_parsed(parsed, actor=name)
        if prof:
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(20)
        write_s = time.perf_counter() - started - read_s
        write_cpu = time.process_time() - cpu - read_cpu
    close_database()
    return read_s, write_s, report.counts.summary(), leads_before, read_cpu, write_cpu


def main() -> None:
    keep_freed_memory()  # as the qc-console command does (qc_console/malloc.py)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLite file to import into (copied, never changed)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed-leads", type=int, default=200_000)
    parser.add_argument("--no-append", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--profile", action="store_true", help="cProfile both halves")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    source, how = ensure_database(args)
    data = OUT / f"import-{args.rows}.csv"
    generate(data, args.rows)
    work = OUT / "import-work.sqlite"
    snapshot(source, work)
    # Let the kernel write the copy out first: its background writeback of gigabytes would
    # otherwise compete with the timed runs for the two cores.
    os.sync()
    floor_s = min(floor(work, data) for _ in range(2))
    read_s, write_s, summary, before, read_cpu, write_cpu = run_import(work, data, args.profile)
    seconds = read_s + write_s
    rate = args.rows / seconds
    ratio = seconds / floor_s
    lines = [
        f"database: {how}, {before:,} leads before",
        f"file: {args.rows:,} rows ({data.stat().st_size / 1e6:.1f} MB), 10% repeats, 1% broken",
        f"import: {seconds:.2f} s = {rate:,.0f} rows/s (goal ≥ {RATE_GOAL:,}) → {summary}",
        f"import split: reading and checking the file {read_s:.2f} s, planning and writing "
        f"(one transaction: leads, touches, events) {write_s:.2f} s",
        f"CPU seconds (process_time): reading {read_cpu:.2f} s, writing {write_cpu:.2f} s "
        f"= {args.rows / (read_cpu + write_cpu):,.0f} rows per CPU second",
        f"floor (csv + sqlite3 executemany, one committed transaction): {floor_s:.2f} s",
        f"ratio to the floor: {ratio:.1f}× (goal ≤ {RATIO_GOAL:.0f}×)",
        f"machine: {os.cpu_count()} cores, load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end",
    ]
    for line in lines:
        print(line)
    _remove(work)
    if not args.no_append:
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
            fh.write(f"\n## Import ({stamp}, `python bench/bench_import.py`)\n\n")
            fh.writelines(f"- {line}\n" for line in lines)


if __name__ == "__main__":
    main()
