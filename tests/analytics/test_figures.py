"""Conversion, velocity, value, touch depth, reps and campaigns on the hand-built history."""

from __future__ import annotations

import pytest

from qc_console.domain.errors import BadInput
from qc_console.services.analytics._common import ReportFilter
from qc_console.services.analytics.campaigns import campaigns_report
from qc_console.services.analytics.conversion import conversion
from qc_console.services.analytics.reps import reps_report
from qc_console.services.analytics.touch_depth import touch_depth
from qc_console.services.analytics.value import value
from qc_console.services.analytics.velocity import velocity
from tests.analytics.conftest import AFTER, W1, W2, W3, W4, History
from tests.conftest import NOW as TEST_NOW


def test_cohort_conversion_ever_and_within_n_days(history: History) -> None:
    r = conversion(within_days=7, now=AFTER)
    cohorts = dict(r.cohorts)
    assert list(cohorts) == [W1, W2, W3, W4]
    w1 = cohorts[W1]
    assert w1.entered == 3  # L1, L2 and L3 (created qualified: reached qualified on day 0)
    assert w1.reached == {"qualified": 2, "handed_off": 2, "accepted": 1, "won": 1}
    # L1 was handed off exactly 7 days after it entered, L3 7 days 3 hours: not "within 7".
    assert w1.within == {"qualified": 2, "handed_off": 0, "accepted": 0, "won": 0}
    assert w1.rate("qualified") == 66.7
    assert cohorts[W2].entered == 1  # L4; its undone qualification does not count
    assert cohorts[W2].reached["qualified"] == 0
    assert cohorts[W3].entered == 0  # L5's creation was undone
    assert r.total.entered == 4 and r.total.reached["won"] == 1
    assert conversion(within_days=10, now=AFTER).total.within["handed_off"] == 2
    with pytest.raises(BadInput, match="within 8 days: use one of 1, 2,"):
        conversion(within_days=8, now=AFTER)


def test_conversion_by_source_and_campaign(history: History) -> None:
    r = conversion(now=AFTER)
    by_source = {f.label: f for f in r.by_source}
    assert by_source["trade_show"].entered == 2
    assert by_source["trade_show"].reached["won"] == 1
    assert by_source["sales_prospecting"].reached["handed_off"] == 1
    (expo,) = r.by_campaign
    assert (expo.label, expo.entered, expo.reached["qualified"]) == ("Expo", 2, 1)


def test_time_in_stage_percentiles_and_time_to_milestones(history: History) -> None:
    r = velocity(now=AFTER)
    raw = r.stage("raw")  # stays: L1 48h, L2 215h, L4 385h
    assert raw.stays == 3
    assert (raw.median_hours, raw.median_upper_hours, raw.median_label) == (168, 240, "7d-10d")
    assert (raw.p80_hours, raw.p80_label) == (336, "14d-21d")
    qualified = r.stage("qualified")  # L1 120h, L3 171h then 288h (recycled: two stays)
    assert (qualified.stays, qualified.median_hours, qualified.p80_hours) == (3, 168, 240)
    handed = r.stage("handed_off")  # L1 23h, L3 46h
    assert (handed.median_hours, handed.p80_hours) == (12, 24)
    assert r.stage("accepted").stays == 1 and r.stage("won").stays == 0
    to_handoff, to_won = r.milestones
    assert (to_handoff.leads, to_handoff.median_days, to_handoff.p80_days) == (2, 7, 7)
    assert (to_handoff.median_upper_days, to_handoff.median_label) == (10, "7-10d")
    assert (to_won.leads, to_won.median_days, to_won.median_label) == (1, 21, "21-28d")


def test_velocity_counts_stays_in_the_weeks_they_ended(history: History) -> None:
    r = velocity(ReportFilter(start=W2, end=W4), now=AFTER)
    assert r.stage("raw").stays == 2  # L1 left raw in week 1
    assert velocity(ReportFilter(start=W3, end=W3), now=AFTER).stage("raw").stays == 0


def test_pipeline_and_won_value(history: History) -> None:
    r = value(now=AFTER)
    assert (r.total.pipeline, r.total.won, r.total.won_leads) == (0.0, 1200.0, 1)
    assert [(x.group, x.won) for x in r.by_rep] == [("ann", 1200.0)]
    assert [(x.group, x.won) for x in r.by_campaign] == [("Expo", 1200.0)]
    assert value(ReportFilter(start=W1, end=W3), now=AFTER).total.won == 0.0
    assert value(ReportFilter(rep="bob"), now=AFTER).total.won_leads == 0
    before_the_win = value(ReportFilter(end=W3), now=AFTER)  # pipeline at the end of week 3
    assert (before_the_win.total.pipeline, before_the_win.total.pipeline_leads) == (1000.0, 1)
    assert [(x.group, x.pipeline) for x in before_the_win.by_source] == [("trade_show", 1000.0)]


def test_value_replayed_from_events_equals_the_leads_amounts(demo: None) -> None:
    from peewee import fn

    from qc_console.db.models import Lead

    r = value(now=TEST_NOW)
    for stages, total, count in (
        (["accepted", "delayed"], r.total.pipeline, r.total.pipeline_leads),
        (["won"], r.total.won, r.total.won_leads),
    ):
        query = Lead.select(fn.SUM(Lead.amount), fn.COUNT(Lead.id)).where(Lead.stage.in_(stages))
        amount, n = query.tuples()[0]
        assert (round(float(amount), 2), n) == (total, count)


def test_touch_depth_counts_touches_as_they_stood(history: History) -> None:
    r = touch_depth(now=AFTER)
    reps = {x.rep: x for x in r.reps}
    ann, bob = reps["ann"], reps["bob"]
    # ann: qualify L1 (1 touch), hand off L1 (1), purge L2 (0), incubate L4 (2; 3rd undone).
    assert ann.dispositions == 4
    assert ann.distribution == {0: 1, 1: 2, 2: 1}
    assert (ann.purged, ann.purged_shallow, ann.incubated, ann.incubated_shallow) == (1, 1, 1, 1)
    assert ann.purged_shallow_pct == 100.0
    assert (bob.dispositions, bob.distribution) == (2, {0: 2})
    assert r.total.dispositions == 6
    assert r.by_kind["hand_off"] == {0: 2, 1: 1}


def test_reps_report_credits_the_rep_who_acted(history: History) -> None:
    rows = {x.rep: x for x in reps_report(now=AFTER).rows}
    assert set(rows) == {"ann", "bob", "sue"}  # QC reps and supervisors, not sales
    ann, bob = rows["ann"], rows["bob"]
    assert (ann.leads_worked, ann.touches, ann.dispositions) == (3, 3, 4)
    assert (ann.qualified, ann.incubated, ann.purged, ann.hand_offs) == (1, 1, 1, 1)
    assert (ann.accepted, ann.won, ann.won_amount, ann.accepted_pct) == (1, 1, 1200.0, 100.0)
    assert (bob.leads_worked, bob.hand_offs, bob.accepted, bob.rejected, bob.pending) == (
        1,
        2,
        0,
        1,
        1,
    )
    assert bob.rejected_pct == 50.0
    assert rows["sue"].dispositions == 0
    in_w4 = {x.rep: x for x in reps_report(ReportFilter(start=W4), now=AFTER).rows}
    assert (in_w4["bob"].hand_offs, in_w4["bob"].pending) == (1, 1)
    assert in_w4["ann"].won == 0  # the win is credited to the week of the hand-off


def test_campaign_costs_per_step(history: History) -> None:
    (expo,) = campaigns_report(now=AFTER).rows
    assert (expo.entered, expo.qualified, expo.handed_off, expo.won) == (2, 1, 1, 1)
    assert (expo.cost, expo.won_amount) == (600.0, 1200.0)
    assert (expo.cost_per_contact, expo.cost_per_qualified, expo.cost_per_won_dollar) == (
        300.0,
        600.0,
        0.5,
    )
    assert campaigns_report(ReportFilter(source="web_download"), now=AFTER).rows == ()
