"""`qc-console import` and `export` as a user runs them: the summary line, exit codes, the
rejects file, dry runs and double imports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.conftest import QC


def imp(center: QC, path: Path, *args: str, rep: str = "ann"):  # type: ignore[no-untyped-def]
    return center("import", str(path), *args, rep=rep)


def test_the_summary_is_the_one_line_on_stdout(center: QC, samples: Path) -> None:
    result = imp(center, samples / "salesforce_report_leads.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "rows 10, new 7, merged 1, rejected 2, skipped 5\n"
    assert "format: Salesforce report export" in result.stderr
    assert "dates: read as month/day (US): '2/27/2026 4:40 PM' on line 3" in result.stderr
    assert (
        "rejected: record 6 (line 8) Email: email 'greg.ostrowski@balticfreight' is not a "
        "valid address" in result.stderr
    )
    assert "salesforce_report_leads.csv.rejects.csv" in result.stderr


def test_do_not_contact_shows_in_the_summary(center: QC, samples: Path) -> None:
    name = samples / "unsubscribed_members_export_8f3a2c91d0.csv"
    refused = imp(center, name)
    assert refused.exit_code == 2 and "--allow-unsubscribed" in refused.stderr
    result = imp(center, name, "--allow-unsubscribed")
    assert result.stdout == "rows 3, new 3, merged 0, rejected 0, do-not-contact 3\n"


def test_the_rejects_file_says_where_and_why_and_imports_once_fixed(
    center: QC, samples: Path
) -> None:
    imp(center, samples / "salesforce_report_leads.csv")
    rejects = samples / "salesforce_report_leads.csv.rejects.csv"
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == ["qc_record", "qc_line", "qc_column", "qc_reason", "Lead Owner"]
    assert [r[:4] for r in rows[1:]] == [
        ["6", "8", "Email", "email 'greg.ostrowski@balticfreight' is not a valid address"],
        ["7", "9", "Email / Phone / Mobile", "no email and no usable phone"],
    ]
    assert rows[1][4:7] == ["Jon Pike", "Greg", "Ostrowski"]  # the record, unchanged
    # the user fixes Greg's address and imports the rejects file
    rows[1][rows[0].index("Email")] = "greg.ostrowski@balticfreight.pl"
    fixed = samples / "fixed.csv"
    with fixed.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = imp(center, fixed)
    assert result.stdout == "rows 2, new 1, merged 0, rejected 1\n"
    assert "format: Salesforce report export" in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "file is empty"),
        ("bom_and_blank_lines.csv", "file is empty"),
        ("leads_workbook.xlsx", "unknown encoding"),
        ("unknown_columns.csv", "Columns found: 'Kontakt', 'Mail Addr', 'Tel.', 'Firmenname'"),
        ("does_not_exist.csv", "no such file"),
    ],
)
def test_unusable_files_exit_2_and_write_nothing(
    name: str, message: str, samples: Path, tmp_path: Path
) -> None:
    from tests.cli.conftest import QC as Cli

    fresh = Cli(f"sqlite:///{tmp_path / 'never.sqlite'}", tmp_path / "never.sqlite", {
        "QC_DATABASE_URL": None, "QC_REP": None, "QC_CONFIG": str(tmp_path / "absent.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data")})  # fmt: skip
    result = fresh("import", str(samples / name), rep="ann")
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""
    assert not (tmp_path / "never.sqlite").exists()  # not even the database was created
    assert not list(samples.glob("*.rejects.csv"))


def test_header_only_is_exit_0_no_data_rows(center: QC, samples: Path) -> None:
    before = center.dump()
    result = imp(center, samples / "header_only_hubspot.csv")
    assert result.exit_code == 0 and result.stdout == "no data rows\n"
    assert center.dump() == before


def test_map_makes_an_unknown_file_importable(center: QC, samples: Path) -> None:
    result = imp(center, samples / "unknown_columns.csv", "--map",
                 "Mail Addr=email,Tel.=phone,Kontakt=name,Firmenname=company")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "rows 3, new 3, merged 0, rejected 0\n"
    bad = imp(center, samples / "unknown_columns.csv", "--map", "Mail Addr=emial")
    assert bad.exit_code == 2 and "unknown field 'emial'" in bad.stderr


def test_dry_run_prints_the_summary_and_writes_nothing(center: QC, samples: Path) -> None:
    before = center.dump()
    result = imp(center, samples / "webform_content_downloads.tsv", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == "rows 7, new 4, merged 2, rejected 1\n"
    assert "dry run: nothing written" in result.stderr
    assert center.dump() == before
    assert not (samples / "webform_content_downloads.tsv.rejects.csv").exists()


def test_a_second_import_of_the_same_file_adds_nothing_and_says_so(
    center: QC, samples: Path
) -> None:
    first = imp(center, samples / "eventbrite_attendee_summary.csv")
    assert first.stdout == "rows 8, new 4, merged 3, rejected 1\n"
    before = center.dump()
    again = imp(center, samples / "eventbrite_attendee_summary.csv", rep="bob")
    assert again.exit_code == 0
    assert "was already imported on" in again.stdout and "by ann" in again.stdout
    assert again.stdout.endswith("rows 0, new 0, merged 0, rejected 0\n")
    assert center.dump() == before


def test_owner_options(center: QC, samples: Path) -> None:
    both = imp(center, samples / "leads_export_it.csv", "--owner", "bob", "--assign", "round-robin")
    assert both.exit_code == 2 and "not both" in both.stderr
    sales = imp(center, samples / "leads_export_it.csv", "--owner", "sam")
    assert sales.exit_code == 2 and "cannot own qualifying leads" in sales.stderr
    ok = imp(center, samples / "leads_export_it.csv", "--assign", "round-robin", rep="sue")
    assert ok.exit_code == 0
    owners = [json.loads(line)["owner"] for line in center.ok("export").stdout.splitlines()]
    assert owners == ["ann", "bob", "ann", "bob", "ann"]


def test_progress_lines_on_request(center: QC, samples: Path) -> None:
    result = imp(center, samples / "marketo_leads_export.csv", "--progress")
    assert "progress: checking 7/7" in result.stderr
    assert "progress: writing" in result.stderr
    assert result.stdout == "rows 7, new 6, merged 1, rejected 0\n"


def test_an_import_whose_rejects_file_cannot_be_written_is_not_made(
    center: QC, samples: Path
) -> None:
    (samples / "salesforce_report_leads.csv.rejects.csv").mkdir()  # in the way
    before = center.dump()
    result = imp(center, samples / "salesforce_report_leads.csv")
    assert result.exit_code == 1
    assert "cannot write the rejects file" in result.stderr and "nothing was imported" in (
        result.stderr
    )
    assert center.dump() == before
    assert not list(samples.glob("*.tmp"))
