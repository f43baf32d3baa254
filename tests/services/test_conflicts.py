"""Stale versions and role refusals: the action is refused and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from qc_console.domain.errors import NotAllowed, StaleLead
from qc_console.services import dispositions as d
from qc_console.services import sales
from qc_console.services.touches import log_touch
from qc_console.services.undo import undo_last
from tests.conftest import NOW
from tests.services._util import at, dump, make_lead, view

pytestmark = pytest.mark.usefixtures("people")


# --- stale versions ------------------------------------------------------------------------


def test_acting_on_a_lead_someone_changed_since_reading_it_is_refused() -> None:
    lead = make_lead("raw")
    seen = view(lead).version
    d.set_next_action(lead, due=at(600), note="call at 9", actor="sue", now=at(1))
    before = dump()
    with pytest.raises(StaleLead) as caught:
        d.qualify(lead, rating="high", actor="ann", expected={lead: seen}, now=at(2))
    assert str(caught.value) == f"lead #{lead} changed by sue at 2026-03-04 15:01 — reloaded"
    assert (caught.value.by, caught.value.at) == ("sue", at(1))
    assert dump() == before
    fresh = view(lead).version
    d.qualify(lead, rating="high", actor="ann", expected={lead: fresh}, now=at(3))
    assert view(lead).stage == "qualified"


def test_one_stale_lead_refuses_the_whole_bulk_action() -> None:
    a, b, c = make_lead("raw"), make_lead("raw"), make_lead("raw")
    seen = {i: view(i).version for i in (a, b, c)}
    log_touch(b, channel="call", outcome="no_answer", actor="sue", now=at(1))
    before = dump()
    with pytest.raises(StaleLead, match=f"#{b} changed by sue"):
        d.purge([a, b, c], reason="bad_data", actor="ann", expected=seen, now=at(2))
    with pytest.raises(StaleLead):  # skipping refused leads does not skip stale ones
        d.purge([a, b, c], reason="bad_data", actor="ann", expected=seen, skip_refused=True)
    assert dump() == before


def test_every_write_bumps_the_version_even_undo() -> None:
    lead = make_lead("raw")
    v0 = view(lead).version
    d.qualify(lead, rating="low", actor="ann", now=at(1))
    undo_last(actor="ann", now=at(2))
    assert view(lead).version == v0 + 2
    with pytest.raises(StaleLead, match="changed by ann"):
        d.qualify(lead, rating="low", actor="ann", expected={lead: v0}, now=at(3))


# --- roles ---------------------------------------------------------------------------------

Act = Callable[[int, str], object]


def _qualify(i: int, who: str) -> object:
    return d.qualify(i, rating="high", actor=who, now=NOW)


def _touch(i: int, who: str) -> object:
    return log_touch(i, channel="call", outcome="connected", actor=who, now=NOW)


def _next(i: int, who: str) -> object:
    return d.set_next_action(i, due=NOW + timedelta(days=1), actor=who, now=NOW)


def _accept(i: int, who: str) -> object:
    return sales.accept(i, actor=who, now=NOW)


def _reject(i: int, who: str) -> object:
    return sales.reject(i, reason="not for us", actor=who, now=NOW)


def _won(i: int, who: str) -> object:
    return sales.record_outcome(i, outcome="won", actor=who, now=NOW)


REFUSALS: list[tuple[str, str, str | None, str, Act]] = [
    # (what, lead stage, lead owner, actor, action); the sales rep is always sam
    ("rep qualifies another rep's lead", "raw", "bob", "ann", _qualify),
    ("rep touches another rep's lead", "qualified", "bob", "ann", _touch),
    ("rep sets another rep's next action", "qualified", "bob", "ann", _next),
    (
        "rep purges another rep's lead",
        "raw",
        "bob",
        "ann",
        lambda i, who: d.purge(i, reason="bad_data", actor=who, now=NOW),
    ),
    (
        "rep takes another rep's lead",
        "raw",
        "bob",
        "ann",
        lambda i, who: d.reassign(i, to=who, actor=who, now=NOW),
    ),
    (
        "rep gives a pool lead to another rep",
        "raw",
        None,
        "ann",
        lambda i, who: d.reassign(i, to="bob", actor=who, now=NOW),
    ),
    ("rep accepts", "handed_off", "ann", "ann", _accept),
    ("rep rejects", "handed_off", "ann", "ann", _reject),
    ("rep records an outcome", "accepted", "ann", "ann", _won),
    ("sales qualifies", "raw", "ann", "sam", _qualify),
    ("sales re-rates a lead it rejected", "qualified", "ann", "sam", _qualify),
    (
        "sales purges",
        "qualified",
        "ann",
        "sam",
        lambda i, who: d.purge(i, reason="no_budget", actor=who, now=NOW),
    ),
    ("sales accepts another sales rep's hand-off", "handed_off", "ann", "tia", _accept),
    ("sales rejects another sales rep's hand-off", "handed_off", "ann", "tia", _reject),
    ("sales closes another sales rep's deal", "accepted", "ann", "tia", _won),
    ("sales touches another sales rep's prospect", "accepted", "ann", "tia", _touch),
    (
        "sales recycles another sales rep's lost deal",
        "lost",
        "ann",
        "tia",
        lambda i, who: d.incubate(i, days=90, actor=who, now=NOW),
    ),
]


@pytest.mark.parametrize(
    ("stage", "owner", "actor", "act"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_role_refusal_names_the_lead_and_the_actor_and_writes_nothing(
    stage: str, owner: str | None, actor: str, act: Act
) -> None:
    lead = make_lead(stage, owner=owner, sales_rep="sam")
    before = dump()
    with pytest.raises(NotAllowed) as caught:
        act(lead, actor)
    assert f"#{lead}" in str(caught.value) and actor in str(caught.value)
    assert dump() == before


def test_an_inactive_rep_can_do_nothing() -> None:
    from qc_console.db.models import Rep

    lead = make_lead("raw")
    Rep.update(active=False).where(Rep.name == "ann").execute()
    before = dump()
    with pytest.raises(NotAllowed, match="no longer active"):
        d.qualify(lead, rating="high", actor="ann", now=NOW)
    assert dump() == before


def test_the_supervisor_may_act_on_anyones_lead() -> None:
    lead = make_lead("handed_off", owner="bob", sales_rep="tia")
    sales.accept(lead, actor="sue", now=NOW)
    assert view(lead).stage == "accepted"
