"""Helpers for service tests: leads put in a stage by someone else, events and DB dumps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from qc_console.db.database import db
from qc_console.db.models import LeadEvent, Rep
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import ActionResult, LeadView, NewLead
from qc_console.services import dispositions, leads, sales
from qc_console.services._rows import load_row
from tests.conftest import NOW

SETUP = NOW - timedelta(days=1)
"""When the helpers set the scene (before the test acts at NOW)."""
_serial = count(1)

PATHS: dict[str, list[str]] = {
    "raw": [],
    "qualified": [],
    "incubating": ["incubate"],
    "handed_off": ["hand_off"],
    "accepted": ["hand_off", "accept"],
    "won": ["hand_off", "accept", "won"],
    "lost": ["hand_off", "accept", "lost"],
    "delayed": ["hand_off", "accept", "delayed"],
    "purged": ["purge"],
}


def make_lead(
    stage: str = "raw",
    *,
    owner: str | None = "ann",
    sales_rep: str = "sam",
    rating: str = "medium",
    **fields: Any,
) -> int:
    """A lead in `stage`, owned by `owner` (None: the pool), put there by sue and `sales_rep`,
    so the test's actors start with nothing to undo of their own."""
    n = next(_serial)
    start = "qualified" if PATHS[stage] and PATHS[stage][0] == "hand_off" else stage
    start = start if start in ("raw", "qualified") else "raw"
    new = NewLead(
        first_name=fields.pop("first_name", f"Lead{n}"),
        last_name=fields.pop("last_name", "Test"),
        email=fields.pop("email", f"lead{n}@example.com"),
        stage=Stage(start),
        rating=Rating(rating) if start == "qualified" else None,
        owner=owner or "sue",
        **fields,
    )
    lead_id = leads.create_lead(new, actor="sue", now=SETUP - timedelta(hours=2)).leads[0].id
    if owner is None:
        dispositions.reassign(lead_id, to=None, actor="sue", now=SETUP)
    for step in PATHS[stage]:
        if step == "incubate":
            dispositions.incubate(
                lead_id, days=10, reason="budget next quarter", actor="sue", now=SETUP
            )
        elif step == "purge":
            dispositions.purge(lead_id, reason="bad_data", actor="sue", now=SETUP)
        elif step == "hand_off":
            dispositions.hand_off(lead_id, to=sales_rep, actor="sue", now=SETUP)
        elif step == "accept":
            sales.accept(lead_id, actor=sales_rep, amount=1000, now=SETUP)
        else:
            sales.record_outcome(lead_id, outcome=step, actor=sales_rep, now=SETUP)
    return lead_id


def view(lead_id: int) -> LeadView:
    return leads.lead_detail(lead_id).lead


def row(lead_id: int) -> dict[str, Any]:
    return load_row(lead_id)


@dataclass(frozen=True)
class Ev:
    id: int
    lead: int
    kind: str
    from_stage: str | None
    to_stage: str | None
    actor: str | None
    batch: int | None
    data: dict[str, Any]


def events(*, after: int = 0, lead: int | None = None) -> list[Ev]:
    names = {r.id: r.name for r in Rep.select()}
    query = LeadEvent.select().where(LeadEvent.id > after).order_by(LeadEvent.id)
    if lead is not None:
        query = query.where(LeadEvent.lead == lead)
    return [
        Ev(
            e.id,
            e.lead_id,
            e.kind,
            e.from_stage,
            e.to_stage,
            names.get(e.actor_id),
            e.batch_id,
            json.loads(e.data),
        )
        for e in query
    ]


def last_event_id() -> int:
    return max((e.id for e in events()), default=0)


def assert_wrote(
    result: ActionResult,
    since: int,
    *,
    kind: str,
    actor: str,
    moves: dict[int, tuple[str, str]],
) -> list[Ev]:
    """Exactly one event per lead of `moves` (lead → (from, to)), of `kind`, by `actor`, in the
    result's batch — and nothing else."""
    new = events(after=since)
    assert sorted(e.lead for e in new) == sorted(moves), "one event per lead, no others"
    for e in new:
        assert (e.kind, e.actor, e.batch) == (kind, actor, result.batch_id)
        assert (e.from_stage, e.to_stage) == moves[e.lead]
    assert sorted(v.id for v in result.leads) == sorted(moves)
    return new


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a canonical order: equal dumps mean nothing was written."""
    out = {}
    for table in sorted(db.get_tables()):
        cursor = db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1')
        out[table] = [tuple(r) for r in cursor.fetchall()]
    return out


def at(minutes: int) -> datetime:
    """NOW plus some minutes: a later moment of the test's day."""
    return NOW + timedelta(minutes=minutes)
