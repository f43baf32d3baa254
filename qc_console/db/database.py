"""The one DatabaseProxy, opened from a URL (sqlite:/// or postgresql://)."""

from __future__ import annotations

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
    """Keep one idle SQLite connection open for the life of a long-running process.

    Each service call opens and closes its own connection, and when the last connection to
    a WAL database closes SQLite checkpoints the log (with an fsync): that made every write
    of the console 2-3× slower. An idle connection holds no transaction, so it blocks nothing.
    No-op on PostgreSQL and for in-memory databases.
    """
    global _held
    real = db.obj
    if _held is None and isinstance(real, peewee.SqliteDatabase):
        path = real.database
        if path and path != ":memory:":
            import sqlite3

            _held = sqlite3.connect(path, check_same_thread=False)


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


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
