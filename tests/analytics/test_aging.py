"""Queue aging per rep and the pool, and the drill-down to one cell's leads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from qc_console.domain.errors import BadInput
from qc_console.domain.values import NewLead
from qc_console.services import dispositions as d
from qc_console.services import leads, touches
from qc_console.services.analytics._common import ReportFilter
from qc_console.services.analytics.aging import aging, aging_cell_ids
from tests.conftest import NOW  # Wednesday 2026-03-04 15:00

FRI = datetime(2026, 2, 27, 10)
MON = datetime(2026, 3, 2, 16)


@dataclass
class Queue:
    fresh: int  # ann, raw, 30 min old, untouched: past speed-to-lead
    overdue: int  # ann, raw, 2 days, touched, next action due long ago
    late_handoff: int  # ann, handed off Friday 10:00: SLA (2 business days) ended Tuesday
    recent_handoff: int  # ann, handed off Monday 16:00: SLA ends Wednesday 16:00
    qualified: int  # bob, qualified 5 days ago, next action tomorrow
    pooled: int  # nobody's, raw, 40 days, untouched


def _new(email: str, actor: str, when: datetime) -> int:
    return leads.create_lead(NewLead(email=email), actor=actor, now=when).leads[0].id


@pytest.fixture
def queue(people: str) -> Queue:
    fresh = _new("fresh@x.com", "ann", NOW - timedelta(minutes=30))
    overdue = _new("od@x.com", "ann", NOW - timedelta(days=2))
    touches.log_touch(
        overdue, channel="call", outcome="no_answer", actor="ann", now=NOW - timedelta(days=2)
    )
    late = _new("late@x.com", "ann", FRI - timedelta(days=1))
    recent = _new("recent@x.com", "ann", FRI - timedelta(days=1))
    d.qualify([late, recent], rating="high", actor="ann", now=FRI - timedelta(hours=2))
    d.hand_off(late, to="sam", actor="ann", now=FRI)
    d.hand_off(recent, to="sam", actor="ann", now=MON)
    qualified = _new("q@x.com", "bob", NOW - timedelta(days=10))
    d.qualify(qualified, rating="low", actor="bob", now=NOW - timedelta(days=5))
    d.set_next_action(
        qualified, due=NOW + timedelta(days=1), actor="bob", now=NOW - timedelta(days=5)
    )
    pooled = _new("pool@x.com", "sue", NOW - timedelta(days=40))
    d.reassign(pooled, to=None, actor="sue", now=NOW - timedelta(days=40))
    return Queue(fresh, overdue, late, recent, qualified, pooled)


def test_rows_per_rep_and_pool_with_buckets_and_slas(queue: Queue) -> None:
    r = aging(now=NOW)
    assert r.buckets == ("0-1h", "1-24h", "1-3d", "3-7d", "7-30d", ">30d")
    rows = {x.rep: x for x in r.rows}
    assert list(rows) == ["ann", "bob", "sue", None]  # the pool last
    ann = rows["ann"]
    assert ann.counts == {"0-1h": 1, "1-24h": 0, "1-3d": 2, "3-7d": 1, "7-30d": 0, ">30d": 0}
    assert (ann.overdue, ann.untouched_past_sla, ann.handoffs_past_sla) == (1, 1, 1)
    assert rows["bob"].counts["3-7d"] == 1 and rows["bob"].overdue == 0
    assert rows[None].counts[">30d"] == 1 and rows[None].untouched_past_sla == 1
    assert sum(rows["sue"].counts.values()) == 0


def test_the_handoff_sla_counts_business_days(queue: Queue) -> None:
    just_before = datetime(2026, 3, 4, 15, 59)  # Monday 16:00 + 2 business days = Wed 16:00
    assert aging_cell_ids("ann", "handoffs_past_sla", now=just_before) == [queue.late_handoff]
    after = datetime(2026, 3, 4, 16, 1)
    assert aging_cell_ids("ann", "handoffs_past_sla", now=after) == sorted(
        [queue.late_handoff, queue.recent_handoff]
    )
    tuesday = datetime(2026, 3, 3, 10, 1)  # Friday 10:00 + 2 business days = Tuesday 10:00
    assert aging(now=tuesday).rows[0].handoffs_past_sla == 1


def test_each_cell_drills_down_to_exactly_its_leads(queue: Queue) -> None:
    assert aging_cell_ids("ann", "1-3d", now=NOW) == sorted([queue.overdue, queue.recent_handoff])
    assert aging_cell_ids("ann", "0-1h", now=NOW) == [queue.fresh]
    assert aging_cell_ids("ann", "overdue", now=NOW) == [queue.overdue]
    assert aging_cell_ids("ann", "untouched_past_sla", now=NOW) == [queue.fresh]
    assert aging_cell_ids(None, ">30d", now=NOW) == [queue.pooled]
    assert aging_cell_ids("bob", "3-7d", now=NOW) == [queue.qualified]
    report = aging(now=NOW)
    for row in report.rows:
        for label, n in row.counts.items():
            assert len(aging_cell_ids(row.rep, label, now=NOW)) == n


def test_filters_and_bad_cells(queue: Queue) -> None:
    only_bob = aging(ReportFilter(rep="bob"), now=NOW)
    assert [x.rep for x in only_bob.rows] == ["bob"]
    assert aging(ReportFilter(source="referral"), now=NOW).rows[0].counts["1-3d"] == 0
    with pytest.raises(BadInput, match="no aging column"):
        aging_cell_ids("ann", "2-5d", now=NOW)


def test_black_holes_count_lost_leads(queue: Queue) -> None:
    from qc_console.services.analytics.aging import black_holes

    pool, idle, late = black_holes(now=NOW)
    assert (pool.leads, pool.oldest) == (1, NOW - timedelta(days=40))
    assert idle.leads == 0
    assert late.leads == 1
    d.set_next_action(queue.overdue, due=NOW, actor="ann", now=NOW)  # still has one
    d.incubate(queue.overdue, actor="ann", days=10, now=NOW)
    assert black_holes(now=NOW)[1].leads == 0  # incubating with a resurface date is not lost
    assert black_holes(ReportFilter(source="referral"), now=NOW)[0].leads == 0
    dnc = NewLead(email="dnc@x.com", do_not_contact=True)  # created without a next action
    leads.create_lead(dnc, actor="bob", now=NOW - timedelta(days=3))
    idle = black_holes(now=NOW)[1]
    assert (idle.leads, idle.oldest) == (1, NOW - timedelta(days=3))
