"""`i`: park a lead until a later day — days (`30`), `+2w`, `mon` or a date, and a reason."""

from __future__ import annotations

from datetime import date, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from qc_console.tui.dialogs._base import Dialog, hint, literal
from qc_console.tui.dialogs._when import WhenField, local_now
from qc_console.tui.dialogs.choices import IncubateChoice


class IncubateDialog(Dialog[IncubateChoice | None]):
    """The date field starts at `default_days` (typing replaces it) and shows the resolved day
    live; `tab` reaches the optional reason; `enter` in either field confirms."""

    AUTO_FOCUS = "#until"

    def __init__(
        self, lead_label: str, default_days: int, today: date, *, now: datetime | None = None
    ) -> None:
        super().__init__()
        self.lead_label = lead_label
        self.default_days = default_days
        self.today = today
        self._now = local_now(today, now)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Incubate"
            yield Static(literal(self.lead_label), classes="lead")
            yield WhenField(
                "Until",
                today=self.today,
                value=str(self.default_days),
                placeholder="30 +2w mon 12/01",
                input_id="until",
                now_local=self._now,
                bare_days=True,
                later_day=True,
                with_time=False,
            )
            with Horizontal(classes="row"):
                yield Label("Reason", classes="label")
                yield Input(placeholder="why park it (optional)", compact=True, id="reason")
            yield Static(
                hint(("enter", "incubate"), ("tab", "reason"), ("esc", "cancel")), classes="hint"
            )

    @on(Input.Submitted)
    def _confirm(self, event: Input.Submitted) -> None:
        event.stop()
        ok, until = self.query_one(WhenField).read()
        if ok and until is not None:
            reason = self.query_one("#reason", Input).value.strip()
            self.dismiss(IncubateChoice(until=until, reason=reason))
