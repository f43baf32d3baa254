"""The supervisor's console as sue sees it: the aging heatmap, drill-down, rebalance, black
holes and any rep's queue (Pilot, real temp database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, SelectionList

from qc_console.domain.values import QueueFilter
from qc_console.services import dispositions, leads
from qc_console.services.facade import ServiceBackend
from qc_console.tui.screens.help import NOTES, HelpScreen
from qc_console.tui.screens.queue import QueueScreen
from qc_console.tui.screens.supervisor import SupervisorScreen
from qc_console.tui.screens.supervisor_dialogs import RebalanceDialog
from qc_console.tui.screens.supervisor_drill import DrillDownQueue
from qc_console.tui.widgets.aging_heatmap import POOL_KEY, AgingHeatmap
from tests.tui.factory import Queue
from tests.tui.helpers import make_app, press, screen_text, settle, toasts

SUE = ServiceBackend("sue")


async def open_console(pilot: Any) -> SupervisorScreen:
    await settle(pilot)
    await press(pilot, "s")
    screen = pilot.app.screen
    assert isinstance(screen, SupervisorScreen)
    return screen


def heat(screen: SupervisorScreen) -> AgingHeatmap:
    return screen.query_one(AgingHeatmap)


def cell_value(screen: SupervisorScreen, rep: str, column: str) -> int:
    text: Text = heat(screen).get_cell(rep, column)
    return 0 if text.plain == "·" else int(text.plain)


async def go_to(pilot: Any, screen: SupervisorScreen, rep: str, column: str) -> None:
    table = heat(screen)
    table.focus()
    table.move_cursor(row=table.get_row_index(rep), column=table.get_column_index(column))
    await pilot.pause()


def find_cell(screen: SupervisorScreen, rep: str) -> str:
    """A bucket of `rep`'s row that holds at least one lead."""
    row = next(r for r in screen.report.rows if r.rep == rep)
    return next(b for b in screen.report.buckets if row.counts.get(b))


def owner_of(lead_id: int) -> str | None:
    return SUE.lead_detail(lead_id).lead.owner


async def test_heatmap_shows_the_services_figures(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        report = SUE.aging(screen.report.generated_at)
        assert {r.rep for r in report.rows} >= {"ann", "bob", None}
        for row in report.rows:
            key = row.rep or POOL_KEY
            for bucket in report.buckets:
                assert cell_value(screen, key, bucket) == row.counts[bucket], (key, bucket)
            assert cell_value(screen, key, "overdue") == row.overdue
            assert cell_value(screen, key, "untouched_past_sla") == row.untouched_past_sla
        assert sum(cell_value(screen, "ann", b) for b in report.buckets) >= 5
        assert "Queue aging" in screen_text(pilot.app)


async def test_s_is_only_for_supervisors(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "ann").run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert isinstance(pilot.app.screen, QueueScreen)
        assert "Supervisor" not in screen_text(pilot.app)


async def test_enter_on_a_cell_opens_exactly_its_leads(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        bucket = find_cell(screen, "ann")
        await go_to(pilot, screen, "ann", bucket)
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        expected = SUE.aging_cell_ids("ann", bucket, screen.report.generated_at)
        assert sorted(drill.table.ids()) == sorted(expected)
        assert drill.filter.owner == "*"
        await press(pilot, "escape")
        assert pilot.app.screen is screen


def picked(dialog: RebalanceDialog) -> list[str]:
    return sorted(dialog.query_one(SelectionList).selected)


async def test_rebalance_a_cell_round_robin_after_a_preview(
    keymap_file: Path, queue: Queue
) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        await go_to(pilot, screen, POOL_KEY, find_cell(screen, None))
        pool_ids = SUE.aging_cell_ids(None, find_cell(screen, None), screen.report.generated_at)
        before = cell_value(screen, "bob", "open")
        await press(pilot, "b")
        dialog = pilot.app.screen
        assert isinstance(dialog, RebalanceDialog)
        assert picked(dialog) == ["ann", "bob"]  # the QC reps; sue (a supervisor) listed last
        assert "sue  (supervisor, 0 open)" in screen_text(pilot.app)
        await press(pilot, "space", "down", "space", "enter")  # nobody picked: it says so
        assert "Pick at least one rep" in screen_text(pilot.app)
        await press(pilot, "space")  # bob again
        await press(pilot, "enter")
        assert f"bob: {len(pool_ids)} lead(s)" in screen_text(pilot.app)  # the preview
        assert all(owner_of(i) is None for i in pool_ids)  # nothing moved yet
        await press(pilot, "y")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert all(owner_of(i) == "bob" for i in pool_ids)
        assert cell_value(screen, "bob", "open") == before + len(pool_ids)


async def test_rebalancing_a_reps_cell_starts_with_the_other_reps_picked(
    keymap_file: Path, queue: Queue
) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        await go_to(pilot, screen, "ann", find_cell(screen, "ann"))
        await press(pilot, "b")
        dialog = pilot.app.screen
        assert isinstance(dialog, RebalanceDialog)
        assert picked(dialog) == ["bob"]  # not ann, whose leads these are
        await press(pilot, "enter")
        assert "bob: " in screen_text(pilot.app)  # straight to the preview


async def test_drill_down_then_reassign_from_the_queue(keymap_file: Path, queue: Queue) -> None:
    """From a heatmap cell into its leads, and a reassign of exactly those (bulk keys are the
    queue's own; here through the same backend the queue uses)."""
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        bucket = find_cell(screen, "ann")
        await go_to(pilot, screen, "ann", bucket)
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        ids = drill.table.ids()
        drill.backend.reassign(ids, ["bob"], skip_refused=True)
        await press(pilot, "escape")
        screen.refresh_data()
        await settle(pilot)
        assert all(owner_of(i) == "bob" for i in ids)
        assert cell_value(screen, "ann", bucket) == 0


async def test_black_holes_list_lost_leads_and_open_them(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        lost = {h.lead_id: h.why for h in screen.holes}
        assert lost[queue["pool"]] == "no owner"
        text = screen_text(pilot.app)
        assert "Black holes" in text and "no owner" in text
        holes = screen.query_one("#holes")
        holes.focus()
        row = [h.lead_id for h in screen.holes].index(queue["pool"])
        holes.move_cursor(row=row)  # type: ignore[attr-defined]
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        assert queue["pool"] in drill.table.ids()
        assert set(drill.table.ids()) == {i for i, why in lost.items() if why == "no owner"}


async def test_a_reps_queue(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        await go_to(pilot, screen, "bob", "rep")
        await press(pilot, "v")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        assert drill.filter == QueueFilter(owner="bob", include_pool=False)
        assert drill.table.ids() == [queue["bobs"]]
        # whose queue it is, beside who is looking (it read as sue's own queue)
        assert "filter: bob's leads  sue" in screen_text(pilot.app)


async def test_a_reps_queue_says_which_of_the_heatmaps_leads_are_with_sales(
    keymap_file: Path, queue: Queue
) -> None:
    """The heatmap's Open counts the rep's hand-offs; the rep's queue does not show them."""
    dispositions.qualify(queue["today"], rating="high", actor="ann")
    dispositions.hand_off(queue["today"], to="sam", actor="ann")
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        open_leads = cell_value(screen, "ann", "open")
        await go_to(pilot, screen, "ann", "rep")
        await press(pilot, "v")
        await settle(pilot)
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue) and queue["today"] not in drill.table.ids()
        said = f"1 of ann's {open_leads} open lead(s) are with sales"
        assert any(said in t for t in toasts(pilot.app)), toasts(pilot.app)


async def test_the_view_refreshes_with_others_changes(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        before = cell_value(screen, "bob", "open")
        leads.claim_next(actor="bob")  # someone else takes a pool lead
        screen.refresh_data()  # what the timer does
        await settle(pilot)
        assert cell_value(screen, "bob", "open") == before + 1
        assert not toasts(pilot.app)


async def test_the_palette_opens_the_console(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await pilot.press(*"supervisor's console")
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, SupervisorScreen)


def test_rebalance_preview_counts_match_the_reassign(queue: Queue) -> None:
    ids = [queue["fresh"], queue["breach"], queue["today"], queue["later"]]
    plain, left_out = SUE.reassign_plan(ids, ["ann", "bob"])
    assert plain == {"ann": 2, "bob": 2} and left_out == 0
    weighted, _ = SUE.reassign_plan(ids, ["ann", "bob"], weights={"ann": 9, "bob": 0})
    assert weighted == {"bob": 4}  # 9 open against 0: bob takes all four
    assert all(owner_of(i) == "ann" for i in ids)  # a preview writes nothing
    SUE.reassign(ids, ["ann", "bob"], weights={"ann": 9, "bob": 0})
    assert all(owner_of(i) == "bob" for i in ids)


async def test_rebalance_dialog_shows_rep_names_literally() -> None:
    from textual.app import App

    hostile = ["[bold red]ACME[/]", "x[/y]"]

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(RebalanceDialog("3 leads", 3, hostile, {hostile[0]: 2}))

    async with Host().run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(pilot.app)  # type: ignore[arg-type]
        assert "[bold red]ACME[/]  (2 open)" in shown and "x[/y]  (0 open)" in shown


async def test_the_console_fits_80_columns_and_widens_again(
    keymap_file: Path, queue: Queue
) -> None:
    """Under 100 columns both tables take their compact form and need no sideways scroll;
    widened, the full titles and the Company column come back."""
    async with make_app(keymap_file, "sue").run_test(size=(80, 24)) as pilot:
        screen = await open_console(pilot)
        await settle(pilot)
        holes = screen.query_one("#holes", DataTable)
        for table in (heat(screen), holes):
            assert table.virtual_size.width <= table.size.width, table.id
        shown = screen_text(pilot.app)
        assert "Late" in shown and "Sales" in shown and "Company" not in shown
        assert cell_value(screen, "ann", "open") > 0  # the same figures, compact

        await pilot.resize_terminal(140, 45)
        await settle(pilot)
        shown = screen_text(pilot.app)
        assert "Untouched" in shown and "Company" in shown
        assert heat(screen).virtual_size.width > 80


async def test_help_explains_the_heatmaps_columns(keymap_file: Path, queue: Queue) -> None:
    async with make_app(keymap_file, "sue").run_test(size=(140, 45)) as pilot:
        screen = await open_console(pilot)
        await press(pilot, "question_mark")
        shown = screen_text(pilot.app)
        assert "Keys — Supervisor" in shown
        assert "Untouched >SLA (New >SLA): new leads nobody touched" in shown
        assert "Sorting (s / S)" not in shown  # the queue's notes stay the queue's
        await press(pilot, "escape", "escape")
        assert pilot.app.screen is not screen
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        assert pilot.app.screen.notes == NOTES  # below the fold of the queue's long key list
