"""Touch depth ("most salespeople stop after two touches"): how many touches a lead had when
it was dispositioned (qualified, handed off, incubated, purged), and per rep the share of
purged and incubated leads that got at most two touches.

Touches are counted as they stood at the disposition (later touches do not count); undone
touches do not count. The rep is the one who dispositioned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

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
from qc_console.services.analytics._replay import DISPOSITIONS, TOUCH_CAP

SHALLOW = 2
"""At most this many touches is "under-touched"."""


@dataclass(frozen=True)
class DepthRow:
    rep: str
    dispositions: int
    purged: int
    purged_shallow: int
    incubated: int
    incubated_shallow: int
    distribution: dict[int, int] = field(default_factory=dict)
    """Touches at disposition → dispositions (the last key means "or more")."""

    @property
    def purged_shallow_pct(self) -> float | None:
        return round(100.0 * self.purged_shallow / self.purged, 1) if self.purged else None

    @property
    def incubated_shallow_pct(self) -> float | None:
        return round(100.0 * self.incubated_shallow / self.incubated, 1) if self.incubated else None


@dataclass(frozen=True)
class TouchDepthReport:
    generated_at: datetime
    filter: ReportFilter
    by_kind: dict[str, dict[int, int]]
    """Disposition kind → {touches: dispositions}."""
    total: DepthRow
    reps: tuple[DepthRow, ...]


def touch_depth(f: ReportFilter = EVERYTHING, *, now: datetime | None = None) -> TouchDepthReport:
    now = now_or(now)
    fresh()
    with session():
        names = Names()
        scope = resolve(f, names)
        rows = read_facts(scope, ["tdepth"], by_week=False)
        per_rep = read_facts(scope, ["tdepth"], group_by="rep", by_week=False)
    by_kind: dict[str, dict[int, int]] = {k: {} for k in sorted(DISPOSITIONS)}
    for r in rows:
        by_kind[r.a][r.b] = by_kind[r.a].get(r.b, 0) + r.n
    grouped: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for r in per_rep:
        grouped[r.group].append((r.a, r.b, r.n))
    reps = [_row(names.rep_name(int(g)) or POOL, cells) for g, cells in grouped.items()]
    total = _row("all", [(r.a, r.b, r.n) for r in rows])
    return TouchDepthReport(now, f, by_kind, total, tuple(sorted(reps, key=lambda r: r.rep)))


def _row(rep: str, cells: list[tuple[str, int, int]]) -> DepthRow:
    dist: dict[int, int] = {}
    counts = {"purge": [0, 0], "incubate": [0, 0]}
    for kind, touches, n in cells:
        dist[touches] = dist.get(touches, 0) + n
        if kind in counts:
            counts[kind][0] += n
            if touches <= SHALLOW:
                counts[kind][1] += n
    return DepthRow(
        rep,
        sum(dist.values()),
        counts["purge"][0],
        counts["purge"][1],
        counts["incubate"][0],
        counts["incubate"][1],
        dict(sorted(dist.items())),
    )


__all__ = ["TOUCH_CAP", "DepthRow", "TouchDepthReport", "touch_depth"]
