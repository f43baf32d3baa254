"""Finding leads by duplicate key (email, phone): through the services on both engines; on
PostgreSQL the `lead_key` table follows every way a lead is written (migration 0013), and a
disposition's UPDATE leaves it alone."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qc_console.db import lead_keys
from qc_console.db.database import db, is_postgres
from qc_console.db.models import Lead
from qc_console.domain.errors import DuplicateLead
from qc_console.domain.values import NewLead
from qc_console.services import dispositions, leads
from qc_console.services.bulk_import import import_file
from qc_console.services.import_write import LEAD_COLUMNS, lead_template
from qc_console.services.integrity import check_integrity
from tests.conftest import NOW


@pytest.mark.usefixtures("people")
def test_a_merge_that_gives_a_lead_its_phone_makes_that_phone_a_duplicate(tmp_path: Path) -> None:
    lead = leads.create_lead(
        NewLead(first_name="Ann", email="ann.lee@example.com"), actor="ann", now=NOW
    ).leads[0]
    path = tmp_path / "more.csv"
    path.write_text("Email,Phone,First Name\nann.lee@example.com,+1 312 555 0199,Ann\n")

    assert import_file(path, actor="ann", now=NOW + timedelta(hours=1)).counts.merged == 1

    with pytest.raises(DuplicateLead) as refused:
        leads.create_lead(NewLead(phone="(312) 555-0199"), actor="bob", now=NOW)
    assert refused.value.existing_id == lead.id
    assert check_integrity().ok


@pytest.mark.usefixtures("people")
def test_the_oldest_lead_holding_a_key_is_found() -> None:
    first = leads.create_lead(NewLead(phone="312 555 0100"), actor="ann", now=NOW).leads[0]
    second = leads.create_lead(NewLead(email="x@example.com"), actor="ann", now=NOW).leads[0]
    Lead.update(phone_key=Lead.get_by_id(first.id).phone_key).where(
        Lead.id == second.id
    ).execute()  # a second lead with the same phone (an import may keep both)

    key = Lead.get_by_id(first.id).phone_key
    assert lead_keys.oldest_leads("phone", [key, "+10000000000"]) == {key: first.id}
    assert lead_keys.oldest_lead("email", "x@example.com") == second.id
    assert lead_keys.oldest_lead("email", "nobody@example.com") is None


@pytest.fixture
def on_postgres(migrated: str) -> None:
    if not is_postgres():
        pytest.skip("lead_key is PostgreSQL's")


def key_rows() -> set[tuple[str, str, int]]:
    return set(db.execute_sql("SELECT kind, value, lead_id FROM lead_key").fetchall())


def keys_of_leads() -> set[tuple[str, str, int]]:
    out = set()
    for lead_id, email, phone in Lead.select(Lead.id, Lead.email_key, Lead.phone_key).tuples():
        out |= {("email", email, lead_id)} if email else set()
        out |= {("phone", phone, lead_id)} if phone else set()
    return out


def lead_row(email: str, phone: str) -> dict[str, Any]:
    row = lead_template()
    del row["id"]
    at = {"created_at": NOW, "stage_entered_at": NOW, "updated_at": NOW}
    return {**row, **at, "email_key": email, "phone_key": phone, "source": "web", "stage": "raw"}


def copy_leads(pairs: list[tuple[str, str]]) -> None:
    columns = [c for c in LEAD_COLUMNS if c != "id"]
    lines = []
    for email, phone in pairs:
        row = lead_row(email, phone)
        lines.append("\t".join("\\N" if row[c] is None else str(row[c]) for c in columns))
    text = io.StringIO("\n".join(lines) + "\n")
    db.cursor().copy_expert(f"COPY lead ({', '.join(columns)}) FROM STDIN", text)


EMAILS = st.sampled_from(["", "a@x.com", "b@x.com"])
PHONES = st.sampled_from(["", "+13125550100", "+13125550101"])
PAIRS = st.lists(st.tuples(EMAILS, PHONES), min_size=1, max_size=4)
NTH = st.integers(0, 12)
OPS = st.one_of(
    st.tuples(st.just("insert"), PAIRS),  # one multi-row INSERT
    st.tuples(st.just("copy"), PAIRS),
    st.tuples(st.just("set keys"), NTH, EMAILS, PHONES),
    st.tuples(st.just("set email"), NTH, EMAILS),
    st.tuples(st.just("set phones of all"), PHONES),
    st.tuples(st.just("reassign"), NTH),  # no key column in the UPDATE
    st.tuples(st.just("delete"), NTH),
    st.tuples(st.just("truncate")),
)


def apply(op: tuple[Any, ...]) -> None:
    ids = [i for (i,) in Lead.select(Lead.id).order_by(Lead.id).tuples()]
    kind, *args = op
    if kind == "insert":
        Lead.insert_many([lead_row(e, p) for e, p in args[0]]).execute()
    elif kind == "copy":
        copy_leads(args[0])
    elif kind == "truncate":
        db.execute_sql("TRUNCATE lead CASCADE")
    elif kind == "set phones of all":
        Lead.update(phone_key=args[0]).execute()
    elif ids:
        lead_id = ids[args[0] % len(ids)]
        one = Lead.id == lead_id
        if kind == "set keys":
            Lead.update(email_key=args[1], phone_key=args[2]).where(one).execute()
        elif kind == "set email":
            Lead.update(email_key=args[1]).where(one).execute()
        elif kind == "reassign":
            Lead.update(stage="qualified", version=Lead.version + 1).where(one).execute()
        elif kind == "delete":
            Lead.delete().where(one).execute()


@pytest.mark.usefixtures("on_postgres")
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(OPS, max_size=8))
def test_lead_key_holds_exactly_the_keys_of_the_leads_whatever_writes_them(
    ops: list[tuple[Any, ...]],
) -> None:
    db.execute_sql("TRUNCATE lead CASCADE")
    for op in ops:
        apply(op)
        assert key_rows() == keys_of_leads(), op
    assert lead_keys.out_of_step() == []


@pytest.mark.usefixtures("people", "on_postgres")
def test_a_bulk_disposition_leaves_the_duplicate_keys_alone() -> None:
    made = [
        leads.create_lead(NewLead(email=f"l{i}@example.com"), actor="ann", now=NOW).leads[0].id
        for i in range(30)
    ]
    before = key_rows()
    with db.atomic():
        rows_written = lambda: db.execute_sql(  # noqa: E731 (backend's counts not yet flushed)
            "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relname = 'lead_key'"
        ).fetchone()[0]
        start = rows_written()
        dispositions.reassign(made, to="bob", actor="sue", now=NOW)
        dispositions.purge(made[:10], reason="duplicate", actor="sue", now=NOW)
        written = rows_written() - start
    assert written == 0 and key_rows() == before


@pytest.mark.usefixtures("people", "on_postgres")
def test_doctor_reports_keys_out_of_step() -> None:
    lead = leads.create_lead(NewLead(email="lost@example.com"), actor="ann", now=NOW).leads[0]
    db.execute_sql("DELETE FROM lead_key WHERE lead_id = %s", (lead.id,))

    errors = {f.kind: f for f in check_integrity().errors}

    assert errors["duplicate keys out of step"].lead_ids == (lead.id,)
    assert lead_keys.oldest_lead("email", "lost@example.com") is None  # hence the error
