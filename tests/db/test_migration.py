"""Upgrading a database made by the first schema version (tests/data/v1.sqlite, built by
tests/tools/make_v1_db.py) keeps every row and leaves a database the services work on."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qc_console.db.database import close_database, db, open_database
from qc_console.db.models import Campaign
from qc_console.db.schema import latest_name, migrate, pending, schema_status
from qc_console.domain.errors import DuplicateLead
from qc_console.domain.values import NewLead, QueueFilter
from qc_console.services import dispositions, leads, queue, reps
from qc_console.services.facade import open_backend
from qc_console.services.integrity import check_integrity
from qc_console.services.undo import undo_last
from tests.db.test_schema import schema_of

V1 = Path(__file__).resolve().parents[1] / "data" / "v1.sqlite"
NOW = datetime(2026, 3, 4, 15, 0)
Rows = dict[str, list[dict[str, Any]]]


def raw_rows(path: Path) -> Rows:
    """Every row of every table, read with plain sqlite3 (no ORM conversions)."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            t: [dict(r) for r in con.execute(f'SELECT * FROM "{t}" ORDER BY 1')] for t in tables
        }
    finally:
        con.close()


@pytest.fixture
def v1_copy(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(V1, path)
    yield path
    close_database()


def test_the_fixture_is_a_first_version_file() -> None:
    old = raw_rows(V1)
    assert [r["name"] for r in old["schema_version"]] == ["0001_initial"]
    assert "cost" not in old["campaign"][0] and "resurfaced_at" not in old["lead"][0]
    assert {t: len(rows) for t, rows in old.items()} == {
        "rep": 5,
        "campaign": 2,
        "lead": 6,
        "touch": 3,
        "batch": 11,
        "lead_event": 16,
        "schema_version": 1,
    }


def test_upgrading_keeps_every_row_and_adds_the_new_columns(v1_copy: Path) -> None:
    before = raw_rows(v1_copy)
    open_database(f"sqlite:///{v1_copy}")
    db.connect()
    waiting = pending()
    assert waiting == [n for n, _ in schema_status() if n != "0001_initial"]
    assert waiting[-1] == latest_name()
    assert migrate() == waiting
    assert pending() == []
    close_database()
    after = raw_rows(v1_copy)
    assert set(after) >= set(before)
    assert all(after[t] == [] for t in set(after) - set(before)), "new tables start empty"
    for table, rows in before.items():
        if table == "schema_version":
            continue
        kept = [{k: r[k] for k in rows[0]} for r in after[table]]
        assert kept == rows, f"{table} rows changed"
    assert [r["cost"] for r in after["campaign"]] == [0, 0]
    assert [r["resurfaced_at"] for r in after["lead"]] == [None] * 6
    assert [r["name"] for r in after["schema_version"]][0] == "0001_initial"
    assert after["schema_version"][0] == before["schema_version"][0]


def test_the_upgraded_schema_is_the_fresh_schema(v1_copy: Path, tmp_path: Path) -> None:
    open_database(f"sqlite:///{v1_copy}")
    db.connect()
    migrate()
    upgraded = schema_of()
    close_database()
    open_database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    db.connect()
    migrate()
    assert upgraded == schema_of()


def test_the_upgraded_file_tells_one_consistent_story(v1_copy: Path) -> None:
    open_backend(f"sqlite:///{v1_copy}", "ann")
    db.connect(reuse_if_open=True)
    report = check_integrity()
    assert report.ok, report.errors
    assert (report.leads, report.events, report.touches) == (6, 16, 3)


def test_the_services_work_on_an_upgraded_file(v1_copy: Path) -> None:
    open_backend(f"sqlite:///{v1_copy}", "ann")  # what the app does: upgrade on open
    db.connect(reuse_if_open=True)
    assert pending() == []
    zoe = leads.lead_detail(1).lead
    assert (zoe.name, zoe.campaign, zoe.stage, zoe.owner) == (
        "Zoë Ng",
        "Spring Expo 2025",
        "raw",
        "ann",
    )
    detail = leads.lead_detail(2)
    assert [e.kind for e in detail.events] == ["qualify", "touch", "touch", "create"]
    assert [t.note for t in detail.touches] == ["wants pricing", ""]
    assert leads.lead_detail(5).lead.amount == 12500.5

    result = dispositions.qualify(1, rating="high", actor="ann", now=NOW)
    assert result.leads[0].stage == "qualified"
    assert leads.lead_detail(1).lead.version == 3
    undo_last(actor="ann", now=NOW)
    assert leads.lead_detail(1).lead.stage == "raw"

    parked = dispositions.resurface(3, actor="ann", now=NOW).leads[0]
    assert (parked.stage, parked.next_action_note) == ("raw", "resurfaced: budget next quarter")
    page = queue.queue_page(QueueFilter(), actor="ann", now=NOW)
    assert {v.id for v in page.rows} >= {1, 3}
    reps.add_campaign("Autumn Expo", "trade_show", cost=1500.0, now=NOW)
    assert Campaign.get(Campaign.name == "Autumn Expo").cost == Decimal("1500")


def test_actions_of_the_first_version_can_be_undone_after_the_upgrade(v1_copy: Path) -> None:
    open_backend(f"sqlite:///{v1_copy}", "sam")
    db.connect(reuse_if_open=True)
    undo_last(actor="sam", now=NOW)  # sam's accept of lead 5
    deal = leads.lead_detail(5).lead
    assert (deal.stage, deal.amount, deal.sales_owner) == ("handed_off", None, "sam")
    undo_last(actor="bob", now=NOW)  # bob's purge of lead 6
    pat = leads.lead_detail(6).lead
    assert (pat.stage, pat.do_not_contact, pat.reason) == ("raw", False, "")
    assert pat.next_action_due == datetime(2025, 3, 3, 14, 15)
    assert check_integrity().ok


def test_upgrading_gives_old_phone_keys_their_country_code(v1_copy: Path) -> None:
    """Keys stored as bare digits still find the lead when the same number comes back in
    international form (0009)."""
    con = sqlite3.connect(v1_copy)
    with con:
        con.execute(
            "UPDATE lead SET phone = '(415) 555-0100', phone_key = '4155550100' WHERE id = 1"
        )
    con.close()
    open_database(f"sqlite:///{v1_copy}")
    db.connect()
    migrate()
    keys = dict(db.execute_sql("SELECT id, phone_key FROM lead WHERE phone <> ''").fetchall())
    assert keys == {1: "+14155550100", 2: "+81312345678"}
    with pytest.raises(DuplicateLead, match=r"\+14155550100"):
        leads.create_lead(NewLead(first_name="Ada", phone="+1 415 555 0100"), actor="sue")
