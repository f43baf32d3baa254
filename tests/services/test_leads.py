"""Creating leads by hand (with duplicate detection) and claiming the next one from the pool."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from qc_console.db.database import db
from qc_console.domain.codes import Source
from qc_console.domain.errors import BadInput, DuplicateLead, NotAllowed
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import NewLead
from qc_console.services import leads, touches
from tests.conftest import NOW
from tests.services._util import assert_wrote, dump, last_event_id, make_lead, view

pytestmark = pytest.mark.usefixtures("people")


# --- create --------------------------------------------------------------------------------


def test_create_lead_starts_raw_with_the_speed_to_lead_clock_running() -> None:
    since = last_event_id()
    result = leads.create_lead(
        NewLead(first_name="Zoë", last_name="Ng", email="Zoe@Example.com", company="Acme"),
        actor="ann",
        now=NOW,
    )
    lead = result.leads[0]
    assert (lead.stage, lead.owner, lead.rating, lead.touch_count) == ("raw", "ann", None, 0)
    assert (lead.next_action_due, lead.next_action_note) == (
        NOW + timedelta(minutes=15),
        "first touch",
    )
    assert lead.created_at == lead.stage_entered_at == NOW
    assert_wrote(result, since, kind="create", actor="ann", moves={lead.id: ("raw", "raw")})
    assert replace(view(lead.id), priority=lead.priority) == lead


def test_create_a_qualified_lead_for_another_owner() -> None:
    new = NewLead(
        email="p@example.com",
        stage=Stage.QUALIFIED,
        rating=Rating.HIGH,
        owner="bob",
        source=Source.SALES_PROSPECTING,
    )
    lead = leads.create_lead(new, actor="sue", now=NOW).leads[0]
    assert (lead.stage, lead.rating, lead.owner) == ("qualified", "high", "bob")
    assert lead.next_action_due == NOW + timedelta(days=1)


@pytest.mark.parametrize(
    ("new", "why"),
    [
        (NewLead(first_name="No Contact"), "email or a phone"),
        (NewLead(email="not-an-email"), "not a valid address"),
        (NewLead(email="q@example.com", stage=Stage.QUALIFIED), "needs a rating"),
        (NewLead(email="h@example.com", stage=Stage.HANDED_OFF), "starts raw or qualified"),
        (NewLead(email="c@example.com", campaign="Nope 2026"), "no campaign named"),
    ],
)
def test_create_lead_refuses_bad_input(new: NewLead, why: str) -> None:
    before = dump()
    with pytest.raises(BadInput, match=why):
        leads.create_lead(new, actor="ann", now=NOW)
    assert dump() == before


@pytest.mark.parametrize(
    ("first", "again"),
    [
        (NewLead(email="dup@example.com"), NewLead(email="\u00a0DUP@example.COM ")),
        (NewLead(phone="+44 20 7946 0958"), NewLead(phone="0044 (20) 7946-0958")),
        (
            NewLead(email="x@example.com", phone="+1 555 123 4567"),
            NewLead(phone="001 555 123 4567"),
        ),
    ],
)
def test_create_lead_refuses_a_duplicate_naming_the_existing_lead(
    first: NewLead, again: NewLead
) -> None:
    existing = leads.create_lead(first, actor="ann", now=NOW).leads[0].id
    before = dump()
    with pytest.raises(DuplicateLead, match=f"#{existing}") as caught:
        leads.create_lead(again, actor="bob", now=NOW)
    assert caught.value.existing_id == existing
    assert dump() == before


def test_the_same_phone_with_another_email_is_another_person() -> None:
    leads.create_lead(NewLead(email="a@example.com", phone="555 1234"), actor="ann", now=NOW)
    other = leads.create_lead(
        NewLead(email="b@example.com", phone="555 1234"), actor="ann", now=NOW
    )
    assert other.leads[0].email == "b@example.com"


def test_sales_does_not_create_qualifying_leads() -> None:
    before = dump()
    with pytest.raises(NotAllowed):
        leads.create_lead(NewLead(email="s@example.com"), actor="sam", now=NOW)
    assert dump() == before


# --- claim next ----------------------------------------------------------------------------


def test_claim_next_takes_the_most_urgent_pool_lead() -> None:
    calm = make_lead("qualified", owner=None)  # due tomorrow after its creation: overdue at NOW
    breach = make_lead("raw", owner=None)  # untouched for a day: speed-to-lead breach
    mine = make_lead("raw", owner="bob")  # not in the pool
    since = last_event_id()
    result = leads.claim_next(actor="ann", now=NOW)
    assert [v.id for v in result.leads] == [breach]
    assert view(breach).owner == "ann"
    assert_wrote(result, since, kind="claim", actor="ann", moves={breach: ("raw", "raw")})
    assert leads.claim_next(actor="bob", now=NOW).leads[0].id == calm
    assert view(calm).owner == "bob" and view(mine).owner == "bob"
    before = dump()
    empty = leads.claim_next(actor="ann", now=NOW)
    assert (empty.leads, empty.batch_id, empty.message) == ((), None, "the pool is empty")
    assert dump() == before


def test_claim_next_skips_do_not_contact_and_closed_leads() -> None:
    make_lead("qualified", owner=None, do_not_contact=True)
    make_lead("purged", owner=None)
    touched = make_lead("raw", owner=None)
    touches.log_touch(touched, channel="call", outcome="no_answer", actor="sue", now=NOW)
    assert [v.id for v in leads.claim_next(actor="ann", now=NOW).leads] == [touched]
    assert leads.claim_next(actor="ann", now=NOW).leads == ()


def test_sales_does_not_claim_from_the_pool() -> None:
    make_lead("raw", owner=None)
    before = dump()
    with pytest.raises(NotAllowed):
        leads.claim_next(actor="sam", now=NOW)
    assert dump() == before


def test_concurrent_claims_get_different_leads() -> None:
    pool = {make_lead("raw", owner=None) for _ in range(4)}
    claimers = ["ann", "bob", "sue", "ann"]  # ann twice: two consoles of the same rep
    db.close()  # each thread opens its own connection
    start = threading.Barrier(len(claimers))
    claimed: list[tuple[str, int]] = []
    errors: list[BaseException] = []

    def claim(rep: str) -> None:
        try:
            with db.connection_context():
                start.wait(timeout=10)
                for v in leads.claim_next(actor=rep, now=NOW).leads:
                    claimed.append((rep, v.id))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(rep,)) for rep in claimers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    db.connect(reuse_if_open=True)
    assert errors == []
    assert sorted(i for _, i in claimed) == sorted(pool)
    assert {i: view(i).owner for i in pool} == dict((i, rep) for rep, i in claimed)
