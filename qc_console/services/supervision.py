"""The supervisor's console (issue 4): aging drill-downs, black holes lead by lead, and the
preview of a rebalance. Aging figures themselves come from `services.analytics.aging`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qc_console.db.models import Lead
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.domain.stages import OPEN, QC_OPEN, Stage
from qc_console.services import dispositions
from qc_console.services._apply import Planned
from qc_console.services._rows import Names, Row, utcnow
from qc_console.services._runner import MANAGE, Ctx, run
from qc_console.services.analytics._common import session
from qc_console.services.analytics.aging import late_handoffs
from qc_console.services.open_leads import open_only

NO_OWNER = "no owner"
NO_NEXT = "no next action"
LATE_HANDOFF = "hand-off not accepted"
KINDS = (NO_OWNER, NO_NEXT, LATE_HANDOFF)
"""The ways a lead gets lost, in the order the console lists them."""


@dataclass(frozen=True)
class LostLead:
    """One open lead nobody is working, why, and since when (naive UTC)."""

    lead_id: int
    name: str
    company: str
    stage: str
    owner: str | None
    why: str
    since: datetime


def black_holes(
    *, now: datetime | None = None, rules: Rules = DEFAULT_RULES, limit: int = 5000
) -> list[LostLead]:
    """Open leads with no owner, with no next action and no resurface date, or handed off and
    not accepted within the SLA; oldest first, each lead once (the first reason that fits)."""
    now = now or utcnow()
    qc_open = [s.value for s in QC_OPEN]
    working = [Stage.RAW.value, Stage.QUALIFIED.value]
    conds: list[tuple[str, Any]] = [
        (NO_OWNER, Lead.owner.is_null() & Lead.stage.in_(qc_open)),
        (
            NO_NEXT,
            (Lead.stage.in_(working) & Lead.next_action_due.is_null())
            | ((Lead.stage == Stage.INCUBATING.value) & Lead.resurface_on.is_null()),
        ),
    ]
    out: dict[int, LostLead] = {}
    with session():
        names = Names()
        for why, cond in conds:
            query = (
                Lead.select()
                .where(open_only(cond))
                .order_by(Lead.stage_entered_at, Lead.id)
                .limit(limit)
            )
            for lead in query:
                out.setdefault(lead.id, _lost(lead, why, names))
        base = open_only(Lead.stage.in_([s.value for s in OPEN]))
        late = [lid for lid, _ in late_handoffs(base, now, rules)][:limit]
        for lead in Lead.select().where(Lead.id.in_(late)) if late else ():
            out.setdefault(lead.id, _lost(lead, LATE_HANDOFF, names))
    return sorted(out.values(), key=lambda x: (x.since, x.lead_id))


def _lost(lead: Lead, why: str, names: Names) -> LostLead:
    since = lead.stage_entered_at
    if why == NO_NEXT and lead.last_touch_at is not None:
        since = max(since, lead.last_touch_at)
    return LostLead(
        lead_id=lead.id,
        name=f"{lead.first_name} {lead.last_name}".strip() or lead.email or f"#{lead.id}",
        company=lead.company or "",
        stage=str(lead.stage),
        owner=names.rep_name(lead.owner_id) if lead.owner_id else None,
        why=why,
        since=since,
    )


def reassign_plan(
    ids: Iterable[int],
    to: list[str | None],
    *,
    actor: str,
    weights: Mapping[str, int] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> tuple[dict[str | None, int], int]:
    """How many leads each target would get from a round-robin reassign (a dry run: the
    same planner and checks as `dispositions.reassign`), and how many would be left out."""
    plan = dispositions.plan_reassign(list(to), weights)
    per_target: Counter[str | None] = Counter()

    def counting(row: Row, ctx: Ctx) -> Planned:
        planned = plan(row, ctx)
        per_target[planned.data["to"]] += 1
        return planned

    result = run(
        "reassign",
        list(ids),
        counting,
        actor=actor,
        kind=MANAGE,
        rules=rules,
        skip_refused=True,
        dry_run=True,
    )
    return dict(per_target), len(result.skipped)
