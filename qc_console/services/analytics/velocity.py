"""Velocity: how long leads stand in each stage (median and p80 of completed stays, in the
weeks the stays ended) and how long from entering the refinery to hand-off and to won (by
entry-week cohort, in the day buckets of metrics.REACH_EDGES_DAYS).

Stays are kept in a histogram (metrics.STAY_BUCKETS_HOURS): a percentile is the bucket that
holds it, shown as its range (`2d-3d`), exact at bucket edges. Open stays are not counted here:
queue aging shows them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from qc_console.domain.metrics import (
    bucket_label,
    histogram_percentile,
    reach_upper,
    stay_bucket_bounds,
)
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
)

MILESTONES = ("handed_off", "won")


@dataclass(frozen=True)
class StageVelocity:
    """Completed stays in one stage: percentiles as (lower hours, upper hours, label)."""

    stage: str
    stays: int
    median_hours: int | None
    median_upper_hours: int | None
    median_label: str
    p80_hours: int | None
    p80_upper_hours: int | None
    p80_label: str


@dataclass(frozen=True)
class MilestoneVelocity:
    """Days from entering the refinery to first reaching a milestone; percentiles as the
    bucket (metrics.REACH_EDGES_DAYS) that holds them: lower and upper edge."""

    milestone: str
    leads: int
    median_days: int | None
    median_upper_days: int | None
    p80_days: int | None
    p80_upper_days: int | None

    @property
    def median_label(self) -> str:
        return _days_label(self.median_days, self.median_upper_days)

    @property
    def p80_label(self) -> str:
        return _days_label(self.p80_days, self.p80_upper_days)


def _days_label(lower: int | None, upper: int | None) -> str:
    if lower is None:
        return "-"
    return f"{lower}-{upper}d" if upper is not None else f">{lower}d"


@dataclass(frozen=True)
class VelocityReport:
    generated_at: datetime
    filter: ReportFilter
    stages: tuple[StageVelocity, ...]
    milestones: tuple[MilestoneVelocity, ...]

    def stage(self, name: str) -> StageVelocity:
        return next(s for s in self.stages if s.stage == name)


def velocity(f: ReportFilter = EVERYTHING, *, now: datetime | None = None) -> VelocityReport:
    now = now_or(now)
    fresh()
    with session():
        scope = resolve(f, Names())
        rows = read_facts(scope, ["stay", "reach"], by_week=False)
    stays: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    reach: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        target = stays if r.metric == "stay" else reach
        target[r.a][r.b] += r.n
    stages = []
    for stage in STAGE_ORDER:
        hist = stays.get(stage, {})
        stages.append(StageVelocity(stage, sum(hist.values()), *_pct(hist, 0.5), *_pct(hist, 0.8)))
    milestones = tuple(
        MilestoneVelocity(
            m,
            sum(reach.get(m, {}).values()),
            *_days(reach.get(m, {}), 0.5),
            *_days(reach.get(m, {}), 0.8),
        )
        for m in MILESTONES
    )
    return VelocityReport(now, f, tuple(stages), milestones)


def _days(hist: dict[int, int], q: float) -> tuple[int | None, int | None]:
    edge = histogram_percentile(hist, q)
    return (None, None) if edge is None else (edge, reach_upper(edge))


def _pct(hist: dict[int, int], q: float) -> tuple[int | None, int | None, str]:
    bucket = histogram_percentile(hist, q)
    if bucket is None:
        return None, None, "-"
    lower, upper = stay_bucket_bounds(bucket)
    return lower, upper, bucket_label(bucket)
