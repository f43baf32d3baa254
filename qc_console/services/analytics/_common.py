"""What every report shares: the filter, its resolution to ids, and reading weekly facts.

Facts come from the rollup table: under its single groupings when a report has at most one of
source / campaign / rep, else by summing the cells of its full-key grouping (`cube`) that
match. `_from_memory` replays the matching leads instead: the reference both must equal.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from typing import Any

from peewee import SQL, Case, fn

from qc_console.db.database import reading
from qc_console.db.models import AnalyticsRollup, Campaign, Lead, Rep
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


BMode = str | int
"""How to read a fact's `b`: "keep" it, "drop" it (sum over it), or an int N: 1 if b < N."""
ALL_TIME = date.min
"""The `week` of rows summed over all weeks (`by_week=False`)."""


def read_facts(
    scope: Scope,
    metrics: Sequence[str],
    *,
    group_by: str | None = None,
    all_weeks: bool = False,
    by_week: bool = True,
    b: BMode = "keep",
    a_in: Sequence[str] | None = None,
) -> list[FactRow]:
    """Facts of `metrics` within the scope (and its weeks unless `all_weeks`), grouped by
    `group_by` ('source', 'campaign' or 'rep') when given, per week unless `by_week` is False,
    summed in SQL so a report reads only the rows it shows; `a_in` keeps only those `a`."""
    first = None if all_weeks else scope.first_week
    shape = _Shape(metrics, first, scope.last_week, by_week, b, tuple(a_in or ()))
    dims = scope.dims
    if group_by is None and len(dims) <= 1:
        dim, value = dims[0] if dims else ("*", "")
        return _from_rollup(dim, value, shape, grouped=False)
    if group_by is not None and (not dims or dims == [(group_by, dims[0][1])]):
        return _from_rollup(group_by, dims[0][1] if dims else None, shape)
    return _from_cube(scope, shape, group_by)


@dataclass(frozen=True)
class _Shape:
    metrics: Sequence[str]
    first: date | None
    last: date | None
    by_week: bool
    b: BMode
    a_in: tuple[str, ...] = ()

    def b_of(self, value: int) -> int:
        if self.b == "keep":
            return value
        if self.b == "drop":
            return 0
        return 1 if value < int(self.b) else 0


def _from_rollup(
    dim: str, value: str | None, shape: _Shape, *, grouped: bool = True
) -> list[FactRow]:
    r = AnalyticsRollup
    keys: list[Any] = [r.metric, r.a]
    if shape.by_week:
        keys.append(r.week)
    if shape.b == "keep":
        keys.append(r.b)
    elif shape.b != "drop":
        keys.append(Case(None, [(r.b < int(shape.b), 1)], 0))
    if grouped:
        keys.append(r.dim_value)
    query = (
        r.select(*keys, fn.SUM(r.n), fn.SUM(r.amount))
        .where((r.dim == dim) & r.metric.in_(list(shape.metrics)))
        .group_by(*keys)
    )
    if value is not None:
        query = query.where(r.dim_value == value)
    if shape.a_in:
        query = query.where(r.a.in_(list(shape.a_in)))
    if shape.first is not None:
        query = query.where(r.week >= shape.first)
    if shape.last is not None:
        query = query.where(r.week <= shape.last)
    out = []
    for row in query.tuples():
        metric, a, *rest = row
        week = _date(rest.pop(0)) if shape.by_week else ALL_TIME
        bval = int(rest.pop(0)) if shape.b != "drop" else 0
        group = str(rest.pop(0)) if grouped else ""
        n, amount = int(rest[0] or 0), float(rest[1] or 0.0)
        if n or abs(amount) >= 1e-9:
            out.append(FactRow(metric, week, a, bval, n, amount, group))
    return out


def _cube_values(scope: Scope) -> list[str]:
    """Every full key (source, campaign id, rep id; 0 = none) the scope can match."""
    sources = [scope.source] if scope.source is not None else [s.value for s in Source]
    if scope.campaign_id is not None:
        cids = [scope.campaign_id]
    else:
        cids = [0, *(c for (c,) in Campaign.select(Campaign.id).tuples())]
    if scope.rep_id is not None:
        reps = [scope.rep_id]
    else:
        reps = [0, *(r for (r,) in Rep.select(Rep.id).tuples())]
    return [_rollup.cube_value(s, c, r) for s in sources for c in cids for r in reps]


def _from_cube(scope: Scope, shape: _Shape, group_by: str | None) -> list[FactRow]:
    """Sum the full-key cells the scope matches, in SQL, then fold them by `group_by`."""
    r = AnalyticsRollup
    keys: list[Any] = [r.dim_value, r.metric, r.a]
    if shape.by_week:
        keys.append(r.week)
    if shape.b == "keep":
        keys.append(r.b)
    elif shape.b != "drop":
        keys.append(Case(None, [(r.b < int(shape.b), 1)], 0))
    query = (
        r.select(*keys, fn.SUM(r.n), fn.SUM(r.amount))
        .where(
            (r.dim == _rollup.CUBE)
            & r.dim_value.in_(_cube_values(scope))
            & r.metric.in_(list(shape.metrics))
        )
        .group_by(*keys)
    )
    if shape.a_in:
        query = query.where(r.a.in_(list(shape.a_in)))
    if shape.first is not None:
        query = query.where(r.week >= shape.first)
    if shape.last is not None:
        query = query.where(r.week <= shape.last)
    rep_involved = scope.rep_id is not None or group_by == "rep"
    sums: dict[tuple[Any, ...], list[float]] = {}
    for row in query.tuples():
        value, metric, a, *rest = row
        if metric in _rollup.REP_ONLY and not rep_involved:
            continue
        source, cid, rep = str(value).split("|")
        if group_by == "campaign" and cid == "0":
            continue
        week = _date(rest.pop(0)) if shape.by_week else ALL_TIME
        bval = int(rest.pop(0)) if shape.b != "drop" else 0
        group = {"source": source, "campaign": cid, "rep": rep}.get(group_by or "", "")
        cell = sums.setdefault((metric, week, a, bval, group), [0, 0.0])
        cell[0] += int(rest[0] or 0)
        cell[1] += float(rest[1] or 0.0)
    return [
        FactRow(m, w, a, bb, int(n), amt, g)
        for (m, w, a, bb, g), (n, amt) in sums.items()
        if n or abs(amt) >= 1e-9
    ]


def _from_memory(scope: Scope, shape: _Shape, group_by: str | None) -> list[FactRow]:
    conds: list[str] = ["1 = 1"]
    params: list[Any] = []
    if scope.source is not None:
        conds.append("source = ?")
        params.append(scope.source)
    if scope.campaign_id is not None:
        conds.append("campaign_id = ?")
        params.append(scope.campaign_id)
    facts = _rollup.compute(" AND ".join(conds), tuple(params))
    wanted = set(shape.metrics)
    rep_involved = scope.rep_id is not None or group_by == "rep"
    first, last = shape.first, shape.last
    sums: dict[tuple[Any, ...], list[float]] = {}
    for key, n in facts.n.items():
        metric, week, source, cid, rep, a, b = key
        if metric not in wanted or (metric in _rollup.REP_ONLY and not rep_involved):
            continue
        if shape.a_in and a not in shape.a_in:
            continue
        if scope.rep_id is not None and rep != scope.rep_id:
            continue
        if (first is not None and week < first) or (last is not None and week > last):
            continue
        group = {"source": source, "campaign": str(cid), "rep": str(rep)}.get(group_by or "", "")
        if group_by == "campaign" and not cid:
            continue
        cell_key = (metric, week if shape.by_week else ALL_TIME, a, shape.b_of(b), group)
        cell = sums.setdefault(cell_key, [0, 0.0])
        cell[0] += n
        cell[1] += facts.amount.get(key, 0.0)
    return [
        FactRow(m, w, a, bb, int(n), amt, g)
        for (m, w, a, bb, g), (n, amt) in sums.items()
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
        found = (
            AnalyticsRollup.select(fn.MIN(AnalyticsRollup.week))
            .where(AnalyticsRollup.dim == "*")
            .scalar()
        )
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
    conds = []
    if scope.source is not None:
        conds.append(Lead.source == scope.source)
    if scope.campaign_id is not None:
        conds.append(Lead.campaign == scope.campaign_id)
    if scope.rep_id is not None:
        conds.append(Lead.owner.is_null() if scope.rep_id == 0 else Lead.owner == scope.rep_id)
    # No scope: a constant, not `id > 0`, which kept PostgreSQL from answering from an index
    # alone (the aging report read 28,000 heap pages of a 1M-lead table for it).
    return reduce(operator.and_, conds) if conds else SQL("1 = 1")
