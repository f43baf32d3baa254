"""Read a whole file: records → format and mapping → dates resolved → every row validated."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qc_console.domain.codes import Outcome
from qc_console.importing.dates import resolve_order
from qc_console.importing.detect import Detected, detect
from qc_console.importing.reader import RawFile, UnusableFile, read_records
from qc_console.importing.rows import RowContext, to_import_row, validate
from qc_console.importing.values import ImportRow, ParsedFile, Progress, RowError

CHUNK = 2000
"""Rows between progress reports."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file's rows are built and written.

    100k rows allocate millions of objects that are never cyclic garbage; the collector's
    passes over them cost ~30% of reading a file. Reference counting still frees memory.
    Process-wide (the console's UI thread too), for the seconds an import takes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def mailchimp_status(name: str, headers: list[str]) -> str:
    """'unsubscribed' or 'cleaned' for those Mailchimp exports; '' for subscribed ones.

    Mailchimp puts the status only in the file name (unsubscribed_members_export_….csv);
    the UNSUB_/CLEAN_ columns those exports add confirm it.
    """
    lowered = name.casefold()
    upper = {h.upper() for h in headers}
    if "unsubscribed" in lowered or "UNSUB_TIME" in upper:
        return "unsubscribed"
    if "cleaned" in lowered or "CLEAN_TIME" in upper:
        return "cleaned"
    return ""


def read_file_bytes(path: Path) -> bytes:
    """The file's bytes, or `UnusableFile` saying why in words (missing, a folder, no access)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnusableFile(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UnusableFile(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise UnusableFile(f"cannot read {path}: {exc.strerror or exc}") from None


def read_file(
    path: str | Path,
    *,
    map_spec: str | None = None,
    allow_unsubscribed: bool = False,
    progress: Progress | None = None,
) -> ParsedFile:
    """Read and validate the file at `path`.

    Raises:
        UnusableFile: missing, empty, undecodable, unrecognisable, or a refused export.
    """
    path = Path(path)
    data = read_file_bytes(path)
    return parse_bytes(
        data,
        name=path.name,
        path=str(path),
        map_spec=map_spec,
        allow_unsubscribed=allow_unsubscribed,
        progress=progress,
    )


def parse_bytes(
    data: bytes,
    *,
    name: str,
    path: str = "",
    map_spec: str | None = None,
    allow_unsubscribed: bool = False,
    progress: Progress | None = None,
) -> ParsedFile:
    """Read and validate a file's bytes (`name` matters: Mailchimp's status is in it)."""
    with gc_paused():
        return _parse(data, name, path, map_spec, allow_unsubscribed, progress)


def _parse(
    data: bytes,
    name: str,
    path: str,
    map_spec: str | None,
    allow_unsubscribed: bool,
    progress: Progress | None,
) -> ParsedFile:
    raw = read_records(data)
    detected = detect(raw.headers, map_spec)
    notices = list(raw.notices)
    status = ""
    outcome = detected.format.outcome
    if detected.format.key == "mailchimp":
        status = mailchimp_status(name, raw.headers)
        if status and not allow_unsubscribed:
            raise UnusableFile(
                f"a Mailchimp export of {status} contacts (says its file name): they must not "
                "be contacted. "
                "Pass --allow-unsubscribed to import them as do-not-contact leads "
                "(leads already here that match get marked do-not-contact)"
            )
        if status:
            outcome = Outcome.NOT_INTERESTED if status == "unsubscribed" else Outcome.BOUNCED
            notices.append(
                f"Mailchimp {status} export (from the file name): every contact is "
                "do-not-contact and never queued"
            )
    rows, errors, rejected_cells = _validate_all(raw, detected, notices, progress)
    if status:
        rows = [_dnc(r) for r in rows]
    if raw.skipped_footer:
        notices.append(f"{raw.skipped_footer} footer line(s) skipped (report totals and notices)")
    notes_from = [c.header for c in detected.columns if c.field == "note"]
    if notes_from and detected.format.notes_from_rest:
        notices.append("kept in notes: " + ", ".join(notes_from))
    return ParsedFile(
        name=name,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format_key=detected.format.key,
        format_label=detected.label,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        headers=tuple(raw.headers),
        mapping=tuple((c.header, c.field) for c in detected.columns),
        unmapped=detected.unmapped,
        rows=tuple(rows),
        errors=tuple(errors),
        records=len(raw.records),
        skipped=raw.skipped,
        notices=tuple(notices),
        default_source=detected.format.source,
        outcome=outcome,
        size=len(data),
        mailchimp_status=status,
        raw_records=rejected_cells,
    )


def _validate_all(
    raw: RawFile, detected: Detected, notices: list[str], progress: Progress | None
) -> tuple[list[ImportRow], list[RowError], dict[int, tuple[int, list[str]]]]:
    date_cols = [c.index for c in detected.columns if c.field == "date"]
    samples = ((r.line, r.cells[i]) for r in raw.records for i in date_cols[:1] if i < len(r.cells))
    order = resolve_order(samples, default_day_first=detected.day_first)
    if order.notice:
        notices.append(order.notice)
    headers = {c.field: c.header for c in reversed(detected.columns)}
    ctx = RowContext(
        columns=detected.columns,
        width=len(raw.headers),
        day_first=order.day_first,
        rating_header=headers.get("rating", "Rating"),
    )
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    rejected: dict[int, tuple[int, list[str]]] = {}
    records = raw.records
    total = len(records)
    for start in range(0, total, CHUNK):
        for number, line, cells in records[start : start + CHUNK]:
            row, error, _origin = validate(number, line, cells, ctx)
            if row is not None:
                rows.append(to_import_row(number, line, row, ctx))
            elif error is not None:
                errors.append(error)
                rejected[number] = (line, cells)
        if progress is not None and start + CHUNK <= total:
            progress("checking", start + CHUNK, total)
    if progress is not None:
        progress("checking", total, total)
    if ctx.bad_dates:
        line, text = ctx.bad_dates[0]
        notices.append(
            f"{len(ctx.bad_dates)} date(s) could not be read (first: {text!r} on line {line}); "
            "those rows are kept with the import time"
        )
    return rows, errors, rejected


def _dnc(row: ImportRow) -> ImportRow:
    return row._replace(do_not_contact=True)
