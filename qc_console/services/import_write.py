"""Fast bulk writes for imports: one prepared statement per table, run with executemany.

peewee's insert_many spends most of its time generating SQL (FACTS.md), so the import renders
each statement once. Ids are allocated up front (SQLite: after max(id) under the write lock that
the IMMEDIATE transaction holds; PostgreSQL: from the table's sequence) so touches and events can
refer to the rows they belong to. Everything runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from peewee import chunked

from qc_console.db.database import db, is_postgres
from qc_console.db.event_clock import writing_events
from qc_console.db.lead_keys import oldest_leads
from qc_console.db.models import Lead, Touch

CHUNK = 5000
LEAD_UPDATE_FIELDS = (
    "touch_count",
    "first_touch_at",
    "last_touch_at",
    "first_name",
    "last_name",
    "phone",
    "phone_key",
    "company",
    "title",
    "country",
    "do_not_contact",
    "version",
    "updated_at",
    "updated_by_id",
)
"""What an import may change on a lead that already exists (blanks filled, counters, DNC)."""


def _mark() -> str:
    return "%s" if is_postgres() else "?"


def allocate_ids(table: str, n: int) -> list[int]:
    """`n` fresh primary keys for `table`."""
    if n <= 0:
        return []
    if is_postgres():
        cursor = db.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
            (n,),
        )
        return [int(r[0]) for r in cursor.fetchall()]
    top = db.execute_sql(f'SELECT MAX(id) FROM "{table}"').fetchone()[0] or 0
    return list(range(top + 1, top + 1 + n))


def executemany(
    sql: str,
    rows: Sequence[Sequence[Any]],
    progress: Callable[[int], None],
    *,
    adapt: bool = True,
) -> None:
    """Run `sql` for every row in chunks (psycopg2's execute_batch on PostgreSQL: its plain
    executemany makes a round trip per row). `adapt=False`: the rows are ready for SQLite."""
    cursor = db.cursor()
    pg = is_postgres()
    if pg:
        from psycopg2.extras import execute_batch
    for chunk in chunked(rows, CHUNK):
        if pg:
            execute_batch(cursor, sql, chunk, page_size=1000)
        else:
            cursor.executemany(sql, [_adapt(r) for r in chunk] if adapt else chunk)
        progress(len(chunk))


def stamp(value: datetime | None) -> Any:
    """A timestamp as the database takes it (SQLite: the text peewee would store)."""
    return str(value) if value is not None and not is_postgres() else value


def _adapt(values: Sequence[Any]) -> tuple[Any, ...]:
    # SQLite stores peewee datetimes as text: render them as peewee would.
    return tuple(str(v) if isinstance(v, datetime) else v for v in values)


LEAD_COLUMNS = (
    "id", "first_name", "last_name", "email", "email_key", "phone", "phone_key", "company",
    "title", "country", "notes", "source", "campaign_id", "stage", "rating", "rating_rank",
    "owner_id", "sales_owner_id", "next_action_due", "next_action_note", "resurface_on",
    "resurfaced_at", "reason_code", "reason", "amount", "touch_count", "voicemail_count",
    "first_touch_at", "last_touch_at", "do_not_contact", "created_at", "stage_entered_at",
    "updated_at", "updated_by_id", "version",
)  # fmt: skip
"""The lead columns in table order: the order of the rows `insert_leads` takes."""


def lead_template() -> dict[str, Any]:
    """Every lead column (in table order) with its default: copy it and set values, so the
    row's values come out in column order."""
    out: dict[str, Any] = {}
    for f in Lead._meta.sorted_fields:
        out[f.column_name] = f.default() if callable(f.default) else f.default
    return out


def insert_leads(leads: list[tuple[Any, ...]], progress: Callable[[int], None]) -> None:
    """Insert lead rows in `LEAD_COLUMNS` order (ids and timestamps ready for the database)."""
    if not leads:
        return
    columns = LEAD_COLUMNS
    assert tuple(lead_template()) == columns, "LEAD_COLUMNS must follow the lead table"
    assert len(leads[0]) == len(columns)
    names = ", ".join(f'"{c}"' for c in columns)
    if is_postgres():  # one statement per page: `lead_key`'s trigger runs once per statement
        from psycopg2.extras import execute_values

        cursor = db.cursor()
        for chunk in chunked(leads, CHUNK):
            execute_values(cursor, f'INSERT INTO "lead" ({names}) VALUES %s', chunk, page_size=1000)
            progress(len(chunk))
        return
    sql = f'INSERT INTO "lead" ({names}) VALUES ({", ".join(["?"] * len(columns))})'
    executemany(sql, leads, progress, adapt=False)


def insert_events(events: Sequence[tuple[Any, ...]], progress: Callable[[int], None]) -> None:
    """Events as `_apply.insert_events` takes them, with timestamps already from `stamp`."""
    writing_events()  # PostgreSQL: no console's change token passes these ids before commit
    sql = (
        "INSERT INTO lead_event (lead_id, actor_id, at, kind, from_stage, to_stage, data, batch_id)"
        f" VALUES ({', '.join([_mark()] * 8)})"
    )
    executemany(sql, events, progress, adapt=False)


def insert_touches(touches: Sequence[tuple[Any, ...]], progress: Callable[[int], None]) -> None:
    """Touches as (id, lead_id, rep_id, at, channel, outcome, note)."""
    t = Touch._meta
    cols = [t.fields[n].column_name for n in ("id", "lead", "rep", "at", "channel", "outcome")]
    cols.append(t.fields["note"].column_name)
    sql = (
        f'INSERT INTO "{t.table_name}" ({", ".join(cols)}) '
        f"VALUES ({', '.join([_mark()] * len(cols))})"
    )
    executemany(sql, touches, progress)


def update_leads(updates: Sequence[dict[str, Any]], progress: Callable[[int], None]) -> None:
    """Set LEAD_UPDATE_FIELDS (and `id`) on existing leads, one prepared UPDATE."""
    m = _mark()
    sets = ", ".join(f'"{c}" = {m}' for c in LEAD_UPDATE_FIELDS)
    sql = f'UPDATE "lead" SET {sets} WHERE id = {m}'
    rows = [tuple(u[c] for c in LEAD_UPDATE_FIELDS) + (u["id"],) for u in updates]
    executemany(sql, rows, progress)


UNDONE = "creation undone"
"""The reason `undo` gives the leads it retires; they are not matched again (importing a file
again after undoing its import creates its leads afresh)."""


def lookup(column: str, keys: Iterable[str]) -> dict[str, int]:
    """Existing lead id by `email_key` or `phone_key` (the oldest lead when several match);
    leads retired by an undone import do not count."""
    kind = {"email_key": "email", "phone_key": "phone"}[column]
    return oldest_leads(kind, keys, leave_out=("purged", UNDONE))
