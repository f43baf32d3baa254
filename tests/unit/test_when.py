"""The short date forms a rep types."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qc_console.domain.errors import BadInput
from qc_console.domain.when import add_business_days, parse_when

TODAY = date(2026, 3, 4)  # a Wednesday


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+2d", at(3, 6)),
        ("+3d", at(3, 9)),  # Saturday: follow-ups move to the Monday
        ("3d", at(3, 9)),
        (" +3D ", at(3, 9)),
        ("+0d", at(3, 4)),
        ("+2w", at(3, 18)),
        ("+1m", at(4, 3)),  # a month is 30 days
        ("today", at(3, 4)),
        ("Tomorrow", at(3, 5)),
        ("tmr", at(3, 5)),
        ("tom", at(3, 5)),
        ("mon", at(3, 9)),
        ("monday", at(3, 9)),
        ("Tu", at(3, 10)),
        ("thurs", at(3, 5)),
        ("fri", at(3, 6)),
        ("sun", at(3, 8)),
        ("wed", at(3, 11)),  # the next one, never today
        ("2026-12-01", at(12, 1)),
        ("2026-12-01 14:30", at(12, 1, 14, 30)),
        ("2026-12-01T14:30", at(12, 1, 14, 30)),
        ("12/01", at(12, 1)),
        ("3/4", at(3, 4)),  # today is not in the past
        ("01/15", at(1, 15, year=2027)),  # past dates roll to next year
    ],
)
def test_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, today=TODAY) == expected


def test_hours_count_from_now_when_known() -> None:
    now = datetime(2026, 3, 4, 16, 20)
    assert parse_when("+4h", today=TODAY, now_local=now) == datetime(2026, 3, 4, 20, 20)
    assert parse_when("+4h", today=TODAY) == at(3, 4, 13)


@pytest.mark.parametrize(
    "text",
    ["someday", "+3x", "13/45", "02/30", "2026-13-01", "m", "monkey", "sunny", "+", "3 days"],
)
def test_what_is_not_a_date_is_refused_naming_it(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_when(text, today=TODAY)
    assert repr(text.strip()) in str(caught.value)
    assert "+3d" in str(caught.value)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_date_is_refused(text: str) -> None:
    with pytest.raises(BadInput, match="date is needed"):
        parse_when(text, today=TODAY)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(3, 4), 2, at(3, 6)),  # Wed + 2 → Fri
        (at(3, 6), 1, at(3, 9)),  # Fri + 1 → Mon
        (at(3, 6), 2, at(3, 10)),
        (at(3, 7), 1, at(3, 9)),  # Sat + 1 → Mon
        (at(3, 4), 0, at(3, 4)),
        (at(3, 4), 5, at(3, 11)),
    ],
)
def test_add_business_days(start: datetime, days: int, expected: datetime) -> None:
    assert add_business_days(start, days) == expected
