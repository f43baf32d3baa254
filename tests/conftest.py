"""Shared fixtures: a migrated database per test (SQLite file; PostgreSQL when enabled) and
the people of a small qualifying center."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from qc_console.db.database import close_database, db
from qc_console.services import reps
from qc_console.services.facade import ServiceBackend, open_backend

NOW = datetime(2026, 3, 4, 15, 0, 0)
"""A fixed clock for tests (a Wednesday, naive UTC)."""

PEOPLE = [
    ("ann", "rep"),
    ("bob", "rep"),
    ("sue", "supervisor"),
    ("sam", "sales"),
    ("tia", "sales"),
]


def _engines() -> list[str]:
    from tests.pg import engines

    return engines()


@pytest.fixture(params=_engines())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qc.sqlite'}"
    else:
        from tests.pg import fresh_database

        yield from fresh_database(request)


@pytest.fixture
def migrated(db_url: str) -> Iterator[str]:
    """The database opened, migrated and connected on this thread; yields its URL."""
    open_backend(db_url, "nobody")
    db.connect(reuse_if_open=True)
    yield db_url
    close_database()


@pytest.fixture
def people(migrated: str) -> str:
    """ann, bob (QC reps), sue (supervisor), sam, tia (sales)."""
    for name, role in PEOPLE:
        reps.add_rep(name, role, now=NOW)
    return migrated


@pytest.fixture
def backend(people: str) -> ServiceBackend:
    """ann's backend on the migrated database with people."""
    return ServiceBackend("ann")


SQLITE_ONLY_DIRS = ("tui", "snapshots", "browser")
"""UI tests exercise the screens, not the engine (whose suites run on both engines): running
them on PostgreSQL too would double the slowest part of the suite for no new coverage."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_pg = callspec is not None and callspec.params.get("db_url") == "postgres"
        in_ui = any(part in SQLITE_ONLY_DIRS for part in item.path.parts)
        (drop if on_pg and in_ui else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
