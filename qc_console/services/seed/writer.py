"""Fast raw inserts for the seed (SQLite and PostgreSQL).

peewee's `insert_many` spends ~90% of its time generating SQL (FACTS.md), so rows go in through
one rendered INSERT per table and `executemany` on SQLite, and through COPY on PostgreSQL.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import fn

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Batch, Campaign, Lead, LeadEvent, Rep, Touch
from qc_console.services.seed.plan import LEAD_COLUMNS, Chunk

BULK_TABLES = ("lead", "touch", "lead_event", "batch")
REBUILT_TABLES = ("lead",)
"""SQLite: the tables whose secondary indexes a big load drops and builds again at the end
(PostgreSQL: all of `BULK_TABLES`, as measured in session 1; see `bulk_load`)."""
LOAD_CACHE_KIB = -1_000_000
"""SQLite page cache during a load (1 GB)."""
EVENT_COLUMNS = (
    "id", "lead_id", "actor_id", "at", "kind", "from_stage", "to_stage", "data", "batch_id"
)  # fmt: skip
BATCH_COLUMNS = ("id", "actor_id", "at", "action", "size")
TOUCH_COLUMNS = ("id", "lead_id", "rep_id", "at", "channel", "outcome", "note")


@dataclass(frozen=True)
class Bases:
    """The first id of the next chunk's touches, events and batches."""

    touch: int
    event: int
    batch: int


def insert_chunk(chunk: Chunk, bases: Bases) -> Bases:
    """Insert one chunk of the plan, its local ids moved to `bases`; returns the next bases.
    Runs in the caller's transaction."""
    (_copy_chunk if is_postgres() else _insert_chunk)(chunk, bases)
    return Bases(
        bases.touch + len(chunk.touches),
        bases.event + len(chunk.events) + len(chunk.touch_events),
        bases.batch + len(chunk.batches),
    )


def _insert_chunk(chunk: Chunk, bases: Bases) -> None:
    """SQLite: `executemany`, with the offsets applied in SQL (`? + base`) and a touch event's
    data joined there around its touch id, so no row is rebuilt in Python."""
    t, e, b = f"? + {bases.touch}", f"? + {bases.event}", f"? + {bases.batch}"
    _executemany("lead", LEAD_COLUMNS, ["?"] * len(LEAD_COLUMNS), chunk.leads)
    _executemany("batch", BATCH_COLUMNS, [b] + ["?"] * 4, chunk.batches)
    _executemany("touch", TOUCH_COLUMNS, [t] + ["?"] * 6, chunk.touches)
    plain = [e] + ["?"] * 6
    _executemany("lead_event", EVENT_COLUMNS, [*plain, "?", b], chunk.events)
    joined = f"? || CAST(({t}) AS TEXT) || ?"
    _executemany("lead_event", EVENT_COLUMNS, [*plain, joined, b], chunk.touch_events)


def _executemany(
    table: str, columns: Sequence[str], values: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """`values` holds one SQL expression per column over its `?` parameters."""
    if rows:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"
        db.cursor().executemany(sql, rows)


def _copy_chunk(chunk: Chunk, bases: Bases) -> None:
    """PostgreSQL: COPY (measured ~2.7× faster than multi-row INSERTs), the offsets and the
    touch events' data applied while the rows are written out as COPY text."""
    t, e, b = bases.touch, bases.event, bases.batch
    _copy("lead", LEAD_COLUMNS, chunk.leads)
    _copy("batch", BATCH_COLUMNS, ((i + b, *rest) for i, *rest in chunk.batches))
    _copy("touch", TOUCH_COLUMNS, ((i + t, *rest) for i, *rest in chunk.touches))
    events = [(i + e, *mid, None if bid is None else bid + b) for i, *mid, bid in chunk.events]
    events += [
        (
            i + e,
            lead,
            actor,
            at,
            kind,
            fr,
            to,
            f"{head}{tid + t}{tail}",
            None if bid is None else bid + b,
        )
        for i, lead, actor, at, kind, fr, to, head, tid, tail, bid in chunk.touch_events
    ]
    _copy("lead_event", EVENT_COLUMNS, events)


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value.__class__ is str:
        if _COPY_SPECIAL.search(value):
            return _COPY_SPECIAL.sub(lambda m: _COPY_ESCAPES[m.group()], value)
        return value
    return str(value)


def _copy(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    text = "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)
    if text:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        db.cursor().copy_expert(sql, io.StringIO(text))


def first_ids() -> tuple[int, Bases]:
    """The first free lead id, and the bases of the first chunk."""

    def first(model: Any) -> int:
        return int(model.select(fn.MAX(model.id)).scalar() or 0) + 1

    return first(Lead), Bases(first(Touch), first(LeadEvent), first(Batch))


def has_leads() -> bool:
    return bool(Lead.select(Lead.id).limit(1).exists())


def ensure_reps(people: Sequence[Any], now: datetime) -> dict[str, int]:
    """Ids of the demo's people, adding those that do not exist yet (by name)."""
    ids = dict(Rep.select(Rep.name, Rep.id).tuples())
    for p in people:
        if p.name not in ids:
            ids[p.name] = Rep.insert(
                name=p.name, role=p.role, email=p.email, created_at=now
            ).execute()
    return {p.name: int(ids[p.name]) for p in people}


def ensure_campaigns(
    campaigns: Sequence[Any], starts: dict[str, date], now: datetime
) -> dict[str, int]:
    ids = dict(Campaign.select(Campaign.name, Campaign.id).tuples())
    for c in campaigns:
        if c.name not in ids:
            ids[c.name] = Campaign.insert(
                name=c.name,
                source=c.source,
                cost=c.cost,
                starts_on=starts[c.name],
                created_at=now,
            ).execute()
    return {c.name: int(ids[c.name]) for c in campaigns}


def fix_sequences() -> None:
    """PostgreSQL: move each id sequence past the ids the seed set explicitly."""
    if not is_postgres():
        return
    for table in BULK_TABLES:
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


@contextmanager
def bulk_load(*, rebuild_indexes: bool) -> Iterator[None]:
    """Settings for a big load.

    SQLite: no fsync per commit and a big page cache. With `rebuild_indexes` the lead table's
    secondary indexes are dropped first and built again at the end (its rows land in random
    places of them; below ~100k leads it does not pay). The touch, event and batch indexes stay:
    their rows come in lead and id order, so each index grows at its end or at a few hot
    pages, while building one afterwards reads the whole table again (the event table is
    ~5 GB at 1M leads) and runs alone on one core after the planners are done.
    PostgreSQL: all the bulk tables' secondary indexes are rebuilt, their foreign keys
    dropped and added back at the end (one validating join each, instead of a trigger per
    key per row: half of an event copy's time), and fresh planner statistics taken.
    """
    sqlite = not is_postgres()
    indexes = _secondary_indexes() if rebuild_indexes else []
    journal = ""
    if sqlite:
        cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
        db.execute_sql("PRAGMA synchronous = OFF")
        db.execute_sql(f"PRAGMA cache_size = {LOAD_CACHE_KIB}")
        if rebuild_indexes:
            # WAL writes every page twice (the log, then the checkpoint); a rollback journal
            # writes a new page once (pages past the end of the file are not journaled) and
            # commits stay atomic. SQLite keeps WAL if another connection is open.
            journal = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
            db.execute_sql("PRAGMA journal_mode = TRUNCATE")
    keys = _foreign_keys() if rebuild_indexes and not sqlite else []
    for name, _sql in indexes:
        db.execute_sql(f"DROP INDEX {name}")
    for table, name, _definition in keys:
        db.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    try:
        yield
    finally:
        for _name, sql in indexes:  # also after a failure: never leave the schema without them
            db.execute_sql(sql)
        for table, name, definition in keys:
            db.execute_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        if sqlite:
            if journal:
                db.execute_sql(f"PRAGMA journal_mode = {journal}")
            db.execute_sql("PRAGMA synchronous = NORMAL")
            db.execute_sql(f"PRAGMA cache_size = {cache}")
        else:
            db.execute_sql("ANALYZE")


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the rebuilt tables' indexes other than primary keys."""
    tables = ", ".join(f"'{t}'" for t in (BULK_TABLES if is_postgres() else REBUILT_TABLES))
    if is_postgres():
        sql = (
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            f" WHERE i.schemaname = current_schema() AND i.tablename IN ({tables})"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
    else:
        sql = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({tables})"
        )
    return [(name, text) for name, text in db.execute_sql(sql).fetchall()]


def _foreign_keys() -> list[tuple[str, str, str]]:
    """PostgreSQL: (table, name, definition) of the bulk tables' foreign keys."""
    tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
    sql = (
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c WHERE c.contype = 'f'"
        f" AND c.conrelid::regclass::text IN ({tables}) ORDER BY 1, 2"
    )
    return [(t.strip('"'), n, d) for t, n, d in db.execute_sql(sql).fetchall()]
