"""One record → a validated, normalised `ImportRow` (or a `RowError` saying why not).

`LeadRow` is the Pydantic model of a record as the file has it, once its columns are mapped to
our field names; `to_import_row` turns it into what the service writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from qc_console.domain.codes import Source
from qc_console.domain.keys import phone_key
from qc_console.domain.stages import Rating, Stage
from qc_console.importing.dates import parse_date
from qc_console.importing.detect import Column
from qc_console.importing.formats import QUALIFIED_STATUSES, RATINGS, SOURCE_KEYWORDS
from qc_console.importing.localised import QUALIFIED_WORDS, RATING_WORDS, SOURCE_WORDS
from qc_console.importing.values import ImportRow, RowError

TRUTHY = frozenset({"1", "true", "yes", "y", "x", "checked", "ja", "oui", "sí", "si", "vero"})
_INVISIBLE = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
SINGLE = ("email", "first_name", "last_name", "name", "company", "title", "country", "source",
          "campaign", "rating", "ref", "date", "time")  # fmt: skip
_SOURCE_RES = [
    (Source(value), re.compile("|".join(rf"\b{re.escape(w)}" for w in words)))
    for value, words in SOURCE_KEYWORDS
]


# Files repeat the same phones and sources many times: normalise each text once.
_phone_key = lru_cache(maxsize=1 << 17)(phone_key)


def _looks_valid(email: str) -> bool:
    """`domain.keys.EMAIL_RE` (x@y.z, one @, no spaces) for an email without spaces, with
    string operations: the regex backtracks through every dot of the domain."""
    local, at, domain = email.partition("@")
    return bool(local) and bool(at) and "@" not in domain and "." in domain[1:-1]


def _fail(kind: str, reason: str) -> PydanticCustomError:
    # The reason goes in as context so braces in user data are never read as placeholders.
    return PydanticCustomError(kind, "{reason}", {"reason": reason})


class LeadRow(BaseModel):
    """A record's values by field name, as the file has them (whitespace trimmed)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    title: str = ""
    country: str = ""
    source: str = ""
    campaign: str = ""
    status: tuple[tuple[str, str], ...] = ()
    """(column, value) of every status column (Lead Status, Lifecycle Stage …)."""
    rating: str = ""
    notes: str = ""
    ref: str = ""
    date: str = ""
    do_not_contact: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not (value.isascii() and value.isprintable()) or " " in value:
            value = _INVISIBLE.sub("", value)  # non-breaking and zero-width spaces too
        if value and not _looks_valid(value):
            raise _fail("email", f"email {value!r} is not a valid address")
        return value

    @field_validator("do_not_contact", mode="before")
    @classmethod
    def _flag(cls, value: object) -> bool:
        return str(value).strip().casefold() in TRUTHY

    @model_validator(mode="after")
    def _reachable(self) -> LeadRow:
        if not self.email and not _phone_key(self.phone):
            what = f" (phone {self.phone!r} has too few digits)" if self.phone else ""
            raise _fail("unreachable", f"no email and no usable phone{what}")
        return self


@dataclass
class RowContext:
    """Per-file facts every record needs."""

    columns: tuple[Column, ...]
    width: int
    day_first: bool
    rating_header: str = "Rating"
    bad_dates: list[tuple[int, str]] = field(default_factory=list)
    dates: dict[str, datetime | None] = field(default_factory=dict)
    """`parse_date` results by date text (files repeat their dates)."""
    specs: tuple[tuple[int, str, str, int], ...] = field(init=False)
    """(index, field, header, kind) of each column: what `collect` does with its value."""

    def __post_init__(self) -> None:
        self.specs = tuple((c.index, c.field, c.header, _kind(c.field)) for c in self.columns)


_SINGLE, _PHONE, _NOTES, _NOTE, _STATUS, _DNC, _OTHER = range(7)


def _kind(name: str) -> int:
    if name in SINGLE:
        return _SINGLE
    if name in ("phone", "mobile"):
        return _PHONE
    return {"notes": _NOTES, "note": _NOTE, "status": _STATUS, "do_not_contact": _DNC}.get(
        name, _OTHER
    )


def collect(cells: list[str], ctx: RowContext) -> tuple[dict[str, object], dict[str, str]]:
    """The record's values by field (and which column each came from)."""
    values: dict[str, object] = {}
    origin: dict[str, str] = {}
    notes: list[str] = []
    status: list[tuple[str, str]] = []
    phones: list[tuple[str, str]] = []
    n = len(cells)
    for index, name, header, kind in ctx.specs:
        if index >= n:
            continue
        value = cells[index].strip()
        if not value:
            continue
        if kind == _SINGLE:
            if name not in values:
                values[name] = value
                origin[name] = header
        elif kind == _PHONE:
            phones.append((value, header))
        elif kind == _NOTES:
            notes.append(value)
        elif kind == _NOTE:
            notes.append(f"{header}: {value}")
        elif kind == _STATUS:
            status.append((header, value))
        elif kind == _DNC:
            values["do_not_contact"] = values.get("do_not_contact") or value.casefold() in TRUTHY
    if phones:
        if len(phones) > 1:
            phones.sort(key=lambda p: 0 if _phone_key(p[0]) else 1)  # a usable number first
        values["phone"], origin["phone"] = phones[0]
    if notes:
        values["notes"] = "\n".join(notes)
    if status:
        values["status"] = tuple(status)
    if "time" in values:
        values["date"] = f"{values.get('date', '')} {values.pop('time')}".strip()
    name = str(values.pop("name", ""))
    if name and "first_name" not in values and "last_name" not in values:
        values["first_name"], values["last_name"] = split_name(name)
    return values, origin


def split_name(full: str) -> tuple[str, str]:
    """ "Doe, Jane" and "Jane Doe" → ("Jane", "Doe")."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    first, _, last = full.partition(" ")
    return first, last


def validate(
    number: int, line: int, cells: list[str], ctx: RowContext
) -> tuple[LeadRow | None, RowError | None, dict[str, str]]:
    """Validate one record; a `RowError` names the column and the value at fault."""
    extra = [c for c in cells[ctx.width :] if c.strip()] if len(cells) > ctx.width else None
    if extra:
        return (
            None,
            RowError(
                number,
                line,
                "",
                f"the record has {len(cells)} values but the header has {ctx.width} columns "
                f"(an unquoted delimiter in a value?): extra {extra[0][:40]!r}",
            ),
            {},
        )
    values, origin = collect(cells, ctx)
    try:
        return _validate_lead(values), None, origin
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = err["loc"][0] if err["loc"] else ""
        if loc:
            column = origin.get(str(loc), str(loc))
        else:
            column = " / ".join(
                c.header for c in ctx.columns if c.field in ("email", "phone", "mobile")
            )
        return None, RowError(number, line, column, err["msg"]), origin


@lru_cache(maxsize=4096)
def map_source(text: str) -> Source | None:
    """Our source for a row's source text ("Trade Show", "Organic Search", "Messe" …)."""
    word = " ".join(text.casefold().replace("_", " ").split())
    if not word:
        return None
    try:
        return Source(word.replace(" ", "_").replace("-", "_"))
    except ValueError:
        pass
    for key, value in SOURCE_WORDS.items():
        if key in word:
            return Source(value)
    for source, pattern in _SOURCE_RES:
        if pattern.search(word):
            return source
    return Source.OTHER


def _status_qualifies(status: str) -> bool:
    word = " ".join(status.casefold().split())
    return (
        word in QUALIFIED_STATUSES
        or word in QUALIFIED_WORDS
        or (word.replace("_", " ") in QUALIFIED_STATUSES)
    )


def rating_of(text: str) -> Rating | None:
    word = text.strip().casefold()
    value = RATINGS.get(word) or RATING_WORDS.get(word)
    return Rating(value) if value else None


def to_import_row(number: int, line: int, row: LeadRow, ctx: RowContext) -> ImportRow:
    """Normalise a valid record: keys, stage and rating, source, date, notes."""
    values = row.__dict__  # the fields in declaration order (read directly: 100k rows)
    status, rating_text = values["status"], values["rating"]
    qualified = False
    rating: Rating | None = None
    if status or rating_text:
        notes = [values["notes"]] if values["notes"] else []
        qualified = bool(status) and any(_status_qualifies(value) for _, value in status)
        rating = rating_of(rating_text) if rating_text else None
        if qualified:
            rating = rating or Rating.MEDIUM
        else:
            notes += [f"{column}: {value}" for column, value in status]
            if rating_text:
                notes.append(f"{ctx.rating_header}: {rating_text}")
                rating = None
        note = "\n".join(notes)
    else:
        note = values["notes"]
    at: datetime | None = None
    date = values["date"]
    if date:
        try:
            at = ctx.dates[date]
        except KeyError:
            at = ctx.dates[date] = parse_date(date, day_first=ctx.day_first)
        if at is None:
            ctx.bad_dates.append((line, date))
    phone = values["phone"]
    email = values["email"]
    ref = values["ref"]
    campaign = values["campaign"]
    # Positional, in ImportRow's field order: a 21-keyword call costs more than the rest.
    return _new_row(
        ImportRow,
        (
            number,
            line,
            email,
            email.lower(),  # the validator already took every space out
            phone,
            _phone_key(phone),
            values["first_name"],
            values["last_name"],
            values["company"],
            values["title"],
            values["country"],
            note,
            map_source(values["source"]),
            campaign or None,
            Stage.QUALIFIED if qualified else Stage.RAW,
            rating,
            at,
            values["do_not_contact"],
            (ref,) if ref else tuple(values.values()),
        ),
    )


_new_row = tuple.__new__
_validate_lead = LeadRow.__pydantic_validator__.validate_python
"""`LeadRow.model_validate` without its per-call wrapper."""
