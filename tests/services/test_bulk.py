"""Bulk dispositions: all-or-nothing by default, refused leads left out on request, one batch,
and a failure half-way leaves the database as it was."""

from __future__ import annotations

import pytest

from qc_console.db.models import Lead, Touch
from qc_console.domain.errors import InvalidMove
from qc_console.services import _apply
from qc_console.services import dispositions as d
from qc_console.services.touches import log_touch
from qc_console.services.undo import undo_last
from tests.conftest import NOW
from tests.services._util import assert_wrote, at, dump, events, last_event_id, make_lead, view

pytestmark = pytest.mark.usefixtures("people")


def test_a_bulk_action_is_one_batch_with_one_event_per_lead() -> None:
    ids = [make_lead("raw") for _ in range(5)]
    since = last_event_id()
    result = d.qualify(ids, rating="medium", actor="ann", now=NOW)
    assert_wrote(
        result, since, kind="qualify", actor="ann", moves={i: ("raw", "qualified") for i in ids}
    )
    assert result.message == "qualify: 5 lead(s)"


def test_one_refused_lead_refuses_the_whole_bulk_action() -> None:
    ok = [make_lead("raw"), make_lead("incubating")]
    handed = make_lead("handed_off")
    before = dump()
    with pytest.raises(InvalidMove) as caught:
        d.qualify([*ok, handed], rating="high", actor="ann", now=NOW)
    assert caught.value.lead_id == handed
    assert dump() == before


def test_skip_refused_acts_on_the_rest_and_says_who_was_left_out_and_why() -> None:
    ok = [make_lead("raw"), make_lead("incubating")]
    handed = make_lead("handed_off")
    bobs = make_lead("raw", owner="bob")
    since = last_event_id()
    result = d.qualify(
        [ok[0], handed, ok[1], bobs], rating="high", actor="ann", now=NOW, skip_refused=True
    )
    assert_wrote(
        result,
        since,
        kind="qualify",
        actor="ann",
        moves={ok[0]: ("raw", "qualified"), ok[1]: ("incubating", "qualified")},
    )
    assert [(s.lead_id, s.stage) for s in result.skipped] == [(handed, "handed_off"), (bobs, "raw")]
    assert "accept or reject" in result.skipped[0].why
    assert "belongs to bob" in result.skipped[1].why
    assert result.message == "qualify: 2 lead(s), 2 left out"
    assert view(handed).stage == "handed_off" and view(bobs).stage == "raw"


def test_skip_refused_with_nothing_left_writes_nothing() -> None:
    handed = make_lead("handed_off")
    before = dump()
    result = d.qualify([handed], rating="high", actor="ann", now=NOW, skip_refused=True)
    assert (result.leads, result.batch_id, len(result.skipped)) == ((), None, 1)
    assert dump() == before


def test_a_failure_half_way_leaves_the_database_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [make_lead("raw") for _ in range(4)]
    touched = make_lead("qualified")
    before = dump()
    seen: list[tuple[int, int]] = []

    def broken(events: list) -> None:
        # by now the lead rows (and the touch row) are written, inside the transaction
        written = Lead.select().where(Lead.id.in_(ids) & (Lead.stage == "qualified")).count()
        seen.append((len(events), written + Touch.select().count()))
        raise RuntimeError("disk full")

    monkeypatch.setattr(_apply, "insert_events", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        d.qualify(ids, rating="high", actor="ann", now=NOW)
    with pytest.raises(RuntimeError, match="disk full"):
        log_touch([touched], channel="call", outcome="connected", actor="ann", now=NOW)
    assert seen == [(4, 4), (1, 1)]
    assert dump() == before


def test_bulk_undo_restores_every_lead_of_the_batch_only() -> None:
    ids = [make_lead("raw"), make_lead("qualified"), make_lead("incubating")]
    other = make_lead("raw")
    d.purge(other, reason="duplicate", actor="ann", now=at(1))
    d.purge(ids, reason="no_budget", actor="ann", now=at(2))
    since = last_event_id()
    result = undo_last(actor="ann", now=at(3))
    assert [view(i).stage for i in ids] == ["raw", "qualified", "incubating"]
    assert view(other).stage == "purged"
    assert sorted(e.lead for e in events(after=since)) == sorted(ids)
    assert result.message == "undid purge of 3 leads"
    undo_last(actor="ann", now=at(4))
    assert view(other).stage == "raw"
