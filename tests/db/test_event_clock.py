"""PostgreSQL: a console's change token never passes an event whose transaction is still in
flight (event ids are drawn at insert, not at commit), so no committed change is missed."""

from __future__ import annotations

from datetime import timedelta

import psycopg2
import pytest

from qc_console.db.database import db, is_postgres
from qc_console.db.event_clock import EVENT_WRITERS
from qc_console.services import dispositions as d
from qc_console.services import queue
from tests.conftest import NOW
from tests.services._util import make_lead

pytestmark = pytest.mark.usefixtures("people")


def test_a_change_committed_behind_a_later_one_is_still_seen(db_url: str) -> None:
    if not is_postgres():
        pytest.skip("SQLite writes one transaction at a time: ids follow the commits")
    slow, quick = make_lead("raw"), make_lead("raw")
    token = queue.change_token()
    other = psycopg2.connect(db_url)  # a bulk action in another console, not committed yet
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s)", (EVENT_WRITERS,))
            cur.execute(
                "INSERT INTO lead_event (lead_id, at, kind, data) VALUES (%s, now(), 'touch', '{}')"
                " RETURNING id",
                (slow,),
            )
            (slow_event,) = cur.fetchone()
        # meanwhile a single action commits an event with a later id
        d.set_next_action(quick, due=NOW + timedelta(days=1), actor="ann", now=NOW)
        mid = queue.change_token()
        assert mid == token < slow_event  # the token waits for the transaction in flight …
        other.commit()
    finally:
        other.close()
    after = queue.change_token()
    assert after > slow_event  # … and moves once it has ended
    assert {slow, quick} <= set(queue.changed_since(mid))  # nothing was skipped
    assert queue.changed_since(after) == []


def test_writers_do_not_wait_for_each_other(db_url: str) -> None:
    """The lock writers hold is shared: two actions in flight at once both commit."""
    if not is_postgres():
        pytest.skip("PostgreSQL only")
    lead = make_lead("raw")
    other = psycopg2.connect(db_url)
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s)", (EVENT_WRITERS,))
        db.execute_sql("SET lock_timeout = '2s'")  # a wait would fail, not hang
        d.set_next_action(lead, due=NOW + timedelta(days=1), actor="ann", now=NOW)
        other.commit()
    finally:
        other.close()
