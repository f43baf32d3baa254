"""The sales side: accept, reject (recycled, never lost) and the outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qc_console.domain.errors import ActionRefused, BadInput, InvalidMove
from qc_console.domain.values import QueueFilter
from qc_console.services import dispositions, queue, sales
from tests.conftest import NOW
from tests.services._util import assert_wrote, dump, last_event_id, make_lead, view

pytestmark = pytest.mark.usefixtures("people")


def test_accept_makes_a_hand_off_an_active_prospect_with_an_amount() -> None:
    lead = make_lead("handed_off")
    since = last_event_id()
    result = sales.accept(lead, actor="sam", amount=12500.5, now=NOW)
    after = view(lead)
    assert (after.stage, after.amount, after.sales_owner) == ("accepted", 12500.5, "sam")
    (event,) = assert_wrote(
        result, since, kind="accept", actor="sam", moves={lead: ("handed_off", "accepted")}
    )
    assert event.data["amount"] == 12500.5


def test_accept_is_refused_unless_handed_off() -> None:
    lead = make_lead("accepted")
    before = dump()
    with pytest.raises(InvalidMove, match="accepted → accepted"):
        sales.accept(lead, actor="sam", now=NOW)
    assert dump() == before


def test_reject_recycles_to_qualified_back_in_the_reps_queue() -> None:
    lead = make_lead("handed_off")
    since = last_event_id()
    result = sales.reject(lead, actor="sam", reason="no authority to buy", now=NOW)
    after = view(lead)
    assert (after.stage, after.owner, after.sales_owner) == ("qualified", "ann", None)
    assert after.reason == "no authority to buy"
    assert after.next_action_due == NOW
    assert after.next_action_note == "rejected by sales: no authority to buy"
    (event,) = assert_wrote(
        result, since, kind="reject", actor="sam", moves={lead: ("handed_off", "qualified")}
    )
    assert event.data == event.data | {"reason": "no authority to buy", "recycle_to": "qualified"}
    page = queue.queue_page(QueueFilter(), actor="ann", now=NOW)
    assert lead in [v.id for v in page.rows]


def test_reject_recycles_to_incubating_for_the_rules_days() -> None:
    lead = make_lead("handed_off")
    since = last_event_id()
    result = sales.reject(lead, actor="sam", reason="next year", recycle_to="incubating", now=NOW)
    after = view(lead)
    assert (after.stage, after.resurface_on) == ("incubating", NOW + timedelta(days=30))
    assert after.sales_owner is None and after.reason == "next year"
    assert_wrote(
        result, since, kind="reject", actor="sam", moves={lead: ("handed_off", "incubating")}
    )


def test_reject_needs_a_reason_and_a_hand_off() -> None:
    lead = make_lead("handed_off")
    before = dump()
    with pytest.raises(BadInput, match="needs a reason"):
        sales.reject(lead, actor="sam", reason="  ", now=NOW)
    assert dump() == before
    accepted = make_lead("accepted")
    before = dump()
    with pytest.raises(ActionRefused, match="only a handed-off lead can be rejected"):
        sales.reject(accepted, actor="sam", reason="changed my mind", now=NOW)
    assert dump() == before


@pytest.mark.parametrize(
    ("outcome", "amount"), [("won", 9000.0), ("lost", None), ("delayed", None)]
)
def test_record_outcome(outcome: str, amount: float | None) -> None:
    lead = make_lead("accepted")  # accepted with an amount of 1000
    since = last_event_id()
    result = sales.record_outcome(lead, actor="sam", outcome=outcome, amount=amount, now=NOW)
    after = view(lead)
    assert after.stage == outcome
    assert after.amount == (amount if amount is not None else 1000.0)
    (event,) = assert_wrote(
        result, since, kind="outcome", actor="sam", moves={lead: ("accepted", outcome)}
    )
    assert event.data["outcome"] == outcome


def test_a_delayed_deal_can_still_be_won_or_lost_and_lost_leads_are_recycled() -> None:
    delayed = make_lead("delayed")
    sales.record_outcome(delayed, actor="sam", outcome="won", amount=4000, now=NOW)
    assert (view(delayed).stage, view(delayed).amount) == ("won", 4000.0)
    lost = make_lead("lost")
    dispositions.incubate(lost, days=180, reason="retry next budget year", actor="sam", now=NOW)
    after = view(lost)
    assert (after.stage, after.owner, after.sales_owner) == ("incubating", "ann", None)


@pytest.mark.parametrize(
    ("stage", "outcome"), [("handed_off", "won"), ("won", "lost"), ("delayed", "delayed")]
)
def test_outcomes_follow_the_table(stage: str, outcome: str) -> None:
    lead = make_lead(stage)
    before = dump()
    with pytest.raises(InvalidMove, match=f"{stage} → {outcome}"):
        sales.record_outcome(lead, actor="sam", outcome=outcome, now=NOW)
    assert dump() == before
