"""The schema on PostgreSQL: real column types, the queue's indexes, upgrades that keep data,
and id sequences that survive rows inserted with explicit ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.db import lead_keys
from qc_console.db.database import close_database, db, open_database, sync_sequences
from qc_console.db.models import ALL_MODELS, KEYS_APART_ON_POSTGRES, Lead
from qc_console.db.schema import latest_name, migrate, schema_status
from qc_console.domain.values import NewLead
from qc_console.services import reps
from qc_console.services.facade import ServiceBackend
from tests import pg
from tests.conftest import NOW

pytestmark = pytest.mark.skipif("postgres" not in pg.engines(), reason="PostgreSQL tests are off")


@pytest.fixture
def pg_db(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty PostgreSQL database, opened (not migrated) on this thread."""
    for url in pg.fresh_database(request):
        open_database(url)
        db.connect()
        yield url
        close_database()


def columns(table: str) -> dict[str, str]:
    rows = db.execute_sql(
        "SELECT column_name, data_type, numeric_precision, numeric_scale"
        " FROM information_schema.columns WHERE table_name = %s",
        (table,),
    ).fetchall()
    return {name: f"{kind}({p},{s})" if kind == "numeric" else kind for name, kind, p, s in rows}


def insert_lead(**values: object) -> None:
    """A lead row as the first schema version had it (raw SQL: no model defaults)."""
    row: dict[str, object] = {
        **dict.fromkeys(
            "first_name last_name email email_key phone phone_key company title country notes"
            " next_action_note reason_code reason".split(),
            "",
        ),
        **dict.fromkeys("rating_rank touch_count voicemail_count".split(), 0),
        "source": "web",
        "stage": "raw",
        "do_not_contact": False,
        "version": 1,
        **dict.fromkeys("created_at stage_entered_at updated_at".split(), NOW),
        **values,
    }
    names = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    db.execute_sql(f"INSERT INTO lead ({names}) VALUES ({marks})", tuple(row.values()))


def test_init_builds_every_table_with_real_types(pg_db: str) -> None:
    migrate()

    assert [name for name, applied in schema_status() if not applied] == []
    tables = set(db.get_tables())
    assert {m._meta.table_name for m in ALL_MODELS} <= tables
    lead = columns("lead")
    assert lead["amount"] == "numeric(14,2)"
    assert lead["do_not_contact"] == "boolean"
    assert lead["created_at"] == "timestamp without time zone"  # naive UTC, as on SQLite
    assert columns("campaign")["cost"] == "numeric(14,2)"


def test_every_model_index_exists(pg_db: str) -> None:
    migrate()

    for model in ALL_MODELS:
        table = model._meta.table_name
        have = {(tuple(i.columns), " WHERE " in i.sql.upper()) for i in db.get_indexes(table)}
        for ix in model._meta.fields_to_index():
            wanted = (tuple(f.column_name for f in ix._expressions), ix._where is not None)
            if model is Lead and wanted[0][0] in KEYS_APART_ON_POSTGRES:
                assert wanted not in have, f"lead keeps an index on {wanted}: lead_key has it"
                continue
            assert wanted in have, f"{table} lacks an index on {wanted}"


def test_upgrading_a_first_version_database_keeps_its_leads(pg_db: str) -> None:
    migrate(target="0001_initial")
    db.execute_sql(
        "INSERT INTO rep (name, role, email, active, created_at) VALUES ('ann','rep','',true,%s)",
        (NOW,),
    )
    insert_lead(first_name="Łukasz", email="l@x.com", owner_id=1, amount=Decimal("1234.5"))

    applied = migrate()

    assert applied and applied[-1] == latest_name()
    lead = Lead.get()
    assert (lead.first_name, lead.amount, lead.created_at) == ("Łukasz", Decimal("1234.50"), NOW)
    assert lead.resurfaced_at is None  # a column the upgrade added


def test_explicit_ids_then_a_normal_insert_do_not_collide(pg_db: str) -> None:
    """Seeding and restores insert ids themselves; the sequences must follow."""
    migrate()
    reps.add_rep("ann", "rep", now=NOW)
    for lead_id in (7, 8, 40):
        insert_lead(id=lead_id, email=f"{lead_id}@x.com")

    sync_sequences("lead")
    created = ServiceBackend("ann").create_lead(NewLead(email="new@x.com")).leads[0]

    assert created.id == 41


def test_timestamps_keep_microseconds(pg_db: str) -> None:
    migrate()
    reps.add_rep("ann", "rep", now=datetime(2026, 3, 4, 15, 0, 0, 123456))
    assert reps.list_reps()[0].name == "ann"
    (at,) = db.execute_sql("SELECT created_at FROM rep").fetchone()
    assert at == datetime(2026, 3, 4, 15, 0, 0, 123456)


def foreign_keys(table: str) -> dict[str, str]:
    rows = db.execute_sql(
        "SELECT a.attname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " WHERE c.contype = 'f' AND c.conrelid = %s::regclass",
        (table,),
    ).fetchall()
    return dict(rows)


def test_events_keep_the_key_to_their_lead_but_not_to_their_actor_or_batch(pg_db: str) -> None:
    """Migration 0012: a trigger per event and key cost a tenth of a bulk action; reps and
    batches are never deleted, and `doctor` names an event that points at neither."""
    migrate(target="0011_drop_event_actor_index")
    assert set(foreign_keys("lead_event")) == {"lead_id", "actor_id", "batch_id"}

    migrate()

    events = foreign_keys("lead_event")
    assert set(events) == {"lead_id"} and "ON DELETE CASCADE" in events["lead_id"]
    lead_keys = {"campaign_id", "owner_id", "sales_owner_id", "updated_by_id"}
    assert set(foreign_keys("lead")) == lead_keys
    assert set(foreign_keys("batch")) == {"actor_id"}


def test_upgrading_moves_duplicate_keys_to_lead_key_and_team_mode_reads_them(pg_db: str) -> None:
    migrate(target="0012_event_references_unchecked_on_postgres")
    insert_lead(email_key="a@x.com", phone_key="+13125550100")
    insert_lead(email_key="a@x.com")
    db.execute_sql(  # team mode's lookup as `team init` wrote it before 0013
        "CREATE FUNCTION qc_lead_with_key(p_kind text, p_key text) RETURNS integer"
        " LANGUAGE sql AS $$ SELECT min(id) FROM lead WHERE email_key = p_key $$"
    )

    migrate()

    first = Lead.select().order_by(Lead.id).first().id
    assert lead_keys.oldest_leads("email", ["a@x.com"]) == {"a@x.com": first}
    assert lead_keys.oldest_lead("phone", "+13125550100") == first
    assert lead_keys.out_of_step() == []
    (body,) = db.execute_sql(
        "SELECT pg_get_functiondef('qc_lead_with_key(text,text)'::regprocedure)"
    ).fetchone()
    assert "lead_key" in body
    db.execute_sql("DELETE FROM lead_key")  # the function reads lead_key, not lead
    assert db.execute_sql("SELECT qc_lead_with_key('email', 'a@x.com')").fetchone()[0] is None


def test_init_on_a_team_mode_database_says_to_renew_its_grants(pg_db: str) -> None:
    migrate(target="0012_event_references_unchecked_on_postgres")
    db.execute_sql(  # as `team init` leaves it
        "CREATE FUNCTION qc_lead_with_key(p_kind text, p_key text) RETURNS integer"
        " LANGUAGE sql AS $$ SELECT NULL::integer $$"
    )
    close_database()
    isolated = {"QC_REP": None, "QC_CONFIG": "/nonexistent/qc.toml", "QC_DATABASE_URL": None}

    upgraded = CliRunner().invoke(cli, ["--db", pg_db, "init"], env=isolated)
    again = CliRunner().invoke(cli, ["--db", pg_db, "init"], env=isolated)

    assert upgraded.exit_code == 0, upgraded.output
    assert "0013_lead_keys_apart_on_postgres" in upgraded.output
    assert "run `qc-console team init`" in upgraded.output
    assert again.output.strip() == "schema up to date"
