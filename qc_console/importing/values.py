"""What reading a file produces and what an import reports: frozen, UI-safe values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from qc_console.domain.codes import Channel, Outcome, Source
from qc_console.domain.errors import BadInput
from qc_console.domain.stages import Rating, Stage


@dataclass(frozen=True)
class RowError:
    """Why one record of the file was rejected."""

    record: int
    """1 for the first data record."""
    line: int
    """Physical line where the record starts."""
    column: str
    """The header of the offending column ('' when the whole record is at fault)."""
    reason: str


class ImportRow(NamedTuple):
    """One valid record, normalised: what becomes a lead or a touch (a named tuple: a file
    makes 100k of them)."""

    record: int
    line: int
    email: str
    email_key: str
    phone: str
    phone_key: str
    first_name: str
    last_name: str
    company: str
    title: str
    country: str
    notes: str
    source: Source | None
    """From the row's own source column (None: the option or the format decides)."""
    campaign: str | None
    stage: Stage
    rating: Rating | None
    at: datetime | None
    """When the person did what the row records (naive UTC), if the file says."""
    do_not_contact: bool
    identity: tuple[object, ...]
    """Rows with the same key and identity record the same interaction (one touch)."""

    @property
    def key(self) -> str:
        return self.email_key or self.phone_key


@dataclass(frozen=True)
class ParsedFile:
    """A whole file read and validated; no database involved."""

    name: str
    path: str
    sha256: str
    format_key: str
    format_label: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    mapping: tuple[tuple[str, str], ...]
    """(column header, field) for every mapped column."""
    unmapped: tuple[str, ...]
    rows: tuple[ImportRow, ...]
    errors: tuple[RowError, ...]
    records: int
    """Data records (rows = valid + rejected); blank and footer lines are not records."""
    skipped: int
    """Blank and footer lines."""
    notices: tuple[str, ...]
    default_source: Source
    outcome: Outcome
    size: int = 0
    """Bytes in the file."""
    mailchimp_status: str = ""
    """'unsubscribed' or 'cleaned' for those Mailchimp exports (their contacts are DNC)."""
    raw_records: dict[int, tuple[int, list[str]]] = field(default_factory=dict, repr=False)
    """Record number → (line, cells) of rejected records, for the rejects file."""


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose for one import."""

    source: Source | None = None
    campaign: str | None = None
    owner: str | None = None
    """A rep who gets every new lead."""
    round_robin: bool = False
    """Spread new leads over the active QC reps (else they go to the pool)."""
    map_spec: str | None = None
    allow_unsubscribed: bool = False
    dry_run: bool = False

    def __post_init__(self) -> None:
        if self.source is not None and not isinstance(self.source, Source):
            try:
                object.__setattr__(self, "source", Source(str(self.source).strip().lower()))
            except ValueError:
                allowed = ", ".join(s.value for s in Source)
                raise BadInput(f"unknown source {self.source!r}: use {allowed}") from None


@dataclass(frozen=True)
class ImportCounts:
    rows: int
    new: int
    merged: int
    rejected: int
    do_not_contact: int = 0
    skipped: int = 0

    def summary(self) -> str:
        """`rows N, new N, merged N, rejected N` (+ do-not-contact, skipped when non-zero)."""
        text = f"rows {self.rows}, new {self.new}, merged {self.merged}, rejected {self.rejected}"
        if self.do_not_contact:
            text += f", do-not-contact {self.do_not_contact}"
        if self.skipped:
            text += f", skipped {self.skipped}"
        return text


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, dry, would do)."""

    file: str
    format_label: str
    counts: ImportCounts
    errors: tuple[RowError, ...]
    notices: tuple[str, ...]
    dry_run: bool = False
    batch_id: int | None = None
    run_id: int | None = None
    rejects_path: str | None = None
    new_ids: tuple[int, ...] = ()
    merged_ids: tuple[int, ...] = ()
    touches: int = 0
    already: str | None = None
    """Set when this file was imported before: when and by whom (nothing was added)."""
    campaigns_created: tuple[str, ...] = ()
    channel: Channel | None = None


@dataclass(frozen=True)
class ImportPreview:
    """What the import screen shows before the user confirms."""

    parsed: ParsedFile
    report: ImportReport
    """The would-be counts (a dry run)."""
    first_rows: tuple[ImportRow, ...]


Progress = Callable[[str, int, int], None]
"""`progress(phase, done, total)`: "checking" while rows are validated, then "writing"."""
