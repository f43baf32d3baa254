"""A seeded demo database for the report screens: built once per session (the demo seed plants
a raw → qualified lag of 6 weeks), copied for each test, with grace (a supervisor) acting."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qc_console.db.database import close_database, db
from qc_console.domain.codes import Source
from qc_console.services import reps
from qc_console.services.analytics import _rollup
from qc_console.services.facade import ServiceBackend, open_backend
from qc_console.tui.app import QCConsoleApp
from tests.conftest import NOW

SUPERVISOR = "grace"
HOSTILE_CAMPAIGN = "[bold red]ACME[/]"
"""A campaign name that is markup (and would lose its brackets if parsed as such)."""


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    from qc_console.services.seed import seed_demo

    open_backend(f"sqlite:///{path}", "nobody")
    with db.connection_context():
        seed_demo(now=NOW)
        reps.add_campaign(HOSTILE_CAMPAIGN, Source.OTHER, cost=100, now=NOW)
        _rollup.refresh()  # built once here, not in every test
    close_database()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the seeded demo database, opened; yields its URL."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    open_backend(url, "nobody")
    yield url
    close_database()


def report_app(keymap_path: Path, actor: str = SUPERVISOR, **kw: Any) -> QCConsoleApp:
    """The console on the demo database at the fixed clock (the demo's "now")."""
    kw.setdefault("poll_seconds", 0)
    return QCConsoleApp(ServiceBackend(actor), keymap_path=keymap_path, now=lambda: NOW, **kw)
