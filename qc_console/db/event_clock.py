"""PostgreSQL: the newest event id that no transaction still in flight can fall behind.

A console refreshes the leads with events after the id it last saw (`services.queue`). Event
ids come from a sequence when the row is inserted, not when its transaction commits: while a
bulk action's COPY is in flight with ids 100–10,099, a single touch can commit id 10,100, and a
console that then took 10,100 as its token would never see the bulk action's events. So every
transaction that inserts events holds a shared advisory lock from before its first id until it
ends (`writing_events`), and the newest id is only taken as a token while no such transaction
is in flight (`settled`): the exclusive lock is free then, and every id at or below the newest
belongs to a transaction that has ended. SQLite needs none of this: one writer at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from peewee import __exception_wrapper__

from qc_console.db.database import db, is_postgres

EVENT_WRITERS = 0x7163_6576  # "qcev"
"""The advisory-lock key event writers share (PostgreSQL)."""
SETTLE_TRIES = 40
SETTLE_PAUSE = 0.025
"""How long `settled(wait=True)` tries for a moment without writers: up to ~1 s."""


def writing_events() -> None:
    """Hold the event writers' shared lock until this transaction ends (call before the first
    event row; writers do not wait for each other, only for a `settled` read, ~1 ms)."""
    if is_postgres():
        _run("SELECT pg_advisory_xact_lock_shared(%s)", (EVENT_WRITERS,))


def settled(read_newest: Callable[[], int], *, wait: bool = False) -> int | None:
    """`read_newest()` run while no event writer is in flight, else None.

    With `wait`, tries for about a second (a console's first token needs a value), then reads
    anyway: only a transaction in flight that whole second (an import) could then commit
    below the token, and its leads would show at their next change or reload."""
    for attempt in range(SETTLE_TRIES if wait else 1):
        if attempt:
            time.sleep(SETTLE_PAUSE)
        if _run("SELECT pg_try_advisory_lock(%s)", (EVENT_WRITERS,)).fetchone()[0]:
            try:  # a statement of its own: its snapshot is taken after the lock was granted
                return read_newest()
            finally:
                _run("SELECT pg_advisory_unlock(%s)", (EVENT_WRITERS,))
    return read_newest() if wait else None


def _run(sql: str, params: tuple[object, ...]) -> object:
    with __exception_wrapper__:
        cursor = db.cursor()
        cursor.execute(sql, params)
    return cursor
