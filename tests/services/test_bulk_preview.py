"""A bulk preview says exactly what the run then does: the same leads acted on, the same ones
left out, for every action and every kind of actor; and a supervisor re-routes a waiting
hand-off to another sales rep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from qc_console.db.database import db
from qc_console.domain.errors import ActionRefused, NotAllowed
from qc_console.services import dispositions as d
from qc_console.services.facade import ServiceBackend
from qc_console.services.touches import log_touch
from qc_console.services.undo import undo_last
from tests.conftest import NOW
from tests.services._util import dump, make_lead, view

pytestmark = pytest.mark.usefixtures("people")

UNTIL = NOW + timedelta(days=3650)  # ahead of the clock the preview reads too
DUE = NOW + timedelta(days=3650)

CASES: dict[str, tuple[dict[str, Any], Callable[..., Any]]] = {
    "qualify": ({"rating": "high"}, lambda ids, **kw: d.qualify(ids, rating="high", **kw)),
    "hand_off": ({"to": "tia"}, lambda ids, **kw: d.hand_off(ids, to="tia", **kw)),
    "incubate": (
        {"until": UNTIL, "reason": "later"},
        lambda ids, **kw: d.incubate(ids, until=UNTIL, reason="later", **kw),
    ),
    "purge": ({"reason": "bad_data"}, lambda ids, **kw: d.purge(ids, reason="bad_data", **kw)),
    "resurface": ({}, lambda ids, **kw: d.resurface(ids, **kw)),
    "reassign": ({"to": ["bob", None]}, lambda ids, **kw: d.reassign(ids, to=["bob", None], **kw)),
    "reassign_sales": ({"to": "tia"}, lambda ids, **kw: d.reassign(ids, to="tia", **kw)),
    "next_action": (
        {"due": DUE, "note": "call"},
        lambda ids, **kw: d.set_next_action(ids, due=DUE, note="call", **kw),
    ),
    "touch": (
        {"channel": "call", "outcome": "no_answer"},
        lambda ids, **kw: log_touch(ids, channel="call", outcome="no_answer", **kw),
    ),
}


def mixed_leads() -> list[int]:
    """Every stage, owned by ann, bob and nobody; hand-offs to sam."""
    ids = []
    for stage in ("raw", "qualified", "incubating", "handed_off", "accepted", "lost", "purged"):
        for owner in ("ann", "bob", None):
            ids.append(make_lead(stage, owner=owner))
    return ids


@pytest.mark.parametrize("actor", ["ann", "sue", "sam"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_preview_counts_are_what_the_run_does(case: str, actor: str) -> None:
    ids = mixed_leads()
    options, act = CASES[case]
    action = "reassign" if case == "reassign_sales" else case
    preview = ServiceBackend(actor).preview(action, ids, options)
    assert preview.total == len(ids)
    assert sum(preview.by_stage.values()) == len(ids)
    with db.atomic():  # the backend's connection is closed again: run on the test's own
        result = act(ids, actor=actor, now=NOW, skip_refused=True)
    done = sorted(v.id for v in result.leads)
    assert sorted(preview.eligible) == done, case
    assert sorted(s.lead_id for s in preview.skipped) == sorted(s.lead_id for s in result.skipped)
    assert [s.why for s in preview.skipped] == [s.why for s in result.skipped]
    assert len(done) + len(preview.skipped) == len(ids)


def test_a_supervisor_re_routes_a_late_hand_off_to_another_sales_rep() -> None:
    handed = make_lead("handed_off", sales_rep="sam")
    before = view(handed)
    result = d.reassign(handed, to="tia", actor="sue", now=NOW)
    after = view(handed)
    assert (after.stage, after.sales_owner, after.owner) == ("handed_off", "tia", before.owner)
    assert "→" in result.message
    undo_last(actor="sue", now=NOW + timedelta(minutes=1))
    assert view(handed).sales_owner == "sam"


def test_a_hand_off_goes_only_to_another_sales_rep_and_only_by_a_supervisor() -> None:
    handed = make_lead("handed_off", sales_rep="sam")
    before = dump()
    with pytest.raises(ActionRefused, match="another sales rep"):
        d.reassign(handed, to="bob", actor="sue", now=NOW)
    with pytest.raises(ActionRefused, match="already handed to sam"):
        d.reassign(handed, to="sam", actor="sue", now=NOW)
    with pytest.raises(NotAllowed, match="only a supervisor"):
        d.reassign(handed, to="tia", actor="ann", now=NOW)
    assert dump() == before
