"""Reading files as exporters write them: encodings, delimiters, line ends, quoting, footers,
dates. Pure: no database."""

from __future__ import annotations

import codecs
from datetime import datetime

import pytest

from qc_console.domain.when import local_to_utc
from qc_console.importing import UnusableFile, parse_bytes
from qc_console.importing.dates import parse_date, resolve_order
from qc_console.importing.reader import read_records

HEADER = "Email,First Name,Last Name,Company\n"


def parse(text: str | bytes, name: str = "leads.csv", **kw: object):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_bytes(data, name=name, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "encoding", "notice"),
    [
        ((HEADER + "zoe@x.io,Zoë,Ng,Ångström AB\n").encode(), "UTF-8", None),
        (codecs.BOM_UTF8 + (HEADER + "zoe@x.io,Zoë,Ng,Ångström AB\n").encode(), "UTF-8 (with BOM)",
         None),
        ((HEADER + "zoe@x.io,Zoë,Ng,Ångström AB\n").encode("cp1252"), "Windows-1252",
         "not UTF-8 (byte 0xeb on line 2): read as Windows-1252"),
        # 0x81 has no Windows-1252 character: only Latin-1 reads it
        ((HEADER + "zoe@x.io,Zoë,Ng\x81,Ångström AB\n").encode("latin-1"), "Latin-1",
         "read as Latin-1"),
        (codecs.BOM_UTF16_LE + (HEADER + "zoe@x.io,Zoë,Ng,Ångström AB\n").encode("utf-16-le"),
         "UTF-16", None),
    ],
)  # fmt: skip
def test_encodings_are_read_and_a_fallback_is_said(
    data: bytes, encoding: str, notice: str | None
) -> None:
    parsed = parse(data)
    assert parsed.encoding == encoding
    assert parsed.rows[0].first_name == "Zoë"
    assert parsed.rows[0].company.startswith("Ångström")
    if notice:
        assert any(notice in n for n in parsed.notices), parsed.notices
    else:
        assert not any("not UTF-8" in n for n in parsed.notices)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (codecs.BOM_UTF8 + b"\r\n  \r\n", "file is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "an .xlsx workbook"),
        (b"E\x00m\x00a\x00i\x00l\x00\n\x00", "NUL bytes"),
        (bytes(range(1, 32)) * 50, "control characters"),
    ],
)
def test_unusable_bytes_say_what_was_found(data: bytes, message: str) -> None:
    with pytest.raises(UnusableFile, match=message):
        parse(data)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('Email,Company\nzoe@x.io,"Acme; Inc"\n', ","),
        ('Email;Company\nzoe@x.io;"Acme, Inc"\n', ";"),
        ("Email\tCompany\nzoe@x.io\tAcme, Inc; Ltd\n", "\t"),
        ("sep=;\nEmail;Company\nzoe@x.io;Acme, Inc\n", ";"),
    ],
)
def test_the_delimiter_is_sniffed(text: str, delimiter: str) -> None:
    parsed = parse(text)
    assert parsed.delimiter == delimiter
    assert parsed.rows[0].email == "zoe@x.io"
    assert parsed.rows[0].company in ("Acme; Inc", "Acme, Inc", "Acme, Inc; Ltd")


def test_crlf_lf_quoted_newlines_and_physical_lines() -> None:
    text = (
        "Email,First Name,Notes\r\n"
        'ann@x.io,Ann,"line one\r\nline two, with a comma"\r\n'
        "\r\n"
        'bad-address,Bob,"a\nb\nc"\n'
        "cy@x.io,Cy,\n"
    )
    parsed = parse(text)
    assert [r.line for r in parsed.rows] == [2, 8]
    assert parsed.rows[0].notes == "line one\r\nline two, with a comma"
    assert [(e.record, e.line, e.column) for e in parsed.errors] == [(2, 5, "Email")]
    assert parsed.records == 3 and parsed.skipped == 1


def test_very_long_values_are_kept_whole() -> None:
    note = "x" * 200_000
    parsed = parse(f"Email,Notes\nann@x.io,{note}\n")
    assert parsed.rows[0].notes == note


def test_a_salesforce_footer_is_skipped_not_rejected_but_a_footer_like_row_mid_file_is_data() -> (
    None
):
    text = (
        "First Name,Last Name,Company / Account,Email,Lead Source\n"
        "Ann,Ng,Acme,ann@x.io,Web\n"
        "Total Fitness,,,,\n"  # looks like a total, but data follows: a (rejected) record
        "Bo,Li,Beta,bo@x.io,Web\n"
        '""\n"Grand Totals (3 records)"\n""\n"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
    )
    parsed = parse(text)
    assert parsed.records == 3
    assert [e.record for e in parsed.errors] == [2]
    assert parsed.skipped == 5  # 2 blank + 3 footer lines


def test_header_only_is_no_rows_not_an_error() -> None:
    parsed = parse("Email,First Name\n\n")
    assert parsed.records == 0 and parsed.rows == () and parsed.errors == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04", datetime(2026, 3, 4)),
        ("2026-03-04T14:05:00.000Z", datetime(2026, 3, 4, 14, 5)),
        ("2026-02-10 09:14:33-08:00", datetime(2026, 2, 10, 17, 14, 33)),
        ("3/4/2026 2:05 PM", local_to_utc(datetime(2026, 3, 4, 14, 5))),
        ("04.03.2026 14:05", local_to_utc(datetime(2026, 3, 4, 14, 5))),
        ("4 Mar 2026 14:05", local_to_utc(datetime(2026, 3, 4, 14, 5))),
        ("Mar 4, 2026 2:05 PM", local_to_utc(datetime(2026, 3, 4, 14, 5))),
        ("4. März 2026", local_to_utc(datetime(2026, 3, 4))),
        ("04 mars 2026", local_to_utc(datetime(2026, 3, 4))),
        ("3/4/26", local_to_utc(datetime(2026, 3, 4))),
        ("yesterday", None),
        ("31/31/2026", None),
    ],
)
def test_date_forms(text: str, expected: datetime | None) -> None:
    value = parse_date(text, day_first=False)
    if expected is not None and expected.hour == 0 and "T" not in text and "-08" not in text:
        expected = local_to_utc(datetime(expected.year, expected.month, expected.day))
    assert value == expected


def test_day_month_order_is_resolved_per_file_and_said() -> None:
    us = resolve_order([(2, "3/4/2026"), (3, "2/27/2026")], default_day_first=True)
    assert not us.day_first and "'2/27/2026' on line 3" in us.notice
    eu = resolve_order([(2, "03/04/2026"), (9, "15/02/2026")], default_day_first=False)
    assert eu.day_first and "day/month" in eu.notice
    undecided = resolve_order([(2, "03/04/2026")], default_day_first=False)
    assert not undecided.day_first and "could be either" in undecided.notice
    mixed = resolve_order([(2, "13/04/2026"), (3, "04/13/2026")], default_day_first=True)
    assert mixed.day_first and "mixes" in mixed.notice


def test_one_file_reads_its_ambiguous_dates_the_way_its_deciding_date_says() -> None:
    text = "Email,Create Date\na@x.io,03/04/2026\nb@x.io,25/04/2026\n"
    parsed = parse(text)
    assert parsed.rows[0].at == local_to_utc(datetime(2026, 4, 3))
    assert any("day/month" in n and "line 3" in n for n in parsed.notices)


def test_an_unreadable_date_keeps_the_row_and_is_said() -> None:
    parsed = parse("Email,Created Date\na@x.io,last tuesday\n")
    assert parsed.rows[0].at is None
    assert any("could not be read" in n and "'last tuesday'" in n for n in parsed.notices)


def test_reader_keeps_records_and_lines_with_a_bom_and_crlf() -> None:
    raw = read_records(codecs.BOM_UTF8 + b"Email\r\n\r\na@x.io\r\nb@x.io\r\n")
    assert raw.headers == ["Email"]
    assert [(r.number, r.line) for r in raw.records] == [(1, 3), (2, 4)]
