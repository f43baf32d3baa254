"""Running `qc-console` in-process against a temp SQLite file, isolated from the user's
environment, config file and data dir."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qc_console.cli import cli
from qc_console.domain.values import LeadView
from qc_console.services.facade import open_backend


@dataclass
class QC:
    """`qc-console --db URL [--rep NAME] ARGS…` with helpers to look at the database."""

    url: str
    path: Path
    env: dict[str, str | None]

    def __call__(self, *args: str, rep: str | None = None, db: bool = True) -> Result:
        argv = (["--db", self.url] if db else []) + (["--rep", rep] if rep else []) + list(args)
        return CliRunner().invoke(cli, argv, env=self.env, catch_exceptions=False)

    def ok(self, *args: str, rep: str | None = None) -> Result:
        result = self(*args, rep=rep)
        assert result.exit_code == 0, result.output
        return result

    def lead(self, lead_id: int) -> LeadView:
        return open_backend(self.url, "sue").lead_detail(lead_id).lead

    def dump(self) -> list[str]:
        """Every row of the database, to show nothing was written."""
        with sqlite3.connect(self.path) as con:
            return list(con.iterdump())

    def add(self, first: str, *extra: str, rep: str = "ann") -> int:
        email = f"{first.lower()}@example.com"
        args = ["add", "--first", first, "--last", "Test", "--email", email, "--company", "Co"]
        return int(self.ok(*args, *extra, rep=rep).stdout)


@pytest.fixture
def isolated(tmp_path: Path) -> dict[str, str | None]:
    """No QC_* variables from the user, no config file, a data dir under tmp_path."""
    return {
        "QC_DATABASE_URL": None,
        "QC_REP": None,
        "QC_CONFIG": str(tmp_path / "absent.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.fixture
def qc(tmp_path: Path, isolated: dict[str, str | None]) -> QC:
    path = tmp_path / "x.sqlite"
    return QC(f"sqlite:///{path}", path, isolated)


@pytest.fixture
def center(qc: QC) -> QC:
    """A migrated database with ann, bob (reps), sue (supervisor), sam, tia (sales)."""
    qc.ok("init")
    for name, role in [
        ("ann", "rep"),
        ("bob", "rep"),
        ("sue", "supervisor"),
        ("sam", "sales"),
        ("tia", "sales"),
    ]:
        qc.ok("rep", "add", name, "--role", role)
    return qc
