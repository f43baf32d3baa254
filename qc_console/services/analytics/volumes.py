"""Volumes (`report refinery`): per ISO week and stage, leads that entered (flow) and leads
standing there at week end (stock), with week-over-week and 4-weeks-over-4-weeks change."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from qc_console.domain.metrics import pct_change
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    STAGE_ORDER,
    ReportFilter,
    fresh,
    now_or,
    read_facts,
    resolve,
    session,
    week_axis,
)


@dataclass(frozen=True)
class StageWeek:
    week: date
    entered: int
    stock: int


@dataclass(frozen=True)
class StageVolume:
    """One stage over the report's weeks; the headline numbers are the last week's."""

    stage: str
    weeks: tuple[StageWeek, ...]
    entered: int
    stock: int
    entered_wow_pct: float | None
    """Entries of the last week against the week before, in %."""
    entered_4w_pct: float | None
    """Entries of the last 4 weeks against the 4 before, in %."""
    stock_wow_pct: float | None


@dataclass(frozen=True)
class VolumesReport:
    generated_at: datetime
    filter: ReportFilter
    weeks: tuple[date, ...]
    stages: tuple[StageVolume, ...]

    def stage(self, name: str) -> StageVolume:
        return next(s for s in self.stages if s.stage == name)


def volumes(f: ReportFilter = EVERYTHING, *, now: datetime | None = None) -> VolumesReport:
    """Flow and stock per stage and week (stock replays every week since the first event,
    whatever the date filter)."""
    now = now_or(now)
    fresh()
    with session():
        scope = resolve(f, Names())
        rows = read_facts(scope, ["in", "out", "xin", "xout"], all_weeks=True, b="drop")
        axis = week_axis(scope, [r for r in rows if r.metric == "in"], now)
    entered: dict[tuple[str, date], int] = defaultdict(int)
    net: dict[tuple[str, date], int] = defaultdict(int)
    for r in rows:
        sign = 1 if r.metric in ("in", "xin") else -1
        net[(r.a, r.week)] += sign * r.n
        if r.metric == "in":
            entered[(r.a, r.week)] += r.n
    stages = []
    for stage in STAGE_ORDER:
        stock = sum(n for (s, w), n in net.items() if s == stage and axis and w < axis[0])
        series = []
        for week in axis:
            stock += net.get((stage, week), 0)
            series.append(StageWeek(week, entered.get((stage, week), 0), stock))
        stages.append(_summarise(stage, series))
    return VolumesReport(now, f, tuple(axis), tuple(stages))


def _summarise(stage: str, series: list[StageWeek]) -> StageVolume:
    flow = [s.entered for s in series]
    last = series[-1] if series else StageWeek(date.min, 0, 0)
    prev = series[-2] if len(series) > 1 else StageWeek(date.min, 0, 0)
    return StageVolume(
        stage=stage,
        weeks=tuple(series),
        entered=last.entered,
        stock=last.stock,
        entered_wow_pct=pct_change(last.entered, prev.entered) if len(series) > 1 else None,
        entered_4w_pct=pct_change(sum(flow[-4:]), sum(flow[-8:-4])) if len(flow) >= 8 else None,
        stock_wow_pct=pct_change(last.stock, prev.stock) if len(series) > 1 else None,
    )
