"""Create or upgrade the schema with the numbered migrations in `migrations/`."""

from __future__ import annotations

from pathlib import Path

from playhouse.migrations import Runner

from qc_console.db.database import db

MIGRATIONS_DIR = str(Path(__file__).with_name("migrations"))
HISTORY_TABLE = "schema_version"


def _runner() -> Runner:
    return Runner(db.obj, MIGRATIONS_DIR, table_name=HISTORY_TABLE)


def migrate(target: str | None = None) -> list[str]:
    """Apply pending migrations (up to `target`, a migration name); returns what was applied."""
    return list(_runner().up(target=target))


def schema_status() -> list[tuple[str, bool]]:
    """Every known migration and whether it is applied."""
    return [(m.name, m.applied is not None) for m in _runner().status()]


def pending() -> list[str]:
    return [name for name, applied in schema_status() if not applied]


def latest_name() -> str:
    return sorted(p.stem for p in Path(MIGRATIONS_DIR).glob("[0-9]*.py"))[-1]
