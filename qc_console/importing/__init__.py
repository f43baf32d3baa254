"""Reading the contact files teams have (CRM, marketing, event and form exports) into validated
rows. Pure: no database, no UI. `read_file` is the entry point."""

from __future__ import annotations

from qc_console.importing.parse import parse_bytes, read_file
from qc_console.importing.reader import UnusableFile
from qc_console.importing.values import (
    ImportCounts,
    ImportOptions,
    ImportPreview,
    ImportReport,
    ImportRow,
    ParsedFile,
    Progress,
    RowError,
)

__all__ = [
    "ImportCounts",
    "ImportOptions",
    "ImportPreview",
    "ImportReport",
    "ImportRow",
    "ParsedFile",
    "Progress",
    "RowError",
    "UnusableFile",
    "parse_bytes",
    "read_file",
]
