"""Queue aging (issue 4): per rep and the unassigned pool, open leads by time in their current
stage, plus overdue next actions, untouched new leads past the speed-to-lead SLA and hand-offs
sales has not accepted within its SLA; and the lead ids behind any one cell (drill-down).

The columns mirror the rep's queue (services.queue / domain.priority): "overdue" is a raw or
qualified lead whose next action is past due and that is not an SLA breach; "untouched past
SLA" is a raw lead with no touch created longer ago than the speed-to-lead time; a hand-off is
past its SLA when `add_business_days(handed off at, N)` has passed. Rows are the leads' QC
owners (a hand-off stays with the rep who handed it off). Cutoffs are computed in Python, so
the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from peewee import SQL, Case, fn

from qc_console.db.database import is_postgres
from qc_console.db.models import Lead, Rep
from qc_console.domain.codes import Role
from qc_console.domain.errors import BadInput
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.domain.stages import OPEN, QC_OPEN, Stage
from qc_console.domain.when import add_business_days
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    ReportFilter,
    lead_scope,
    now_or,
    resolve,
    session,
)
from qc_console.services.open_leads import open_only

METRICS = ("overdue", "untouched_past_sla", "handoffs_past_sla")
_OPEN = [s.value for s in OPEN]
_QC_OPEN = [s.value for s in QC_OPEN]
_WORKING = [Stage.RAW.value, Stage.QUALIFIED.value]


@dataclass(frozen=True)
class AgingRow:
    rep: str | None
    """The owner's name; None for the unassigned pool."""
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    untouched_past_sla: int = 0
    handoffs_past_sla: int = 0


@dataclass(frozen=True)
class AgingReport:
    generated_at: datetime
    buckets: tuple[str, ...]
    rows: tuple[AgingRow, ...]

    def as_json(self) -> dict[str, Any]:
        """The shape `report aging --format json` prints (issue 4)."""
        return {
            "generated_at": self.generated_at.isoformat(sep=" "),
            "buckets": list(self.buckets),
            "rows": [
                {
                    "rep": r.rep,
                    "counts": dict(r.counts),
                    "overdue": r.overdue,
                    "untouched_past_sla": r.untouched_past_sla,
                    "handoffs_past_sla": r.handoffs_past_sla,
                }
                for r in self.rows
            ],
        }


def aging(
    f: ReportFilter = EVERYTHING, *, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> AgingReport:
    now = now_or(now)
    labels = tuple(b.label for b in rules.aging_buckets)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    extra: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    with session():
        names = Names()
        scope = resolve(f, names)
        qc_reps = {
            r.id
            for r in Rep.select(Rep.id).where(
                (Rep.active == True)  # noqa: E712
                & Rep.role.in_([Role.REP.value, Role.SUPERVISOR.value])
            )
        }
        base = open_only(Lead.stage.in_(_OPEN) & lead_scope(scope))
        if scope.source is None and scope.campaign_id is None and not is_postgres():
            # SQLite, one owner at a time: each query is answered from the (owner, stage, …)
            # indexes alone, where one GROUP BY owner would read every open lead's row.
            # PostgreSQL's one GROUP BY is quicker than 40 round trips (bench/RESULTS.md).
            everyone = [scope.rep_id] if scope.rep_id is not None else [*names.reps, 0]
            for owner in everyone:
                _count_owner(owner, counts, extra, now, rules)
        else:
            _count_grouped(base, counts, extra, now, rules)
        breach = _metric_cond("untouched_past_sla", now, rules) & base
        late_due = Case(None, [(Lead.next_action_due < now, 1)], 0)
        for owner, n, due in (
            Lead.select(Lead.owner, fn.COUNT(Lead.id), fn.SUM(late_due))
            .where(breach)
            .group_by(Lead.owner)
            .tuples()
        ):
            extra[owner or 0]["untouched_past_sla"] = int(n)
            extra[owner or 0]["overdue"] -= int(due or 0)  # an SLA breach is not "overdue"
        for _lid, owner in late_handoffs(base, now, rules):
            extra[owner or 0]["handoffs_past_sla"] += 1
    busy = {
        o for o in set(counts) | set(extra) if any(counts[o].values()) or any(extra[o].values())
    }
    owners = busy | ({scope.rep_id} if scope.rep_id is not None else qc_reps | {0})
    rows = [
        AgingRow(
            names.rep_name(owner) if owner else None,
            {label: counts[owner].get(label, 0) for label in labels},
            extra[owner]["overdue"],
            extra[owner]["untouched_past_sla"],
            extra[owner]["handoffs_past_sla"],
        )
        for owner in owners
    ]
    rows.sort(key=lambda r: (r.rep is None, r.rep or ""))
    return AgingReport(now, labels, tuple(rows))


def _owner_is(owner: int) -> Any:
    return Lead.owner.is_null() if owner == 0 else Lead.owner == owner


def _count_owner(
    owner: int,
    counts: dict[int, dict[str, int]],
    extra: dict[int, dict[str, int]],
    now: datetime,
    rules: Rules,
) -> None:
    labels = [b.label for b in rules.aging_buckets]
    bucket = _bucket_case(now, rules)
    mine = _owner_is(owner)
    query = (
        Lead.select(bucket, fn.COUNT(Lead.id))
        .where(open_only(mine & Lead.stage.in_(_OPEN)))
        .group_by(bucket)
    )
    for index, n in query.tuples():
        counts[owner][labels[int(index)]] = int(n)
    due = Lead.stage.in_(_WORKING) & (Lead.next_action_due < now)
    overdue = Lead.select(fn.COUNT(Lead.id)).where(open_only(mine & due)).scalar()
    extra[owner]["overdue"] += int(overdue or 0)


def _count_grouped(
    base: Any,
    counts: dict[int, dict[str, int]],
    extra: dict[int, dict[str, int]],
    now: datetime,
    rules: Rules,
) -> None:
    labels = [b.label for b in rules.aging_buckets]
    bucket = _bucket_case(now, rules)
    count = fn.COUNT(SQL("*"))  # not COUNT(id): the (owner, stage, …) indexes hold no id
    query = Lead.select(Lead.owner, bucket, count).where(base).group_by(Lead.owner, bucket)
    for owner, index, n in query.tuples():
        counts[owner or 0][labels[int(index)]] = int(n)
    due = base & Lead.stage.in_(_WORKING) & (Lead.next_action_due < now)
    for owner, late in Lead.select(Lead.owner, count).where(due).group_by(Lead.owner).tuples():
        extra[owner or 0]["overdue"] += int(late)


def aging_cell_ids(
    rep: str | None,
    cell: str,
    *,
    f: ReportFilter = EVERYTHING,
    now: datetime | None = None,
    rules: Rules = DEFAULT_RULES,
) -> list[int]:
    """The ids of the open leads in one cell: `rep` (None = the pool) × a bucket label or
    one of `overdue`, `untouched_past_sla`, `handoffs_past_sla`."""
    now = now_or(now)
    labels = [b.label for b in rules.aging_buckets]
    if cell not in labels and cell not in METRICS:
        raise BadInput(f"no aging column {cell!r}: use one of {', '.join(labels + list(METRICS))}")
    with session():
        names = Names()
        scope = resolve(f, names)
        owner = Lead.owner.is_null() if rep is None else Lead.owner == names.rep_by_name(rep).id
        base = open_only(Lead.stage.in_(_OPEN) & lead_scope(scope) & owner)
        if cell == "handoffs_past_sla":
            return sorted(lid for lid, _ in late_handoffs(base, now, rules))
        if cell in METRICS:
            cond = base & _metric_cond(cell, now, rules)
        else:
            cond = base & (_bucket_case(now, rules) == labels.index(cell))
        return [lid for (lid,) in Lead.select(Lead.id).where(cond).order_by(Lead.id).tuples()]


def _bucket_case(now: datetime, rules: Rules) -> Any:
    """The bucket index of `now - stage_entered_at`: entered after `now - upper` is younger."""
    whens = [
        (Lead.stage_entered_at > now - b.upper, i)
        for i, b in enumerate(rules.aging_buckets)
        if b.upper is not None
    ]
    return Case(None, whens, len(rules.aging_buckets) - 1)


def _metric_cond(metric: str, now: datetime, rules: Rules) -> Any:
    breach = (
        (Lead.stage == Stage.RAW.value)
        & (Lead.touch_count == 0)
        & (Lead.created_at < now - rules.speed_to_lead)
    )
    if metric == "untouched_past_sla":
        return breach
    return Lead.stage.in_(_WORKING) & (Lead.next_action_due < now) & ~breach


def late_handoffs(base: Any, now: datetime, rules: Rules) -> list[tuple[int, int | None]]:
    """Hand-offs past their business-day SLA. The weekend makes the deadline non-monotone in
    the hand-off time, so the candidates (older than the SLA in calendar days) are checked
    one by one."""
    days = rules.handoff_sla_business_days
    query = Lead.select(Lead.id, Lead.owner, Lead.stage_entered_at).where(
        base
        & (Lead.stage == Stage.HANDED_OFF.value)
        & (Lead.stage_entered_at < now - timedelta(days=days))
    )
    return [(lid, owner) for lid, owner, at in query.tuples() if add_business_days(at, days) < now]


@dataclass(frozen=True)
class BlackHole:
    """Open leads lost in one way: how many, and since when the oldest stands there."""

    what: str
    leads: int
    oldest: datetime | None


def black_holes(
    f: ReportFilter = EVERYTHING, *, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> tuple[BlackHole, ...]:
    """Open leads with no owner, with no next action and no resurface date, and hand-offs
    sales has not taken within the SLA (issue 4's black holes)."""
    now = now_or(now)
    # Two plain conditions (no OR), so each query walks one (owner, stage, …) index.
    stalled = (
        Lead.stage.in_(_WORKING) & Lead.next_action_due.is_null(),
        (Lead.stage == Stage.INCUBATING.value) & Lead.resurface_on.is_null(),
    )
    with session():
        names = Names()
        scope = resolve(f, names)
        base = open_only(Lead.stage.in_(_OPEN) & lead_scope(scope))
        where = lead_scope(scope)
        pool = _lost(open_only(where & Lead.owner.is_null() & Lead.stage.in_(_QC_OPEN)))
        if scope.source is None and scope.campaign_id is None:
            owners = [scope.rep_id] if scope.rep_id is not None else [*names.reps, 0]
            parts = [_lost(open_only(_owner_is(o) & cond)) for o in owners for cond in stalled]
        else:
            parts = [_lost(open_only(where & cond)) for cond in stalled]
        idle = (sum(n for n, _ in parts), min((t for _, t in parts if t), default=None))
        late = late_handoffs(base, now, rules)
    return (
        BlackHole("no owner (in the pool)", *pool),
        BlackHole("no next action and no resurface date", *idle),
        BlackHole("hand-offs sales has not accepted within the SLA", len(late), None),
    )


def _lost(cond: Any) -> tuple[int, datetime | None]:
    n, oldest = (
        Lead.select(fn.COUNT(Lead.id), fn.MIN(Lead.stage_entered_at)).where(cond).tuples()[0]
    )
    if oldest is not None and not isinstance(oldest, datetime):
        oldest = datetime.fromisoformat(str(oldest))
    return int(n), oldest
