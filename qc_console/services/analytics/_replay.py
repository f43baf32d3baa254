"""Replaying one lead's events into weekly facts: the one definition every figure rests on.

How events count (so every figure holds for any history):
- A stage *entry* is an effective event whose `to_stage` differs from its `from_stage`, or the
  `create` event (the lead entered its initial stage). Re-rating (qualified → qualified),
  touches, next actions and reassignments are not entries.
- Undo: an undone batch never happened. The events of a batch that was undone are left out,
  and so are the `undo` events themselves; what remains is a consistent chain (undo refuses
  when a lead changed since). An undone creation makes the lead vanish from every figure.
- The owner at each moment is replayed backwards from the lead's current owner through the
  `before` values every write records, so "rep" figures use the owner *at that time*.
- Weeks are ISO weeks (Monday 00:00) of the naive-UTC timestamps.

A fact is a key (metric, week, source, campaign id, rep id, a, b) with a count and an amount.
Metrics (rep = owner at that moment unless noted):
- `in`/`out`: a lead entered/left stage `a`; stock at week end is the running sum of in − out
  (for accepted, delayed and won they carry the amount, so pipeline $ is a running sum too).
- `xin`/`xout`: a lead changed owner within stage `a` (moves stock between reps only).
- `stay`: a completed stay in stage `a`, `b` = duration bucket (metrics.STAY_BUCKETS_HOURS),
  in the week it ended; rep = owner while it stood there.
- `cohort`: a lead entered the refinery (week = entry week); `reach`: it first reached stage
  `a`, `b` = days after its entry as the lower edge of metrics.REACH_EDGES_DAYS, counted in
  its entry week (amount for accepted/won).
- `touch`, `worked` (first action of a rep on a lead), `disp` (a stage-changing qualify,
  hand_off, incubate or purge, `a` = kind), `tdepth` (the same with `b` = touches before it):
  rep = the actor.
- `ho`: hand-off results in the hand-off's week, rep = the rep who handed off; `a` is
  handed_off, accepted, rejected, pending or won (amount for accepted and won).
- `accept`, `won`: acceptances and wins in their week with the amount.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from qc_console.domain.metrics import reach_edge, stay_bucket
from qc_console.domain.stages import QC_OPEN, Stage

TOUCH_CAP = 20
DISPOSITIONS = frozenset({"qualify", "hand_off", "incubate", "purge"})
MONEY_STAGES = frozenset({"accepted", "delayed", "won"})
"""Stages whose in/out facts carry the lead's amount (pipeline $ is their running sum)."""
_QC = frozenset(s.value for s in QC_OPEN)

FactKey = tuple[str, date, str, int, int, str, int]
"""(metric, week, source, campaign id or 0, rep id or 0 for the pool/nobody, a, b)."""


@dataclass
class Facts:
    """Counts and amounts per fact key (signed, so a replay can be subtracted)."""

    n: dict[FactKey, int]
    amount: dict[FactKey, float]

    @classmethod
    def empty(cls) -> Facts:
        return cls({}, {})

    def add(self, key: FactKey, sign: int, amount: float = 0.0) -> None:
        self.n[key] = self.n.get(key, 0) + sign
        if amount:
            self.amount[key] = self.amount.get(key, 0.0) + sign * amount


@dataclass(frozen=True)
class LeadInfo:
    id: int
    source: str
    campaign_id: int
    owner_id: int
    created_at: datetime


Event = tuple[int, datetime, str, str | None, str | None, int, int, str | None]
"""(id, at, kind, from_stage, to_stage, actor id or 0, batch id or 0, data or None).
`data` is only loaded when it can matter (owner or amount changes)."""

DATA_NEEDED_SQL = (
    "CASE WHEN kind IN ('accept', 'outcome') OR data LIKE '%\"owner_id\"%' THEN data ELSE NULL END"
)
"""SQL that ships an event's JSON only when the replay reads it (most events never need it)."""


def to_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _week(at: datetime) -> date:
    day = at.date()
    return day - timedelta(days=day.weekday())


def _json(data: str | None) -> dict[str, Any]:
    return json.loads(data) if data else {}


def owners_after(lead: LeadInfo, events: list[Event]) -> list[int]:
    """The owner right after each event, replayed backwards from the current owner."""
    out = [0] * len(events)
    current = lead.owner_id
    for i in range(len(events) - 1, -1, -1):
        out[i] = current
        data = events[i][7]
        if data and '"owner_id"' in data:
            before = _json(data).get("before", {})
            if "owner_id" in before:
                current = before["owner_id"] or 0
    return out


def effective(events: list[Event], upto: int, undo_of: dict[int, int]) -> list[int]:
    """Indexes of the events that count as of event id `upto` (see the module docstring)."""
    undone = {undo_of.get(e[6], -1) for e in events if e[2] == "undo" and e[0] <= upto}
    return [
        i for i, e in enumerate(events) if e[0] <= upto and e[2] != "undo" and e[6] not in undone
    ]


def replay(
    lead: LeadInfo,
    events: list[Event],
    owners: list[int],
    keep: Iterable[int],
    sink: Facts,
    sign: int = 1,
) -> None:
    """Add (sign=1) or take away (sign=-1) the facts of one lead's effective events."""
    src, cid = lead.source, lead.campaign_id
    add = sink.add
    stage: str | None = None
    entered_at = lead.created_at
    created_at = lead.created_at
    cohort_week: date | None = None
    cohort_rep = 0
    reached: set[str] = set()
    touches = 0
    amount = 0.0
    worked: set[int] = set()
    handoff: tuple[date, int] | None = None
    prev_owner = None
    for i in keep:
        eid, at, kind, frm, to, actor, _batch, data = events[i]
        week = _week(at)
        owner = owners[i]
        # Stock stays with the owner after the previous counted event, so a lead's in/out/x
        # facts always chain (an undone reassignment never moved it).
        before_owner = prev_owner if prev_owner is not None else owner
        if stage is None:
            # The refinery entry: the create event, or (a history without one) the lead's
            # creation time at the stage its first event starts from.
            stage = to if kind == "create" else frm
            if stage is None:
                continue
            entry_at = at if kind == "create" else created_at
            created_at = entered_at = entry_at
            cohort_week = _week(entry_at)
            cohort_rep = owner if kind == "create" else before_owner
            add(("cohort", cohort_week, src, cid, cohort_rep, "", 0), sign)
            add(("in", cohort_week, src, cid, cohort_rep, stage, 0), sign)
            add(("reach", cohort_week, src, cid, cohort_rep, stage, 0), sign)
            reached.add(stage)
            prev_owner = cohort_rep
            if kind == "create":
                continue
            before_owner = cohort_rep
        amount_before = amount
        if data and kind in ("accept", "outcome"):
            after = _json(data).get("after", {})
            if after.get("amount") is not None:
                amount = float(after["amount"])
        if kind == "touch":
            touches += 1
            add(("touch", week, src, cid, actor, "", 0), sign)
        if actor and actor not in worked:
            worked.add(actor)
            add(("worked", week, src, cid, actor, "", 0), sign)
        if to is not None and frm is not None and to != frm:
            left = stage
            money_out = amount_before if left in MONEY_STAGES else 0.0
            add(("out", week, src, cid, before_owner, left, 0), sign, money_out)
            seconds = (at - entered_at).total_seconds()
            add(("stay", week, src, cid, before_owner, left, stay_bucket(seconds)), sign)
            add(("in", week, src, cid, owner, to, 0), sign, amount if to in MONEY_STAGES else 0.0)
            money = amount if to in ("accepted", "won") else 0.0
            if to not in reached:
                reached.add(to)
                days = reach_edge((at - created_at).total_seconds())
                assert cohort_week is not None
                add(("reach", cohort_week, src, cid, cohort_rep, to, days), sign, money)
            if kind in DISPOSITIONS:
                add(("disp", week, src, cid, actor, kind, 0), sign)
                add(("tdepth", week, src, cid, actor, kind, min(touches, TOUCH_CAP)), sign)
            if left == Stage.HANDED_OFF and handoff is not None:
                result = "accepted" if to == Stage.ACCEPTED else "rejected"
                add(("ho", handoff[0], src, cid, handoff[1], result, 0), sign, money)
            if to == Stage.HANDED_OFF:
                handoff = (week, actor)
                add(("ho", week, src, cid, actor, "handed_off", 0), sign)
            elif to == Stage.ACCEPTED:
                add(("accept", week, src, cid, owner, "", 0), sign, money)
            elif to == Stage.WON:
                add(("won", week, src, cid, owner, "", 0), sign, money)
                if handoff is not None:
                    add(("ho", handoff[0], src, cid, handoff[1], "won", 0), sign, money)
            if to in _QC or to == Stage.WON:
                handoff = None
            stage = to
            entered_at = at
        elif owner != before_owner and stage is not None:
            money = amount if stage in MONEY_STAGES else 0.0
            add(("xout", week, src, cid, before_owner, stage, 0), sign, money)
            add(("xin", week, src, cid, owner, stage, 0), sign, money)
        prev_owner = owner
    if stage == Stage.HANDED_OFF and handoff is not None:
        add(("ho", handoff[0], src, cid, handoff[1], "pending", 0), sign)
