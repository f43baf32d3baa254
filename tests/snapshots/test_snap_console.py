"""Snapshots of the console: the queue full and empty, the detail, help, hostile data, 80×24.

Snapshots run on SQLite only (the same pixels on every engine). Update with
`pytest tests/snapshots --snapshot-update` after looking at snapshot_report.html.
"""

from __future__ import annotations

import pytest

from tests.snapshots.snap_app import build_data, make_snap_app, then, wait_loaded

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(autouse=True)
def _sqlite_only(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("snapshots are engine-independent: SQLite only")


def test_queue_full(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=False)
    assert snap_compare(make_snap_app(), terminal_size=(140, 45), run_before=wait_loaded)


def test_queue_empty(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_snap_app(), terminal_size=(140, 45), run_before=wait_loaded)


def test_lead_detail(snap_compare) -> None:  # type: ignore[no-untyped-def]
    q = build_data(hostile=False)

    async def open_overdue(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_loaded(pilot)
        table = pilot.app.screen.table
        table.move_cursor(row=table.get_row_index(str(q["overdue"])))
        await pilot.press("enter")
        await wait_loaded(pilot)

    assert snap_compare(make_snap_app(), terminal_size=(140, 45), run_before=open_overdue)


def test_help(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=False)
    assert snap_compare(
        make_snap_app(), press=["question_mark"], terminal_size=(140, 45), run_before=wait_loaded
    )


def test_hostile_data(snap_compare) -> None:  # type: ignore[no-untyped-def]
    q = build_data(hostile=True)

    async def open_hostile(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_loaded(pilot)
        table = pilot.app.screen.table
        table.move_cursor(row=table.get_row_index(str(q["hostile"])))
        await pilot.press("enter")
        await wait_loaded(pilot)

    assert snap_compare(make_snap_app(), terminal_size=(140, 45), run_before=then(open_hostile))


def test_queue_rating_prompt_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """`q` asks on the footer's line (no modal); a hostile label is cut, shown literally."""
    q = build_data(hostile=True)

    async def ask_hostile(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_loaded(pilot)
        table = pilot.app.screen.table
        table.move_cursor(row=table.get_row_index(str(q["hostile"])))
        await pilot.press("q")
        await wait_loaded(pilot)

    assert snap_compare(make_snap_app(), terminal_size=(80, 24), run_before=ask_hostile)


def test_queue_hostile_row(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=True)
    assert snap_compare(make_snap_app(), terminal_size=(200, 30), run_before=wait_loaded)


def test_queue_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=True)
    assert snap_compare(make_snap_app(), terminal_size=(80, 24), run_before=wait_loaded)


def test_detail_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    build_data(hostile=False)

    async def open_first(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_loaded(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)

    assert snap_compare(make_snap_app(), terminal_size=(80, 24), run_before=open_first)
