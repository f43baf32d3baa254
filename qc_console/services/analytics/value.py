"""Value: pipeline $ (amounts of leads sales accepted and has not closed: accepted or
delayed) and won $, in total and per source, campaign and QC rep.

Read from the leads' current stage and amount, which the same transaction as every event
keeps in step (services._apply.write), so it is the event log's replay without re-reading it.
The rep is the lead's QC owner (the rep who qualified and handed it off); the date filter
applies to when a lead was won (pipeline is always "now").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from qc_console.db.models import Campaign, Lead
from qc_console.domain.stages import Stage
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    POOL,
    ReportFilter,
    Scope,
    lead_scope,
    now_or,
    resolve,
    session,
)

PIPELINE = (Stage.ACCEPTED.value, Stage.DELAYED.value)


@dataclass(frozen=True)
class ValueRow:
    group: str
    pipeline: float
    pipeline_leads: int
    won: float
    won_leads: int


@dataclass(frozen=True)
class ValueReport:
    generated_at: datetime
    filter: ReportFilter
    total: ValueRow
    by_source: tuple[ValueRow, ...]
    by_campaign: tuple[ValueRow, ...]
    by_rep: tuple[ValueRow, ...]


def value(f: ReportFilter = EVERYTHING, *, now: datetime | None = None) -> ValueReport:
    now = now_or(now)
    with session():
        names = Names()
        scope = resolve(f, names)
        campaigns = dict(Campaign.select(Campaign.id, Campaign.name).tuples())
        groups = {
            "": _sums(scope, None),
            "source": _sums(scope, Lead.source),
            "campaign": _sums(scope, Lead.campaign),
            "rep": _sums(scope, Lead.owner),
        }

    def label(dim: str, key: Any) -> str:
        if dim == "campaign":
            return str(campaigns.get(key, key))
        if dim == "rep":
            return names.rep_name(key) or POOL
        return str(key)

    def rows(dim: str) -> tuple[ValueRow, ...]:
        out = [
            ValueRow(label(dim, k), *v)
            for k, v in groups[dim].items()
            if not (dim == "campaign" and k is None)
        ]
        return tuple(sorted(out, key=lambda r: (-r.won - r.pipeline, r.group)))

    total = groups[""].get(None, (0.0, 0, 0.0, 0))
    return ValueReport(
        now, f, ValueRow("all", *total), rows("source"), rows("campaign"), rows("rep")
    )


def _sums(scope: Scope, column: Any) -> dict[Any, tuple[float, int, float, int]]:
    out: dict[Any, list[Any]] = {}
    won = Lead.stage == Stage.WON.value
    if scope.first_week is not None:
        won &= Lead.stage_entered_at >= datetime.combine(scope.first_week, datetime.min.time())
    if scope.last_week is not None:
        end = datetime.combine(scope.last_week + timedelta(days=7), datetime.min.time())
        won &= Lead.stage_entered_at < end
    for index, cond in ((0, Lead.stage.in_(PIPELINE)), (2, won)):
        select = [fn.COALESCE(fn.SUM(Lead.amount), 0), fn.COUNT(Lead.id)]
        if column is None:
            query = Lead.select(*select).where(cond & lead_scope(scope))
            results = [(None, *r) for r in query.tuples()]
        else:
            query = Lead.select(column, *select).where(cond & lead_scope(scope)).group_by(column)
            results = list(query.tuples())
        for group, total, count in results:
            cell = out.setdefault(group, [0.0, 0, 0.0, 0])
            cell[index] += float(total or 0)
            cell[index + 1] += int(count)
    return {k: (round(v[0], 2), v[1], round(v[2], 2), v[3]) for k, v in out.items()}
