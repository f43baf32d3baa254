"""Every disposition key against the real database: what the DB holds, what the screen shows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from qc_console.domain.values import LeadView
from qc_console.services._rows import utcnow
from qc_console.services.facade import ServiceBackend
from qc_console.tui.dialogs import ErrorDialog, HandOffDialog
from qc_console.tui.screens.lead_detail import LeadDetailScreen
from qc_console.tui.screens.queue import QueueScreen
from tests.tui.factory import Queue
from tests.tui.helpers import (
    SIZE,
    make_app,
    press,
    queue_screen,
    row_text,
    screen_text,
    settle,
    table,
    toasts,
)


def lead(lead_id: int) -> LeadView:
    return ServiceBackend("ann").lead_detail(lead_id).lead


async def goto(pilot, app, lead_id: int) -> None:  # type: ignore[no-untyped-def]
    t = table(app)
    t.move_cursor(row=t.get_row_index(str(lead_id)))
    await settle(pilot)
    current = queue_screen(app).current
    assert current is not None and current.id == lead_id


async def test_qualify_high_patches_the_row_and_moves_on(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        rows = t.row_count
        assert t.current_id == queue["breach"]
        await press(pilot, "q", "h")
        got = lead(queue["breach"])
        assert (got.stage, got.rating) == ("qualified", "high")
        assert "qualified/high" in row_text(app, queue["breach"])
        shown = [line for line in screen_text(app).splitlines() if "Dana Ortiz" in line]
        assert len(shown) == 1 and "qualified/high" in shown[0]  # repainted, not a stale cache
        assert t.row_count == rows and t.cursor_row == 1  # patched in place, cursor on the next
        assert any("→ qualified (high)" in m for m in toasts(app))


async def test_hand_off_is_dimmed_for_a_raw_lead_and_says_why(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        assert screen.current is not None and screen.current.stage == "raw"
        assert screen.check_action("hand_off", ()) is None  # dimmed in the footer
        assert screen.check_action("qualify", ()) is True
        await press(pilot, "h")
        assert isinstance(app.screen, QueueScreen)  # no dialog
        assert any("must be qualified before it is handed to sales" in m for m in toasts(app))
        assert lead(queue["breach"]).stage == "raw"


async def test_hand_off_a_qualified_lead_to_sales(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        await goto(pilot, app, queue["overdue"])
        row = t.cursor_row
        after = t.ids()[row + 1]
        await press(pilot, "h")
        assert isinstance(app.screen, HandOffDialog)
        assert "sam" in screen_text(app) and "tia" in screen_text(app)
        await press(pilot, "2")  # tia
        got = lead(queue["overdue"])
        assert (got.stage, got.sales_owner) == ("handed_off", "tia")
        assert not t.has_lead(queue["overdue"])  # left the QC queue
        assert t.current_id == after  # the next lead slid under the cursor
        await goto(pilot, app, queue["today"])
        await press(pilot, "h")
        assert "last used" in screen_text(app)  # tia is now the default
        await press(pilot, "escape")
        assert lead(queue["today"]).stage == "qualified"


async def test_incubate_with_the_default_days(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, app, queue["later"])
        await press(pilot, "i")
        await pilot.press("tab", *"waiting for budget")
        await press(pilot, "enter")
        got = lead(queue["later"])
        assert got.stage == "incubating" and got.reason == "waiting for budget"
        assert got.resurface_on is not None
        assert timedelta(days=29) < got.resurface_on - utcnow() < timedelta(days=31)
        assert "incubating" in row_text(app, queue["later"])  # still in "All open"


async def test_incubate_is_dimmed_for_an_incubating_lead(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, app, queue["parked"])
        assert queue_screen(app).check_action("incubate", ()) is None
        await press(pilot, "i")
        assert any("already incubating" in m for m in toasts(app))


async def test_purge_with_a_digit_and_undo_brings_it_back(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        await goto(pilot, app, queue["later"])
        await press(pilot, "p", "3")  # no budget
        got = lead(queue["later"])
        assert got.stage == "purged" and got.reason == "no_budget"
        assert not t.has_lead(queue["later"])
        await press(pilot, "u")
        assert lead(queue["later"]).stage == "raw"
        assert t.has_lead(queue["later"]) and t.current_id == queue["later"]
        assert any(m.startswith("undid purge of #") for m in toasts(app))


async def test_touch_logs_and_sets_the_offered_next_action(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, app, queue["fresh"])
        await press(pilot, "t", "c", "c")  # call, connected
        await pilot.press(*"liked the demo")
        await press(pilot, "enter", "enter")  # note, then accept the offered next action
        detail = ServiceBackend("ann").lead_detail(queue["fresh"])
        assert detail.lead.touch_count == 1
        assert detail.touches[0].note == "liked the demo"
        assert detail.lead.next_action_note == "follow up"
        assert "1/6" in row_text(app, queue["fresh"])


async def test_next_action_with_a_short_date(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, app, queue["later"])
        await press(pilot, "n")
        await pilot.press(*"+3d", "enter", *"send the deck")
        await press(pilot, "enter")
        got = lead(queue["later"])
        assert got.next_action_note == "send the deck"
        assert got.next_action_due is not None
        assert timedelta(days=2) < got.next_action_due - utcnow() < timedelta(days=4)
        assert "send the deck" in row_text(app, queue["later"])


async def test_add_a_lead_by_hand(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        await pilot.press(*"Zed", "tab", *"Zee", "tab", *"zed@new.example")
        await press(pilot, "ctrl+s")
        t = table(app)
        current = t.current
        assert current is not None and current.name == "Zed Zee"
        assert lead(current.id).email == "zed@new.example"


async def test_claim_takes_the_pool_lead(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert lead(queue["pool"]).owner == "ann"
        assert table(app).current_id == queue["pool"]
        assert any(m.startswith(f"claimed #{queue['pool']}") for m in toasts(app))
        await press(pilot, "c")
        assert any("the pool is empty" in m for m in toasts(app))


async def test_filter_by_text(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await pilot.press(*"globex")
        await press(pilot, "enter")
        assert table(app).ids() == [queue["fresh"]]
        assert "globex" in screen_text(app)  # the header names the filter


async def test_a_stale_row_is_reloaded_not_overwritten(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table(app).current_id == queue["breach"]
        ServiceBackend("sue").qualify([queue["breach"]], "low")  # someone else, meanwhile
        await press(pilot, "q", "h")
        got = lead(queue["breach"])
        assert got.rating == "low"  # sue's change stands
        assert any("was changed by sue at" in m and "reloaded" in m for m in toasts(app))
        assert "qualified/low" in row_text(app, queue["breach"])
        assert table(app).current_id == queue["breach"]  # the cursor came back to the lead


async def test_dispositions_work_in_the_detail_screen(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "q", "m")
        assert isinstance(app.screen, LeadDetailScreen)
        assert lead(queue["breach"]).rating == "medium"
        text = screen_text(app)
        assert "qualified/med" in text and "qualify raw → qualified" in text
        await press(pilot, "escape")
        assert "qualified/med" in row_text(app, queue["breach"])
        assert table(app).current_id == queue["breach"]


async def test_an_unexpected_error_opens_a_dialog_not_a_traceback(
    queue: Queue, keymap_file: Path
) -> None:
    class Broken(ServiceBackend):
        def qualify(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            raise RuntimeError("disk on fire")

    from qc_console.tui.app import QCConsoleApp

    app = QCConsoleApp(Broken("ann"), keymap_path=keymap_file, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "q", "h")
        assert isinstance(app.screen, ErrorDialog)
        assert "disk on fire" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueScreen)
        assert not queue_screen(app).busy  # keys work again
        assert lead(queue["breach"]).stage == "raw"
