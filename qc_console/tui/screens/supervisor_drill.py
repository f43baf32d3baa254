"""Drill-downs of the supervisor's console: a queue of exactly some leads, and helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from textual.binding import Binding, BindingType

from qc_console.domain.filters import ALL_OWNERS, HANDED_OFF_OWNER
from qc_console.domain.values import QueueFilter
from qc_console.tui.screens.queue import QueueScreen

ALL = ALL_OWNERS
HANDED_OFF = HANDED_OFF_OWNER


def lost_for(delta: timedelta) -> str:
    """`3d 4h`, `5h 10m`, `12m`: how long a lead has stood."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


@dataclass(frozen=True)
class Cell:
    """A set of leads the supervisor pointed at: what it is, and which leads."""

    title: str
    ids: tuple[int, ...]
    with_sales: tuple[int, ...] = ()
    """Those of `ids` that sales works (handed off, accepted): not in a QC queue."""
    owner: str = ALL
    """The drill-down's scope: QC work (ALL), or hand-offs waiting for sales (HANDED_OFF)."""

    def queue_filter(self) -> QueueFilter:
        """The drill-down queue's filter: exactly the cell's leads that its scope shows."""
        return QueueFilter(
            ids=tuple(i for i in self.ids if i not in self.with_sales), owner=self.owner
        )


class DrillDownQueue(QueueScreen):
    """A queue restricted to exactly some leads (any owner); `escape` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", "Back", tooltip="Back to the supervisor's console", id="drill.back"
        ),
    ]

    def __init__(self, f: QueueFilter, title: str = "") -> None:
        super().__init__(id="drill")  # the rep's own queue ("queue") is still on the stack
        self.filter = f
        self.drill_title = title

    def on_mount(self) -> None:
        super().on_mount()
        if self.drill_title:
            self.sub_title = self.drill_title

    def action_back(self) -> None:
        if self.selected:  # the queue's own escape (clear the selection) comes first
            for key, binding in QueueScreen._merge_bindings():
                if key == "escape":
                    self.run_action(binding.action)
                    return
        self.dismiss(None)
