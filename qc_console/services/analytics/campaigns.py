"""Campaigns (`report campaigns`): per campaign, its leads' path raw → qualified → handed off
→ won (by entry cohort, as in conversion), won $, and what it cost per raw contact, per
qualified lead and per won dollar. A campaign's cost is its whole cost: with a date filter the
cost ratios compare it with that part of its leads only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from qc_console.db.models import Campaign
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    ReportFilter,
    fresh,
    now_or,
    read_facts,
    resolve,
    session,
)


@dataclass(frozen=True)
class CampaignRow:
    campaign: str
    source: str
    cost: float
    entered: int
    qualified: int
    handed_off: int
    won: int
    won_amount: float

    @property
    def cost_per_contact(self) -> float | None:
        return round(self.cost / self.entered, 2) if self.entered else None

    @property
    def cost_per_qualified(self) -> float | None:
        return round(self.cost / self.qualified, 2) if self.qualified else None

    @property
    def cost_per_won_dollar(self) -> float | None:
        return round(self.cost / self.won_amount, 4) if self.won_amount else None


@dataclass(frozen=True)
class CampaignsReport:
    generated_at: datetime
    filter: ReportFilter
    rows: tuple[CampaignRow, ...]


def campaigns_report(
    f: ReportFilter = EVERYTHING, *, now: datetime | None = None
) -> CampaignsReport:
    now = now_or(now)
    fresh()
    with session():
        scope = resolve(f, Names())
        facts = read_facts(
            scope,
            ["cohort", "reach"],
            group_by="campaign",
            by_week=False,
            b="drop",
            a_in=("", "qualified", "handed_off", "won"),
        )
        known = list(Campaign.select(Campaign.id, Campaign.name, Campaign.source, Campaign.cost))
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in facts:
        cell = sums[r.group]
        if r.metric == "cohort":
            cell["entered"] += r.n
        else:
            cell[r.a] += r.n
            if r.a == "won":
                cell["won_amount"] += r.amount
    rows = []
    for c in known:
        if scope.campaign_id is not None and c.id != scope.campaign_id:
            continue
        if scope.source is not None and str(c.id) not in sums and c.source != scope.source:
            continue
        s = sums.get(str(c.id), {})
        rows.append(
            CampaignRow(
                c.name,
                c.source,
                float(c.cost or 0),
                int(s.get("entered", 0)),
                int(s.get("qualified", 0)),
                int(s.get("handed_off", 0)),
                int(s.get("won", 0)),
                round(s.get("won_amount", 0.0), 2),
            )
        )
    return CampaignsReport(now, f, tuple(sorted(rows, key=lambda r: r.campaign)))
