"""Dates as exports write them: ISO, US (3/4/2026 2:05 PM), European (04.03.2026 14:05) and
"4 Mar 2026 14:05". Whether 03/04 is March or April is decided once per file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

MONTHS = {
    # English, then German, French, Spanish and Italian names and abbreviations.
    **dict.fromkeys(("jan", "january", "januar", "janv", "janvier", "ene", "enero", "gen",
                     "gennaio", "jän", "jänner"), 1),
    **dict.fromkeys(("feb", "february", "februar", "févr", "fevr", "février", "fév", "febrero",
                     "febbraio"), 2),
    **dict.fromkeys(("mar", "march", "mär", "märz", "maerz", "mars", "marzo"), 3),
    **dict.fromkeys(("apr", "april", "avr", "avril", "abr", "abril", "aprile"), 4),
    **dict.fromkeys(("may", "mai", "mayo", "mag", "maggio"), 5),
    **dict.fromkeys(("jun", "june", "juni", "juin", "junio", "giu", "giugno"), 6),
    **dict.fromkeys(("jul", "july", "juli", "juil", "juillet", "julio", "lug", "luglio"), 7),
    **dict.fromkeys(("aug", "august", "août", "aout", "ago", "agosto"), 8),
    **dict.fromkeys(("sep", "sept", "september", "septembre", "septiembre", "set", "settembre"),
                    9),
    **dict.fromkeys(("oct", "october", "okt", "oktober", "octobre", "octubre", "ott", "ottobre"),
                    10),
    **dict.fromkeys(("nov", "november", "novembre", "noviembre"), 11),
    **dict.fromkeys(("dec", "december", "dez", "dezember", "déc", "décembre", "dic", "diciembre",
                     "dicembre"), 12),
}  # fmt: skip

_TIME = (
    r"(?:[ T,]+(?P<h>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
)
ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + r"$", re.I)
NUMERIC = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})" + _TIME + r"$", re.I
)
DAY_NAME = re.compile(
    r"^(?P<d>\d{1,2})\.?[ -](?P<mon>[^\W\d_]+)\.?[ -](?P<y>\d{4})" + _TIME + r"$", re.I
)
NAME_DAY = re.compile(
    r"^(?:[^\W\d_]+,?\s+)?(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
    + _TIME
    + r"$",
    re.I,
)


@dataclass(frozen=True)
class DateOrder:
    """How this file's numeric dates read: day first (European) or month first (US)."""

    day_first: bool
    notice: str


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if len(text) == 2 else y


def _finish(m: re.Match[str], y: int, mo: int, d: int) -> datetime | None:
    h = int(m.group("h") or 0)
    mi = int(m.group("mi") or 0)
    s = int(m.group("s") or 0)
    micro = int((m.group("f") or "0").ljust(6, "0")[:6])
    ampm = (m.group("ampm") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "pm" else 0)
    try:
        value = datetime(y, mo, d, h, mi, s, micro)
    except ValueError:
        return None
    tz = (m.group("tz") or "").upper()
    if tz:
        if tz in ("Z", "UTC", "GMT"):
            offset = timedelta(0)
        else:
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return value.replace(tzinfo=timezone(offset)).astimezone(UTC).replace(tzinfo=None)
    # A time without a zone is the exporter's local time: stored as UTC like everything else.
    return value.astimezone(UTC).replace(tzinfo=None)


def parse_date(text: str, *, day_first: bool) -> datetime | None:
    """A naive-UTC datetime from an export's date text; None when it is not a date."""
    raw = " ".join(text.split())
    if not raw:
        return None
    if m := ISO.match(raw):
        return _finish(m, int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if m := NUMERIC.match(raw):
        a, b = int(m.group("a")), int(m.group("b"))
        dotted = m.group("sep") == "."  # 04.03.2026 is always European
        d, mo = (a, b) if day_first or dotted else (b, a)
        return _finish(m, _year(m.group("y")), mo, d)
    for pattern in (DAY_NAME, NAME_DAY):
        if m := pattern.match(raw):
            month = MONTHS.get(m.group("mon").lower().rstrip("."))
            if month is None:
                return None
            return _finish(m, int(m.group("y")), month, int(m.group("d")))
    return None


def _order_proof(text: str) -> str:
    """'day' (a first part above 12), 'month' (a second part above 12), 'either', or ''."""
    m = NUMERIC.match(" ".join(text.split()))
    if m is None or m.group("sep") == ".":
        return ""
    a, b = int(m.group("a")), int(m.group("b"))
    if a > 12 and b <= 12:
        return "day"
    if b > 12 and a <= 12:
        return "month"
    return "either" if a != b else ""


def resolve_order(values: Iterable[tuple[int, str]], *, default_day_first: bool) -> DateOrder:
    """Decide day/month order from the file's numeric dates (`(line, text)` pairs).

    A first part above 12 proves day-first, a second part above 12 month-first; when nothing
    decides, the format's convention applies. The notice says which and why.
    """
    day_proof: tuple[int, str] | None = None
    month_proof: tuple[int, str] | None = None
    ambiguous = 0
    kinds: dict[str, str] = {}  # what each date text proves (files repeat their dates)
    for line, text in values:
        kind = kinds.get(text)
        if kind is None:
            kind = kinds[text] = _order_proof(text)
        if kind == "day":
            day_proof = day_proof or (line, text.strip())
        elif kind == "month":
            month_proof = month_proof or (line, text.strip())
        elif kind == "either":
            ambiguous += 1
    dm, md = "day/month (European)", "month/day (US)"
    if day_proof and month_proof:
        return DateOrder(
            default_day_first,
            f"dates: the file mixes day/month ({day_proof[1]!r} on line {day_proof[0]}) and "
            f"month/day ({month_proof[1]!r} on line {month_proof[0]}); read as "
            f"{dm if default_day_first else md}, dates that do not fit are ignored",
        )
    if day_proof:
        return DateOrder(True, f"dates: read as {dm}: {day_proof[1]!r} on line {day_proof[0]}")
    if month_proof:
        return DateOrder(False, f"dates: read as {md}: {month_proof[1]!r} on line {month_proof[0]}")
    if ambiguous:
        return DateOrder(
            default_day_first,
            f"dates: {ambiguous} date(s) like 03/04 could be either; read as "
            f"{dm if default_day_first else md}, the usual order for this kind of file",
        )
    return DateOrder(default_day_first, "")
