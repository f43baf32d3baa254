"""PostgreSQL for tests: which engines run, and a fresh, empty database per test.

The PostgreSQL variant runs on a throwaway server this module starts on first use (initdb into a
temp dir, `pg_ctl start` on a free port of 127.0.0.1) and stops and deletes when the test session
ends — also on Ctrl-C, and (through a watchdog process) when pytest itself is killed. PostgreSQL
refuses to run as root, so as root the server runs as the system user `qcpg` (created if missing).

Environment:
    QC_TEST_PG=1     run the PostgreSQL variant (it also runs whenever the binaries are found);
                     QC_TEST_PG=0 turns it off.
    QC_REQUIRE_PG=1  a missing or broken server fails the tests instead of skipping them (CI).
    QC_PG_BINDIR     where initdb/pg_ctl live (default: /usr/lib/postgresql/*/bin, pg_config).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PG_USER = "qcpg"
"""The system user the server runs as when the tests run as root."""

SUPERUSER = "postgres"


def _flag(name: str) -> str | None:
    value = os.environ.get(name, "").strip().lower()
    if value in ("", "auto"):
        return None
    return "0" if value in ("0", "false", "no", "off") else "1"


def required() -> bool:
    """PostgreSQL tests must run (QC_REQUIRE_PG=1, set by .ci/run)."""
    return _flag("QC_REQUIRE_PG") == "1"


def bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    if os.environ.get("QC_PG_BINDIR"):
        candidates.append(Path(os.environ["QC_PG_BINDIR"]))
    candidates.append(Path("/usr/lib/postgresql/15/bin"))
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: _version(p.parent.name), reverse=True)
    if shutil.which("pg_config"):
        try:
            out = subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    for path in candidates:
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file():
            return path
    return None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def engines() -> list[str]:
    """The database engines every service test runs on."""
    wanted = _flag("QC_TEST_PG")
    if required() or wanted == "1" or (wanted is None and bindir() is not None):
        return ["sqlite", "postgres"]
    return ["sqlite"]


# --- the throwaway server ------------------------------------------------------------------

_WATCHDOG = """
import shutil, subprocess, sys
sys.stdin.read()  # EOF: the test session ended (or died)
pg_ctl, data, tmp, *prefix = sys.argv[1:]
subprocess.run(prefix + [pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"],
               cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
shutil.rmtree(tmp, ignore_errors=True)
"""


@dataclass
class Server:
    """A running throwaway PostgreSQL server (superuser `postgres`, trust auth, no fsync)."""

    port: int
    tmp: Path
    watchdog: subprocess.Popen[bytes]
    admin: Any  # a psycopg2 connection to the `postgres` database, autocommit
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, dbname: str, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str) -> None:
        with self.admin.cursor() as cur:
            cur.execute(sql)

    def create_database(self) -> str:
        """A new empty database; returns its name. FILE_COPY is ~5× faster than WAL_LOG here."""
        name = f"qc_test_{next(self._names)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a test's database, ending connections the test left open (e.g. in a thread).

        Waits for closing sessions itself: DROP … WITH (FORCE) alone re-checks only every 100 ms.
        """
        with self.admin.cursor() as cur:
            activity = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            cur.execute(f"SELECT pg_terminate_backend(pid) {activity}", (name,))
            for _ in range(500):
                cur.execute(f"SELECT count(*) {activity}", (name,))
                if not cur.fetchone()[0]:
                    break
                time.sleep(0.001)
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its files (the watchdog does it when its stdin closes)."""
        try:
            self.admin.close()
        except Exception:  # noqa: BLE001 (the server may be gone already)
            pass
        if self.watchdog.stdin is not None and not self.watchdog.stdin.closed:
            self.watchdog.stdin.close()
        try:
            self.watchdog.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.watchdog.kill()


class ServerUnavailable(RuntimeError):
    """PostgreSQL is not installed, or the server would not start."""


_server: Server | None = None
_failure: str | None = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scratch_dir(*, root: bool) -> str | None:
    """Where the server's files go: RAM (/dev/shm) makes CREATE DATABASE ~10× faster than disk
    (7 ms instead of 50–300 ms); as root, somewhere the server's user can reach."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) and shutil.disk_usage(shm).free > 1 << 30:
        return str(shm)
    return "/tmp" if root else None


def _as_server_user() -> list[str]:
    """The command prefix that runs a binary as a non-root user (postgres refuses root)."""
    if os.geteuid() != 0:
        return []
    try:
        subprocess.run(["id", "-u", PG_USER], capture_output=True, check=True)
    except subprocess.CalledProcessError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            capture_output=True,
            check=True,
        )
    return ["runuser", "-u", PG_USER, "--"]


def _run(cmd: list[str], tmp: Path, what: str, **kwargs: Any) -> None:
    done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=120, **kwargs)
    if done.returncode != 0:
        log = tmp / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise ServerUnavailable(f"{what} failed: {done.stderr.strip() or done.stdout}\n{tail}")


def start_server(settings: tuple[str, ...] = ()) -> Server:
    """Start a throwaway server; raises `ServerUnavailable` with the reason. `settings` are
    extra `NAME=VALUE` server settings (the benchmarks' `--pg-setting`)."""
    bins = bindir()
    if bins is None:
        raise ServerUnavailable(
            "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin, pg_config, QC_PG_BINDIR):"
            " apt-get install -y postgresql"
        )
    import psycopg2

    prefix = _as_server_user()
    tmp = Path(tempfile.mkdtemp(prefix="qc-pg-", dir=_scratch_dir(root=bool(prefix))))
    if prefix:
        shutil.chown(tmp, user=PG_USER)
    data, pg_ctl = tmp / "data", str(bins / "pg_ctl")
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, pg_ctl, str(data), str(tmp), *prefix],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C must not kill it before it has cleaned up
    )
    try:
        initdb = [str(bins / "initdb"), "--no-sync", "-A", "trust", "-U", SUPERUSER, "-E", "UTF8"]
        try:  # C.UTF-8: code point order like SQLite, and lower() knows Unicode
            _run([*prefix, *initdb, "--locale=C.UTF-8", "-D", str(data)], tmp, "initdb")
        except ServerUnavailable:
            shutil.rmtree(data, ignore_errors=True)
            _run([*prefix, *initdb, "--no-locale", "-D", str(data)], tmp, "initdb")
        for _attempt in range(3):  # a free port can be taken before the server binds it
            port = _free_port()
            opts = f"-h 127.0.0.1 -p {port} -k {tmp} -F -c max_connections=200"
            opts += "".join(f" -c {setting}" for setting in settings)
            try:
                _run(
                    [*prefix, pg_ctl, "-D", str(data), "-l", str(tmp / "server.log")]
                    + ["-w", "-t", "60", "-o", opts, "start"],
                    tmp,
                    "pg_ctl start",
                    start_new_session=True,  # the server must outlive a Ctrl-C until cleanup
                )
                break
            except ServerUnavailable:
                if _attempt == 2:
                    raise
        admin = psycopg2.connect(host="127.0.0.1", port=port, user=SUPERUSER, dbname="postgres")
        admin.autocommit = True
    except BaseException:
        if watchdog.stdin is not None:
            watchdog.stdin.close()
        watchdog.wait(timeout=60)
        raise
    return Server(port=port, tmp=tmp, watchdog=watchdog, admin=admin)


def _stop() -> None:
    global _server
    if _server is not None:
        server, _server = _server, None
        server.stop()


def server(request: pytest.FixtureRequest) -> Server:
    """The session's server, started on first use; skips (or fails, when required) if there is
    none."""
    global _server, _failure
    if _server is None and _failure is None:
        try:
            _server = start_server()
        except (ServerUnavailable, OSError, subprocess.SubprocessError) as exc:
            _failure = f"PostgreSQL test server unavailable: {exc}"
        else:
            request.config.add_cleanup(_stop)
            atexit.register(_stop)
    if _server is None:
        assert _failure is not None
        if required() or bindir() is not None:
            pytest.fail(_failure, pytrace=False)
        pytest.skip(_failure)
    return _server


def fresh_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """Yield the URL of a new, empty database for one test; dropped afterwards."""
    srv = server(request)
    name = srv.create_database()
    yield srv.url(name)
    srv.drop_database(name)


def dump(url: str) -> list[str]:
    """Every row of every table, in a stable order, on either engine: compare two dumps to show
    that nothing was written (sequences, which a rolled-back insert still advances, are left
    out on purpose)."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(url[len("sqlite:///") :])) as con:
            return list(con.iterdump())
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as con, con.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        out: list[str] = []
        for (table,) in cur.fetchall():
            cur.execute(f'SELECT * FROM "{table}" AS t ORDER BY t::text')
            out += [f"{table}: {row!r}" for row in cur.fetchall()]
        return out
