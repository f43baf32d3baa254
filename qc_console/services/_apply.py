"""The one writer of lead changes and their audit events (`LeadEvent`).

Every service plans a `Planned` change per lead and hands the list to `write`, inside the
service's transaction. `write` bumps versions, keeps derived columns in step, updates the rows in
groups and appends one event per change with the before/after values undo needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from peewee import chunked

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Batch, Lead, Touch
from qc_console.domain.stages import RATING_RANK, Rating
from qc_console.services._rows import CHUNK, Row

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


def from_json(name: str, value: Any) -> Any:
    if value is not None and name in DATETIME_FIELDS:
        return datetime.fromisoformat(value)
    if value is not None and name == "amount":
        return Decimal(value)
    return value


def write(planned: list[Planned], *, actor_id: int | None, batch_id: int, now: datetime) -> None:
    """Apply every planned change and append its event. Runs inside the caller's transaction."""
    if not planned:
        return
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    events: list[tuple[Any, ...]] = []
    for p in planned:
        row, new = p.row, dict(p.fields)
        if p.touch is not None:
            p.data["touch_id"] = int(Touch.insert(lead=row["id"], **p.touch).execute())
        if "rating" in new:
            new["rating_rank"] = RATING_RANK[Rating(new["rating"]) if new["rating"] else None]
        if "stage" in new and new["stage"] != row["stage"] and "stage_entered_at" not in new:
            new["stage_entered_at"] = now
        new["updated_at"] = now
        new["updated_by_id"] = actor_id
        before = {k: to_json(row[k]) for k in new}
        before["version"] = row["version"]
        version = row["version"] + 1
        after = {k: to_json(v) for k, v in new.items()}
        data = {**p.data, "before": before, "after": after, "version": version}
        events.append(
            (
                row["id"],
                actor_id,
                now,
                p.kind,
                row["stage"],
                new.get("stage", row["stage"]),
                json.dumps(data, ensure_ascii=False, sort_keys=True),
                batch_id,
            )
        )
        key = tuple(sorted((k, _hashable(v)) for k, v in new.items()))
        groups.setdefault(key, []).append(row["id"])
        row.update(new)  # callers return views of the rows as they now stand
        row["version"] = version
    for key, ids in groups.items():
        values = {_column(k): v for k, v in key}
        values["version"] = Lead.version + 1
        for chunk in chunked(ids, CHUNK):
            Lead.update(values).where(Lead.id.in_(chunk)).execute()
    insert_events(events)
    Batch.update(size=Batch.size + len(planned)).where(Batch.id == batch_id).execute()


def insert_events(events: list[tuple[Any, ...]]) -> None:
    """Append event rows with one prepared statement (peewee's insert_many spends ~90% in SQL
    generation; see FACTS.md)."""
    if not events:
        return
    p = "%s" if is_postgres() else "?"
    sql = (
        "INSERT INTO lead_event (lead_id, actor_id, at, kind, from_stage, to_stage, data, batch_id)"
        f" VALUES ({', '.join([p] * 8)})"
    )
    cursor = db.cursor()
    for chunk in chunked(events, 5000):
        cursor.executemany(sql, [_adapt_row(e) for e in chunk])


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
