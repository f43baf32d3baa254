"""Import on PostgreSQL: 100,000-row contact files imported into a fresh throwaway server
seeded with `--leads` demo leads (tests/pg.py; as root the server runs as the user `qcpg`).

    python bench/bench_import_pg.py [--leads 1000000] [--files 3] [--rows 100000]

Each file (`tests/importing/gen.py`: ~10% people repeated, ~1% broken rows, new people each
file) is imported by a supervisor through `import_file`, as `qc-console import` runs it, after
a VACUUM ANALYZE of `lead`. Prints the seed's time and each import's wall time and counts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_bulk import postgres_url  # noqa: E402

from qc_console.db.database import close_database, db, open_database  # noqa: E402
from qc_console.importing import ImportOptions  # noqa: E402
from qc_console.malloc import keep_freed_memory  # noqa: E402
from qc_console.services.bulk_import import import_file  # noqa: E402
from tests.importing.gen import write_file  # noqa: E402


def main() -> None:
    keep_freed_memory()  # as the qc-console command does
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--leads", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=3)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    everyone = ImportOptions(allow_unsubscribed=True)
    url, server = postgres_url(args.leads)
    try:
        open_database(url)
        db.connect(reuse_if_open=True)
        boss = db.execute_sql(
            "SELECT name FROM rep WHERE role = 'supervisor' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.files):
                path = Path(tmp) / f"contacts-{i}.csv"
                write_file(path, args.rows, seed=11 + i, start=i * args.rows)
                db.execute_sql("VACUUM ANALYZE lead")
                t0 = time.perf_counter()
                report = import_file(path, actor=boss, options=everyone)
                wall = time.perf_counter() - t0
                print(f"import {i}: {wall:.2f} s, {args.rows / wall:,.0f} rows/s · "
                      f"{report.counts.summary()}", flush=True)  # fmt: skip
        close_database()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
