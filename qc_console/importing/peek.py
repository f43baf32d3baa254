"""A file's columns, sample values and best-guess mapping: what the mapping editor shows.

Unlike `read_file`, this never refuses a file for its columns (the user is about to map
them); it still refuses files that cannot be read at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from qc_console.importing.detect import _build, detect, norm
from qc_console.importing.formats import FIELDS, GENERIC
from qc_console.importing.parse import mailchimp_status, read_file_bytes
from qc_console.importing.reader import DELIMITER_NAMES, UnusableFile, read_records

SAMPLES = 3
"""Sample values shown per column."""


@dataclass(frozen=True)
class FileColumns:
    """The columns of a file, each with its current field ('ignore' when unmapped)."""

    path: str
    name: str
    format_label: str
    """'' when no format was recognised."""
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    fields: tuple[str, ...]
    """The field each column feeds now (same order as `headers`)."""
    samples: tuple[tuple[str, ...], ...]
    """Up to `SAMPLES` non-empty values per column."""
    records: int
    mailchimp_status: str = ""


def peek_file(path: str | Path) -> FileColumns:
    """Read the header and a few records of `path` (see `FileColumns`).

    Raises:
        UnusableFile: missing, empty or undecodable.
    """
    path = Path(path)
    data = read_file_bytes(path)
    raw = read_records(data)
    headers = raw.headers
    try:
        found = detect(headers)
        label, columns = found.label, found.columns
    except UnusableFile:
        label, columns = "", tuple(_build(GENERIC, headers, [norm(h) for h in headers]))
    by_index = {c.index: c.field for c in columns}
    samples: list[list[str]] = [[] for _ in headers]
    for rec in raw.records[:200]:
        for i, cell in enumerate(rec.cells[: len(headers)]):
            if cell.strip() and len(samples[i]) < SAMPLES:
                samples[i].append(cell.strip())
    return FileColumns(
        path=str(path),
        name=path.name,
        format_label=label,
        encoding=raw.encoding,
        delimiter=DELIMITER_NAMES.get(raw.delimiter, repr(raw.delimiter)),
        headers=tuple(headers),
        fields=tuple(by_index.get(i, "ignore") for i in range(len(headers))),
        samples=tuple(tuple(s) for s in samples),
        records=len(raw.records),
        mailchimp_status=mailchimp_status(path.name, headers),
    )


def map_spec(headers: tuple[str, ...] | list[str], fields: tuple[str, ...] | list[str]) -> str:
    """The `--map` text assigning `fields[i]` to `headers[i]` (every column, `ignore` too)."""
    out = io.StringIO()
    pairs = [f"{h}={f}" for h, f in zip(headers, fields, strict=True) if h.strip()]
    csv.writer(out, lineterminator="").writerow(pairs)
    return out.getvalue()


MAPPABLE = FIELDS
"""The fields a column can be assigned to, in the editor's order."""
