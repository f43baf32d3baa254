"""The throwaway PostgreSQL server the tests run on: which engines run, when a missing server
skips and when it fails, and that every test gets its own empty database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg

needs_pg = pytest.mark.skipif("postgres" not in pg.engines(), reason="PostgreSQL tests are off")


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from pg.fresh_database(request)


@pytest.fixture
def no_binaries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without PostgreSQL (and no server started yet in this session)."""
    monkeypatch.setattr(pg, "bindir", lambda: None)
    monkeypatch.setattr(pg, "_server", None)
    monkeypatch.setattr(pg, "_failure", None)
    monkeypatch.delenv("QC_TEST_PG", raising=False)
    monkeypatch.delenv("QC_REQUIRE_PG", raising=False)


def test_without_binaries_only_sqlite_runs(no_binaries: None) -> None:
    assert pg.engines() == ["sqlite"]


def test_without_binaries_asking_for_postgres_skips_with_the_reason(
    no_binaries: None, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("QC_TEST_PG", "1")
    assert pg.engines() == ["sqlite", "postgres"]
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y postgresql"):
        pg.server(request)


def test_in_ci_a_missing_server_is_a_failure_not_a_skip(
    no_binaries: None, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("QC_REQUIRE_PG", "1")
    monkeypatch.setenv("QC_TEST_PG", "0")
    assert pg.engines() == ["sqlite", "postgres"]
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL binaries not found"):
        pg.server(request)


def test_postgres_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QC_TEST_PG", "0")
    monkeypatch.delenv("QC_REQUIRE_PG", raising=False)
    assert pg.engines() == ["sqlite"]


@needs_pg
def test_each_test_gets_an_empty_database_of_its_own(pg_url: str) -> None:
    import psycopg2

    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT current_database(), count(*) FROM pg_tables WHERE schemaname='public'")
        name, tables = cur.fetchone()
    conn.close()
    assert tables == 0
    assert pg_url.endswith(f"/{name}")


@needs_pg
def test_the_server_runs_unprivileged_on_localhost(request: pytest.FixtureRequest) -> None:
    import psycopg2

    srv = pg.server(request)
    with psycopg2.connect(srv.url("postgres")) as conn, conn.cursor() as cur:
        cur.execute("SHOW listen_addresses")
        assert cur.fetchone()[0] == "127.0.0.1"
        cur.execute("SHOW data_directory")
        data = Path(cur.fetchone()[0])
    conn.close()
    assert data.stat().st_uid != 0
    assert srv.tmp in data.parents


@needs_pg
def test_a_connection_a_test_leaves_open_does_not_stop_its_database_being_dropped(
    request: pytest.FixtureRequest,
) -> None:
    import psycopg2

    srv = pg.server(request)
    name = srv.create_database()
    opened = threading.Event()
    leaked: list[object] = []

    def leak() -> None:  # a worker thread that never closes its connection
        conn = psycopg2.connect(srv.url(name))
        conn.cursor().execute("BEGIN; CREATE TABLE t (x int)")
        leaked.append(conn)
        opened.set()

    threading.Thread(target=leak).start()
    assert opened.wait(30)

    srv.drop_database(name)

    with srv.admin.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,))
        assert cur.fetchone()[0] == 0
