"""Which export a file is, from its headers, and which column feeds which field."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from qc_console.importing.formats import (
    COMMON,
    FIELDS,
    FORMATS,
    GENERIC,
    LOCALISED_FORMAT,
    MAPPED,
    Format,
)
from qc_console.importing.localised import LOCALISED, language_of
from qc_console.importing.reader import UnusableFile

KEY_FIELDS = frozenset({"email", "phone", "mobile"})
REJECT_COLUMNS = ("qc_record", "qc_line", "qc_column", "qc_reason")
"""Columns our rejects file adds; ignored when the fixed rejects file is imported again."""


def norm(header: str) -> str:
    """A header as the maps spell it: case-folded, single spaces."""
    return " ".join(header.replace("\u00a0", " ").split()).casefold()


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str


@dataclass(frozen=True)
class Detected:
    """The format of a file and its column mapping."""

    format: Format
    label: str
    columns: tuple[Column, ...]
    """Mapped columns, in file order (`ignore` left out)."""
    unmapped: tuple[str, ...]
    day_first: bool
    language: str | None = None

    def fields(self) -> set[str]:
        return {c.field for c in self.columns}


def _localised_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for words in LOCALISED.values():
        out.update(words)
    return out


ALL_LOCALISED = _localised_map()


def _build(fmt: Format, headers: list[str], normed: list[str]) -> list[Column]:
    out: list[Column] = []
    for i, (header, key) in enumerate(zip(headers, normed, strict=True)):
        if key in REJECT_COLUMNS or not key:
            continue
        name = fmt.columns.get(key) or COMMON.get(key) or ALL_LOCALISED.get(key)
        if name is None and fmt.notes_from_rest and key not in fmt.quiet:
            name = "note"
        if name and name != "ignore":
            out.append(Column(i, header, name))
    return out


def _has_key(columns: list[Column]) -> bool:
    return any(c.field in KEY_FIELDS for c in columns)


def detect(headers: list[str], map_spec: str | None = None) -> Detected:
    """The best-matching format for `headers`, with `--map` applied over its mapping.

    Raises:
        UnusableFile: no format fits and no email or phone column is recognisable (or mapped).
    """
    normed = [norm(h) for h in headers]
    present = set(normed)
    best: tuple[int, Format, list[Column]] | None = None
    for fmt in FORMATS:
        marks = len(fmt.marks & present)
        if marks < fmt.min_marks:
            continue
        columns = _build(fmt, headers, normed)
        if not _has_key(columns):
            continue
        score = marks * 100 + len(columns)
        if best is None or score > best[0]:
            best = (score, fmt, columns)
    language, hits = language_of(normed)
    if best is not None:
        fmt, columns = best[1], best[2]
        label = fmt.label + (f" ({language})" if language and hits >= 2 else "")
        day_first = fmt.day_first or bool(language and hits >= 2)
    else:
        fmt = LOCALISED_FORMAT if language and hits >= 2 else GENERIC
        columns = _build(fmt, headers, normed)
        label = f"{fmt.label} ({language})" if fmt is LOCALISED_FORMAT else fmt.label
        day_first = fmt.day_first
        if map_spec is None and not _has_key(columns):
            raise UnusableFile(_no_columns(headers))
    if map_spec is not None:
        columns = _apply_map(columns, headers, normed, map_spec)
        if best is None:
            fmt, label = MAPPED, MAPPED.label
        if not _has_key(columns):
            raise UnusableFile(
                "--map gives no email or phone column: map one, e.g. --map "
                f'"{headers[0]}=email"; columns found: {_listing(headers)}'
            )
    used = {c.index for c in columns}
    unmapped = tuple(
        h for i, h in enumerate(headers) if i not in used and normed[i] not in REJECT_COLUMNS and h
    )
    return Detected(fmt, label, tuple(columns), unmapped, day_first, language)


def _listing(headers: list[str]) -> str:
    return ", ".join(repr(h) for h in headers) or "(none)"


def _no_columns(headers: list[str]) -> str:
    fields = ", ".join(f for f in FIELDS if f != "ignore")
    return (
        f"no recognisable columns (no known export format, no email or phone column). "
        f'Columns found: {_listing(headers)}. Map them with --map "Column=field,…" '
        f"(fields: {fields})"
    )


def parse_map(spec: str) -> list[tuple[str, str]]:
    """`"E-Mail Adr=email, Tel.=phone"` → pairs; a column name with a comma may be quoted.

    Raises:
        UnusableFile: a pair without `=` or with an unknown field.
    """
    try:
        parts = next(csv.reader(io.StringIO(spec), skipinitialspace=True))
    except StopIteration:
        parts = []
    pairs: list[tuple[str, str]] = []
    for part in parts:
        if not part.strip():
            continue
        column, sep, name = part.rpartition("=")
        name = name.strip().lower().replace("-", "_")
        if name in ("full_name",):
            name = "name"
        if name in ("skip", ""):
            name = "ignore"
        if not sep or not column.strip():
            raise UnusableFile(f"--map: {part.strip()!r} is not Column=field")
        if name not in FIELDS:
            raise UnusableFile(
                f"--map: unknown field {name!r} in {part.strip()!r}; fields: {', '.join(FIELDS)}"
            )
        pairs.append((column.strip(), name))
    if not pairs:
        raise UnusableFile('--map is empty: give "Column=field,…"')
    return pairs


def _apply_map(
    columns: list[Column], headers: list[str], normed: list[str], spec: str
) -> list[Column]:
    by_index = {c.index: c for c in columns}
    for column, name in parse_map(spec):
        key = norm(column)
        if key not in normed:
            raise UnusableFile(f"--map: no column {column!r} in the file; columns found: "
                               f"{_listing(headers)}")  # fmt: skip
        i = normed.index(key)
        if name == "ignore":
            by_index.pop(i, None)
        else:
            by_index[i] = Column(i, headers[i], name)
    return [by_index[i] for i in sorted(by_index)]
