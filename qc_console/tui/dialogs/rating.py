"""`q`: qualify with one key — `Qualify <lead>: l low · m medium · h high`.

The queue asks inline (`RatingPrompt`, a line over its footer: no full-screen repaint); the
lead detail asks with `RatingDialog`. Both use the same keys (binding ids `rating.*`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from qc_console.domain.stages import Rating
from qc_console.tui.dialogs._base import MUTED, Dialog, keys, literal
from qc_console.tui.widgets.key_prompt import KeyPrompt

CHOICES: tuple[tuple[str, str, Rating], ...] = (
    ("l", "low", Rating.LOW),
    ("m", "medium", Rating.MEDIUM),
    ("h", "high", Rating.HIGH),
)
BINDINGS: list[BindingType] = [
    Binding(key, f"pick('{rating.value}')", label, show=False, id=f"rating.{rating.value}")
    for key, label, rating in CHOICES
]


def question(lead_label: str, width: int, shown_keys: tuple[str, ...] | None = None) -> Content:
    """`Qualify <lead>: l low · m medium · h high   esc`, the label cut to fit `width`."""
    shown = shown_keys or tuple(k for k, _, _ in CHOICES)
    pairs = zip(shown, [label for _, label, _ in CHOICES], strict=True)
    tail = Content.assemble(": ", keys(pairs), ("   esc", MUTED))
    room = max(width - len("Qualify ") - tail.cell_length, 8)
    return Content.assemble(
        ("Qualify ", "bold"), literal(lead_label, width=room, style="bold"), tail
    )


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
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    def __init__(self, lead_label: str) -> None:
        super().__init__()
        self.lead_label = lead_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._prompt(self.app.size.width), id="prompt")

    def _prompt(self, screen_width: int) -> Content:
        return question(self.lead_label, screen_width - 4)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#prompt", Static).update(self._prompt(event.size.width))

    def action_pick(self, value: str) -> None:
        self.dismiss(Rating(value))


class RatingPrompt(KeyPrompt[Rating]):
    """The same question as a line over the queue's footer (see `KeyPrompt`)."""

    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._keys: tuple[str, ...] | None = None

    def ask(self, label: str, done: Callable[[Rating | None], Any]) -> None:
        # The keys shown follow the keymap (looked up once per question, not per frame).
        self._keys = tuple(self.keys_for(rating.value) for _, _, rating in CHOICES)
        super().ask(label, done)

    def question(self, width: int) -> Content:
        return question(self.label, width, self._keys)

    def value_of(self, parameter: str) -> Rating:
        return Rating(parameter)
