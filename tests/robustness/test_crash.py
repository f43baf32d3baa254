"""SIGKILL in the middle of a bulk action on thousands of leads: afterwards the integrity check
passes and the data is exactly as before the action or exactly as after it, never in between.

A child process opens the database, picks its leads, says "ready", and on "go" runs one bulk
action with a fixed clock (so the "after" state is the same every run). One clean run measures
how long the action takes; the kills then land at random points spread over that duration."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.db.database import close_database, db, open_database
from qc_console.services.integrity import check_integrity

LEADS = 2000
KILLS = 20
TABLES = ("lead", "touch", "lead_event", "batch")

CHILD = """
import sys
from datetime import datetime
from qc_console.db.database import db, open_database
from qc_console.domain.values import QueueFilter
from qc_console.services import dispositions, touches
from qc_console.services.queue import queue_ids

url = sys.argv[1]
now = datetime(2026, 3, 4, 15, 0, 0)
open_database(url)
with db.connection_context():
    ids = queue_ids(QueueFilter(owner="*"), actor="sue", now=now)
print("ready", len(ids), flush=True)
action = sys.stdin.readline().strip()
if not action:
    sys.exit(0)
with db.connection_context():
    if action == "incubate":
        dispositions.incubate(ids, actor="sue", days=30, reason="crash test", now=now)
    else:
        touches.log_touch(ids, channel="call", outcome="no_answer", note="crash test",
                          next_due=datetime(2026, 3, 9, 9), actor="sue", now=now)
print("done", flush=True)
"""


def dump(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of the tables an action writes, in id order."""
    with sqlite3.connect(path) as con:
        return [(t, con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()) for t in TABLES]


def integrity_errors(path: Path) -> list[str]:
    open_database(f"sqlite:///{path}")
    try:
        with db.connection_context():
            report = check_integrity()
    finally:
        close_database()
    return [f"{f.kind}: {f.count}" for f in report.errors]


class Child:
    """The acting process: it opens the database, picks its leads and waits for "go"."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, f"sqlite:///{path}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self) -> None:
        assert self.proc.stdout is not None and self.proc.stderr is not None
        ready = self.proc.stdout.readline()
        assert ready == f"ready {LEADS}\n", ready + self.proc.stderr.read()

    def go(self, action: str) -> float:
        """Start `action`; returns when it was started (perf_counter)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{action}\n")
        self.proc.stdin.flush()
        return time.perf_counter()

    def finish(self) -> None:
        out, err = self.proc.communicate(timeout=120)
        assert self.proc.returncode == 0 and out == "done\n", err


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with sue (supervisor), ann (rep) and 2,000 raw leads, half of them ann's."""
    tmp = tmp_path_factory.mktemp("crash")
    path = tmp / "base.sqlite"
    csv = tmp / "leads.csv"
    rows = ["First Name,Last Name,Email,Company"]
    rows += [f"First{i},Last{i},p{i}@example.com,Co {i % 50}" for i in range(LEADS)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {"QC_DATABASE_URL": None, "QC_REP": None, "QC_CONFIG": str(tmp / "absent.toml")}
    url = f"sqlite:///{path}"
    for args in (
        ["init"],
        ["rep", "add", "sue", "--role", "supervisor"],
        ["rep", "add", "ann", "--role", "rep"],
        ["--rep", "sue", "import", str(csv), "--assign", "round-robin"],
    ):
        result = CliRunner().invoke(cli, ["--db", url, *args], env=env)
        assert result.exit_code == 0, result.output
    close_database()
    with sqlite3.connect(path) as con:  # one file: a plain copy is the whole database
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def fresh_copy(base: Path, name: str) -> Path:
    path = base.parent / name
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("action", ["incubate", "touch"])
def test_sigkill_during_a_bulk_action_leaves_before_or_after(base: Path, action: str) -> None:
    before = dump(base)
    clean = fresh_copy(base, f"clean-{action}.sqlite")
    child = Child(clean)
    child.wait_ready()
    started = child.go(action)
    child.finish()
    duration = time.perf_counter() - started
    after = dump(clean)
    assert after != before and integrity_errors(clean) == []

    rnd = random.Random(f"crash-{action}")
    # One kill in each twentieth of the action's duration (a little past it for the last).
    delays = [duration * 1.05 * (i + rnd.random()) / KILLS for i in range(KILLS)]
    paths = [fresh_copy(base, f"killed-{action}-{i}.sqlite") for i in range(KILLS)]
    children = [Child(path) for path in paths]  # all start now; each waits for "go"
    seen: Counter[str] = Counter()
    try:
        for i, (child, path, delay) in enumerate(zip(children, paths, delays, strict=True)):
            child.wait_ready()
            deadline = child.go(action) + delay
            while time.perf_counter() < deadline and child.proc.poll() is None:
                time.sleep(0.001)  # waiting for the kill point chosen above
            child.proc.send_signal(signal.SIGKILL)
            child.proc.communicate(timeout=60)
            state = dump(path)
            outcome = "before" if state == before else "after" if state == after else "partial"
            assert outcome != "partial", f"kill {i} after {delay:.3f}s left a partial write"
            assert integrity_errors(path) == [], f"kill {i} after {delay:.3f}s"
            seen[outcome] += 1
    finally:
        for child in children:
            if child.proc.poll() is None:
                child.proc.kill()
                child.proc.communicate()
    assert seen["before"] > 0, seen  # the kills did land before the commit
