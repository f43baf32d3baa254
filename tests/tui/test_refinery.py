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
from tests.tui.helpers import screen_text, settle, toasts
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


def _rows(app) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """The glance table as a supervisor reads it: stage → column title → cell text."""
    table = app.screen.query_one("#glance")
    titles = [str(c.label) for c in table.ordered_columns]
    rows = {}
    for i in range(table.row_count):
        cells = dict(zip(titles, (str(c) for c in table.get_row_at(i)), strict=True))
        rows[cells.pop("stage")] = cells
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.0f}%"


FLOW = [
    "raw",
    "qualified",
    "incubating",
    "handed off",
    "accepted",
    "won",
    "lost",
    "delayed",
    "purged",
]


async def test_each_stage_is_a_row_with_its_figures(keymap_file: Path) -> None:
    backend = ServiceBackend(SUPERVISOR)
    volumes = backend.report_refinery(None, NOW)
    funnel = backend.report_conversion(None, NOW, 30).total
    velocity = backend.report_velocity(None, NOW)
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_refinery(pilot)
        text = screen_text(app)
        assert "Refinery · week 2026-W10 · everything" in text
        rows = _rows(app)
        assert list(rows) == FLOW  # the order leads flow in
        for label, cells in rows.items():
            stage = label.replace(" ", "_")
            s = volumes.stage(stage)
            assert cells["entered"] == f"{s.entered:,}"
            assert cells["vs wk"] == _pct(s.entered_wow_pct)
            assert cells["4w/4w"] == _pct(s.entered_4w_pct)
            assert cells["stock"] == f"{s.stock:,}"
            assert cells["median"] == velocity.stage(stage).median_label
            # the last 26 weeks of entries, each week as wide as the screen allows
            sparkline = cells["last 26 weeks"]
            stretch = len(sparkline) // 26
            assert stretch >= 1 and len(sparkline) == 26 * stretch
            weekly = [w.entered for w in s.weeks[-26:]]
            if max(weekly):
                assert sparkline[weekly.index(max(weekly)) * stretch] == "█"
        # → next: of the leads that reached raw, the share that reached qualified
        raw_rate = 100 * funnel.reached["qualified"] / funnel.entered
        assert rows["raw"]["→ next"] == f"{raw_rate:.0f}%"
        assert rows["won"]["→ next"] == "-"  # no next stage
        # the weekly table: newest week first, "entered / stock" per stage
        raw = volumes.stage("raw")
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
        assert _rows(app)["raw"]["stock"] == f"{everything.stock:,}"
        await pilot.press("f")
        await settle(pilot)
        # source: open the list, past "every source" and trade_show to web_download
        await pilot.press("enter", "down", "down", "enter")
        await pilot.press("tab", "tab", "tab", "tab", "enter")  # into "From", enter applies
        await settle(pilot)
        assert isinstance(app.screen, RefineryScreen)
        assert "source web_download" in screen_text(app)
        assert _rows(app)["raw"]["stock"] == f"{web.stock:,}"


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
        for stage in FLOW:  # every stage row fits, figures and a shorter sparkline
            line = next(line for line in text.splitlines() if line.startswith(f" {stage} "))
            assert len(line.rstrip()) <= 80
        assert "esc Back" in text
        raw = _rows(app)["raw"]
        assert "stock" in raw and "median" in raw
        assert "p80" not in raw  # wide screens only
        (title,) = (t for t in raw if t.endswith((" wks", " weeks")))
        weeks = int("".join(ch for ch in title if ch.isdigit()))
        assert 6 <= weeks < 26 and len(raw[title]) == weeks


def test_reports_are_for_supervisors_only() -> None:
    with pytest.raises(NotAllowed):
        ServiceBackend("demo").report_refinery(None, NOW)  # demo is a QC rep


async def test_enter_on_a_stage_row_opens_the_leads_standing_in_it(keymap_file: Path) -> None:
    from qc_console.db.models import Lead
    from qc_console.tui.screens.supervisor_drill import DrillDownQueue

    qualified = {lead.id for lead in Lead.select().where(Lead.stage == "qualified")}
    assert (
        len(qualified)
        == ServiceBackend(SUPERVISOR).report_refinery(None, NOW).stage("qualified").stock
    )
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_refinery(pilot)
        await pilot.press("down", "enter")  # the glance has the focus: raw, then qualified
        await settle(pilot)
        assert isinstance(app.screen, DrillDownQueue)
        assert set(app.screen.table.ids()) == qualified
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RefineryScreen)
        await pilot.press("down", "down", "enter")  # qualified → handed off: with sales
        await settle(pilot)
        assert isinstance(app.screen, RefineryScreen)
        assert any("with sales or closed" in t for t in toasts(app))


async def test_enter_in_the_weekly_table_opens_the_cells_stage(keymap_file: Path) -> None:
    from qc_console.tui.screens.supervisor_drill import DrillDownQueue

    raw = ServiceBackend(SUPERVISOR).report_refinery(None, NOW).stage("raw")
    app = report_app(keymap_file)
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_refinery(pilot)
        await pilot.press("tab", "right", "enter")  # the weekly table: raw, this week
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
