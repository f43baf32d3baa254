"""Stage volumes (flow and stock per ISO week) from a hand-built history."""

from __future__ import annotations

from datetime import date

from qc_console.services.analytics._common import ReportFilter
from qc_console.services.analytics.volumes import volumes
from tests.analytics.conftest import AFTER, W1, W2, W3, W4, History


def flows(report, stage: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [w.entered for w in report.stage(stage).weeks]


def stocks(report, stage: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [w.stock for w in report.stage(stage).weeks]


def test_flow_and_stock_per_week_with_an_empty_week(history: History) -> None:
    r = volumes(now=AFTER)
    assert r.weeks == (W1, W2, W3, W4)
    # Undone: L4's qualification, L5's creation. Recycled: L3 back to qualified in W2.
    assert flows(r, "raw") == [2, 1, 0, 0]
    assert flows(r, "qualified") == [2, 1, 0, 0]
    assert flows(r, "handed_off") == [0, 2, 0, 1]
    assert flows(r, "accepted") == [0, 1, 0, 0]
    assert flows(r, "won") == [0, 0, 0, 1]
    assert flows(r, "purged") == [0, 1, 0, 0]
    assert flows(r, "incubating") == [0, 0, 0, 1]
    assert stocks(r, "raw") == [1, 1, 1, 0]
    assert stocks(r, "qualified") == [2, 1, 1, 0]
    assert stocks(r, "handed_off") == [0, 0, 0, 1]
    assert stocks(r, "accepted") == [0, 1, 1, 0]
    assert stocks(r, "won") == [0, 0, 0, 1]
    assert stocks(r, "purged") == [0, 1, 1, 1]
    assert stocks(r, "incubating") == [0, 0, 0, 1]


def test_headline_changes_are_last_week_against_the_one_before(history: History) -> None:
    r = volumes(now=AFTER)
    handed = r.stage("handed_off")
    assert (handed.entered, handed.stock) == (1, 1)
    assert handed.entered_wow_pct is None  # nothing entered in the empty week 3
    assert handed.stock_wow_pct is None
    assert r.stage("purged").stock_wow_pct == 0.0
    assert r.stage("raw").stock_wow_pct == -100.0


def test_the_date_filter_keeps_stock_from_earlier_weeks(history: History) -> None:
    r = volumes(ReportFilter(start=date(2026, 1, 21), end=date(2026, 1, 28)), now=AFTER)
    assert r.weeks == (W3, W4)
    assert stocks(r, "accepted") == [1, 0]
    assert flows(r, "won") == [0, 1]


def test_source_campaign_and_rep_filters(history: History) -> None:
    expo = volumes(ReportFilter(campaign="Expo"), now=AFTER)
    assert flows(expo, "raw") == [1, 1, 0, 0]
    assert stocks(expo, "incubating") == [0, 0, 0, 1]
    web = volumes(ReportFilter(source="web_download"), now=AFTER)
    assert stocks(web, "purged") == [0, 1, 1, 1]
    bob = volumes(ReportFilter(rep="bob"), now=AFTER)
    assert flows(bob, "qualified") == [1, 1, 0, 0]
    assert stocks(bob, "handed_off") == [0, 0, 0, 1]
    assert flows(bob, "raw") == [0, 0, 0, 0]  # the undone creation of L5 is not there
    both = volumes(ReportFilter(source="trade_show", rep="ann"), now=AFTER)  # replayed in memory
    assert flows(both, "raw") == [1, 1, 0, 0]
    assert stocks(both, "won") == [0, 0, 0, 1]


def test_a_reassignment_moves_stock_between_reps_without_an_entry(people: str) -> None:
    from qc_console.domain.values import NewLead
    from qc_console.services import dispositions, leads
    from tests.analytics.conftest import at

    lead = leads.create_lead(NewLead(email="r@x.com"), actor="ann", now=at(W1, 0, 9)).leads[0]
    dispositions.reassign(lead.id, to="bob", actor="sue", now=at(W2, 0, 9))
    ann = volumes(ReportFilter(rep="ann"), now=at(W2, 3, 9))
    bob = volumes(ReportFilter(rep="bob"), now=at(W2, 3, 9))
    everyone = volumes(now=at(W2, 3, 9))
    assert stocks(ann, "raw") == [1, 0]
    assert stocks(bob, "raw") == [0, 1]
    assert flows(bob, "raw") == [0, 0]
    assert stocks(everyone, "raw") == [1, 1]
    assert flows(everyone, "raw") == [1, 0]
