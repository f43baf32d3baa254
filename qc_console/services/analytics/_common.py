"""What every report shares: the filter, its resolution to ids, and reading weekly facts.

Facts come from the rollup table when a report has at most one of source / campaign / rep
(each fact is stored under those groupings); any other combination replays the matching leads
in memory with the same code, so both paths give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import fn

from qc_console.db.database import reading
from qc_console.db.models import AnalyticsRollup, Campaign, Lead
from qc_console.domain.codes import Source
from qc_console.domain.errors import BadInput
from qc_console.domain.metrics import week_of, weeks_between
from qc_console.domain.stages import Stage
from qc_console.services._rows import Names, utcnow
from qc_console.services.analytics import _rollup

STAGE_ORDER: tuple[str, ...] = tuple(s.value for s in Stage)
"""raw, qualified, incubating, handed_off, accepted, won, lost, delayed, purged."""
FUNNEL: tuple[str, ...] = ("qualified", "handed_off", "accepted", "won")
POOL = "(pool)"
"""The rep name that stands for the unassigned pool in filters and rows."""


@dataclass(frozen=True)
class ReportFilter:
    """Which leads and weeks a report covers. Empty fields do not filter; dates are inclusive
    and widen to whole ISO weeks."""

    source: str | None = None
    campaign: str | None = None
    rep: str | None = None
    start: date | None = None
    end: date | None = None


EVERYTHING = ReportFilter()
"""The default filter: every lead, every week."""


@dataclass(frozen=True)
class Scope:
    """A `ReportFilter` resolved to ids and week starts."""

    source: str | None = None
    campaign_id: int | None = None
    rep_id: int | None = None
    first_week: date | None = None
    last_week: date | None = None

    @property
    def dims(self) -> list[tuple[str, str]]:
        out = []
        if self.source is not None:
            out.append(("source", self.source))
        if self.campaign_id is not None:
            out.append(("campaign", str(self.campaign_id)))
        if self.rep_id is not None:
            out.append(("rep", str(self.rep_id)))
        return out


@dataclass(frozen=True)
class FactRow:
    metric: str
    week: date
    a: str
    b: int
    n: int
    amount: float
    group: str = ""
    """The grouping value (source, campaign id or rep id) when read grouped."""


def resolve(f: ReportFilter, names: Names) -> Scope:
    """Check the filter's names and turn them into ids."""
    source = None
    if f.source:
        try:
            source = Source(f.source).value
        except ValueError:
            known = ", ".join(s.value for s in Source)
            raise BadInput(f"no source {f.source!r}: use one of {known}") from None
    campaign_id = None
    if f.campaign:
        hit = Campaign.get_or_none(Campaign.name == f.campaign)
        if hit is None:
            raise BadInput(f"no campaign named {f.campaign!r}")
        campaign_id = hit.id
    rep_id = None
    if f.rep:
        rep_id = 0 if f.rep == POOL else names.rep_by_name(f.rep).id
    if f.start and f.end and f.start > f.end:
        raise BadInput(f"--from {f.start} is after --to {f.end}")
    return Scope(
        source,
        campaign_id,
        rep_id,
        week_of(f.start) if f.start else None,
        week_of(f.end) if f.end else None,
    )


def fresh() -> None:
    """Fold new events into the rollup before reading it."""
    _rollup.refresh()


def read_facts(
    scope: Scope,
    metrics: Sequence[str],
    *,
    group_by: str | None = None,
    all_weeks: bool = False,
) -> list[FactRow]:
    """Weekly facts of `metrics` within the scope (and its weeks unless `all_weeks`), grouped
    by `group_by` ('source', 'campaign' or 'rep') when given."""
    first = None if all_weeks else scope.first_week
    last = scope.last_week
    dims = scope.dims
    if group_by is None and len(dims) <= 1:
        dim, value = dims[0] if dims else ("*", "")
        return _from_rollup(dim, value, metrics, first, last, grouped=False)
    if group_by is not None and (not dims or dims == [(group_by, dims[0][1])]):
        return _from_rollup(group_by, dims[0][1] if dims else None, metrics, first, last)
    return _from_memory(scope, metrics, group_by, first, last)


def _from_rollup(
    dim: str,
    value: str | None,
    metrics: Sequence[str],
    first: date | None,
    last: date | None,
    *,
    grouped: bool = True,
) -> list[FactRow]:
    r = AnalyticsRollup
    query = r.select(r.metric, r.week, r.a, r.b, r.n, r.amount, r.dim_value).where(
        (r.dim == dim) & r.metric.in_(list(metrics))
    )
    if value is not None:
        query = query.where(r.dim_value == value)
    if first is not None:
        query = query.where(r.week >= first)
    if last is not None:
        query = query.where(r.week <= last)
    out = []
    for metric, week, a, b, n, amount, group in query.tuples():
        if n or amount:
            out.append(FactRow(metric, _date(week), a, b, n, amount, group if grouped else ""))
    return out


def _from_memory(
    scope: Scope,
    metrics: Sequence[str],
    group_by: str | None,
    first: date | None,
    last: date | None,
) -> list[FactRow]:
    conds, params = ["1 = 1"], []
    if scope.source is not None:
        conds.append("source = ?")
        params.append(scope.source)
    if scope.campaign_id is not None:
        conds.append("campaign_id = ?")
        params.append(scope.campaign_id)
    facts = _rollup.compute(" AND ".join(conds), tuple(params))
    wanted = set(metrics)
    rep_involved = scope.rep_id is not None or group_by == "rep"
    sums: dict[tuple[Any, ...], list[float]] = {}
    for key, n in facts.n.items():
        metric, week, source, cid, rep, a, b = key
        if metric not in wanted or (metric in _rollup.REP_ONLY and not rep_involved):
            continue
        if scope.rep_id is not None and rep != scope.rep_id:
            continue
        if (first is not None and week < first) or (last is not None and week > last):
            continue
        group = {"source": source, "campaign": str(cid), "rep": str(rep)}.get(group_by or "", "")
        if group_by == "campaign" and not cid:
            continue
        cell = sums.setdefault((metric, week, a, b, group), [0, 0.0])
        cell[0] += n
        cell[1] += facts.amount.get(key, 0.0)
    return [
        FactRow(m, w, a, b, int(n), amt, g)
        for (m, w, a, b, g), (n, amt) in sums.items()
        if n or abs(amt) >= 1e-9
    ]


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def week_axis(scope: Scope, rows: Iterable[FactRow], now: datetime) -> list[date]:
    """Every week the report shows: the filter's range, else the first week to this one."""
    last = scope.last_week or week_of(now)
    first = scope.first_week
    if first is None:  # the refinery's first week, so filtered views line up with the whole
        weeks = [r.week for r in rows]
        found = AnalyticsRollup.select(fn.MIN(AnalyticsRollup.week)).where(
            AnalyticsRollup.dim == "*"
        ).scalar()
        if found is not None:
            weeks.append(_date(found))
        first = min(weeks) if weeks else last
    return weeks_between(first, last) if first <= last else []


def now_or(now: datetime | None) -> datetime:
    return now or utcnow()


def session() -> Any:
    """The read transaction every report runs in (one consistent snapshot)."""
    return reading()


def lead_scope(scope: Scope) -> Any:
    """The scope's source / campaign / rep as a condition on the leads' current columns."""
    cond = Lead.id > 0
    if scope.source is not None:
        cond &= Lead.source == scope.source
    if scope.campaign_id is not None:
        cond &= Lead.campaign == scope.campaign_id
    if scope.rep_id is not None:
        cond &= Lead.owner.is_null() if scope.rep_id == 0 else Lead.owner == scope.rep_id
    return cond
