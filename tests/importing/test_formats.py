"""Every sample file is recognised by its headers and read into the exact rows and rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.importing import UnusableFile, read_file
from tests.importing.conftest import DATA
from tests.importing.expected import SAMPLES, Expect


@pytest.mark.parametrize("expect", SAMPLES, ids=lambda e: e.file)
def test_each_sample_is_recognised_and_counted(expect: Expect) -> None:
    parsed = read_file(DATA / expect.file, allow_unsubscribed=True)
    assert parsed.format_key == expect.format
    assert parsed.records == expect.rows
    assert len(parsed.errors) == expect.rejected
    assert len(parsed.rows) == expect.new + expect.merged
    assert sum(r.do_not_contact for r in parsed.rows) == expect.dnc
    assert parsed.skipped == expect.skipped


def fields(name: str) -> dict[str, str]:
    return {header: field for header, field in read_file(DATA / name).mapping}


def test_salesforce_report_labels_and_the_three_kinds_of_salesforce_file() -> None:
    report = fields("salesforce_report_leads.csv")
    assert report["Company / Account"] == "company" and report["Create Date"] == "date"
    labels = fields("salesforce_field_labels_leads.csv")
    assert labels["Do Not Call"] == "do_not_contact" and labels["Mobile Phone"] == "mobile"
    api = fields("salesforce_dataloader_extract.csv")
    assert (api["FirstName"], api["LeadSource"], api["Status"]) == (
        "first_name",
        "source",
        "status",
    )


def test_hubspot_lead_status_as_label_or_internal_value_qualifies() -> None:
    default = read_file(DATA / "hubspot_contacts_default_view.csv")
    assert {r.email_key: r.stage for r in default.rows}["yusuf.demir@anadolu-tekstil.com.tr"] == (
        "qualified"  # "Open Deal"
    )
    everything = read_file(DATA / "hubspot_contacts_all_properties.csv")
    stages = {r.email_key: (r.stage, r.source) for r in everything.rows}
    assert stages["kwame@asante-cocoa.gh"] == ("qualified", "referral")  # OPEN_DEAL, Referrals
    assert stages["ana.ferreira@portomar.pt"][0] == "qualified"  # lifecycle MQL, status NEW
    assert stages["ethan.walsh@greenlane.ie"] == ("raw", "web_download")  # Organic Search


def test_localised_headers_in_four_languages() -> None:
    for name, language, first in [
        ("leads_export_de.csv", "German", "Jürgen"),
        ("leads_export_fr.csv", "French", "Amélie"),
        ("leads_export_es.csv", "Spanish", "Lucía"),
        ("leads_export_it.csv", "Italian", "Niccolò"),
    ]:
        parsed = read_file(DATA / name)
        assert language in parsed.format_label
        assert parsed.rows[0].first_name == first
        assert {f for _, f in parsed.mapping} >= {"first_name", "last_name", "email", "company"}
    de = read_file(DATA / "leads_export_de.csv")
    weiss = de.rows[0]
    assert (weiss.last_name, weiss.stage, weiss.rating, weiss.source) == (
        "Weiß", "qualified", "high", "trade_show")  # fmt: skip
    assert any("Windows-1252" in n for n in de.notices)


def test_qualifier_questions_are_kept_as_notes() -> None:
    badge = read_file(DATA / "badge_scans_packexpo_2026.csv")
    giulia = badge.rows[0]
    assert "Q2: Budget approved?: Yes" in giulia.notes
    assert "Interested in: Case packers; Palletizers" in giulia.notes
    assert "Needs a quote for the 400 line" in giulia.notes
    web = read_file(DATA / "webform_content_downloads.tsv")
    assert "How many employees does your company have?: 201-500" in web.rows[0].notes
    long_answer = next(line for line in web.rows[0].notes.splitlines() if "biggest" in line)
    assert len(long_answer) > 3000


def test_mailchimp_status_comes_from_the_file_name_and_is_refused_by_default() -> None:
    with pytest.raises(UnusableFile, match="--allow-unsubscribed"):
        read_file(DATA / "unsubscribed_members_export_8f3a2c91d0.csv")
    with pytest.raises(UnusableFile, match="cleaned"):
        read_file(DATA / "cleaned_members_export_8f3a2c91d0.csv")
    subscribed = read_file(DATA / "subscribed_members_export_8f3a2c91d0.csv")
    assert subscribed.mailchimp_status == "" and not any(r.do_not_contact for r in subscribed.rows)


def test_the_same_columns_under_an_unsubscribed_file_name_are_do_not_contact(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "unsubscribed_segment_export_1.csv"
    copy.write_bytes((DATA / "subscribed_members_export_8f3a2c91d0.csv").read_bytes())
    parsed = read_file(copy, allow_unsubscribed=True)
    assert parsed.mailchimp_status == "unsubscribed"
    assert all(r.do_not_contact for r in parsed.rows)


def test_unknown_columns_list_what_was_found_and_map_works() -> None:
    with pytest.raises(UnusableFile) as info:
        read_file(DATA / "unknown_columns.csv")
    assert "'Kontakt', 'Mail Addr', 'Tel.', 'Firmenname'" in str(info.value)
    mapped = read_file(DATA / "unknown_columns.csv", map_spec="Mail Addr=email, Tel.=phone, "
                       "Kontakt=name")  # fmt: skip
    assert mapped.format_key == "mapped"
    assert [(r.first_name, r.last_name, r.company) for r in mapped.rows] == [
        ("Ada", "Lovelace", "Analytical Engines"),
        ("Grace", "Hopper", "COBOL Systems"),
        ("Alan", "Turing", "Bletchley Consulting"),
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("Mail Addr=mail", "unknown field 'mail'"),
        ("Nope=email", "no column 'Nope'"),
        ("Mail Addr", "is not Column=field"),
        ("Kontakt=name", "no email or phone column"),
    ],
)
def test_a_bad_map_is_refused_with_why(spec: str, message: str) -> None:
    with pytest.raises(UnusableFile, match=message):
        read_file(DATA / "unknown_columns.csv", map_spec=spec)


def test_map_overrides_a_recognised_column() -> None:
    parsed = read_file(DATA / "marketo_leads_export.csv", map_spec="Lead Score=ignore,Id=note")
    assert ("Lead Score", "note") not in parsed.mapping and ("Id", "note") in parsed.mapping
    assert "Id: 1048231" in parsed.rows[0].notes


def test_rejected_rows_name_the_record_line_column_and_value() -> None:
    parsed = read_file(DATA / "salesforce_report_leads.csv")
    assert [(e.record, e.line, e.column, e.reason) for e in parsed.errors] == [
        (6, 8, "Email", "email 'greg.ostrowski@balticfreight' is not a valid address"),
        (7, 9, "Email / Phone / Mobile", "no email and no usable phone"),
    ]
    quirks = read_file(DATA / "quirks_multiline_long.csv")
    assert [(e.record, e.line) for e in quirks.errors] == [(3, 6), (5, 8)]
    assert "unquoted delimiter" in quirks.errors[1].reason
