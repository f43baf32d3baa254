"""Upgrading an existing database says so before it starts (seconds on a big file); a new
database is created without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.db.database import close_database, db, open_database
from qc_console.db.schema import latest_name, migrate


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("QC_DATABASE_URL", raising=False)
    monkeypatch.delenv("QC_REP", raising=False)
    return tmp_path / "qc.sqlite"


def _rep_list(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{path}", "rep", "list"])
    return result.exit_code, result.stdout, result.stderr


def test_an_older_schema_is_upgraded_with_a_notice_first(env: Path) -> None:
    open_database(f"sqlite:///{env}")
    with db.connection_context():
        migrate(target="0009_phone_keys_with_country")
    close_database()
    code, _out, err = _rep_list(env)
    assert code == 0
    assert err.startswith("upgrading the database schema (0010_queue_indexes_open_leads_only, ")
    assert latest_name() in err
    assert _rep_list(env) == (0, _out, "")  # up to date: nothing more to say


def test_a_new_database_is_created_silently(env: Path) -> None:
    code, _out, err = _rep_list(env)
    assert code == 0 and err == ""
