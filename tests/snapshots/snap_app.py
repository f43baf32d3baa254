"""The one place snapshot apps are built (the console's and the dialogs' snapshots share it).

Deterministic by construction: the data is built through the services at fixed times
(`build_queue(SNAP_NOW)`), the app and the queue's SQL read the same fixed clock, the local
time zone is UTC (the `utc` fixture in conftest.py), polling is off and text cursors do not
blink.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.widgets import Input

from qc_console.db.database import db
from qc_console.domain.values import QueueCounts, QueueFilter, QueuePage
from qc_console.services import queue
from qc_console.services.facade import ServiceBackend
from qc_console.tui.app import QCConsoleApp
from tests.conftest import NOW
from tests.tui.factory import Queue, build_queue

SNAP_NOW = NOW
"""The snapshots' clock: 2026-03-04 15:00 UTC (a Wednesday)."""
NO_KEYMAP = Path(os.devnull)
"""An empty keymap file: snapshots never read the developer's own keymap."""


class FixedClockBackend(ServiceBackend):
    """The services' queue queries at a fixed `now` (their priority classes depend on it)."""

    def __init__(self, actor: str, now: datetime) -> None:
        super().__init__(actor)
        self.fixed_now = now

    def queue_page(self, f: QueueFilter, offset: int = 0, limit: int = 100) -> QueuePage:
        with db.connection_context():
            return queue.queue_page(
                f,
                actor=self.actor,
                offset=offset,
                limit=limit,
                now=self.fixed_now,
                rules=self.rules,
            )

    def queue_counts(self, f: QueueFilter) -> QueueCounts:
        with db.connection_context():
            return queue.queue_counts(f, actor=self.actor, now=self.fixed_now, rules=self.rules)

    def queue_ids(self, f: QueueFilter) -> list[int]:
        with db.connection_context():
            return queue.queue_ids(f, actor=self.actor, now=self.fixed_now, rules=self.rules)


class SnapApp(QCConsoleApp):
    """The console with text cursors that never blink (a blink is a random frame)."""

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().push_screen(screen, *args, **kwargs)
        self.call_after_refresh(self._stop_blinking)
        return result

    def _stop_blinking(self) -> None:
        for screen in self.screen_stack:
            for field in screen.query(Input):
                field.cursor_blink = False

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self._stop_blinking)


def build_data(now: datetime = SNAP_NOW, *, hostile: bool = True) -> Queue:
    """ann's queue at `now` (needs the `people` fixture)."""
    return build_queue(now, hostile=hostile)


def make_snap_app(actor: str = "ann", *, now: datetime = SNAP_NOW, **kw: Any) -> SnapApp:
    kw.setdefault("poll_seconds", 0)
    kw.setdefault("keymap_path", NO_KEYMAP)
    return SnapApp(FixedClockBackend(actor, now), now=lambda: now, **kw)


async def wait_loaded(pilot: Any) -> None:
    """`run_before` for snap_compare: let the first page (and its workers) land."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def then(*steps: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Several `run_before` steps in order (sync or async)."""

    async def run(pilot: Any) -> None:
        for step in steps:
            result = step(pilot)
            if hasattr(result, "__await__"):
                await result

    return run
