"""The Refinery screen: reached from the supervisor's console, shows the services' figures,
and a filter chosen with the keyboard changes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.domain.errors import NotAllowed
from qc_console.services.facade import ServiceBackend
from qc_console.tui.screens.refinery import RefineryScreen
from qc_console.tui.screens.supervisor import SupervisorScreen
from tests.conftest import NOW
from tests.tui.helpers import screen_text, settle
from tests.tui.reports_fixtures import SUPERVISOR, demo_db, demo_template, report_app  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")


async def _open_refinery(pilot) -> RefineryScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RefineryScreen)
    return screen


def _card(app, stage: str) -> list[str]:  # type: ignore[no-untyped-def]
    card = app.screen.query_one(f"#card-{stage}")
    figures = card.query_one(".figures")
    return str(figures.render()).splitlines()


async def test_the_refinery_shows_this_weeks_flow_and_stock(keymap_file: Path) -> None:
    expected = ServiceBackend(SUPERVISOR).report_refinery(None, NOW)
    raw = expected.stage("raw")
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_refinery(pilot)
        text = screen_text(app)
        assert "Refinery · week 2026-W10 · everything" in text
        entered, wow, four, stock, *_ = _card(app, "raw")
        assert entered == f"{raw.entered:,}"
        assert stock == f"{raw.stock:,}"
        assert wow == f"{raw.entered_wow_pct:+.0f}%"
        # the weekly table: newest week first, "entered / stock" per stage
        row = next(line for line in text.splitlines() if line.startswith(" 2026-W10"))
        assert row.split()[1:4] == [str(raw.entered), "/", str(raw.stock)]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorScreen)


async def test_a_filter_picked_with_the_keyboard_changes_the_figures(keymap_file: Path) -> None:
    backend = ServiceBackend(SUPERVISOR)
    everything = backend.report_refinery(None, NOW).stage("raw")
    web = backend.report_refinery({"source": "web_download"}, NOW).stage("raw")
    assert web.stock != everything.stock
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_refinery(pilot)
        assert _card(app, "raw")[3] == f"{everything.stock:,}"
        await pilot.press("f")
        await settle(pilot)
        # source: open the list, past "every source" and trade_show to web_download
        await pilot.press("enter", "down", "down", "enter")
        await pilot.press("tab", "tab", "tab", "tab", "enter")  # into "From", enter applies
        await settle(pilot)
        assert isinstance(app.screen, RefineryScreen)
        assert "source web_download" in screen_text(app)
        assert _card(app, "raw")[3] == f"{web.stock:,}"


async def test_tabs_show_conversion_velocity_and_value(keymap_file: Path) -> None:
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_refinery(pilot)
        await pilot.press("2")
        await pilot.pause()
        assert "entered in a week" in screen_text(app)
        thirty = app.screen.data.conversion.total.within
        await pilot.press("d")  # 30 → 60 days
        await settle(pilot)
        assert "% within 60 days" in screen_text(app)
        sixty = app.screen.data.conversion.total.within
        assert sixty["qualified"] > thirty["qualified"]  # the 6-week lag: most qualify later
        await pilot.press("3")
        await pilot.pause()
        assert "entry → handed off" in screen_text(app)
        await pilot.press("4")
        await pilot.pause()
        text = screen_text(app)
        assert "pipeline $" in text and "web_download" in text


async def test_the_screen_works_at_80_by_24(keymap_file: Path) -> None:
    app = report_app(keymap_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_refinery(pilot)
        text = screen_text(app)
        for stage in ("raw", "won", "purged"):
            assert stage in text
        assert "esc Back" in text


def test_reports_are_for_supervisors_only() -> None:
    with pytest.raises(NotAllowed):
        ServiceBackend("demo").report_refinery(None, NOW)  # demo is a QC rep


async def test_enter_on_a_stage_opens_the_leads_standing_in_it(keymap_file: Path) -> None:
    from qc_console.tui.screens.supervisor_drill import DrillDownQueue

    raw = ServiceBackend(SUPERVISOR).report_refinery(None, NOW).stage("raw")
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_refinery(pilot)
        await pilot.press("right", "enter")  # the weekly table has the focus: raw, this week
        await settle(pilot)
        assert isinstance(app.screen, DrillDownQueue)
        assert app.screen.table.row_count == raw.stock


async def test_the_filter_lists_campaign_names_literally(keymap_file: Path) -> None:
    from tests.tui.reports_fixtures import HOSTILE_CAMPAIGN

    app = report_app(keymap_file)
    async with app.run_test(size=(120, 45)) as pilot:
        await _open_refinery(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", "enter", "end")  # open the campaign list, go to its end
        await pilot.pause()
        text = screen_text(app)
        assert HOSTILE_CAMPAIGN in text, text
