"""Whose lead a row is: a queue of several reps' leads (a supervisor's `*` queue, the heatmap's
drill-downs, the waiting hand-offs, a sales rep's queue) has an Owner column; a rep's own queue
(own + pool) has none (Pilot, real temp database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from qc_console.domain.stages import Stage
from qc_console.domain.values import QueueFilter
from qc_console.services import dispositions
from qc_console.services._rows import utcnow
from qc_console.tui.app import QCConsoleApp
from qc_console.tui.screens.supervisor_drill import ALL, DrillDownQueue
from qc_console.tui.widgets.aging_heatmap import POOL_KEY
from qc_console.tui.widgets.lead_columns import owner_text
from qc_console.tui.widgets.lead_table import LeadTable
from tests.tui.factory import Queue
from tests.tui.helpers import make_app, press, queue_screen, screen_text, settle, table
from tests.tui.test_supervisor import SUE, find_cell, go_to, open_console

SIZE = (140, 45)


def header(app: QCConsoleApp) -> str:
    """The table's column titles, as shown."""
    return next(line for line in screen_text(app).splitlines() if "Name" in line)


def owners_shown(t: LeadTable) -> dict[int, str]:
    return {i: t.get_cell(str(i), "owner").plain for i in t.ids()}


def expected_owner(lead_id: int) -> str:
    return SUE.lead_detail(lead_id).lead.owner or "pool"


async def everyones_queue(pilot: object, app: QCConsoleApp) -> LeadTable:
    screen = queue_screen(app)
    screen.filter = QueueFilter(owner=ALL)
    screen.load()
    await settle(pilot)  # type: ignore[arg-type]
    return screen.table


async def test_a_supervisor_filters_to_every_reps_leads_and_selects_them_all(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file, "sue")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert queue["bobs"] not in table(app).ids()  # sue's own queue: hers and the pool
        await press(pilot, "/", "shift+tab")  # the last row: Whose
        assert "every rep's and the pool" in screen_text(app)
        await press(pilot, "right", "space", "enter")
        await settle(pilot)
        assert "every rep and the pool" in screen_text(app)
        ids = set(table(app).ids())
        assert {queue["bobs"], queue["pool"], queue["overdue"]} <= ids
        await press(pilot, "*")
        await settle(pilot)
        assert f"{len(ids)} selected" in screen_text(app)


async def test_a_rep_has_no_whose_row_in_the_filter(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file, "ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "/")
        assert "Filter the queue" in screen_text(app)
        assert "Whose" not in screen_text(app)


async def test_a_reps_own_queue_has_no_owner_column(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file, "ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert queue["pool"] in table(app).ids()  # own leads and the pool: no column
        assert "Owner" not in header(app)
        assert "owner" not in {k.value for k in table(app).columns}
        await press(pilot, "s", "s", "s")  # priority → name → company → source: owner skipped
        assert queue_screen(app).sort == "source"


async def test_a_supervisors_every_rep_queue_shows_each_rows_owner(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file, "sue")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = await everyones_queue(pilot, app)
        assert {queue["bobs"], queue["pool"], queue["overdue"]} <= set(t.ids())
        assert "Owner" in header(app)
        shown = owners_shown(t)
        assert shown == {i: expected_owner(i) for i in t.ids()}
        assert (shown[queue["bobs"]], shown[queue["pool"]], shown[queue["overdue"]]) == (
            "bob",
            "pool",
            "ann",
        )
        # a supervisor's `s` opens the supervisor console, so they sort with `o`:
        # priority → name → company → owner
        await press(pilot, "o", "o", "o")
        await settle(pilot)
        assert queue_screen(app).sort == "owner"
        order = [owners_shown(t)[i] for i in t.ids()]
        assert order == sorted(order, key=lambda o: (o == "pool", o)) and order[-1] == "pool"


async def test_a_heatmap_drill_down_shows_the_owner_and_the_pool(
    queue: Queue, keymap_file: Path
) -> None:
    async with make_app(keymap_file, "sue").run_test(size=SIZE) as pilot:
        screen = await open_console(pilot)
        await go_to(pilot, screen, "ann", find_cell(screen, "ann"))
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        assert "Owner" in header(pilot.app)
        assert set(owners_shown(drill.table).values()) == {"ann"}

        await press(pilot, "escape")
        await go_to(pilot, screen, POOL_KEY, find_cell(screen, None))
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        assert queue["pool"] in drill.table.ids()
        assert set(owners_shown(drill.table).values()) == {"pool"}


async def test_a_reps_queue_seen_by_the_supervisor_has_no_owner_column(
    queue: Queue, keymap_file: Path
) -> None:
    async with make_app(keymap_file, "sue").run_test(size=SIZE) as pilot:
        screen = await open_console(pilot)
        await go_to(pilot, screen, "bob", "rep")
        await press(pilot, "v")  # one rep's leads: whose they are is the title
        assert isinstance(pilot.app.screen, DrillDownQueue)
        assert "Owner" not in header(pilot.app)


async def test_waiting_hand_offs_show_the_qc_owner_and_the_sales_rep(
    queue: Queue, keymap_file: Path
) -> None:
    long_ago = utcnow() - timedelta(days=12)
    dispositions.qualify(queue["today"], rating="low", actor="ann", now=long_ago)
    dispositions.hand_off([queue["today"]], to="sam", actor="ann", now=long_ago)
    async with make_app(keymap_file, "sue").run_test(size=SIZE) as pilot:
        screen = await open_console(pilot)
        await go_to(pilot, screen, "ann", "handoffs_past_sla")
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        assert owners_shown(drill.table) == {queue["today"]: "ann → sam"}
        assert "ann → sam" in screen_text(pilot.app)


async def test_a_sales_reps_queue_shows_who_handed_each_lead_off(
    queue: Queue, keymap_file: Path
) -> None:
    dispositions.qualify(queue["today"], rating="high", actor="ann")
    dispositions.hand_off([queue["today"]], to="sam", actor="ann")
    app = make_app(keymap_file, "sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert owners_shown(table(app)) == {queue["today"]: "ann → sam"}


def test_names_are_data_and_the_sales_rep_survives_a_narrow_column(queue: Queue) -> None:
    lead = SUE.lead_detail(queue["today"]).lead
    hostile = replace(lead, owner="[bold]x[/] [@click=app.quit]", sales_owner=None)
    assert owner_text(hostile, 40).plain == "[bold]x[/] [@click=app.quit]"
    assert owner_text(replace(lead, owner=None), 12).plain == "pool"
    with_sales = replace(lead, stage=Stage.HANDED_OFF, owner="maximilian", sales_owner="tia")
    text = owner_text(with_sales, 12)
    assert text.plain == "maxim… → tia" and text.cell_len == 12
