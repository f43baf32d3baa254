"""Conversion by entry-week cohort: of the leads that entered the refinery in week W, how many
ever reached qualified / handed_off / accepted / won, and how many within N days; also by
source and by campaign.

A lead's cohort is the week it entered the refinery (its creation), whatever its entry stage:
a lead created qualified skips raw and counts as reaching qualified on day 0. A lead counts
once per stage however often it comes back (recycled leads are not double-counted). "Within
N days" takes an N among metrics.REACH_EDGES_DAYS (the rollup keeps days in those buckets).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from qc_console.db.models import Campaign
from qc_console.domain.errors import BadInput
from qc_console.domain.metrics import REACH_EDGES_DAYS
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    FUNNEL,
    FactRow,
    ReportFilter,
    fresh,
    now_or,
    read_facts,
    resolve,
    session,
    week_axis,
)


@dataclass(frozen=True)
class Funnel:
    """Leads that entered, and of them how many reached each funnel stage (ever / within)."""

    label: str
    entered: int
    reached: dict[str, int] = field(default_factory=dict)
    within: dict[str, int] = field(default_factory=dict)

    def rate(self, stage: str, *, within: bool = False) -> float | None:
        """Share (%) of the entered leads that reached `stage`."""
        if not self.entered:
            return None
        n = (self.within if within else self.reached).get(stage, 0)
        return round(100.0 * n / self.entered, 1)


@dataclass(frozen=True)
class ConversionReport:
    generated_at: datetime
    filter: ReportFilter
    within_days: int
    stages: tuple[str, ...]
    cohorts: tuple[tuple[date, Funnel], ...]
    total: Funnel
    by_source: tuple[Funnel, ...]
    by_campaign: tuple[Funnel, ...]


def funnels(rows: list[FactRow], key: str = "group") -> dict[str, Funnel]:
    """Fold cohort/reach facts (read with b=within_days) into one funnel per `key` value
    ('group' or 'week')."""
    entered: dict[str, int] = defaultdict(int)
    reached: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    within: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        k = r.group if key == "group" else r.week.isoformat()
        if r.metric == "cohort":
            entered[k] += r.n
        elif r.metric == "reach" and r.a in FUNNEL:
            reached[k][r.a] += r.n
            if r.b == 1:  # read with b=within_days: 1 when it got there in fewer days
                within[k][r.a] += r.n
    keys = set(entered) | set(reached)
    return {
        k: Funnel(
            k,
            entered.get(k, 0),
            {s: reached[k].get(s, 0) for s in FUNNEL},
            {s: within[k].get(s, 0) for s in FUNNEL},
        )
        for k in keys
    }


def conversion(
    f: ReportFilter = EVERYTHING,
    *,
    within_days: int = 30,
    breakdowns: bool = True,
    now: datetime | None = None,
) -> ConversionReport:
    """Cohort conversion, with the totals over the filter's weeks and (unless `breakdowns` is
    False) the splits by source and by campaign."""
    if within_days not in REACH_EDGES_DAYS[1:]:
        edges = ", ".join(str(d) for d in REACH_EDGES_DAYS[1:])
        raise BadInput(f"within {within_days} days: use one of {edges}")
    now = now_or(now)
    fresh()
    metrics = ["cohort", "reach"]
    funnel_only = ("", *FUNNEL)  # cohort rows have a == ""
    with session():
        scope = resolve(f, Names())
        rows = read_facts(scope, metrics, b=within_days, a_in=funnel_only)
        splits: dict[str, list[FactRow]] = {"source": [], "campaign": []}
        for dim in splits if breakdowns else ():
            splits[dim] = read_facts(
                scope, metrics, group_by=dim, by_week=False, b=within_days, a_in=funnel_only
            )
        campaign_names = {
            str(i): n for i, n in Campaign.select(Campaign.id, Campaign.name).tuples()
        }
        axis = week_axis(scope, rows, now)
    per_week = funnels(rows, key="week")
    cohorts = tuple(
        (w, per_week.get(w.isoformat(), Funnel(w.isoformat(), 0, _zeros(), _zeros()))) for w in axis
    )
    total = funnels([FactRow(r.metric, r.week, r.a, r.b, r.n, r.amount) for r in rows])
    sources = funnels(splits["source"])
    campaigns = funnels(splits["campaign"])
    return ConversionReport(
        generated_at=now,
        filter=f,
        within_days=within_days,
        stages=FUNNEL,
        cohorts=cohorts,
        total=_relabel(total.get(""), "all"),
        by_source=tuple(sorted(sources.values(), key=lambda x: x.label)),
        by_campaign=tuple(
            sorted(
                (_relabel(c, campaign_names.get(c.label, c.label)) for c in campaigns.values()),
                key=lambda x: x.label,
            )
        ),
    )


def _zeros() -> dict[str, int]:
    return dict.fromkeys(FUNNEL, 0)


def _relabel(funnel: Funnel | None, label: str) -> Funnel:
    if funnel is None:
        return Funnel(label, 0, _zeros(), _zeros())
    return Funnel(label, funnel.entered, funnel.reached, funnel.within)
