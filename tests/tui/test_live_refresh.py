"""Changes made by someone else reach the screen by polling the change token."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from qc_console.services.facade import ServiceBackend
from qc_console.tui.messages import PageLoaded, RowsRefreshed
from tests.tui.factory import Queue
from tests.tui.helpers import SIZE, make_app, queue_screen, row_text, screen_text, settle, table


async def test_a_change_elsewhere_updates_the_row_without_a_key(
    queue: Queue, keymap_file: Path
) -> None:
    seen: list[Message] = []
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        assert "raw" in row_text(app, queue["later"])

        screen.poll()  # nothing changed: no refresh, no reload
        await settle(pilot)
        assert not [m for m in seen if isinstance(m, RowsRefreshed)]

        sue = ServiceBackend("sue")
        pages_before = len([m for m in seen if isinstance(m, PageLoaded)])
        sue.qualify([queue["later"]], "medium")
        screen.poll()
        await settle(pilot)
        assert "qualified/med" in row_text(app, queue["later"])
        shown = [line for line in screen_text(app).splitlines() if "Mia Chen" in line]
        assert len(shown) == 1 and "qualified/med" in shown[0]  # repainted, not a stale cache

        sue.purge([queue["worn"]], "not_a_fit")
        screen.poll()
        await settle(pilot)
        assert not table(app).has_lead(queue["worn"])  # left the view
        refreshed = [m for m in seen if isinstance(m, RowsRefreshed)]
        assert [set(m.asked) for m in refreshed] == [{queue["later"]}, {queue["worn"]}]
        # rows were patched, not the page reloaded
        assert len([m for m in seen if isinstance(m, PageLoaded)]) == pages_before


async def test_a_lead_entering_the_view_reloads_the_page(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not table(app).has_lead(queue["bobs"])
        ServiceBackend("sue").reassign([queue["bobs"]], "ann")
        queue_screen(app).poll()
        await settle(pilot)
        assert table(app).has_lead(queue["bobs"])


async def test_the_timer_polls_on_its_own(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file, poll_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ServiceBackend("sue").qualify([queue["later"]], "high")
        for _ in range(40):  # the interval fires by itself; wait for its effect, not a time
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if "qualified/high" in row_text(app, queue["later"]):
                break
        assert "qualified/high" in row_text(app, queue["later"])
