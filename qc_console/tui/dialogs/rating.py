"""`q`: qualify with one key — `Qualify <lead>: l low · m medium · h high`."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from qc_console.domain.stages import Rating
from qc_console.tui.dialogs._base import MUTED, Dialog, keys, literal

CHOICES: tuple[tuple[str, str, Rating], ...] = (
    ("l", "low", Rating.LOW),
    ("m", "medium", Rating.MEDIUM),
    ("h", "high", Rating.HIGH),
)
_TAIL = Content.assemble(": ", keys((k, label) for k, label, _ in CHOICES), ("   esc", MUTED))


class RatingDialog(Dialog[Rating | None]):
    """One line, one key: `l`/`m`/`h` dismiss with the rating, `escape` with None."""

    DEFAULT_CSS = """
    RatingDialog > .dialog {
        width: auto;
        min-width: 40;
    }
    RatingDialog #prompt {
        width: auto;
        text-wrap: nowrap;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"pick('{rating.value}')", label, show=False, id=f"rating.{rating.value}")
        for key, label, rating in CHOICES
    ]

    def __init__(self, lead_label: str) -> None:
        super().__init__()
        self.lead_label = lead_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._prompt(self.app.size.width), id="prompt")

    def _prompt(self, screen_width: int) -> Content:
        room = max(screen_width - 4 - len("Qualify ") - _TAIL.cell_length, 8)
        return Content.assemble(
            ("Qualify ", "bold"), literal(self.lead_label, width=room, style="bold"), _TAIL
        )

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#prompt", Static).update(self._prompt(event.size.width))

    def action_pick(self, value: str) -> None:
        self.dismiss(Rating(value))
