"""Fast raw inserts for the seed (SQLite and PostgreSQL).

peewee's `insert_many` spends ~90% of its time generating SQL (FACTS.md), so rows go in through
one rendered INSERT per table: `executemany` on SQLite, `execute_values` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from peewee import fn

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Batch, Campaign, Lead, LeadEvent, Rep, Touch

BULK_TABLES = ("lead", "touch", "lead_event", "batch")
PG_PAGE = 2000


def insert(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` (values in `columns` order) into `table`, inside the caller's transaction."""
    if not rows:
        return
    names = ", ".join(columns)
    cursor = db.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, f"INSERT INTO {table} ({names}) VALUES %s", rows, page_size=PG_PAGE)
    else:
        marks = ", ".join("?" * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def next_ids() -> dict[str, int]:
    """The first free id of each bulk table."""
    models = {"lead": Lead, "touch": Touch, "event": LeadEvent, "batch": Batch}
    return {k: int(m.select(fn.MAX(m.id)).scalar() or 0) + 1 for k, m in models.items()}


def has_leads() -> bool:
    return Lead.select(Lead.id).limit(1).exists()


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
                name=c.name, source=c.source, cost=c.cost, starts_on=starts[c.name], created_at=now
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
def bulk_load(drop_indexes: bool) -> Iterator[None]:
    """Settings for a big load: on SQLite no fsync per commit; optionally the secondary
    indexes of the bulk tables are dropped and built again at the end (much faster than
    keeping them up to date row by row)."""
    indexes = _secondary_indexes() if drop_indexes else []
    sqlite = not is_postgres()
    if sqlite:
        db.execute_sql("PRAGMA synchronous = OFF")
    for name, _sql in indexes:
        db.execute_sql(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with db.atomic():
            for _name, sql in indexes:
                db.execute_sql(sql)
        if sqlite:
            db.execute_sql("PRAGMA synchronous = NORMAL")
        else:
            db.execute_sql("ANALYZE")  # fresh planner statistics after a bulk load


def _secondary_indexes() -> list[tuple[str, str]]:
    tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
    if is_postgres():
        sql = (
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
            f" AND i.tablename IN ({tables}) AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
    else:
        sql = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({tables})"
        )
    return [(name, text) for name, text in db.execute_sql(sql).fetchall()]
