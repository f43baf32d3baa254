"""`qc-console export`: every field as JSON lines or CSV, formula cells neutralised, and the
Salesforce lead-import CSV for hand-offs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from qc_console.domain.values import NewLead, QueueFilter
from qc_console.services import dispositions, leads
from qc_console.services.export import FIELDS, SALESFORCE_FIELDS, neutralise
from qc_console.services.facade import open_backend
from tests.cli.conftest import QC

DESIGN_FIELDS = {
    "id", "email", "phone", "first_name", "last_name", "company", "source", "campaign", "stage",
    "rating", "owner", "touch_count", "next_action_due", "resurface_on", "created_at",
}  # fmt: skip
HOSTILE = NewLead(
    first_name="@SUM(A1:A9)",
    last_name="-2+3+cmd|' /C calc'!A0",
    email="hostile@example.com",
    phone="+49 89 1234 5678",
    company='=HYPERLINK("http://evil.example","click")',
    title="\tTabbed",
    notes="+cmd|' /C notepad'!A0",
)


def seeded(center: QC, samples: Path) -> QC:
    """The Italian sample imported, a hostile lead and a bare one added, Niccolò handed off."""
    center.ok("import", str(samples / "leads_export_it.csv"), rep="ann")
    backend = open_backend(center.url, "ann")
    backend.create_lead(HOSTILE)
    backend.create_lead(NewLead(email="bare@example.com"))
    ids = [v.id for v in backend.queue_page(QueueFilter(), limit=50).rows
           if v.first_name == "Niccolò"]  # fmt: skip
    backend.hand_off(ids, to="sam")
    return center


def test_jsonl_has_every_design_field_with_utc_times(center: QC, samples: Path) -> None:
    seeded(center, samples)
    result = center.ok("export")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 7
    assert DESIGN_FIELDS <= set(records[0])
    niccolo = next(r for r in records if r["first_name"] == "Niccolò")
    assert (niccolo["stage"], niccolo["rating"], niccolo["sales_owner"]) == (
        "handed_off", "high", "sam")  # fmt: skip
    assert records[0]["created_at"].endswith("Z")
    hostile = next(r for r in records if r["email"] == "hostile@example.com")
    assert hostile["company"] == HOSTILE.company  # JSON is data, not a spreadsheet
    assert "exported 7 lead(s)" in result.stderr


def test_csv_neutralises_formula_cells(center: QC, samples: Path) -> None:
    seeded(center, samples)
    rows = list(csv.DictReader(io.StringIO(center.ok("export", "--format", "csv").stdout)))
    assert list(rows[0]) == list(FIELDS)
    hostile = next(r for r in rows if r["email"] == "hostile@example.com")
    assert hostile["company"] == "'" + HOSTILE.company
    assert hostile["first_name"] == "'@SUM(A1:A9)"
    assert hostile["last_name"] == "'-2+3+cmd|' /C calc'!A0"
    assert hostile["title"] == "'\tTabbed"
    assert hostile["notes"] == "'+cmd|' /C notepad'!A0"
    assert hostile["phone"] == "+49 89 1234 5678"  # a phone number computes nothing


def test_neutralise_rules() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\r=1") == "'\r=1"
    assert neutralise("Acme") == "Acme"
    assert neutralise("+1 (415) 555-0100") == "+1 (415) 555-0100"
    assert neutralise("+1+cmd|x") == "'+1+cmd|x"


def test_salesforce_export_is_the_hand_offs_with_api_names(center: QC, samples: Path) -> None:
    seeded(center, samples)
    result = center.ok("export", "--format", "salesforce")
    assert "hand-offs" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == SALESFORCE_FIELDS
    (niccolo,) = rows
    assert (niccolo["FirstName"], niccolo["LastName"], niccolo["Company"]) == (
        "Niccolò", "Bianchi", "Bianchi Arredamenti S.r.l.")  # fmt: skip
    assert (niccolo["LeadSource"], niccolo["Status"], niccolo["Rating"]) == (
        "Trade Show", "Working - Contacted", "Hot")  # fmt: skip
    assert "Handed off to sam by ann." in niccolo["Description"]


def test_salesforce_fills_the_required_fields(center: QC, samples: Path) -> None:
    seeded(center, samples)
    out = center.ok("export", "--format", "salesforce", "--filter", "text=bare@").stdout
    (bare,) = list(csv.DictReader(io.StringIO(out)))
    assert (bare["LastName"], bare["Company"], bare["Status"]) == (
        "[not provided]", "[not provided]", "Open - Not Contacted")  # fmt: skip
    out = center.ok("export", "--format", "salesforce", "--filter", "text=hostile").stdout
    (hostile,) = list(csv.DictReader(io.StringIO(out)))
    assert hostile["Company"].startswith("'=HYPERLINK")
    assert hostile["Phone"] == "+49 89 1234 5678"


def test_filters_and_options_choose_the_leads(center: QC, samples: Path, tmp_path: Path) -> None:
    seeded(center, samples)
    raw = center.ok("export", "--filter", "stage=raw source=web_download").stdout.splitlines()
    assert [json.loads(x)["first_name"] for x in raw] == ["Chiara"]
    handed = center.ok("export", "--stage", "handed_off").stdout.splitlines()
    assert len(handed) == 1
    mine = center.ok("export", "--owner", "ann").stdout.splitlines()
    assert {json.loads(x)["owner"] for x in mine} == {"ann"}
    bad = center("export", "--filter", "colour=red")
    assert bad.exit_code == 2 and "unknown filter key" in bad.stderr
    target = tmp_path / "out.csv"
    center.ok("export", "--format", "csv", "-o", str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,email")  # Excel reads UTF-8 by BOM


def test_export_reads_a_million_leads_in_pages_not_at_once(people: str) -> None:
    # The page size bounds memory; prove the paging walks past a page boundary in id order.
    from qc_console.services import export

    for i in range(5):
        leads.create_lead(NewLead(email=f"p{i}@example.com"), actor="ann")
    dispositions.purge([1], reason="bad_data", actor="ann")
    old = export.CHUNK
    export.CHUNK = 2
    try:
        out = io.StringIO()
        assert export.export_leads(out, fmt="jsonl") == 5
    finally:
        export.CHUNK = old
    assert [json.loads(x)["id"] for x in out.getvalue().splitlines()] == [1, 2, 3, 4, 5]
