"""Logging touches: the touch row, the counters and the first/last touch stay in step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qc_console.db.models import Touch
from qc_console.domain.errors import ActionRefused
from qc_console.services.leads import lead_detail
from qc_console.services.touches import log_touch
from tests.conftest import NOW
from tests.services._util import assert_wrote, at, dump, last_event_id, make_lead, view

pytestmark = pytest.mark.usefixtures("people")


def test_a_touch_is_recorded_with_its_counters_and_one_event() -> None:
    lead = make_lead("raw")
    since = last_event_id()
    result = log_touch(
        lead, channel="call", outcome="connected", note="asked for a demo", actor="ann", now=NOW
    )
    after = view(lead)
    assert (after.touch_count, after.voicemail_count) == (1, 0)
    assert after.first_touch_at == after.last_touch_at == NOW
    assert after.stage == "raw"
    (event,) = assert_wrote(result, since, kind="touch", actor="ann", moves={lead: ("raw", "raw")})
    (touch,) = lead_detail(lead).touches
    assert (touch.channel, touch.outcome, touch.note, touch.rep, touch.at) == (
        "call",
        "connected",
        "asked for a demo",
        "ann",
        NOW,
    )
    assert event.data["touch_id"] == touch.id


def test_voicemails_are_counted_by_channel_or_outcome() -> None:
    lead = make_lead("qualified")
    log_touch(lead, channel="call", outcome="no_answer", actor="ann", now=at(1))
    log_touch(lead, channel="voicemail", outcome="no_answer", actor="ann", now=at(2))
    log_touch(lead, channel="call", outcome="left_voicemail", actor="ann", now=at(3))
    log_touch(lead, channel="email", outcome="replied", actor="ann", now=at(4))
    after = view(lead)
    assert (after.touch_count, after.voicemail_count) == (4, 2)
    assert Touch.select().where(Touch.lead == lead).count() == 4


def test_first_and_last_touch_follow_when_the_touches_happened() -> None:
    lead = make_lead("raw")
    log_touch(lead, channel="call", outcome="no_answer", actor="ann", now=at(60))
    # logged later, but it happened earlier (a call made before lunch, entered after)
    log_touch(lead, channel="email", outcome="bounced", actor="ann", at=at(-30), now=at(90))
    after = view(lead)
    assert (after.first_touch_at, after.last_touch_at) == (at(-30), at(60))
    log_touch(lead, channel="social", outcome="replied", actor="ann", now=at(120))
    assert view(lead).last_touch_at == at(120)
    assert [t.at for t in lead_detail(lead).touches] == [at(120), at(60), at(-30)]


def test_a_touch_can_set_the_next_action() -> None:
    lead = make_lead("raw")
    due = NOW + timedelta(days=2)
    log_touch(
        lead,
        channel="call",
        outcome="meeting_set",
        next_due=due,
        next_note="demo call",
        actor="ann",
        now=NOW,
    )
    after = view(lead)
    assert (after.next_action_due, after.next_action_note) == (due, "demo call")


def test_a_touch_on_a_pool_lead_claims_it() -> None:
    lead = make_lead("raw", owner=None)
    log_touch(lead, channel="call", outcome="no_answer", actor="bob", now=NOW)
    assert view(lead).owner == "bob"


@pytest.mark.parametrize("stage", ["won", "lost", "purged"])
def test_closed_leads_take_no_touches(stage: str) -> None:
    lead = make_lead(stage)
    before = dump()
    with pytest.raises(ActionRefused, match="closed leads take no touches"):
        log_touch(lead, channel="call", outcome="connected", actor="sue", now=NOW)
    assert dump() == before


def test_do_not_contact_allows_only_inbound_channels() -> None:
    dnc = make_lead("qualified", do_not_contact=True)
    before = dump()
    with pytest.raises(ActionRefused, match="do-not-contact"):
        log_touch(dnc, channel="call", outcome="connected", actor="ann", now=NOW)
    assert dump() == before
    log_touch(dnc, channel="web", outcome="replied", actor="ann", now=NOW)
    assert view(dnc).touch_count == 1


def test_sales_touches_the_leads_handed_to_them() -> None:
    lead = make_lead("accepted", sales_rep="sam")
    log_touch(lead, channel="meeting", outcome="connected", actor="sam", now=NOW)
    assert view(lead).touch_count == 1
    assert lead_detail(lead).touches[0].rep == "sam"
