"""Running `qc-console` in-process against a fresh database, isolated from the user's
environment, config file and data dir: a SQLite file, and (when enabled) a PostgreSQL
database in team mode, where each person is a database login.

Tests name the acting person with `rep=`: on SQLite that is `--rep NAME`; on PostgreSQL, where
`--rep` is refused because identity is the database's, it is the person's own URL
(`--db postgresql://NAME@…`). `QC.who(NAME)` gives those arguments for tests that place them
themselves.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from click.testing import CliRunner, Result

from qc_console.cli import cli
from qc_console.db.database import close_database
from qc_console.domain.values import LeadView
from qc_console.services.facade import open_backend

PEOPLE = [
    ("ann", "rep"),
    ("bob", "rep"),
    ("sue", "supervisor"),
    ("sam", "sales"),
    ("tia", "sales"),
]


@dataclass
class QC:
    """`qc-console --db URL [--rep NAME] ARGS…` with helpers to look at the database.

    `url` is the admin's URL (on PostgreSQL the superuser that owns the database)."""

    url: str
    path: Path | None
    env: dict[str, str | None]

    @property
    def on_pg(self) -> bool:
        return self.url.startswith("postgresql://")

    def url_of(self, person: str) -> str:
        """The database URL `person` works with: their own login on PostgreSQL."""
        if not self.on_pg:
            return self.url
        parts = urlsplit(self.url)
        netloc = f"{person}@{parts.netloc.rpartition('@')[2]}"
        return urlunsplit(parts._replace(netloc=netloc))

    def who(self, person: str) -> list[str]:
        """`--db URL --rep NAME` on SQLite; `--db URL-of-NAME's-login` on PostgreSQL."""
        return ["--db", self.url_of(person)] if self.on_pg else ["--db", self.url, "--rep", person]

    def __call__(self, *args: str, rep: str | None = None, db: bool = True) -> Result:
        """Run as `rep` (see `who`), else as the admin; `db=False` leaves out `--db`."""
        if rep is not None:
            who = self.who(rep) if db or self.on_pg else ["--rep", rep]
        else:
            who = ["--db", self.url] if db else []
        return CliRunner().invoke(cli, [*who, *args], env=self.env, catch_exceptions=False)

    def ok(self, *args: str, rep: str | None = None) -> Result:
        result = self(*args, rep=rep)
        assert result.exit_code == 0, result.output
        return result

    def lead(self, lead_id: int) -> LeadView:
        """The lead as the supervisor sees it."""
        if self.on_pg:
            return open_backend(self.url_of("sue")).lead_detail(lead_id).lead
        return open_backend(self.url, "sue").lead_detail(lead_id).lead

    def dump(self) -> list[str]:
        """Every row of the database, to show nothing was written."""
        if self.on_pg:
            from tests.pg import dump

            return dump(self.url)
        assert self.path is not None
        with sqlite3.connect(self.path) as con:
            return list(con.iterdump())

    def add(self, first: str, *extra: str, rep: str = "ann") -> int:
        email = f"{first.lower()}@example.com"
        args = ["add", "--first", first, "--last", "Test", "--email", email, "--company", "Co"]
        return int(self.ok(*args, *extra, rep=rep).stdout)

    def sqlite_only(self, why: str) -> None:
        """Skip this test on PostgreSQL, saying why it cannot apply there."""
        if self.on_pg:
            pytest.skip(f"SQLite only: {why}")


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
def qc(db_url: str, isolated: dict[str, str | None]) -> QC:
    """An empty database on each engine (tests/conftest.py `db_url`), not yet initialised."""
    if db_url.startswith("sqlite:///"):
        return QC(db_url, Path(db_url[len("sqlite:///") :]), isolated)
    return QC(db_url, None, isolated)


@pytest.fixture
def center(qc: QC) -> Iterator[QC]:
    """A migrated database with ann, bob (reps), sue (supervisor), sam, tia (sales).

    On PostgreSQL it is in team mode: each of them is a login (`team add-rep`), no password
    (the test server trusts 127.0.0.1). Logins belong to the whole server, so the ones made
    here are dropped afterwards (other tests create logins of the same names)."""
    qc.ok("init")
    if not qc.on_pg:
        for name, role in PEOPLE:
            qc.ok("rep", "add", name, "--role", role)
        yield qc
        return
    qc.ok("team", "init")
    created = [
        name
        for name, role in PEOPLE
        if "created login" in qc.ok("team", "add-rep", name, "--role", role).stdout
    ]
    yield qc
    close_database()
    drop_logins(qc.url, created)


def drop_logins(url: str, names: list[str]) -> None:
    """Drop PostgreSQL logins with their privileges in the database at `url` (superuser)."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as con:
        con.autocommit = True
        with con.cursor() as cur:
            for name in names:
                cur.execute(f'DROP OWNED BY "{name}"')
                cur.execute(f'DROP ROLE "{name}"')
