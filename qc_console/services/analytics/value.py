"""Value: pipeline $ (the amounts of leads sales accepted and has not closed: accepted or
delayed, as they stand now, or at the end of the `--to` week) and won $ (wins in the filter's
weeks), in total and per source, campaign and QC rep.

Both are replayed from the event log like every other figure: stage entries and exits of
accepted, delayed and won carry the lead's amount, so the pipeline is their running sum (the
same way stock is) and won $ the amounts of entries into won. The rep is the lead's QC owner
when it entered the stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from qc_console.db.models import Campaign
from qc_console.domain.stages import Stage
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    POOL,
    ReportFilter,
    fresh,
    now_or,
    read_facts,
    resolve,
    session,
)

PIPELINE = (Stage.ACCEPTED.value, Stage.DELAYED.value)
DIMS = ("source", "campaign", "rep")


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
    fresh()
    moves = ["in", "out", "xin", "xout"]
    with session():
        names = Names()
        scope = resolve(f, names)
        campaigns = {str(i): n for i, n in Campaign.select(Campaign.id, Campaign.name).tuples()}
        stock = {
            dim: read_facts(
                scope, moves, group_by=dim, all_weeks=True, by_week=False, b="drop", a_in=PIPELINE
            )
            for dim in (None, *DIMS)
        }
        wins = {
            dim: read_facts(scope, ["in"], group_by=dim, by_week=False, b="drop", a_in=["won"])
            for dim in (None, *DIMS)
        }

    def label(dim: str | None, key: str) -> str:
        if dim == "campaign":
            return campaigns.get(key, key)
        if dim == "rep":
            return names.rep_name(int(key)) or POOL
        return key or "all"

    def rows(dim: str | None) -> list[ValueRow]:
        cells: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0.0, 0])
        for r in stock[dim]:
            if r.a in PIPELINE:
                sign = 1 if r.metric in ("in", "xin") else -1
                cells[r.group][0] += sign * r.amount
                cells[r.group][1] += sign * r.n
        for r in wins[dim]:
            if r.a == Stage.WON.value:
                cells[r.group][2] += r.amount
                cells[r.group][3] += r.n
        out = [
            ValueRow(label(dim, g), round(c[0], 2), int(c[1]), round(c[2], 2), int(c[3]))
            for g, c in cells.items()
            if c[1] or c[3]
        ]
        return sorted(out, key=lambda r: (-r.won - r.pipeline, r.group))

    total = rows(None)
    return ValueReport(
        now,
        f,
        ValueRow("all", *_parts(total)),
        *(tuple(rows(dim)) for dim in DIMS),
    )


def _parts(rows: list[ValueRow]) -> tuple[float, int, float, int]:
    if not rows:
        return (0.0, 0, 0.0, 0)
    r = rows[0]
    return (r.pipeline, r.pipeline_leads, r.won, r.won_leads)
