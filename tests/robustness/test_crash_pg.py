"""PostgreSQL (team mode): SIGKILL the acting process in the middle of a bulk action on
thousands of leads. Once the server has ended the dead client's session, the integrity check
passes and every row is exactly as before the action or exactly as after it, never in between.

Like `test_crash.py` (SQLite), with a supervisor's own login acting: a child process connects,
picks its leads, says "ready", and on "go" runs one bulk action with a fixed clock. Each kill
gets a fresh copy of the database (`CREATE DATABASE … TEMPLATE`)."""

from __future__ import annotations

import contextlib
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.db.database import close_database, db, open_database
from qc_console.services.integrity import check_integrity
from tests import pg

LEADS = 2000
KILLS = 20
TABLES = ("lead", "touch", "lead_event", "batch")
SUPERVISOR, REP = "crash_sue", "crash_ann"
"""Logins of their own: logins belong to the whole server, which other tests share."""

CHILD = """
import sys
from datetime import datetime
from qc_console.db.database import db, open_database
from qc_console.domain.values import QueueFilter
from qc_console.services import dispositions, touches
from qc_console.services.queue import queue_ids
from qc_console.services.team import whoami

url = sys.argv[1]
now = datetime(2026, 3, 4, 15, 0, 0)
open_database(url)
with db.connection_context():
    actor = whoami()  # team mode: the login is the acting rep
    ids = queue_ids(QueueFilter(owner="*"), actor=actor, now=now)
print("ready", len(ids), flush=True)
action = sys.stdin.readline().strip()
if not action:
    sys.exit(0)
with db.connection_context():
    if action == "incubate":
        dispositions.incubate(ids, actor=actor, days=30, reason="crash test", now=now)
    else:
        touches.log_touch(ids, channel="call", outcome="no_answer", note="crash test",
                          next_due=datetime(2026, 3, 9, 9), actor=actor, now=now)
print("done", flush=True)
"""


@dataclass
class Base:
    """The database every run starts from, and the server it lives on."""

    server: pg.Server
    name: str

    def copy(self, label: str) -> str:
        """A fresh copy of the base database; returns its name."""
        name = f"{self.name}_{label}".replace("-", "_")
        self.server.drop_database(name)
        self.server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}" STRATEGY FILE_COPY')
        return name


def dump(srv: pg.Server, name: str) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of the tables an action writes, in id order (as the superuser)."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(srv.url(name))) as con, con.cursor() as cur:
        out = []
        for table in TABLES:
            cur.execute(f'SELECT * FROM "{table}" ORDER BY id')
            out.append((table, cur.fetchall()))
        return out


def sessions_gone(srv: pg.Server, name: str) -> None:
    """Wait until the server has ended every session on `name`: a killed client's
    transaction is rolled back (or, if its COMMIT was sent, committed) only then."""
    with srv.admin.cursor() as cur:
        for _ in range(3000):
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))
            if not cur.fetchone()[0]:
                return
            time.sleep(0.01)  # polling the server's session list, not timing the test
    raise AssertionError(f"the killed client's session on {name} did not end within 30 s")


def integrity_errors(srv: pg.Server, name: str) -> list[str]:
    open_database(srv.url(name))
    try:
        with db.connection_context():
            report = check_integrity()
    finally:
        close_database()
    return [f"{f.kind}: {f.count}" for f in report.errors]


class Child:
    """The acting process: it connects as the supervisor's login and waits for "go"."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, url],
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
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{action}\n")
        self.proc.stdin.flush()
        return time.perf_counter()

    def finish(self) -> None:
        out, err = self.proc.communicate(timeout=120)
        assert self.proc.returncode == 0 and out == "done\n", err


@pytest.fixture(scope="module")
def base(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Base]:
    """A team-mode database: crash_sue (supervisor), crash_ann (rep), 2,000 raw leads imported
    by crash_sue round-robin to the QC reps, so they are all crash_ann's."""
    if "postgres" not in pg.engines():  # QC_REQUIRE_PG=1 always includes it
        pytest.skip("PostgreSQL tests are off (no binaries found, or QC_TEST_PG=0)")
    srv = pg.server(request)  # skips with the reason, or fails when PostgreSQL is required
    tmp = tmp_path_factory.mktemp("crash_pg")
    csv = tmp / "leads.csv"
    rows = ["First Name,Last Name,Email,Company"]
    rows += [f"First{i},Last{i},p{i}@example.com,Co {i % 50}" for i in range(LEADS)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    name = srv.create_database()
    env = {"QC_DATABASE_URL": None, "QC_REP": None, "QC_CONFIG": str(tmp / "absent.toml")}
    for url, args in (
        (srv.url(name), ["init"]),
        (srv.url(name), ["team", "init"]),
        (srv.url(name), ["team", "add-rep", SUPERVISOR, "--role", "supervisor"]),
        (srv.url(name), ["team", "add-rep", REP, "--role", "rep"]),
        (srv.url(name, SUPERVISOR), ["import", str(csv), "--assign", "round-robin"]),
    ):
        result = CliRunner().invoke(cli, ["--db", url, *args], env=env)
        assert result.exit_code == 0, result.output
    close_database()
    yield Base(srv, name)
    srv.drop_database(name)
    with contextlib.suppress(Exception):  # the logins own nothing once their databases are gone
        srv.execute(f"DROP ROLE IF EXISTS {SUPERVISOR}, {REP}")


def kill_during(base: Base, name: str, action: str, delay: float, child: Child) -> None:
    """Start `action`, SIGKILL the child `delay` seconds later, and wait until the server has
    ended its session (rolled back, or committed if the COMMIT was already sent)."""
    child.wait_ready()
    deadline = child.go(action) + delay
    while time.perf_counter() < deadline and child.proc.poll() is None:
        time.sleep(0.001)  # waiting for the kill point chosen by the caller
    child.proc.send_signal(signal.SIGKILL)
    child.proc.communicate(timeout=60)
    sessions_gone(base.server, name)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("action", ["incubate", "touch"])
def test_sigkill_during_a_bulk_action_leaves_before_or_after(base: Base, action: str) -> None:
    srv = base.server
    before = dump(srv, base.name)
    clean = base.copy(f"clean_{action}")
    child = Child(srv.url(clean, SUPERVISOR))
    child.wait_ready()
    started = child.go(action)
    child.finish()
    duration = time.perf_counter() - started
    after = dump(srv, clean)
    assert after != before and integrity_errors(srv, clean) == []
    srv.drop_database(clean)

    rnd = random.Random(f"crash-pg-{action}")
    # One kill in each twentieth of the action's duration (a little past it for the last).
    delays = [duration * 1.05 * (i + rnd.random()) / KILLS for i in range(KILLS)]
    names = [base.copy(f"killed_{action}_{i}") for i in range(KILLS)]
    children = [Child(srv.url(n, SUPERVISOR)) for n in names]  # each waits for "go"
    seen: Counter[str] = Counter()
    try:
        for i, (child, name, delay) in enumerate(zip(children, names, delays, strict=True)):
            kill_during(base, name, action, delay, child)
            state = dump(srv, name)
            outcome = "before" if state == before else "after" if state == after else "partial"
            assert outcome != "partial", f"kill {i} after {delay:.3f}s left a partial write"
            assert integrity_errors(srv, name) == [], f"kill {i} after {delay:.3f}s"
            seen[outcome] += 1
            srv.drop_database(name)
    finally:
        for child in children:
            if child.proc.poll() is None:
                child.proc.kill()
                child.proc.communicate()
        for name in names:
            srv.drop_database(name)
    assert seen["before"] > 0, seen  # the kills did land before the commit
