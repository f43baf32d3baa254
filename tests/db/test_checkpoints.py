"""A long-running process (the console) checkpoints SQLite's WAL in the background, so a
commit never waits for a checkpoint, and the log does not grow without end."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.db.database import Checkpointer, close_database, db, held, hold_open
from qc_console.domain.values import NewLead
from qc_console.services import leads, reps
from qc_console.services.facade import open_backend
from tests.conftest import NOW


def _writes(first: int, n: int) -> None:
    for i in range(first, first + n):
        leads.create_lead(NewLead(first_name=f"Lead {i}", email=f"l{i}@x.test"), actor="ann")


def test_commits_leave_the_checkpoint_to_the_background_thread(tmp_path: Path) -> None:
    path = tmp_path / "qc.sqlite"
    open_backend(f"sqlite:///{path}", "nobody")
    try:
        reps.add_rep("ann", "rep", now=NOW)
        hold_open()
        keeper = held()
        assert keeper is not None and keeper.path == str(path)
        keeper.ran.clear()
        _writes(0, 5)
        # commits do not checkpoint (on every connection the services open)...
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        close_database()
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        # ...the thread does, once it sees they committed
        assert keeper.ran.wait(timeout=10), "the checkpointer thread never ran"
        keeper.ran.clear()
        _writes(5, 5)
        assert keeper.ran.wait(timeout=10), "the checkpointer thread stopped"
        assert db.execute_sql("SELECT COUNT(*) FROM lead").fetchone()[0] == 10
    finally:
        close_database()


def test_a_new_database_gets_its_own_checkpointer(tmp_path: Path) -> None:
    for name in ("a.sqlite", "b.sqlite"):
        open_backend(f"sqlite:///{tmp_path / name}", "nobody")
        try:
            hold_open()
            keeper = held()
            assert keeper is not None and keeper.path == str(tmp_path / name)
        finally:
            close_database()


def test_a_checkpoint_asked_for_while_the_thread_polls_does_not_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmarks checkpoint between runs from the main thread while the daemon thread
    polls the same connection: unguarded, SQLite said "database table is locked"."""
    monkeypatch.setattr(Checkpointer, "PERIOD_S", 0.0005)
    open_backend(f"sqlite:///{tmp_path / 'qc.sqlite'}", "nobody")
    try:
        reps.add_rep("ann", "rep", now=NOW)
        hold_open()
        keeper = held()
        assert keeper is not None
        for i in range(40):
            _writes(i, 1)
            for _ in range(25):
                busy, _frames, _done = keeper.checkpoint()
                assert busy == 0
    finally:
        close_database()
