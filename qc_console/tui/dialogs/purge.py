"""`p`: purge with a reason code — a digit picks; `other` asks for a short note."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from qc_console.domain.codes import PURGE_LABELS, PurgeReason
from qc_console.tui.dialogs._base import KEY, Dialog, hint, literal, show_error
from qc_console.tui.dialogs.choices import PurgeChoice

REASONS: tuple[PurgeReason, ...] = tuple(PURGE_LABELS)
"""In the order of `PURGE_LABELS`; digit `n` picks `REASONS[n - 1]`."""


class PurgeDialog(Dialog[PurgeChoice | None]):
    """Digits 1..8 (or arrows + `enter`) pick a reason and purge at once; `other` moves to the
    note, which it needs. `tab` reaches the note for any reason; `enter` there confirms."""

    DEFAULT_CSS = """
    PurgeDialog > .dialog {
        width: 56;
    }
    PurgeDialog OptionList {
        height: auto;
        border: none;
        padding: 0;
        background: $surface;
        &:focus {
            border: none;
        }
    }
    """
    AUTO_FOCUS = "OptionList"

    def __init__(self, lead_label: str) -> None:
        super().__init__()
        self.lead_label = lead_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Purge"
            yield Static(literal(self.lead_label), classes="lead")
            yield OptionList(
                *(
                    Option(Content.assemble((f"{i} ", KEY), PURGE_LABELS[r]), id=r.value)
                    for i, r in enumerate(REASONS, 1)
                )
            )
            with Horizontal(classes="row"):
                yield Label("Note", classes="label")
                yield Input(placeholder="why (needed for other)", compact=True, id="note")
            error = Static(classes="error")
            error.display = False
            yield error
            yield Static(
                hint(("1-8", "purge"), ("tab", "add a note"), ("esc", "cancel")), classes="hint"
            )

    @property
    def _reason(self) -> PurgeReason:
        return REASONS[self.query_one(OptionList).highlighted or 0]

    def _pick(self, reason: PurgeReason) -> None:
        self.query_one(OptionList).highlighted = REASONS.index(reason)
        note = self.query_one("#note", Input)
        if reason == PurgeReason.OTHER and not note.value.strip():
            note.focus()
            show_error(self.query_one(".error", Static), "say why in a short note, then enter")
            return
        self.dismiss(PurgeChoice(reason=reason, note=note.value.strip()))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(PurgeReason(event.option.id))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._pick(self._reason)

    @on(Input.Changed)
    def _typed(self) -> None:
        show_error(self.query_one(".error", Static), "")

    def on_key(self, event: events.Key) -> None:
        if self.focused is not self.query_one(OptionList):
            return
        char = event.character
        if char is not None and char.isdigit() and 1 <= int(char) <= len(REASONS):
            event.stop()
            self._pick(REASONS[int(char) - 1])
