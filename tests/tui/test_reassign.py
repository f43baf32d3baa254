"""`R` reassigns the lead or the selection (prompt → preview → one batch → undo), from a rep's
queue and from a supervisor's drill-down; late hand-offs drill down and re-route to sales."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from qc_console.db.models import Batch
from qc_console.domain.values import QueueFilter, QueueView
from qc_console.services import dispositions, leads
from qc_console.services._rows import utcnow
from qc_console.tui.dialogs import BulkPreviewDialog
from qc_console.tui.dialogs.reassign import ReassignDialog
from qc_console.tui.screens.supervisor_drill import DrillDownQueue
from tests.tui.factory import Queue
from tests.tui.helpers import make_app, press, screen_text, settle, table, toasts
from tests.tui.test_supervisor import SUE, find_cell, go_to, open_console

SIZE = (140, 45)


def owner(lead_id: int) -> str | None:
    return SUE.lead_detail(lead_id).lead.owner


async def test_a_rep_releases_a_selection_to_the_pool_and_undoes_it(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file, "ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = table(app).ids()
        mine = [i for i in ids if owner(i) == "ann"][:3]
        assert len(mine) == 3
        for i in mine:
            table(app).move_cursor(row=table(app).ids().index(i), animate=False)
            await press(pilot, "space")
        await press(pilot, "R")
        assert isinstance(app.screen, ReassignDialog)
        text = screen_text(app)
        assert "Reassign to" in text and "(the pool)" in text and "ann (take it)" in text
        assert "bob" not in text  # a rep cannot give leads away
        await press(pilot, "1")  # the pool
        dialog = app.screen
        assert isinstance(dialog, BulkPreviewDialog)
        assert "Reassign to the pool — 3 leads" in screen_text(app)
        assert sorted(dialog.preview.eligible) == sorted(mine)
        assert all(owner(i) == "ann" for i in mine)  # nothing yet
        await press(pilot, "enter")
        assert all(owner(i) is None for i in mine)
        batch = Batch.select().order_by(Batch.id.desc()).get()
        assert (batch.action, batch.size) == ("reassign", 3)
        assert any("reassign: 3 lead(s)" in m for m in toasts(app))
        await press(pilot, "u")
        assert all(owner(i) == "ann" for i in mine)


async def test_r_on_one_lead_runs_at_once(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file, "ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lead_id = next(i for i in table(app).ids() if owner(i) == "ann")
        table(app).move_cursor(row=table(app).ids().index(lead_id), animate=False)
        await press(pilot, "R", "1")  # no selection: no preview, it runs
        assert owner(lead_id) is None
        assert any(f"reassign: #{lead_id}" in m and "→ pool" in m for m in toasts(app))


async def test_a_supervisor_reassigns_a_drilled_cell_to_another_rep(
    queue: Queue, keymap_file: Path
) -> None:
    async with make_app(keymap_file, "sue").run_test(size=SIZE) as pilot:
        screen = await open_console(pilot)
        bucket = find_cell(screen, "ann")
        expected = SUE.aging_cell_ids("ann", bucket, screen.report.generated_at)
        await go_to(pilot, screen, "ann", bucket)
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        cell = sorted(drill.table.ids())
        assert cell == sorted(expected)
        # the header counts the drilled leads, not every rep's open leads
        assert drill.counts is not None and drill.counts.total_open == len(cell)
        every = SUE.queue_counts(QueueFilter(view=QueueView.ALL_OPEN, owner="*")).total_open
        assert every > len(cell)
        assert f"{len(cell)} open" in screen_text(pilot.app)

        await press(pilot, "*")
        assert drill.selected == set(cell)
        await press(pilot, "R")
        assert isinstance(pilot.app.screen, ReassignDialog)
        text = screen_text(pilot.app)
        assert "(the pool)" in text and "tia (sales: hand-offs only)" in text
        await press(pilot, "b", "o", "b", "enter")  # letters filter, enter picks
        preview = pilot.app.screen
        assert isinstance(preview, BulkPreviewDialog)
        assert sorted(preview.preview.eligible) == cell
        await press(pilot, "enter")
        assert all(owner(i) == "bob" for i in cell)
        assert sorted(drill.table.ids()) == cell  # still the drilled leads, now bob's
        assert drill.selected == set()
        await press(pilot, "u")
        assert all(owner(i) == "ann" for i in cell)


def late_hand_offs(queue: Queue) -> list[int]:
    """Two of ann's leads handed to sam 12 days ago and never accepted (past the SLA)."""
    long_ago = utcnow() - timedelta(days=12)
    late = [queue["overdue"], queue["today"]]
    dispositions.qualify(queue["today"], rating="low", actor="ann", now=long_ago)
    dispositions.hand_off(late, to="sam", actor="ann", now=long_ago)
    return late


async def test_late_hand_offs_drill_down_and_re_route_to_another_sales_rep(
    queue: Queue, keymap_file: Path
) -> None:
    late = late_hand_offs(queue)
    async with make_app(keymap_file, "sue").run_test(size=SIZE) as pilot:
        screen = await open_console(pilot)
        row = next(r for r in screen.report.rows if r.rep == "ann")
        assert row.handoffs_past_sla == 2
        await go_to(pilot, screen, "ann", "handoffs_past_sla")
        await press(pilot, "enter")
        drill = pilot.app.screen
        assert isinstance(drill, DrillDownQueue)
        assert sorted(drill.table.ids()) == sorted(late)  # exactly those leads
        assert drill.counts is not None and drill.counts.total_open == 2

        await press(pilot, "*", "R")
        assert isinstance(pilot.app.screen, ReassignDialog)
        assert "1 sam (sales: hand-offs only)" in screen_text(pilot.app)  # sales reps first
        await press(pilot, "t", "i", "a", "enter")
        preview: Any = pilot.app.screen
        assert isinstance(preview, BulkPreviewDialog)
        assert sorted(preview.preview.eligible) == sorted(late)
        await press(pilot, "enter")
        got = [SUE.lead_detail(i).lead for i in late]
        assert all((v.stage, v.sales_owner, v.owner) == ("handed_off", "tia", "ann") for v in got)
        await press(pilot, "escape")  # back: the SLA clock started again
        await settle(pilot)
        row = next(r for r in screen.report.rows if r.rep == "ann")
        assert row.handoffs_past_sla == 0
        assert leads.lead_detail(late[0]).lead.sales_owner == "tia"


async def test_rebalancing_late_hand_offs_says_how_to_re_route_them(
    queue: Queue, keymap_file: Path
) -> None:
    """A rebalance moves QC work between reps; hand-offs waiting for sales would all be left
    out (found in a terminal: a dialog, then "0 lead(s)"). `b` says what to do instead."""
    late_hand_offs(queue)
    async with make_app(keymap_file, "sue").run_test(size=SIZE) as pilot:
        screen = await open_console(pilot)
        await go_to(pilot, screen, "ann", "handoffs_past_sla")
        await press(pilot, "b")
        await settle(pilot)
        assert pilot.app.screen is screen  # no rebalance dialog
        said = " ".join(toasts(pilot.app))
        assert "2 hand-off(s) waiting for sales" in said and "R give them" in said
        await go_to(pilot, screen, "ann", find_cell(screen, "ann"))
        await press(pilot, "b")  # QC work still rebalances
        await settle(pilot)
        assert pilot.app.screen is not screen
