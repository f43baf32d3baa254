"""Qualify, hand off, incubate, purge, resurface, reassign, next action: one service each."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from qc_console.domain.errors import (
    ActionRefused,
    BadInput,
    InvalidMove,
    NotAllowed,
    RepNotFound,
)
from qc_console.services import dispositions as d
from qc_console.services import leads
from tests.conftest import NOW
from tests.services._util import (
    SETUP,
    assert_wrote,
    dump,
    events,
    last_event_id,
    make_lead,
    row,
    view,
)

pytestmark = pytest.mark.usefixtures("people")


# --- qualify -------------------------------------------------------------------------------


def test_qualify_rates_a_raw_lead_and_keeps_its_next_action() -> None:
    lead = make_lead("raw")
    due = NOW + timedelta(hours=2)
    d.set_next_action(lead, due=due, note="call back", actor="ann", now=NOW)
    since = last_event_id()
    result = d.qualify(lead, rating="high", actor="ann", now=NOW)
    after = view(lead)
    assert (after.stage, after.rating, after.owner) == ("qualified", "high", "ann")
    assert after.next_action_due == due
    assert after.stage_entered_at == NOW and after.updated_by == "ann"
    (event,) = assert_wrote(
        result, since, kind="qualify", actor="ann", moves={lead: ("raw", "qualified")}
    )
    assert event.data["rating"] == "high"
    assert f"#{lead}" in result.message and "(high)" in result.message


def test_qualifying_a_lead_whose_raw_next_action_is_overdue_makes_the_hand_off_next() -> None:
    lead = make_lead("raw")
    d.set_next_action(lead, due=NOW - timedelta(hours=5), note="first touch", actor="ann", now=NOW)
    d.qualify(lead, rating="high", actor="ann", now=NOW)
    after = view(lead)
    assert (after.next_action_note, after.next_action_due) == ("hand off", NOW + timedelta(days=1))
    d.set_next_action(lead, due=NOW - timedelta(hours=1), note="send deck", actor="ann", now=NOW)
    d.qualify(lead, rating="low", actor="ann", now=NOW)  # a re-rate keeps what the rep set
    assert view(lead).next_action_note == "send deck"


def test_re_rating_is_a_qualified_to_qualified_move_but_the_same_rating_is_refused() -> None:
    lead = make_lead("qualified", rating="low")
    since = last_event_id()
    result = d.qualify(lead, rating="medium", actor="ann", now=NOW)
    assert view(lead).rating == "medium"
    assert view(lead).stage_entered_at == SETUP - timedelta(hours=2)  # the stage did not change
    assert_wrote(
        result, since, kind="qualify", actor="ann", moves={lead: ("qualified", "qualified")}
    )
    before = dump()
    with pytest.raises(ActionRefused, match="already qualified medium"):
        d.qualify(lead, rating="medium", actor="ann", now=NOW)
    assert dump() == before


def test_qualifying_an_incubating_lead_brings_it_back_with_a_next_action() -> None:
    lead = make_lead("incubating")
    d.qualify(lead, rating="low", actor="ann", now=NOW)
    after = view(lead)
    assert (after.stage, after.resurface_on) == ("qualified", None)
    assert after.next_action_due == NOW + timedelta(days=1)


def test_qualifying_a_pool_lead_makes_it_the_reps() -> None:
    lead = make_lead("raw", owner=None)
    assert view(lead).owner is None
    d.qualify(lead, rating="low", actor="bob", now=NOW)
    assert view(lead).owner == "bob"


@pytest.mark.parametrize("stage", ["handed_off", "accepted", "won", "lost", "purged"])
def test_qualify_is_refused_outside_the_qualifying_stages(stage: str) -> None:
    lead = make_lead(stage)
    before = dump()
    with pytest.raises((InvalidMove, ActionRefused)) as caught:
        d.qualify(lead, rating="high", actor="sue", now=NOW)
    assert f"#{lead}" in str(caught.value) and stage in str(caught.value)
    assert dump() == before


# --- hand off ------------------------------------------------------------------------------


def test_hand_off_gives_a_qualified_lead_to_sales() -> None:
    lead = make_lead("qualified")
    since = last_event_id()
    result = d.hand_off(lead, to="tia", actor="ann", now=NOW)
    after = view(lead)
    assert (after.stage, after.sales_owner, after.owner) == ("handed_off", "tia", "ann")
    assert after.next_action_due is None
    (event,) = assert_wrote(
        result, since, kind="hand_off", actor="ann", moves={lead: ("qualified", "handed_off")}
    )
    assert event.data["to"] == "tia"
    assert leads.last_hand_off_target(actor="ann") == "tia"


def test_hand_off_of_a_raw_lead_says_it_must_be_qualified_first() -> None:
    lead = make_lead("raw")
    before = dump()
    with pytest.raises(InvalidMove, match="raw → handed_off: a lead must be qualified"):
        d.hand_off(lead, to="sam", actor="ann", now=NOW)
    assert dump() == before


@pytest.mark.parametrize("to", ["bob", "sue", "nobody"])
def test_hand_off_only_to_a_sales_rep(to: str) -> None:
    lead = make_lead("qualified")
    before = dump()
    with pytest.raises((BadInput, RepNotFound)):
        d.hand_off(lead, to=to, actor="ann", now=NOW)
    assert dump() == before


def test_a_do_not_contact_lead_is_not_handed_off() -> None:
    lead = make_lead("qualified", do_not_contact=True)
    before = dump()
    with pytest.raises(ActionRefused, match="do-not-contact"):
        d.hand_off(lead, to="sam", actor="ann", now=NOW)
    assert dump() == before


# --- incubate ------------------------------------------------------------------------------


def test_incubate_parks_a_lead_until_a_date_with_the_reason() -> None:
    lead = make_lead("qualified")
    since = last_event_id()
    until = NOW + timedelta(days=45)
    result = d.incubate(lead, until=until, reason="budget in Q3", actor="ann", now=NOW)
    after = view(lead)
    assert (after.stage, after.resurface_on, after.reason) == ("incubating", until, "budget in Q3")
    assert after.next_action_due is None and after.rating == "medium"
    (event,) = assert_wrote(
        result, since, kind="incubate", actor="ann", moves={lead: ("qualified", "incubating")}
    )
    assert event.data["reason"] == "budget in Q3"


def test_incubate_defaults_to_the_rules_days() -> None:
    lead = make_lead("raw")
    d.incubate(lead, actor="ann", now=NOW)
    assert view(lead).resurface_on == NOW + timedelta(days=30)
    other = make_lead("raw")
    d.incubate(other, days=3, actor="ann", now=NOW)
    assert view(other).resurface_on == NOW + timedelta(days=3)


def test_incubate_refuses_a_past_date_and_an_incubating_lead() -> None:
    lead = make_lead("raw")
    before = dump()
    with pytest.raises(BadInput, match="not in the future"):
        d.incubate(lead, until=NOW - timedelta(days=1), actor="ann", now=NOW)
    assert dump() == before
    parked = make_lead("incubating")
    before = dump()
    with pytest.raises(InvalidMove, match="already incubating"):
        d.incubate(parked, days=5, actor="ann", now=NOW)
    assert dump() == before


def test_the_qualifying_rep_cannot_take_a_hand_off_back() -> None:
    """handed_off → qualified/incubating is sales's rejection, not a QC disposition."""
    lead = make_lead("handed_off")
    before = dump()
    with pytest.raises(InvalidMove, match="accept or reject"):
        d.incubate(lead, days=5, actor="ann", now=NOW)
    with pytest.raises(InvalidMove, match="accept or reject"):
        d.qualify(lead, rating="high", actor="sue", now=NOW)
    assert dump() == before


# --- purge ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["raw", "qualified", "incubating"])
def test_purge_removes_a_lead_with_a_reason_code(stage: str) -> None:
    lead = make_lead(stage)
    since = last_event_id()
    result = d.purge(lead, reason="no_budget", actor="ann", now=NOW)
    after = view(lead)
    assert (after.stage, after.reason, after.next_action_due) == ("purged", "no_budget", None)
    assert after.resurface_on is None
    assert_wrote(result, since, kind="purge", actor="ann", moves={lead: (stage, "purged")})


def test_purge_do_not_contact_marks_the_lead_and_other_needs_a_note() -> None:
    lead = make_lead("raw")
    d.purge(lead, reason="do_not_contact", actor="ann", now=NOW)
    assert view(lead).do_not_contact
    other = make_lead("raw")
    before = dump()
    with pytest.raises(BadInput, match="needs a note"):
        d.purge(other, reason="other", actor="ann", now=NOW)
    assert dump() == before
    d.purge(other, reason="other", note="moved abroad", actor="ann", now=NOW)
    assert view(other).reason == "moved abroad"


@pytest.mark.parametrize(
    ("stage", "why"),
    [("handed_off", "accept or reject"), ("purged", "only by undo"), ("won", "closed")],
)
def test_purge_is_refused_where_the_design_says(stage: str, why: str) -> None:
    lead = make_lead(stage)
    before = dump()
    with pytest.raises(InvalidMove, match=why):
        d.purge(lead, reason="bad_data", actor="sue", now=NOW)
    assert dump() == before


# --- resurface -----------------------------------------------------------------------------


def test_resurface_brings_an_incubation_back_to_raw_with_its_reason() -> None:
    lead = make_lead("incubating")
    since = last_event_id()
    result = d.resurface(lead, actor="ann", now=NOW)
    after = view(lead)
    assert (after.stage, after.resurface_on, after.next_action_due) == ("raw", None, NOW)
    assert after.next_action_note == "resurfaced: budget next quarter"
    assert row(lead)["resurfaced_at"] == NOW
    assert_wrote(result, since, kind="resurface", actor="ann", moves={lead: ("incubating", "raw")})


def test_resurface_due_takes_only_the_incubations_whose_date_came() -> None:
    due_ann = make_lead("incubating")  # resurfaces SETUP + 10 days
    due_bob = make_lead("incubating", owner="bob")
    later = make_lead("raw")
    d.incubate(later, days=30, actor="ann", now=SETUP)
    when = SETUP + timedelta(days=10)
    since = last_event_id()
    result = d.resurface_due(actor="sue", now=when)
    assert {v.id for v in result.leads} == {due_ann, due_bob}
    assert view(due_ann).stage == view(due_bob).stage == "raw"
    assert view(later).stage == "incubating"
    assert_wrote(
        result,
        since,
        kind="resurface",
        actor="sue",
        moves={due_ann: ("incubating", "raw"), due_bob: ("incubating", "raw")},
    )
    assert d.resurface_due(actor="sue", now=when).leads == ()


def test_a_rep_resurfaces_only_their_own_and_is_told_about_the_rest() -> None:
    mine = make_lead("incubating")
    bobs = make_lead("incubating", owner="bob")
    result = d.resurface_due(actor="ann", now=NOW + timedelta(days=20))
    assert [v.id for v in result.leads] == [mine]
    assert [s.lead_id for s in result.skipped] == [bobs]
    assert view(bobs).stage == "incubating"


# --- reassign ------------------------------------------------------------------------------


def test_a_supervisor_reassigns_a_lead_and_releases_one_to_the_pool() -> None:
    lead = make_lead("qualified")
    since = last_event_id()
    result = d.reassign(lead, to="bob", actor="sue", now=NOW)
    assert view(lead).owner == "bob"
    (event,) = assert_wrote(
        result, since, kind="reassign", actor="sue", moves={lead: ("qualified", "qualified")}
    )
    assert event.data["to"] == "bob"
    d.reassign(lead, to=None, actor="sue", now=NOW)
    assert view(lead).owner is None


def test_round_robin_deals_leads_in_turn() -> None:
    ids = [make_lead("raw") for _ in range(7)]
    d.reassign(ids, to=["ann", "bob", None], actor="sue", now=NOW)
    owners = [view(i).owner for i in ids]
    assert owners == ["ann", "bob", None, "ann", "bob", None, "ann"]


def test_weighted_reassign_evens_out_the_load() -> None:
    ids = [make_lead("raw") for _ in range(6)]
    result = d.reassign(ids, to=["ann", "bob"], weights={"ann": 4, "bob": 0}, actor="sue", now=NOW)
    dealt = Counter(v.owner for v in result.leads)
    assert dealt == {"bob": 5, "ann": 1}
    assert Counter(view(i).owner for i in ids) == dealt
    assert len({e.batch for e in events(after=0) if e.kind == "reassign"}) == 1


def test_a_rep_may_take_a_pool_lead_or_release_their_own_but_not_give_it_away() -> None:
    pool = make_lead("raw", owner=None)
    d.reassign(pool, to="ann", actor="ann", now=NOW)
    assert view(pool).owner == "ann"
    d.reassign(pool, to=None, actor="ann", now=NOW)
    assert view(pool).owner is None
    mine = make_lead("raw")
    before = dump()
    with pytest.raises(NotAllowed):
        d.reassign(mine, to="bob", actor="ann", now=NOW)
    assert dump() == before


def test_reassign_refuses_sales_stages_and_sales_reps_as_owners() -> None:
    handed = make_lead("handed_off")
    raw = make_lead("raw")
    before = dump()
    with pytest.raises(ActionRefused, match="worked by sales"):
        d.reassign(handed, to="bob", actor="sue", now=NOW)
    with pytest.raises(ActionRefused, match="cannot own qualifying work"):
        d.reassign(raw, to="sam", actor="sue", now=NOW)
    assert dump() == before


# --- next action ---------------------------------------------------------------------------


def test_set_next_action_sets_what_and_when() -> None:
    lead = make_lead("qualified")
    due = NOW + timedelta(days=2)
    since = last_event_id()
    result = d.set_next_action(lead, due=due, note="send pricing", actor="ann", now=NOW)
    after = view(lead)
    assert (after.next_action_due, after.next_action_note) == (due, "send pricing")
    (event,) = assert_wrote(
        result, since, kind="next_action", actor="ann", moves={lead: ("qualified", "qualified")}
    )
    assert event.data["note"] == "send pricing"


@pytest.mark.parametrize(("stage", "why"), [("incubating", "resurfaces"), ("won", "closed")])
def test_set_next_action_is_refused_on_parked_and_closed_leads(stage: str, why: str) -> None:
    lead = make_lead(stage)
    before = dump()
    with pytest.raises(ActionRefused, match=why):
        d.set_next_action(lead, due=NOW + timedelta(days=1), actor="sue", now=NOW)
    assert dump() == before


def test_preview_bulk_lists_what_would_be_left_out_without_writing() -> None:
    ok = make_lead("raw")
    handed = make_lead("handed_off")
    before = dump()
    preview = d.preview_bulk("purge", [ok, handed], actor="ann", options={"reason": "bad_data"})
    assert preview.eligible == (ok,) and preview.total == 2
    assert preview.by_stage == {"raw": 1, "handed_off": 1}
    assert [s.lead_id for s in preview.skipped] == [handed]
    assert dump() == before


def test_a_closed_lead_is_not_reassigned_and_the_reason_says_closed() -> None:
    lead = make_lead("purged")
    with pytest.raises(ActionRefused, match="is purged: a closed lead keeps the owner"):
        d.reassign(lead, to="bob", actor="sue", now=NOW)
    assert view(lead).owner == "ann"
