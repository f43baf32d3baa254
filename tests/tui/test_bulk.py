"""Selecting many leads in the queue and acting on all of them at once (real database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.db.models import Batch, LeadEvent
from qc_console.domain.values import LeadView, QueueFilter, QueueView
from qc_console.services.facade import ServiceBackend
from qc_console.tui import bulk
from qc_console.tui.dialogs import BulkPreviewDialog, HandOffDialog, PurgeDialog
from qc_console.tui.screens.queue import QueueScreen
from tests.tui.factory import Queue
from tests.tui.helpers import (
    SIZE,
    make_app,
    press,
    queue_screen,
    rating_prompt,
    row_text,
    screen_text,
    settle,
    table,
    toasts,
)

ALL_OPEN = QueueFilter(view=QueueView.ALL_OPEN)


def lead(lead_id: int) -> LeadView:
    return ServiceBackend("ann").lead_detail(lead_id).lead


def header(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(screen_text(app).splitlines()[:2])


async def test_space_shift_down_and_escape_select_rows(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        ids = t.ids()
        await press(pilot, "space")
        assert queue_screen(app).selected == {ids[0]}
        assert t.cursor_row == 1  # moved down
        assert "✓" in row_text(app, ids[0]) and "✓" not in row_text(app, ids[1])
        await press(pilot, "shift+down", "shift+down")
        assert queue_screen(app).selected == {ids[0], ids[1], ids[2], ids[3]}
        assert "4 selected" in header(app)
        shown = [line for line in screen_text(app).splitlines() if "✓" in line]
        assert len(shown) == 4  # marked on screen, not only in the cells
        await press(pilot, "space")  # on ids[3]: unselects it
        assert queue_screen(app).selected == {ids[0], ids[1], ids[2]}
        await press(pilot, "escape")
        assert queue_screen(app).selected == set()
        assert "selected" not in header(app)
        assert "✓" not in screen_text(app)


async def test_star_selects_every_page_and_bang_inverts(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file, page_size=3)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        every = ServiceBackend("ann").queue_ids(ALL_OPEN)
        assert len(every) > table(app).row_count  # more than the loaded pages
        await press(pilot, "*")
        assert queue_screen(app).selected == set(every)
        assert f"{len(every)} selected" in header(app)
        first = table(app).ids()[0]
        await press(pilot, "space")  # unselect the first
        await press(pilot, "!")
        assert queue_screen(app).selected == {first}
        await press(pilot, "!")
        assert queue_screen(app).selected == set(every) - {first}


async def test_changing_the_view_clears_the_selection(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "*")
        assert queue_screen(app).selected
        await press(pilot, "4")
        assert queue_screen(app).selected == set()


async def test_bulk_hand_off_previews_then_runs_one_batch_and_undoes_it(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file, page_size=3)
    backend = ServiceBackend("ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "4", "*")
        every = backend.queue_ids(ALL_OPEN)
        before = {i: lead(i) for i in every}
        qualified = {i for i, v in before.items() if v.stage == "qualified"}
        others = set(every) - qualified
        assert qualified and others
        await press(pilot, "h")
        assert isinstance(app.screen, HandOffDialog)
        assert f"{len(every)} leads" in screen_text(app)
        await press(pilot, "1")  # sam
        dialog = app.screen
        assert isinstance(dialog, BulkPreviewDialog)
        text = screen_text(app)
        assert f"Hand off to sam — {len(every)} leads" in text
        for stage in {v.stage for v in before.values()}:
            n = sum(1 for v in before.values() if v.stage == stage)
            assert f"{stage} {n}" in text
        assert f"{len(qualified)} leads will change" in text
        assert f"{len(others)} leads left out" in text
        assert "raw: cannot move raw → handed_off: a lead must be qualified" in text
        assert set(dialog.preview.eligible) == qualified
        assert {s.lead_id for s in dialog.preview.skipped} == others
        assert all(lead(i) == before[i] for i in every)  # the preview wrote nothing

        await press(pilot, "enter")
        assert isinstance(app.screen, QueueScreen)
        for i in every:
            got = lead(i)
            if i in qualified:
                assert (got.stage, got.sales_owner) == ("handed_off", "sam")
            else:
                assert got == before[i]  # the refused ones are left out
        assert queue_screen(app).selected == set()
        assert "selected" not in header(app)
        batch = Batch.select().order_by(Batch.id.desc()).get()
        assert (batch.action, batch.size) == ("hand_off", len(qualified))  # one batch
        in_batch = {e.lead_id for e in LeadEvent.select().where(LeadEvent.batch == batch.id)}
        assert in_batch == qualified
        assert any(f"hand off: {len(qualified)} lead(s)" in m for m in toasts(app))
        batch = Batch.select().order_by(Batch.id.desc()).get()
        assert (batch.action, batch.size) == ("hand_off", len(qualified))  # one batch
        in_batch = {e.lead_id for e in LeadEvent.select().where(LeadEvent.batch == batch.id)}
        assert in_batch == qualified
        assert not any(table(app).has_lead(i) for i in qualified)  # left the QC queue

        await press(pilot, "u")  # the whole batch, in one undo
        for i in qualified:
            got = lead(i)
            assert (got.stage, got.sales_owner) == ("qualified", None)
        assert all(lead(i).stage == before[i].stage for i in every)


async def test_bulk_qualify_is_one_batch(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        chosen = t.ids()[:3]
        before = [lead(i) for i in chosen]
        await press(pilot, "space", "space", "space", "q")
        assert rating_prompt(app).is_open
        assert "Qualify 3 leads: l low · m medium · h high" in screen_text(app)
        await press(pilot, "l")
        assert isinstance(app.screen, BulkPreviewDialog)
        await press(pilot, "escape")  # cancel: nothing happens, the selection stays
        assert [lead(i) for i in chosen] == before
        assert queue_screen(app).selected == set(chosen)
        await press(pilot, "q", "l", "enter")
        got = [lead(i) for i in chosen]
        assert all((v.stage, v.rating) == ("qualified", "low") for v in got)
        assert all("qualified/low" in row_text(app, i) for i in chosen)  # rows patched
        await press(pilot, "u")
        assert any("undid qualify of 3 leads" in m for m in toasts(app))
        assert [lead(i).stage for i in chosen] == [v.stage for v in before]


async def test_undo_of_a_batch_says_which_leads_changed_since(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chosen = table(app).ids()[:2]
        await press(pilot, "space", "space", "q", "m", "enter")
        assert all(lead(i).rating == "medium" for i in chosen)
        ServiceBackend("sue").purge([chosen[1]], "duplicate")
        await press(pilot, "u")
        assert any(f"#{chosen[1]}" in m and "nothing was undone" in m for m in toasts(app))
        assert lead(chosen[0]).rating == "medium"  # nothing undone


async def test_check_action_allows_every_key_on_a_selection(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        assert screen.check_action("hand_off", ()) is None  # a raw lead under the cursor
        await press(pilot, "space")
        assert screen.check_action("hand_off", ()) is True


async def test_a_big_batch_shows_progress_and_stays_responsive(
    queue: Queue, keymap_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BIG_BATCH", 2)
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chosen = table(app).ids()[:3]
        await press(pilot, "space", "space", "space", "p")
        assert isinstance(app.screen, PurgeDialog)
        await pilot.press("1")  # the first reason
        await settle(pilot)
        assert isinstance(app.screen, BulkPreviewDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert any("purge: 3 leads…" in m for m in toasts(app))
        await settle(pilot)
        assert not table(app).loading
        assert all(lead(i).stage == "purged" for i in chosen)
        assert not any(table(app).has_lead(i) for i in chosen)


async def test_undoing_a_batch_brings_the_leads_back_in_queue_order(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        order = table(app).ids()
        assert len(order) > 2
        await press(pilot, "*", "p", "2", "enter")  # purge them all: bad data
        assert table(app).ids() == []
        await press(pilot, "u")
        await settle(pilot)
        assert table(app).ids() == order  # as the queue lists them, not in undo's order
        assert table(app).current_id in order
