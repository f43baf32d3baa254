"""The one DatabaseProxy, opened from a URL (sqlite:/// or postgresql://)."""

from __future__ import annotations

import atexit
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee
from playhouse.db_url import connect

db = peewee.DatabaseProxy()
"""Every model's database; `open_database` binds it."""

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -16_000,  # 16 MB: most of the console's peak memory at 64 MB
}


def open_database(url: str) -> peewee.Database:
    """Connect the proxy to `url` and return the real database.

    SQLite opens in WAL with foreign keys and a busy timeout, and every transaction takes the
    write lock at BEGIN (`IMMEDIATE`): deferred transactions fail at once with "database is
    locked" when two writers upgrade at the same time, which the busy timeout cannot help.
    """
    close_database()  # a previous database's pooled sessions would outlive it
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        real = connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
        # SQLite's LOWER() and LIKE fold ASCII only: "łukasz" would never find "Łukasz".
        real.register_function(_lower, "lower", 1, deterministic=True)
    elif url.startswith(("postgresql://", "postgres://")):
        # Pooled: every service call "opens" a connection, and a new PostgreSQL session costs
        # 9-20 ms (a console polls every 2 s); a pooled one 0.2 ms. Stale after a minute, so a
        # restarted server costs at most one failed call. peewee 4: autocommit outside atomic().
        scheme, rest = url.split("://", 1)
        real = connect(f"{scheme}+pool://{rest}", max_connections=16, stale_timeout=60)
    else:
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://…")
    db.initialize(real)
    return real


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def close_database() -> None:
    """Close this thread's connection and every idle pooled one (PostgreSQL): a database
    with a session open cannot be copied, renamed or dropped."""
    if db.obj is None:
        return
    if not db.is_closed():
        db.close()
    close_idle = getattr(db.obj, "close_idle", None)
    if close_idle is not None:
        close_idle()


_held: Any = None


def hold_open() -> None:
    """Keep one idle SQLite connection open for the life of a long-running process, and move
    the WAL checkpoints off the callers' path.

    Each service call opens and closes its own connection, and when the last connection to
    a WAL database closes SQLite checkpoints the log (with an fsync): that made every write
    of the console 2-3× slower. An idle connection holds no transaction, so it blocks nothing.
    Checkpoints otherwise run inside the commit that fills the log past 1,000 pages: a bulk
    action of 10,000 leads waited ~230 ms for its own (bench/RESULTS.md, Bulk), and now and
    then a single keystroke paid for the writes before it. Here the commits leave the log
    alone (`wal_autocheckpoint = 0`) and a daemon thread checkpoints it when it has grown.
    No-op on PostgreSQL and for in-memory databases.
    """
    global _held
    real = db.obj
    if not isinstance(real, peewee.SqliteDatabase):
        return
    path = real.database
    if not path or path == ":memory:":
        return
    if _held is not None and _held.path != path:
        _held.stop()
        _held = None
    if _held is None:
        _held = Checkpointer(path)
    pragmas = dict(real._pragmas)
    if pragmas.get("wal_autocheckpoint") != 0:
        real._pragmas = [*real._pragmas, ("wal_autocheckpoint", 0)]
        if not real.is_closed():
            real.execute_sql("PRAGMA wal_autocheckpoint = 0")


class Checkpointer:
    """A held-open connection to a WAL database and a daemon thread that checkpoints its log
    (PASSIVE: never waits for readers or writers) when other connections committed."""

    PERIOD_S = 0.5

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA busy_timeout = 1000")
        self._lock = threading.Lock()
        """One statement at a time on the connection: `checkpoint` may come from any thread
        (the benchmarks call it between runs) while the daemon thread polls."""
        self._stopped = threading.Event()
        self.ran = threading.Event()
        """Set after each checkpoint the thread made (tests wait on it)."""
        self._thread = threading.Thread(target=self._run, name="qc-wal-checkpoint", daemon=True)
        self._thread.start()
        atexit.register(self.stop)  # the last checkpoint: leave no log behind

    def _run(self) -> None:
        seen = None
        while not self._stopped.wait(self.PERIOD_S):
            try:
                with self._lock:
                    (version,) = self._conn.execute("PRAGMA data_version").fetchone()
                if version != seen:  # another connection committed since the last look
                    self.checkpoint()
                    seen = version
                    self.ran.set()
            except sqlite3.Error:
                continue  # busy or gone: the next round tries again

    def checkpoint(self) -> tuple[int, int, int]:
        """Checkpoint now: (busy, frames in the log, frames checkpointed)."""
        with self._lock:
            row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def stop(self) -> None:
        """Stop the thread, checkpoint what is left, close the connection (idempotent)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._thread.join(timeout=5)
        try:
            self.checkpoint()
        except Exception:  # noqa: BLE001 (best effort at exit: the next opener checkpoints)
            pass
        self._conn.close()


def held() -> Checkpointer | None:
    """The process's held-open connection and checkpointer, if `hold_open` made one."""
    return _held


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


WIDE_CACHE_KB = 65_536
"""The page cache of one big write (`wide_cache`): 64 MB instead of 16."""


@contextmanager
def wide_cache(wanted: bool = True) -> Iterator[None]:
    """SQLite: a 64 MB page cache for the transaction inside, back to 16 MB after it.

    A batch of 10,000 leads dirties ~14,000 pages (leads of a 1M-lead file sit one to a page,
    and seven indexes change): more than 16 MB of cache holds, so SQLite wrote pages out in
    the middle of the transaction and read them back: ~40 ms of a 10,000-lead purge
    (bench/RESULTS.md, Bulk). The console's memory stays as it was between such batches: the
    cache shrinks back when the batch is over. No-op on PostgreSQL or when not `wanted`.
    """
    if not wanted or not isinstance(db.obj, peewee.SqliteDatabase):
        yield
        return
    db.execute_sql(f"PRAGMA cache_size = -{WIDE_CACHE_KB}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {SQLITE_PRAGMAS['cache_size']}")


def reading() -> Any:
    """A read-only transaction: one consistent snapshot without taking SQLite's write lock
    (every other transaction here is IMMEDIATE). On PostgreSQL, REPEATABLE READ gives every
    query in it the same snapshot (READ COMMITTED takes a new one per statement)."""
    if is_postgres():
        return db.atomic(isolation_level="REPEATABLE READ, READ ONLY")
    return db.atomic(lock_type="DEFERRED")


def sync_sequences(*tables: str) -> None:
    """Move PostgreSQL's id sequences past the largest id, after rows were inserted with
    explicit ids (seed, restore); otherwise the next plain insert collides. No-op on SQLite."""
    if not is_postgres():
        return
    for table in tables:
        db.execute_sql(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
            f' COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)',
            (table,),
        )
