"""The Forecast, Reps and Campaigns screens: what the supervisor sees and can do by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from qc_console.services.facade import ServiceBackend
from qc_console.tui.screens.forecast import ForecastScreen, parse_what_if
from qc_console.tui.screens.reps_report import CampaignsScreen, RepsScreen
from tests.conftest import NOW
from tests.tui.helpers import screen_text, settle
from tests.tui.reports_fixtures import (  # noqa: F401
    HOSTILE_CAMPAIGN,
    SUPERVISOR,
    demo_db,
    demo_template,
    report_app,
)

pytestmark = pytest.mark.usefixtures("demo_db")


async def _open(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


def _rows(app) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(DataTable)
    return [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_forecast_shows_the_planted_lag_and_a_what_if(keymap_file: Path) -> None:
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open(pilot, "f")
        assert isinstance(app.screen, ForecastScreen)
        links = app.screen.query_one("#links", DataTable)
        first = [c.plain for c in links.get_row_at(0)]
        assert first[:2] == ["raw → qualified", "6"]  # the demo plants a 6-week lag
        assert abs(float(first[2]) - 0.8) <= 0.08  # and an elasticity of 0.8
        assert "model MAE" in screen_text(app) and "naive" in screen_text(app)
        assert "if: pipeline $" not in screen_text(app)
        await pilot.press("w")
        await pilot.press(*"+20 from 2026-W11", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "what-if: raw +20% from 2026-W11" in text
        assert "if: pipeline $" in text
        report = app.screen.data
        assert report.what_if is not None
        base = {p.week: p.qualified for p in report.projection}
        more = [p for p in report.what_if.projection if p.qualified > base[p.week] + 1e-9]
        assert more and (more[0].week - report.what_if.from_week).days == 7 * 6


async def test_the_horizon_keys_change_the_projected_weeks(keymap_file: Path) -> None:
    app = report_app(keymap_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, "f")
        projection = app.screen.query_one("#projection", DataTable)
        assert projection.row_count == 8
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert projection.row_count == 6
        assert "next 6 weeks" in screen_text(app)


def test_what_if_input_is_read_as_percent_and_week() -> None:
    assert parse_what_if("+20") == (20.0, None)
    assert parse_what_if("raw -10% from 2026-W50")[0] == -10.0  # type: ignore[index]
    assert parse_what_if("") is None
    with pytest.raises(ValueError):
        parse_what_if("twenty")


async def test_reps_sort_by_the_column_under_the_cursor(keymap_file: Path) -> None:
    expected = ServiceBackend(SUPERVISOR).report_reps(None, NOW)
    most = max(expected.rows, key=lambda r: r.touches)
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open(pilot, "p")
        assert isinstance(app.screen, RepsScreen)
        names = [row[0] for row in _rows(app)]
        assert names == sorted(r.rep for r in expected.rows)
        await pilot.press("right", "right", "o")  # "touches": biggest first
        await pilot.pause()
        assert _rows(app)[0][:3] == [most.rep, f"{most.leads_worked:,}", f"{most.touches:,}"]
        assert "sorted by touches" in screen_text(app)
        await pilot.press("o")  # again: smallest first
        await pilot.pause()
        assert _rows(app)[-1][0] == most.rep


async def test_campaign_names_are_shown_literally(keymap_file: Path) -> None:
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open(pilot, "c")
        assert isinstance(app.screen, CampaignsScreen)
        assert HOSTILE_CAMPAIGN in [row[0] for row in _rows(app)]
        await pilot.pause()
        text = screen_text(app)
        assert HOSTILE_CAMPAIGN in text, text


async def test_the_palette_opens_the_report_screens(keymap_file: Path) -> None:
    app = report_app(keymap_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"campaigns report")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CampaignsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CampaignsScreen)


def test_the_report_screens_do_not_import_the_services() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import qc_console.tui.screens.refinery, qc_console.tui.screens.forecast\n"
        "import qc_console.tui.screens.reps_report, qc_console.tui.screens.report_filter\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('peewee', 'playhouse')"
        " or m.startswith(('qc_console.db', 'qc_console.services')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
