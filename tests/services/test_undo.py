"""Undo: the actor's last batch, single or bulk, step by step; refused when a lead moved on."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Batch, Touch
from qc_console.domain.errors import NothingToUndo, UndoConflict
from qc_console.domain.values import NewLead
from qc_console.services import _apply, leads, sales
from qc_console.services import dispositions as d
from qc_console.services.touches import log_touch
from qc_console.services.undo import undo_last
from tests.services._util import at, dump, events, last_event_id, make_lead, view

pytestmark = pytest.mark.usefixtures("people")

SHOWN = ("stage", "rating", "owner", "sales_owner", "next_action_due", "next_action_note")
SHOWN += ("resurface_on", "reason", "touch_count", "voicemail_count", "first_touch_at")
SHOWN += ("last_touch_at", "amount", "stage_entered_at", "do_not_contact")


def shown(lead_id: int) -> dict[str, object]:
    """What a user sees of a lead (not its version or last-updated stamp)."""
    v = view(lead_id)
    return {k: getattr(v, k) for k in SHOWN}


def test_undo_reverts_a_single_action_and_records_itself() -> None:
    lead = make_lead("raw")
    before = shown(lead)
    done = d.qualify(lead, rating="high", actor="ann", now=at(1))
    since = last_event_id()
    result = undo_last(actor="ann", now=at(2))
    assert shown(lead) == before
    assert (result.batch_id, result.action) == (done.batch_id, "qualify")
    assert "undid qualify" in result.message and "now raw" in result.message
    (event,) = events(after=since)
    assert (event.lead, event.kind, event.actor) == (lead, "undo", "ann")
    assert (event.from_stage, event.to_stage) == ("qualified", "raw")
    assert event.data["undo_of"] == done.batch_id
    assert Batch.get_by_id(done.batch_id).undone_at == at(2)
    with pytest.raises(NothingToUndo):
        undo_last(actor="ann", now=at(3))


def test_undo_of_a_bulk_action_restores_every_lead() -> None:
    ids = [make_lead("raw"), make_lead("qualified", rating="low"), make_lead("incubating")]
    before = {i: shown(i) for i in ids}
    d.qualify(ids, rating="high", actor="ann", now=at(1))
    assert {view(i).stage for i in ids} == {"qualified"}
    since = last_event_id()
    result = undo_last(actor="ann", now=at(2))
    assert {i: shown(i) for i in ids} == before
    assert sorted(v.id for v in result.leads) == sorted(ids)
    new = events(after=since)
    assert sorted(e.lead for e in new) == sorted(ids) and len({e.batch for e in new}) == 1
    assert {e.lead: e.to_stage for e in new} == {
        ids[0]: "raw",
        ids[1]: "qualified",
        ids[2]: "incubating",
    }


def test_a_stack_of_undos_walks_back_one_action_at_a_time() -> None:
    lead = make_lead("raw")
    states = [shown(lead)]
    log_touch(lead, channel="voicemail", outcome="left_voicemail", actor="ann", now=at(1))
    states.append(shown(lead))
    d.qualify(lead, rating="medium", actor="ann", now=at(2))
    states.append(shown(lead))
    d.incubate(lead, days=10, reason="busy season", actor="ann", now=at(3))
    states.append(shown(lead))
    d.purge(lead, reason="no_budget", actor="ann", now=at(4))
    assert view(lead).stage == "purged"
    for minute, expected in enumerate(reversed(states), start=5):
        undo_last(actor="ann", now=at(minute))
        assert shown(lead) == expected
    assert Touch.select().where(Touch.lead == lead).count() == 0
    with pytest.raises(NothingToUndo):
        undo_last(actor="ann", now=at(20))
    assert [e.kind for e in events(lead=lead)][-4:] == ["undo"] * 4


def test_undo_belongs_to_the_actor() -> None:
    mine = make_lead("raw")
    bobs = make_lead("raw", owner="bob")
    d.qualify(mine, rating="low", actor="ann", now=at(1))
    d.qualify(bobs, rating="high", actor="bob", now=at(2))
    undo_last(actor="ann", now=at(3))
    assert (view(mine).stage, view(bobs).stage) == ("raw", "qualified")


def test_undo_refuses_when_a_lead_changed_since_naming_it_and_changing_nothing() -> None:
    a, b = make_lead("raw"), make_lead("raw")
    d.qualify([a, b], rating="high", actor="ann", now=at(1))
    d.set_next_action(b, due=at(600), note="call back", actor="sue", now=at(2))
    before = dump()
    with pytest.raises(UndoConflict) as caught:
        undo_last(actor="ann", now=at(3))
    assert caught.value.changed == [b]
    assert f"#{b}" in str(caught.value) and f"#{a}" not in str(caught.value)
    assert "nothing was undone" in str(caught.value)
    assert dump() == before


def test_undo_of_a_hand_off_and_of_a_sales_rejection() -> None:
    lead = make_lead("qualified")
    d.hand_off(lead, to="sam", actor="ann", now=at(1))
    undo_last(actor="ann", now=at(2))
    after = view(lead)
    assert (after.stage, after.sales_owner) == ("qualified", None)
    assert after.next_action_due is not None
    handed = make_lead("handed_off", sales_rep="tia")
    sales.reject(handed, actor="tia", reason="wrong region", now=at(3))
    undo_last(actor="tia", now=at(4))
    assert (view(handed).stage, view(handed).sales_owner) == ("handed_off", "tia")


def test_undo_of_a_created_lead_retires_it() -> None:
    lead = leads.create_lead(NewLead(email="oops@example.com"), actor="ann", now=at(1)).leads[0]
    undo_last(actor="ann", now=at(2))
    after = view(lead.id)
    assert (after.stage, after.reason, after.next_action_due) == ("purged", "creation undone", None)


def _stored(ids: list[int]) -> dict[int, tuple[object, ...]]:
    """The leads' rows as the database holds them, less what every write stamps anew."""
    stamped = {"version", "updated_at", "updated_by_id"}
    cursor = db.execute_sql("SELECT * FROM lead ORDER BY id")
    names = [c[0] for c in cursor.description]
    keep = [i for i, n in enumerate(names) if n not in stamped]
    return {r[0]: tuple(r[i] for i in keep) for r in cursor.fetchall() if r[0] in ids}


@pytest.mark.parametrize("old_sqlite", [False, True], ids=["update-from", "row-by-row"])
def test_undoing_a_batch_puts_back_each_leads_own_values_exactly(
    old_sqlite: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk action over leads that differed (each its own next action, note, owner) is undone
    by one UPDATE fed every lead's own values; what is stored afterwards is byte for byte what
    was stored before: timestamps with microseconds, text with quotes, tabs and markup."""
    if old_sqlite:
        if is_postgres():
            pytest.skip("the row-by-row fallback is SQLite's before 3.33")
        monkeypatch.setattr(_apply, "sqlite3", SimpleNamespace(sqlite_version_info=(3, 31, 1)))
    ids = [make_lead("raw", owner=("ann", "bob", None)[i % 3]) for i in range(12)]
    for i, lead in enumerate(ids):
        due = at(3) + timedelta(days=i, microseconds=17 * i)
        note = f'call #{i}: "quote" \t tab [bold]x[/] «ü» \\ back'
        d.set_next_action(lead, due=due, note=note, actor="sue", now=at(2))
    before, versions = _stored(ids), [view(i).version for i in ids]
    d.purge(ids, reason="no_budget", actor="sue", now=at(4))
    assert {view(i).stage for i in ids} == {"purged"}
    undo_last(actor="sue", now=at(5))
    assert _stored(ids) == before
    assert [view(i).version for i in ids] == [v + 2 for v in versions]  # purge, then undo
