"""Snapshot of the supervisor's console: the aging heatmap and the black holes (sue, fixed
clock: the screen asks the services for figures at the app's `now`). SQLite only."""

from __future__ import annotations

import pytest

from tests.snapshots.snap_app import build_data, make_snap_app, then, wait_loaded

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(autouse=True)
def _sqlite_only(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("snapshots are engine-independent: SQLite only")


async def _open(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("s")
    await wait_loaded(pilot)


def test_aging_heatmap(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=True)
    assert snap_compare(
        make_snap_app("sue"), terminal_size=(140, 45), run_before=then(wait_loaded, _open)
    )


def test_aging_heatmap_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The compact form: short SLA titles, no Company column, no sideways scroll."""
    build_data(hostile=True)
    assert snap_compare(
        make_snap_app("sue"), terminal_size=(80, 24), run_before=then(wait_loaded, _open)
    )
