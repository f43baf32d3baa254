"""Reps (`report reps`): per QC rep the numbers a variable-comp plan would use: leads worked,
touches, dispositions, hand-offs and what sales made of them (accepted, rejected, still
pending, won and won $).

Everything is credited to the rep who acted; a hand-off's results are credited to the rep who
handed off, in the week of the hand-off. "Leads worked" counts each lead once per rep, in the
week the rep first acted on it (creating a lead is not working it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from qc_console.db.models import Rep
from qc_console.domain.codes import Role
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


@dataclass(frozen=True)
class RepRow:
    rep: str
    leads_worked: int
    touches: int
    dispositions: int
    qualified: int
    incubated: int
    purged: int
    hand_offs: int
    accepted: int
    rejected: int
    pending: int
    won: int
    won_amount: float

    @property
    def accepted_pct(self) -> float | None:
        return round(100.0 * self.accepted / self.hand_offs, 1) if self.hand_offs else None

    @property
    def rejected_pct(self) -> float | None:
        return round(100.0 * self.rejected / self.hand_offs, 1) if self.hand_offs else None


@dataclass(frozen=True)
class RepsReport:
    generated_at: datetime
    filter: ReportFilter
    rows: tuple[RepRow, ...]


METRICS = ["worked", "touch", "disp", "ho"]


def reps_report(f: ReportFilter = EVERYTHING, *, now: datetime | None = None) -> RepsReport:
    now = now_or(now)
    fresh()
    with session():
        names = Names()
        scope = resolve(f, names)
        facts = read_facts(scope, METRICS, group_by="rep", by_week=False, b="drop")
        qc_ids = {
            r.id
            for r in Rep.select(Rep.id, Rep.role)
            if r.role in (Role.REP.value, Role.SUPERVISOR.value)
            and (scope.rep_id is None or r.id == scope.rep_id)
        }
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in facts:
        cell = sums[int(r.group)]
        key = r.metric if r.metric in ("worked", "touch") else f"{r.metric}:{r.a}"
        cell[key] += r.n
        if r.metric == "ho" and r.a == "won":
            cell["won_amount"] += r.amount
    rows = []
    for rep_id in sorted(qc_ids | {i for i in sums if i in qc_ids}):
        c = sums.get(rep_id, {})
        disp = {k: int(c.get(f"disp:{k}", 0)) for k in ("qualify", "incubate", "purge", "hand_off")}
        rows.append(
            RepRow(
                rep=names.rep_name(rep_id) or POOL,
                leads_worked=int(c.get("worked", 0)),
                touches=int(c.get("touch", 0)),
                dispositions=sum(disp.values()),
                qualified=disp["qualify"],
                incubated=disp["incubate"],
                purged=disp["purge"],
                hand_offs=int(c.get("ho:handed_off", 0)),
                accepted=int(c.get("ho:accepted", 0)),
                rejected=int(c.get("ho:rejected", 0)),
                pending=int(c.get("ho:pending", 0)),
                won=int(c.get("ho:won", 0)),
                won_amount=round(c.get("won_amount", 0.0), 2),
            )
        )
    return RepsReport(now, f, tuple(sorted(rows, key=lambda r: r.rep)))
