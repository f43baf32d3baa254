"""A consistent copy of the database while it is in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qc_console.db.database import db, is_postgres
from qc_console.domain.errors import BadInput


def backup_to(path: Path) -> Path:
    """Copy the SQLite database to `path` with SQLite's online backup (safe while in use).

    Raises:
        BadInput: on PostgreSQL (use pg_dump), when `path` already exists or cannot be
            written.
    """
    if is_postgres():
        raise BadInput(
            'on PostgreSQL use pg_dump: pg_dump --format=custom -f qc.dump "$QC_DATABASE_URL"'
        )
    path = path.expanduser()
    if path.exists():
        raise BadInput(f"{path} already exists; choose a new file")
    source = db.connection()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
    except (OSError, sqlite3.Error) as exc:  # a folder that cannot be made, no permission …
        if path.is_file():
            path.unlink()  # a partial copy is no backup
        raise BadInput(f"cannot write a backup to {path}: {exc}") from None
    return path
