"""Concurrency proof and benchmark: 8 processes act as a qualifying center for a minute, on
SQLite (WAL) and on PostgreSQL; then the data must still tell one consistent story.

    python bench/bench_concurrency.py [--seconds 60] [--leads 600] [--engine sqlite|postgres|both]
                                      [--db URL] [--append-results]

The people (six QC reps, a supervisor doing bulk reassigns and resurfaces, a sales rep) are
tests/robustness/workload.py; what they must leave behind is tests/robustness/proof.py (integrity,
unbroken version chains, no double claim, every success an event and every event a success,
every conflict told as StaleLead, no raw "database is locked"). test_concurrency.py runs the
same for a few seconds. Without --db the SQLite run uses a file under bench/out/ and the
PostgreSQL run a throwaway server started here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.robustness.proof import Verdict, prove  # noqa: E402
from tests.robustness.workload import Tally  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
PG_BIN = Path(os.environ.get("QC_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
PG_USER = "qcpg"
"""The system user the throwaway server runs as when the bench runs as root."""


# --- a throwaway PostgreSQL server for the bench ---------------------------------------------


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """initdb + pg_ctl start on a free port (as a system user when root: postgres refuses to
    run as root); yields the URL of an empty database; stops the server and deletes its files
    at the end."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", PG_USER], check=True)
        prefix = ["runuser", "-u", PG_USER, "--"]
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-pg-", dir=shm))
    if prefix:
        shutil.chown(tmp, user=PG_USER)
    data = tmp / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def run(*cmd: str) -> None:
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, cwd=tmp)

    try:
        run(str(PG_BIN / "initdb"), "--no-sync", "-A", "trust", "-U", "postgres", "-D", str(data))
        opts = f"-h 127.0.0.1 -p {port} -k {tmp} -F -c max_connections=100"
        log = str(tmp / "log")
        run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", log, "-w", "-o", opts, "start")
        run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "qc")
        yield f"postgresql://postgres@127.0.0.1:{port}/qc"
    finally:
        stop = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run([*prefix, *stop], capture_output=True, cwd=tmp)
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
        f"{engine}: {v.actions} actions in {v.seconds:.1f} s = {v.per_second:.0f} actions/s"
        f" ({v.attempts} attempts; latency p50 {v.p50_ms:.1f} ms, p95 {v.p95_ms:.1f} ms;"
        f" {n_leads} leads)",
        f"  conflicts told as StaleLead: {v.stale}; other refusals: {refused};"
        f" raw database errors: {v.raw}; 'locked' seen: {v.locked}",
        f"  events checked: {v.events}; problems: {len(v.problems)}",
        f"  the 8 processes' own CPU: {v.cpu_seconds:.0f} s"
        f" = {1000 * v.cpu_seconds / max(v.actions, 1):.1f} ms per action (reads included);"
        f" load average after: {os.getloadavg()[0]:.1f}",
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
