"""Snapshots of every dialog (fixed `today`, steady cursor): 80×24 unless said otherwise.

Update only after looking at the report: `pytest tests/snapshots --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from qc_console.domain.codes import Source
from qc_console.domain.stages import Stage
from qc_console.domain.values import QueueFilter, QueueView
from qc_console.tui.dialogs import (
    AddLeadDialog,
    ConfirmDialog,
    ErrorDialog,
    FilterDialog,
    HandOffDialog,
    IncubateDialog,
    NextActionDialog,
    PurgeDialog,
    RatingDialog,
    TouchDialog,
)

TODAY = date(2026, 3, 4)
LEAD = "Ann Lee · Acme Corp"
HOSTILE = "[bold]x[/] Foo [/x] Bar [@click=app.quit]hi[/] \x1b[31mRED"
REPS = ["sam", "tia", "[red]uma[/]"]
Snap = Callable[..., bool]


class SnapHost(App[None]):
    """A stand-in queue behind the dialog, so the dimmed background shows."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog

    def compose(self) -> ComposeResult:
        yield Static("\n".join(f"  {i:>3}  lead row {i}" for i in range(1, 80)))

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


async def _steady_cursor(pilot: Pilot[None]) -> None:
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def shot(
    snap_compare: Snap, dialog: Screen[Any], *press: str, size: tuple[int, int] = (80, 24)
) -> bool:
    return snap_compare(
        SnapHost(dialog), press=press, terminal_size=size, run_before=_steady_cursor
    )


def test_rating(snap_compare: Snap) -> None:
    assert shot(snap_compare, RatingDialog(LEAD))


def test_rating_hostile_label_cut_at_80(snap_compare: Snap) -> None:
    assert shot(snap_compare, RatingDialog(HOSTILE))


def test_hand_off(snap_compare: Snap) -> None:
    assert shot(snap_compare, HandOffDialog(LEAD, REPS, "tia"))


def test_hand_off_filtered_at_200x60(snap_compare: Snap) -> None:
    names = "abe bea cat dan eve fay gus hal ian jon kai kay".split()
    dialog = HandOffDialog("37 leads", names, "kay")
    assert shot(snap_compare, dialog, "k", size=(200, 60))


def test_incubate(snap_compare: Snap) -> None:
    assert shot(snap_compare, IncubateDialog(LEAD, 30, TODAY))


def test_incubate_bad_date(snap_compare: Snap) -> None:
    assert shot(snap_compare, IncubateDialog(LEAD, 30, TODAY), *"soon", "enter")


def test_purge(snap_compare: Snap) -> None:
    assert shot(snap_compare, PurgeDialog(LEAD))


def test_purge_other_asks_why(snap_compare: Snap) -> None:
    assert shot(snap_compare, PurgeDialog(LEAD), "8")


def test_touch_at_cadence(snap_compare: Snap) -> None:
    assert shot(snap_compare, TouchDialog(LEAD, 5, 6, TODAY))


def test_touch_offers_next_action_at_200x60(snap_compare: Snap) -> None:
    dialog = TouchDialog(HOSTILE, 2, 6, TODAY)
    assert shot(snap_compare, dialog, "c", "n", size=(200, 60))


def test_next_action(snap_compare: Snap) -> None:
    assert shot(snap_compare, NextActionDialog(LEAD, TODAY), *"+3d")


def test_add_lead_invalid_email(snap_compare: Snap) -> None:
    dialog = AddLeadDialog([s.value for s in Source], ["Spring promo", HOSTILE])
    assert shot(snap_compare, dialog, *"Ann", "tab", "tab", *"ann@", "enter")


def test_filter(snap_compare: Snap) -> None:
    current = QueueFilter(text="acme", stages=(Stage.RAW,), overdue=True, view=QueueView.DUE)
    assert shot(snap_compare, FilterDialog(current))


def test_filter_at_200x60(snap_compare: Snap) -> None:
    assert shot(snap_compare, FilterDialog(QueueFilter()), size=(200, 60))


def test_confirm(snap_compare: Snap) -> None:
    assert shot(snap_compare, ConfirmDialog("Purge 37 leads?", "They leave the queue; u undoes."))


def test_error_hostile_body(snap_compare: Snap) -> None:
    body = f"database is locked\n{HOSTILE}\n" + "\n".join(f"  frame {i}" for i in range(30))
    assert shot(snap_compare, ErrorDialog("OperationalError", body))
