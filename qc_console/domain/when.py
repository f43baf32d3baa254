"""Parsing the short date forms a rep types (`+3d`, `tomorrow`, `mon`, `2026-12-01`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from qc_console.domain.errors import BadInput

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_REL = re.compile(r"^\+?(\d{1,4})\s*([hdwm])$")
DEFAULT_HOUR = time(9, 0)
"""A day without a time means the start of the working day."""
YEARS = (1900, 9998)
"""Typed dates must fall in these years: converting year 1 or 9999 between local time and UTC
overflows (and no follow-up is due then)."""


def parse_when(text: str, *, today: date, now_local: datetime | None = None) -> datetime:
    """A local datetime from what a rep typed.

    Accepts `+3d`, `3d`, `+2w`, `+1m` (a weekend result moves to the Monday), `+4h`, `today`,
    `tomorrow`/`tmr`, a weekday (`mon`, `monday`: the next one), ISO `2026-12-01` or
    `2026-12-01 14:30`, and `12/01` (month/day).

    Raises:
        BadInput: naming what was typed and the forms that work.
    """
    raw = text.strip().lower()
    if not raw:
        raise BadInput("a date is needed (e.g. +3d, tomorrow, mon, 2026-12-01)")
    base_now = now_local or datetime.combine(today, DEFAULT_HOUR)
    if m := _REL.match(raw):
        n, unit = int(m.group(1)), m.group(2)
        if unit == "h":
            return base_now + timedelta(hours=n)
        days = {"d": n, "w": 7 * n, "m": 30 * n}[unit]
        return datetime.combine(_workday(today + timedelta(days=days)), DEFAULT_HOUR)
    if raw == "today":
        return datetime.combine(today, DEFAULT_HOUR)
    if raw in ("tomorrow", "tmr", "tom"):
        return datetime.combine(today + timedelta(days=1), DEFAULT_HOUR)
    for i, wd in enumerate(_WEEKDAYS):
        if len(raw) >= 2 and wd.startswith(raw):
            ahead = (i - today.weekday()) % 7 or 7
            return datetime.combine(today + timedelta(days=ahead), DEFAULT_HOUR)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if not YEARS[0] <= parsed.year <= YEARS[1]:
            raise BadInput(
                f"{text.strip()!r} is out of range: use a year from {YEARS[0]} to {YEARS[1]}"
            )
        return parsed if "%H" in fmt else datetime.combine(parsed.date(), DEFAULT_HOUR)
    if m := re.match(r"^(\d{1,2})/(\d{1,2})$", raw):
        try:
            d = date(today.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            d = None
        if d is not None:
            if d < today:
                d = d.replace(year=today.year + 1)
            return datetime.combine(d, DEFAULT_HOUR)
    raise BadInput(
        f"cannot read {text.strip()!r} as a date: use +3d, +2w, +4h, today, tomorrow, a weekday "
        "(mon), 2026-12-01 or 2026-12-01 14:30"
    )


def _workday(day: date) -> date:
    """A relative date that lands on a weekend moves to the Monday after: follow-ups are work."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def add_business_days(start: datetime, days: int) -> datetime:
    """`start` plus `days` working days (Monday to Friday)."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def local_to_utc(value: datetime) -> datetime:
    """A naive local time (what a rep types and reads) as naive UTC (what is stored)."""
    return value.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime) -> datetime:
    """A stored naive UTC time as naive local time, for display."""
    return value.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)
