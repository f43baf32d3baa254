"""`n`: when to act next and what to do — `+3d`, `tomorrow`, `mon`, `+4h` or a date."""

from __future__ import annotations

from datetime import date, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from qc_console.tui.dialogs._base import Dialog, hint, literal
from qc_console.tui.dialogs._when import WhenField, local_now
from qc_console.tui.dialogs.choices import NextActionChoice


class NextActionDialog(Dialog[NextActionChoice | None]):
    """`enter` in the due field moves to the note; `enter` in the note confirms."""

    AUTO_FOCUS = "#due"

    def __init__(self, lead_label: str, today: date, *, now: datetime | None = None) -> None:
        super().__init__()
        self.lead_label = lead_label
        self.today = today
        self._now = local_now(today, now)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Next action"
            yield Static(literal(self.lead_label), classes="lead")
            yield WhenField(
                "Due",
                today=self.today,
                placeholder="+3d tomorrow mon",
                input_id="due",
                now_local=self._now,
            )
            with Horizontal(classes="row"):
                yield Label("To do", classes="label")
                yield Input(placeholder="what to do (e.g. call back)", compact=True, id="note")
            yield Static(
                hint(("enter", "next field / save"), ("tab", "move"), ("esc", "cancel")),
                classes="hint",
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ok, due = self.query_one(WhenField).read()
        if not ok or due is None:
            return
        note = self.query_one("#note", Input)
        if event.input.id == "due":
            note.focus()
            return
        self.dismiss(NextActionChoice(due=due, note=note.value.strip()))
