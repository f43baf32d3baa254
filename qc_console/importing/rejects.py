"""`FILE.rejects.csv`: the rejected records with where and why, ready to fix and re-import.

The first four columns say which record, which physical line, which column and why; then the
record's own columns follow unchanged, so the fixed file imports like the original (the reader
ignores the qc_ columns).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from qc_console.importing.values import ParsedFile

REJECT_HEADER = ["qc_record", "qc_line", "qc_column", "qc_reason"]


def rejects_path(parsed: ParsedFile) -> Path | None:
    return Path(parsed.path + ".rejects.csv") if parsed.path else None


def write_rejects(parsed: ParsedFile) -> Path | None:
    """Write the rejects file next to the import file (atomically); None when nothing was
    rejected. A stale rejects file of ours is removed then, so it cannot be re-imported by
    mistake."""
    path = rejects_path(parsed)
    if path is None:
        return None
    if not parsed.errors:
        if path.exists() and _is_ours(path):
            path.unlink()
        return None
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", newline="", encoding="utf-8-sig") as fh:
            out = csv.writer(fh)
            out.writerow(REJECT_HEADER + list(parsed.headers))
            for err in parsed.errors:
                _line, cells = parsed.raw_records.get(err.record, (err.line, []))
                out.writerow([err.record, err.line, err.column, err.reason, *cells])
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _is_ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return first[:4] == REJECT_HEADER
