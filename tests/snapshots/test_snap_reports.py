"""Snapshots of the supervisor's report screens on the demo data (fixed clock: the demo's
"now" is the snapshots' `SNAP_NOW`). SQLite only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.snapshots.snap_app import make_snap_app, then, wait_loaded
from tests.tui.reports_fixtures import SUPERVISOR, demo_db, demo_template  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")


def _keys(*keys: str) -> Any:
    async def run(pilot: Any) -> None:
        for key in keys:
            await pilot.press(key)
            await wait_loaded(pilot)

    return run


def test_refinery_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app(SUPERVISOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=then(wait_loaded, _keys("s", "w")))


def test_refinery_200x60(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app(SUPERVISOR)
    assert snap_compare(app, terminal_size=(200, 60), run_before=then(wait_loaded, _keys("s", "w")))


def test_refinery_filter_dialog(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app(SUPERVISOR)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=then(wait_loaded, _keys("s", "w", "f"))
    )


def test_forecast_with_a_what_if(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app(SUPERVISOR)
    keys = ["s", "f", "plus", "plus", "plus", "plus", "w", *"+20 from 2026-W10", "enter"]
    assert snap_compare(app, terminal_size=(140, 45), run_before=then(wait_loaded, _keys(*keys)))


def test_reps_sorted_by_touches(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app(SUPERVISOR)
    keys = ["s", "p", "right", "right", "o"]
    assert snap_compare(app, terminal_size=(120, 30), run_before=then(wait_loaded, _keys(*keys)))


def test_campaigns(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app(SUPERVISOR)
    assert snap_compare(app, terminal_size=(140, 30), run_before=then(wait_loaded, _keys("s", "c")))
