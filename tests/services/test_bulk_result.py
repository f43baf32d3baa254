"""What a bulk action hands back and writes, as the fast path makes it: the changed leads as
they stood at commit, the events' JSON in the format every reader expects, the rows the
planners read typed as the model's, and big batches on a wider page cache."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qc_console.db.database import SQLITE_PRAGMAS, WIDE_CACHE_KB, db, is_postgres
from qc_console.services import _apply, _runner, sales
from qc_console.services import dispositions as d
from qc_console.services._rows import Names, load_rows, to_view
from tests.conftest import NOW
from tests.services._util import events, last_event_id, make_lead, view

pytestmark = pytest.mark.usefixtures("people")


def test_the_result_lists_every_lead_as_it_stood_when_the_action_committed() -> None:
    ids = [make_lead("raw"), make_lead("incubating"), make_lead("raw")]
    result = d.qualify(ids, rating="high", actor="ann", now=NOW)
    assert len(result.leads) == 3
    assert [v.id for v in result.leads] == ids
    assert {(v.stage, v.rating) for v in result.leads} == {("qualified", "high")}
    assert result.leads[-1].id == ids[-1] and [v.id for v in result.leads[1:]] == ids[1:]
    fresh = load_rows(ids)
    assert result.leads == tuple(to_view(fresh[i], Names()) for i in ids)  # as a read shows them
    d.reassign(ids[0], to="bob", actor="sue", now=NOW + timedelta(minutes=1))
    # read later, the views still say what this action did (not what happened since)
    assert result.leads[0].owner == "ann" and view(ids[0]).owner == "bob"
    assert result.leads[0].version == view(ids[0]).version - 1


def test_an_empty_result_is_empty() -> None:
    result = d.resurface_due(actor="sue", now=NOW)
    assert result.leads == () and len(result.leads) == 0 and list(result.leads) == []


def test_event_json_keeps_its_format_timestamps_decimals_and_text() -> None:
    note = "kein Interesse — «Łódź» [bold]x[/]"
    lead = make_lead("raw")
    due = view(lead).next_action_due
    since = last_event_id()
    d.purge(lead, reason="do_not_contact", note=note, actor="ann", now=NOW)
    (event,) = events(after=since)
    data = event.data
    assert list(data) == sorted(data) and list(data["before"]) == sorted(data["before"])
    assert data["note"] == note and data["code"] == "do_not_contact"
    assert data["after"]["do_not_contact"] is True and data["before"]["do_not_contact"] is False
    # timestamps as every event since the first wrote them: "2026-… 09:30:00", space-separated
    assert data["after"]["updated_at"] == NOW.isoformat(sep=" ")
    assert data["before"]["next_action_due"] == (due.isoformat(sep=" ") if due else None)
    assert datetime.fromisoformat(data["before"]["updated_at"]) < NOW
    assert data["version"] == data["before"]["version"] + 1 == view(lead).version


def test_an_amount_is_written_as_its_decimal_text() -> None:
    lead = make_lead("handed_off")
    since = last_event_id()
    sales.accept(lead, actor="sam", amount=Decimal("1234.50"), now=NOW)
    (event,) = events(after=since)
    assert event.data["after"]["amount"] == "1234.50"


def test_the_rows_a_planner_reads_are_typed_as_the_model_loads_them() -> None:
    ids = [make_lead("raw"), make_lead("accepted"), make_lead("incubating")]
    d.purge(ids[0], reason="do_not_contact", actor="ann", now=NOW)
    fast = _runner.fetch_rows([*ids, 999_999], lock=True)
    assert set(fast) == set(ids)  # an unknown id is simply absent
    assert fast == load_rows(ids)
    amount = fast[ids[1]]["amount"]
    assert isinstance(amount, Decimal) and amount == Decimal("1000")
    assert fast[ids[0]]["do_not_contact"] is True
    assert isinstance(fast[ids[2]]["resurface_on"], datetime)


def test_a_big_batch_runs_on_the_wider_page_cache_and_gives_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if is_postgres():
        pytest.skip("PostgreSQL has no per-connection page cache to widen")
    seen: list[int] = []
    insert = _apply.insert_events

    def spy(rows: list[tuple[object, ...]]) -> None:
        seen.append(db.execute_sql("PRAGMA cache_size").fetchone()[0])
        insert(rows)

    small, big = [make_lead("raw") for _ in range(2)], [make_lead("raw") for _ in range(3)]
    monkeypatch.setattr(_apply, "insert_events", spy)
    monkeypatch.setattr(_runner, "WIDE_FROM", 3)
    d.purge(small, reason="bad_data", actor="ann", now=NOW)
    d.purge(big, reason="bad_data", actor="ann", now=NOW)
    default = SQLITE_PRAGMAS["cache_size"]
    assert seen == [default, -WIDE_CACHE_KB]
    assert db.execute_sql("PRAGMA cache_size").fetchone()[0] == default


def test_a_refused_big_batch_gives_the_cache_back_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_runner, "WIDE_FROM", 2)
    ids = [make_lead("raw"), make_lead("handed_off")]
    with pytest.raises(Exception, match="accept or reject"):
        d.qualify(ids, rating="high", actor="ann", now=NOW)
    if not is_postgres():
        cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
        assert cache == SQLITE_PRAGMAS["cache_size"]
    assert {view(i).stage for i in ids} == {"raw", "handed_off"}


def test_a_big_batch_keeps_every_character_of_its_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big batch's events go in another way (PostgreSQL: one COPY, whose text format escapes
    tabs, newlines and backslashes); what comes back out is what went in."""
    monkeypatch.setattr(_apply, "COPY_FROM", 2)
    note = 'tab\there, line\nbreak, CR\r, back\\slash \\N, "quoted", [bold]x[/] «ü»'
    ids = [make_lead("raw") for _ in range(3)]
    since = last_event_id()
    result = d.purge(ids, reason="other", note=note, actor="ann", now=NOW)
    written = events(after=since)
    assert [e.lead for e in written] == ids
    assert {e.data["note"] for e in written} == {note}
    assert {e.data["after"]["reason"] for e in written} == {note}
    assert {(e.kind, e.from_stage, e.to_stage, e.batch) for e in written} == {
        ("purge", "raw", "purged", result.batch_id)
    }
    assert [view(i).reason for i in ids] == [note] * 3


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.text(max_size=40).map(lambda t: t + "\n"), max_size=30),
    sizes=st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=8),
)
def test_the_copy_stream_hands_over_every_character_once_in_order(
    lines: list[str], sizes: list[int]
) -> None:
    """COPY reads the events' text a piece at a time while it is still being made: whatever
    the sizes asked for, the pieces put together are the text, and then it says end of file."""
    stream = _apply.Stream(iter(lines))
    pieces, turn = [], 0
    while piece := stream.read(sizes[turn % len(sizes)]):
        assert len(piece) <= sizes[turn % len(sizes)]
        pieces.append(piece)
        turn += 1
    assert "".join(pieces) == "".join(lines)
    assert stream.read(8) == "" and stream.read() == ""
