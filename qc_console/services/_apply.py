"""The one writer of lead changes and their audit events (`LeadEvent`).

Every service plans a `Planned` change per lead and hands the list to `write`, inside the
service's transaction. `write` bumps versions, keeps derived columns in step, updates the rows in
groups and appends one event per change with the before/after values undo needs.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from peewee import SQL, NodeList, chunked

from qc_console.db.database import db, is_postgres
from qc_console.db.event_clock import writing_events
from qc_console.db.models import Batch, Lead, Touch
from qc_console.domain.stages import RATING_RANK, Rating
from qc_console.services._rows import Row

DATETIME_FIELDS = frozenset(
    {
        "next_action_due",
        "resurface_on",
        "resurfaced_at",
        "first_touch_at",
        "last_touch_at",
        "stage_entered_at",
        "created_at",
        "updated_at",
    }
)
TRACKED_EXTRA = ("version", "updated_at", "updated_by_id", "stage_entered_at", "rating_rank")
"""Columns `write` sets itself; their before-values are kept so undo restores them exactly."""


@dataclass
class Planned:
    """One lead's change: new column values, the event kind and extra event data."""

    row: Row
    fields: dict[str, Any]
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    touch: dict[str, Any] | None = None
    """A touch row to insert with the change (its id lands in the event data)."""


def new_batch(
    actor_id: int | None, action: str, now: datetime, *, undo_of: int | None = None
) -> int:
    return int(Batch.insert(actor=actor_id, at=now, action=action, undo_of=undo_of).execute())


def to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ")
    if isinstance(value, Decimal):
        return str(value)
    return value


_DUMPS = orjson.dumps
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
"""Events' JSON: compact, keys sorted, non-ASCII kept; datetimes (and Decimals) through
`to_json`, so times read "2026-11-24 09:30:00" as in every event since the first. orjson, not
the standard library: encoding the events was a sixth of a 10,000-lead bulk action, and its
`Fragment` lets the after-values a batch shares be encoded once (bench/RESULTS.md, Bulk)."""


def from_json(name: str, value: Any) -> Any:
    if value is not None and name in DATETIME_FIELDS:
        return datetime.fromisoformat(value)
    if value is not None and name == "amount":
        return Decimal(value)
    return value


def write(planned: list[Planned], *, actor_id: int | None, batch_id: int, now: datetime) -> None:
    """Apply every planned change and append its event. Runs inside the caller's transaction.

    Per lead: the derived columns, the before values (the after values are the same JSON for
    every lead that takes the same values: encoded once) and the event's data; then one UPDATE
    per distinct set of new values, then the events (`Events`: encoded as they are written)."""
    if not planned:
        return
    groups: dict[tuple[str, ...], dict[tuple[Any, ...], list[int]]] = {}
    afters: dict[tuple[tuple[str, ...], tuple[Any, ...]], orjson.Fragment] = {}
    ordered: dict[tuple[str, ...], tuple[str, ...]] = {}
    events: list[tuple[int, str, str, str, dict[str, Any]]] = []
    dumps, options, default, fragment = _DUMPS, _JSON_OPTIONS, to_json, orjson.Fragment
    for p in planned:
        row, new = p.row, dict(p.fields)
        lead_id = row["id"]
        if p.touch is not None:
            p.data["touch_id"] = int(Touch.insert(lead=lead_id, **p.touch).execute())
        if "rating" in new:
            new["rating_rank"] = RATING_RANK[Rating(new["rating"]) if new["rating"] else None]
        stage = row["stage"]
        if "stage" in new and new["stage"] != stage and "stage_entered_at" not in new:
            new["stage_entered_at"] = now
        new["updated_at"] = now
        new["updated_by_id"] = actor_id
        unsorted = tuple(new)
        columns = ordered.get(unsorted)
        if columns is None:
            columns = ordered[unsorted] = tuple(sorted(unsorted))
        values = tuple([new[k] for k in columns])
        if "amount" in new:
            values = tuple(_hashable(v) for v in values)
        key = (columns, values)
        after = afters.get(key)
        if after is None:
            after = afters[key] = fragment(dumps(new, default=default, option=options))
        before = {k: row[k] for k in columns}
        version = row["version"]
        before["version"] = version
        data = {**p.data, "after": after, "before": before, "version": version + 1}
        events.append((lead_id, p.kind, stage, new.get("stage", stage), data))
        groups.setdefault(columns, {}).setdefault(values, []).append(lead_id)
        row.update(new)  # callers return views of the rows as they now stand
        row["version"] = version + 1
    for columns, by_values in groups.items():
        if len(by_values) > SET_UPDATES:
            _update_each(columns, by_values)
            continue
        for values, ids in by_values.items():
            update = {_column(k): v for k, v in zip(columns, values, strict=True)}
            update["version"] = Lead.version + 1
            _update(update, ids)
    at = now if is_postgres() else str(now)  # as `_adapt_row` would make it, once
    insert_events(Events(events, actor_id=actor_id, at=at, batch_id=batch_id))
    Batch.update(size=Batch.size + len(planned)).where(Batch.id == batch_id).execute()


class Events(Sequence[tuple[Any, ...]]):
    """A batch's event rows, each encoded when it is read: PostgreSQL's COPY reads them as it
    sends them, so the client encodes the next rows while the server stores the last ones
    (bench/RESULTS.md, Bulk). `pending` holds (lead id, kind, from stage, to stage, data)."""

    def __init__(
        self,
        pending: list[tuple[int, str, str, str, dict[str, Any]]],
        *,
        actor_id: int | None,
        at: Any,
        batch_id: int,
    ) -> None:
        self.pending, self.actor_id, self.at, self.batch_id = pending, actor_id, at, batch_id

    def __len__(self) -> int:
        return len(self.pending)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._row(p) for p in self.pending[index]]
        return self._row(self.pending[index])

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return map(self._row, self.pending)

    def _row(self, pending: tuple[int, str, str, str, dict[str, Any]]) -> tuple[Any, ...]:
        lead_id, kind, from_stage, to_stage, data = pending
        text = _DUMPS(data, default=to_json, option=_JSON_OPTIONS).decode()
        return (lead_id, self.actor_id, self.at, kind, from_stage, to_stage, text, self.batch_id)


SET_UPDATES = 8
"""Up to this many distinct value sets per column set, one set-based UPDATE each; beyond (undo
restores each lead's own old values), one statement run for every lead."""


def _update_each(columns: tuple[str, ...], by_values: dict[tuple[Any, ...], list[int]]) -> None:
    """Each lead its own values (undo puts back every lead's own): one UPDATE joined to the
    values sent as one JSON array of {"id": …, column: value} (PostgreSQL reads it with
    `json_populate_recordset` as `lead` rows, so each value takes its column's type; SQLite
    with `json_each`): undo of 10,000 leads 925 → 624 ms on SQLite, 1119 → 635 ms on PostgreSQL
    (bench/RESULTS.md, Bulk). SQLite before 3.33 has no UPDATE … FROM: there, the one-row UPDATE
    runs for every lead."""
    fields = [_column(k) for k in columns]
    names = [f.column_name for f in fields]
    rows = [
        (lead_id, *(f.db_value(v) for f, v in zip(fields, values, strict=True)))
        for values, ids in by_values.items()
        for lead_id in ids
    ]
    rows.sort(key=lambda r: r[0])  # id order: neighbouring leads share pages
    if not is_postgres() and sqlite3.sqlite_version_info < (3, 33):
        sets = ", ".join(f'"{name}" = ?' for name in names)
        sql = f'UPDATE "lead" SET {sets}, "version" = "version" + 1 WHERE "id" = ?'
        db.cursor().executemany(sql, [(*r[1:], r[0]) for r in rows])
        return
    keys = ("id", *names)
    payload = _DUMPS(
        [dict(zip(keys, r, strict=True)) for r in rows], default=to_json, option=_JSON_OPTIONS
    ).decode()
    if is_postgres():
        sets = ", ".join(f'"{name}" = v."{name}"' for name in names)
        source, match = 'json_populate_recordset(NULL::"lead", %s) AS v', 'v."id"'
    else:
        sets = ", ".join(f"\"{name}\" = json_extract(v.value, '$.{name}')" for name in names)
        source, match = "json_each(?) AS v", "json_extract(v.value, '$.id')"
    db.execute_sql(
        f'UPDATE "lead" SET {sets}, "version" = "lead"."version" + 1'
        f' FROM {source} WHERE "lead"."id" = {match}',
        (payload,),
    )


def _update(values: dict[Any, Any], ids: list[int]) -> None:
    """The same new values on many leads in one statement (`among`). One UPDATE over
    10,000 leads costs half of 10,000 single-row UPDATEs (bench/RESULTS.md, Bulk)."""
    Lead.update(values).where(among(Lead.id, sorted(ids))).execute()  # neighbours share pages


def id_among(ids: list[int]) -> tuple[str, Any]:
    """`"id"` among `ids` as (SQL term, its one parameter): SQLite reads a JSON array with
    `json_each`, PostgreSQL takes an array for `= ANY`. The statement's text is the same for 1
    or 10,000 leads (no IN list of 10,000 marks to render and parse)."""
    if is_postgres():
        return '"id" = ANY(%s)', ids
    return '"id" IN (SELECT value FROM json_each(?))', json.dumps(ids)


def among(column: Any, ids: list[int]) -> NodeList:
    """`column` among `ids` as a peewee expression with one parameter (as `id_among`)."""
    if is_postgres():
        return NodeList((column, SQL("= ANY(%s)", [ids])))
    return NodeList((column, SQL("IN (SELECT value FROM json_each(?))", [json.dumps(ids)])))


EVENT_COLUMNS = "lead_event (lead_id, actor_id, at, kind, from_stage, to_stage, data, batch_id)"


def insert_events(events: Sequence[tuple[Any, ...]]) -> None:
    """Append event rows: one prepared statement run for every row on SQLite (peewee's
    insert_many spends ~90% in SQL generation; see FACTS.md); on PostgreSQL one COPY for a big
    batch, else pages of rows per INSERT."""
    if not events:
        return
    writing_events()  # PostgreSQL: no console's change token passes these ids before commit
    cursor = db.cursor()
    if _psycopg2(cursor):
        if len(events) >= COPY_FROM and not _row_security(cursor):
            cursor.copy_expert(f"COPY {EVENT_COLUMNS} FROM STDIN", _copy_text(events))
            return
        from psycopg2.extras import execute_values

        sql = f"INSERT INTO {EVENT_COLUMNS} VALUES %s"
        execute_values(cursor, sql, events, page_size=1000)  # many rows per statement
        return
    p = "%s" if is_postgres() else "?"
    sql = f"INSERT INTO {EVENT_COLUMNS} VALUES ({', '.join([p] * 8)})"
    if not is_postgres():
        events = [_adapt_row(e) if isinstance(e[2], datetime) else e for e in events]
    for chunk in chunked(events, 5000):
        cursor.executemany(sql, chunk)


COPY_FROM = 200
"""PostgreSQL: this many events or more go in with one COPY (fewer: one INSERT … VALUES)."""


def _row_security(cursor: Any) -> bool:
    """Whether row-level security applies to this login on `lead_event` (team mode's rep
    logins): PostgreSQL refuses COPY FROM there."""
    cursor.execute("SELECT row_security_active('lead_event')")
    return bool(cursor.fetchone()[0])


def _copy_text(events: Iterable[tuple[Any, ...]]) -> Stream:
    """Event rows in COPY's text format: tab-separated, `\\N` for NULL, backslash escapes,
    made as COPY reads them (`Stream`).

    10,000 events: ~170 ms by COPY, ~270 ms by `execute_values`, which renders every row
    into the statement's text on the client (bench/RESULTS.md, Bulk). The time, kind and
    stages repeat across a batch: each is formatted once."""
    return Stream(_copy_lines(events))


def _copy_lines(events: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    once: dict[Any, str] = {}
    for lead_id, actor_id, at, kind, from_stage, to_stage, data, batch_id in events:
        head = once.get((at, kind, from_stage, to_stage))
        if head is None:
            head = once[(at, kind, from_stage, to_stage)] = "\t".join(
                map(_copy_field, (at, kind, from_stage, to_stage))
            )
        actor = "\\N" if actor_id is None else actor_id
        batch = "\\N" if batch_id is None else batch_id
        yield f"{lead_id}\t{actor}\t{head}\t{_copy_field(data)}\t{batch}\n"


class Stream(io.TextIOBase):
    """A read-only text file over an iterator of lines, made only as they are read: psycopg2's
    `copy_expert` reads 8 KB at a time and sends each piece while the server stores the ones
    before, so making the rows overlaps storing them."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines, self._left = lines, ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        parts, n = [self._left], len(self._left)
        for line in self._lines:
            parts.append(line)
            n += len(line)
            if size is not None and 0 <= size <= n:
                break
        text = "".join(parts)
        if size is None or size < 0 or len(text) <= size:
            self._left = ""
            return text
        self._left = text[size:]
        return text[:size]


def _copy_field(value: Any) -> str:
    if value is None:
        return "\\N"
    text = value if value.__class__ is str else str(value)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _psycopg2(cursor: Any) -> bool:
    """Whether `cursor` is psycopg2's (COPY, `execute_values`), not another driver's."""
    return is_postgres() and type(cursor).__module__.startswith("psycopg2")


def _adapt_row(values: tuple[Any, ...]) -> tuple[Any, ...]:
    if is_postgres():
        return values
    return tuple(str(v) if isinstance(v, datetime) else v for v in values)


def _hashable(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _column(name: str) -> Any:
    fields = Lead._meta.fields
    if name.endswith("_id") and name[:-3] in fields:
        return fields[name[:-3]]
    return fields[name]
