"""`doctor`: does the data still tell one consistent story?

Errors are corruption (state that does not replay from its events, counters out of step with
touch rows, orphans); black holes are open leads a person has lost track of. Both are reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from peewee import JOIN, fn

from qc_console.db.database import db, is_postgres, reading
from qc_console.db.lead_keys import out_of_step
from qc_console.db.models import Batch, Lead, LeadEvent, Rep, Touch
from qc_console.domain.stages import QC_OPEN, Stage
from qc_console.services.open_leads import open_only

SAMPLE = 20
"""How many lead ids to name per kind of problem."""


@dataclass(frozen=True)
class Finding:
    kind: str
    count: int
    lead_ids: tuple[int, ...]
    detail: str


@dataclass(frozen=True)
class IntegrityReport:
    leads: int
    events: int
    touches: int
    errors: tuple[Finding, ...] = field(default_factory=tuple)
    black_holes: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def _finding(kind: str, detail: str, query: object) -> Finding | None:
    ids = [row[0] for row in query.tuples()]  # type: ignore[attr-defined]
    if not ids:
        return None
    return Finding(kind, len(ids), tuple(sorted(ids)[:SAMPLE]), detail)


def check_integrity() -> IntegrityReport:
    """Run every check; read-only."""
    with reading():
        last = (
            LeadEvent.select(LeadEvent.lead_id, fn.MAX(LeadEvent.id).alias("last_id"))
            .group_by(LeadEvent.lead_id)
            .alias("last")
        )
        ev = LeadEvent.alias("ev")
        replay = (
            Lead.select(Lead.id, Lead.stage, Lead.version, ev.to_stage, ev.data)
            .join(last, JOIN.LEFT_OUTER, on=(last.c.lead_id == Lead.id))
            .join(ev, JOIN.LEFT_OUTER, on=(ev.id == last.c.last_id))
        )
        bad_stage: list[int] = []
        bad_version: list[int] = []
        for lead_id, stage, version, to_stage, data in replay.tuples().iterator():
            if to_stage is None or to_stage != stage:
                bad_stage.append(lead_id)
            elif json.loads(data).get("version") != version:
                bad_version.append(lead_id)

        counts = (
            Touch.select(
                Touch.lead_id,
                fn.COUNT(Touch.id).alias("n"),
                fn.MIN(Touch.at).alias("first"),
                fn.MAX(Touch.at).alias("last"),
            )
            .group_by(Touch.lead_id)
            .alias("t")
        )
        counters = (
            Lead.select(Lead.id)
            .join(counts, JOIN.LEFT_OUTER, on=(counts.c.lead_id == Lead.id))
            .where(
                (Lead.touch_count != fn.COALESCE(counts.c.n, 0))
                | (
                    (Lead.touch_count > 0)
                    & (
                        (Lead.first_touch_at != counts.c.first)
                        | (Lead.last_touch_at != counts.c.last)
                    )
                )
            )
        )
        errors = [
            Finding(
                "stage does not replay from events",
                len(bad_stage),
                tuple(bad_stage[:SAMPLE]),
                "lead.stage differs from its last event's to_stage",
            )
            if bad_stage
            else None,
            Finding(
                "version out of step with events",
                len(bad_version),
                tuple(bad_version[:SAMPLE]),
                "lead.version differs from its last event",
            )
            if bad_version
            else None,
            _finding(
                "touch counters out of step",
                "touch_count / first / last touch differ from the touch rows",
                counters,
            ),
            _finding(
                "events in a missing batch",
                "event.batch_id points at no batch",
                LeadEvent.select(LeadEvent.lead_id)
                .join(Batch, JOIN.LEFT_OUTER)
                .where(LeadEvent.batch.is_null(False) & Batch.id.is_null()),
            ),
            _finding(  # PostgreSQL keeps no foreign key on either (migration 0012)
                "events by an unknown rep",
                "event.actor_id points at no rep",
                LeadEvent.select(LeadEvent.lead_id)
                .join(Rep, JOIN.LEFT_OUTER, on=(LeadEvent.actor == Rep.id))
                .where(LeadEvent.actor.is_null(False) & Rep.id.is_null()),
            ),
        ]
        stray = out_of_step()  # PostgreSQL: `lead_key`, kept by triggers (migration 0013)
        if stray:
            detail = "lead_key differs from the leads' email_key / phone_key"
            sample = tuple(sorted(stray)[:SAMPLE])
            errors.append(Finding("duplicate keys out of step", len(stray), sample, detail))
        if not is_postgres():
            fk = db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if fk:
                errors.append(Finding("foreign keys broken", len(fk), (), str(fk[:5])))
            check = db.execute_sql("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                errors.append(Finding("sqlite quick_check", 1, (), str(check)))

        open_qc = Lead.stage.in_([s.value for s in QC_OPEN])
        holes = [
            _finding(
                "open lead without a next action",
                "raw/qualified with no next_action_due",
                Lead.select(Lead.id).where(
                    open_only(
                        Lead.stage.in_([Stage.RAW.value, Stage.QUALIFIED.value])
                        & Lead.next_action_due.is_null()
                        & (Lead.do_not_contact == False)
                    )
                ),
            ),
            _finding(
                "incubating without a resurface date",
                "incubating with no resurface_on",
                Lead.select(Lead.id).where(
                    open_only((Lead.stage == Stage.INCUBATING) & Lead.resurface_on.is_null())
                ),
            ),
            _finding(
                "owned by an inactive rep",
                "the owner has left; reassign",
                Lead.select(Lead.id)
                .join(Rep, on=(Lead.owner == Rep.id))
                .where(open_only(open_qc & (Rep.active == False))),
            ),
            _finding(
                "hand-off without a sales owner",
                "handed_off with no sales_owner",
                Lead.select(Lead.id).where(
                    open_only((Lead.stage == Stage.HANDED_OFF) & Lead.sales_owner.is_null())
                ),
            ),
        ]
        return IntegrityReport(
            leads=Lead.select().count(),
            events=LeadEvent.select().count(),
            touches=Touch.select().count(),
            errors=tuple(f for f in errors if f),
            black_holes=tuple(f for f in holes if f),
        )
