"""Snapshots of a supervisor's queue of every rep's leads (sue, `*`): the Owner column, with the
pool dim, at 140 and 100 columns. SQLite only."""

from __future__ import annotations

import pytest

from qc_console.domain.values import QueueFilter
from qc_console.tui.screens.supervisor_drill import ALL, DrillDownQueue
from tests.snapshots.snap_app import build_data, make_snap_app, then, wait_loaded

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(autouse=True)
def _sqlite_only(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("snapshots are engine-independent: SQLite only")


async def _everyone(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.push_screen(DrillDownQueue(QueueFilter(owner=ALL), "every rep's leads"))
    await wait_loaded(pilot)


def test_supervisor_queue_with_owners(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=False)
    assert snap_compare(
        make_snap_app("sue"), terminal_size=(140, 45), run_before=then(wait_loaded, _everyone)
    )


def test_supervisor_queue_with_owners_at_100(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=False)
    assert snap_compare(
        make_snap_app("sue"), terminal_size=(100, 30), run_before=then(wait_loaded, _everyone)
    )
