"""Undo: revert the actor's last batch, unless one of its leads changed since."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import orjson
from peewee import JOIN, chunked, fn

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Batch, LeadEvent, Touch
from qc_console.domain.errors import NotAllowed, NothingToUndo, UndoConflict
from qc_console.domain.stages import Stage
from qc_console.domain.values import UndoResult
from qc_console.services._apply import Planned, among, from_json, new_batch, write
from qc_console.services._rows import CHUNK, LeadViews, Names, utcnow
from qc_console.services._runner import fetch_rows, resolve_actor

NOT_RESTORED = frozenset({"version", "updated_at", "updated_by_id"})
"""Versions only grow (stale checks rely on it); the undo itself is the latest update."""


def undo_last(*, actor: str, now: datetime | None = None) -> UndoResult:
    """Revert the actor's most recent batch that is not undone yet.

    Raises:
        NothingToUndo: the actor has no batch left to undo.
        UndoConflict: some of the batch's leads changed since; it names them and undoes nothing.
    """
    now = now or utcnow()
    with db.atomic():
        names = Names()
        rep = resolve_actor(names, actor)
        query = (
            Batch.select()
            .where(
                (Batch.actor == rep.id)
                & Batch.undone_at.is_null()
                & Batch.undo_of.is_null()
                & (Batch.size > 0)
            )
            .order_by(Batch.id.desc())
        )
        if is_postgres():  # a second undo at once waits, then takes the batch before this one
            query = query.for_update()
        batch = query.first()
        if batch is None:
            raise NothingToUndo(f"{rep.name} has nothing to undo")
        by_lead: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for lead_id, data in (
            LeadEvent.select(LeadEvent.lead_id, LeadEvent.data)
            .where(LeadEvent.batch == batch.id)
            .order_by(LeadEvent.id)
            .tuples()
        ):
            by_lead[lead_id].append(orjson.loads(data))
        rows = fetch_rows(by_lead, lock=True)  # typed as load_rows, without peewee per field
        seen = sum(len(events) for events in by_lead.values())
        if seen < batch.size or len(rows) < len(by_lead):
            # Team mode hides leads that left the actor's reach: undoing part of a batch
            # would be a silent half-undo.
            raise NotAllowed(
                f"cannot undo {batch.action}: {batch.size - seen or len(by_lead) - len(rows)} of "
                "its leads are no longer yours (reassigned since); nothing was undone"
            )
        changed = _changed_since(batch.id, list(by_lead))
        if changed:
            raise UndoConflict(changed)
        planned: list[Planned] = []
        touch_ids: list[int] = []
        for lead_id, events in by_lead.items():
            restore: dict[str, Any] = {}
            for event in reversed(events):  # the earliest "before" wins
                restore.update(event["before"])
                if "touch_id" in event:
                    touch_ids.append(event["touch_id"])
            fields = {k: from_json(k, v) for k, v in restore.items() if k not in NOT_RESTORED}
            if any(e.get("created") for e in events):
                # A lead cannot be un-created while its audit trail exists: it is retired
                # (with the counters of any touch the same batch added taken back).
                fields |= {
                    "stage": Stage.PURGED.value,
                    "reason_code": "other",
                    "reason": "creation undone",
                    "next_action_due": None,
                }
            planned.append(
                Planned(
                    rows[lead_id], fields, "undo", {"undo_of": batch.id, "action": batch.action}
                )
            )
        for chunk in chunked(touch_ids, CHUNK):  # an import's batch can hold 100k touches
            Touch.delete().where(Touch.id.in_(chunk)).execute()
        undo_batch = new_batch(rep.id, "undo", now, undo_of=batch.id)
        write(planned, actor_id=rep.id, batch_id=undo_batch, now=now)
        Batch.update(undone_at=now).where(Batch.id == batch.id).execute()
        views = LeadViews([p.row for p in planned], names)
    what = batch.action.replace("_", " ")
    if len(views) == 1:
        lead = views[0]
        message = f"undid {what} of #{lead.id} {lead.name} (now {lead.stage})"
    else:
        message = f"undid {what} of {len(views)} leads"
    return UndoResult(batch_id=batch.id, action=batch.action, leads=views, message=message)


def _changed_since(batch_id: int, lead_ids: list[int]) -> list[int]:
    """Leads with events after the batch other than undone batches and undos themselves
    (so undo can walk back through several batches of the same leads). The ids go as one
    parameter (`_apply.among`): an IN list of 10,000 took peewee longer to build than to run."""
    last = LeadEvent.select(fn.MAX(LeadEvent.id)).where(LeadEvent.batch == batch_id).scalar()
    query = (
        LeadEvent.select(LeadEvent.lead_id)
        .join(Batch, JOIN.LEFT_OUTER)
        .where(
            among(LeadEvent.lead_id, sorted(lead_ids))
            & (LeadEvent.id > last)
            & (Batch.id.is_null() | (Batch.undone_at.is_null() & Batch.undo_of.is_null()))
        )
        .distinct()
    )
    return sorted(i for (i,) in query.tuples())
