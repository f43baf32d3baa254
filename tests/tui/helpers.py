"""Driving the console in Pilot tests: build the app, wait for workers, read the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from qc_console.services.facade import ServiceBackend
from qc_console.tui.app import QCConsoleApp
from qc_console.tui.dialogs.rating import RatingPrompt
from qc_console.tui.screens.queue import QueueScreen
from qc_console.tui.widgets.lead_table import LeadTable

SIZE = (140, 45)


def make_app(keymap_path: Path, actor: str = "ann", **kw: Any) -> QCConsoleApp:
    """The console for `actor` on the test database; no polling (tests call `poll()`)."""
    kw.setdefault("poll_seconds", 0)
    return QCConsoleApp(ServiceBackend(actor), keymap_path=keymap_path, **kw)


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let workers finish and their messages land (a result can start another worker)."""
    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # a newer exclusive load replaced an older one: expected
            pass
        await pilot.pause()


def queue_screen(app: QCConsoleApp) -> QueueScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, QueueScreen)
    return screen


def table(app: QCConsoleApp) -> LeadTable:
    return queue_screen(app).table


def screen_text(app: QCConsoleApp) -> str:
    """What the terminal shows now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def toasts(app: QCConsoleApp) -> list[str]:
    """The messages of the notifications raised so far."""
    return [n.message for n in app._notifications]


def row_text(app: QCConsoleApp, lead_id: int) -> str:
    cells = table(app).get_row(str(lead_id))
    return " | ".join(c.plain for c in cells)


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def rating_prompt(app: QCConsoleApp) -> RatingPrompt:
    """The queue's inline `q` prompt (`is_open` while it waits for l/m/h)."""
    return queue_screen(app).query_one(RatingPrompt)
