"""Sample files copied into tmp_path (rejects files land next to the file imported), a database
with the people of a small center, and the CLI run in-process against it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import QC

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
PEOPLE = [("ann", "rep"), ("bob", "rep"), ("sue", "supervisor"), ("sam", "sales")]


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """A copy of tests/data/import (imports write FILE.rejects.csv beside the file)."""
    target = tmp_path / "samples"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def center(tmp_path: Path) -> QC:
    """`qc-console` against a migrated temp database with ann, bob, sue and sam."""
    from tests.cli.conftest import QC  # the CLI is imported only by the tests that run it

    env: dict[str, str | None] = {
        "QC_DATABASE_URL": None,
        "QC_REP": None,
        "QC_CONFIG": str(tmp_path / "absent.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    path = tmp_path / "center.sqlite"
    qc = QC(f"sqlite:///{path}", path, env)
    qc.ok("init")
    for name, role in PEOPLE:
        qc.ok("rep", "add", name, "--role", role)
    return qc
