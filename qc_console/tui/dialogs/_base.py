"""What every dialog shares: the frame and its look, escape to cancel, literal text.

Text from data (lead labels, rep and campaign names, notes, error bodies) only ever reaches the
screen through `literal`/`para`: a `Content` built from the string with control characters made
visible, so `[bold]x[/]` or an ANSI escape is shown as typed, never interpreted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from qc_console.tui.render import clean

T = TypeVar("T")

KEY = "bold $accent"
"""Style of a key the rep can press."""
MUTED = "$foreground-muted"
"""Muted text inside `Content` (`$text-muted` does not resolve there)."""


def literal(value: object, *, width: int | None = None, style: str = "") -> Content:
    """One line of data, literal, cut to `width` cells with `…`."""
    content = Content.styled(clean(value), style)
    if width is not None and content.cell_length > width:
        content = content.truncate(max(width, 1), ellipsis=True)
    return content


def para(value: object, style: str = "") -> Content:
    """Several lines of data (an error body, a note), literal."""
    return Content.styled(clean(value, multiline=True), style)


def keys(
    pairs: Iterable[tuple[str, str]], *, sep: str = " · ", chosen: str | None = None
) -> Content:
    """`l low · m medium · h high`: keys in the accent colour; `chosen` shown reversed."""
    parts: list[str | tuple[str, str] | Content] = []
    for i, (key, label) in enumerate(pairs):
        if i:
            parts.append((sep, MUTED))
        if chosen is not None and key == chosen:
            parts.append((f"{key} {label}", "reverse bold"))
        else:
            parts.extend([(key, KEY), " ", (label, MUTED if chosen is not None else "")])
    return Content.assemble(*parts)


def hint(*pairs: tuple[str, str]) -> Content:
    """The muted help line at the foot of a dialog: `enter confirm · esc cancel`."""
    parts: list[str | tuple[str, str]] = []
    for i, (key, label) in enumerate(pairs):
        if i:
            parts.append(("  ", MUTED))
        parts.extend([(key, "bold"), (f" {label}", MUTED)])
    return Content.assemble(*parts)


class Dialog(ModalScreen[T]):
    """A centred, framed modal; `escape` dismisses with `CANCEL` (None)."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > .dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        background: $surface;
        border: round $primary;
        border-title-color: $text;
        border-title-style: bold;
    }
    Dialog .lead {
        margin-bottom: 1;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        width: 1fr;
    }
    Dialog .row {
        height: auto;
        width: 1fr;
    }
    Dialog .label {
        width: 9;
        color: $text-muted;
    }
    Dialog Input.-textual-compact {
        width: 1fr;
        background: $panel;
    }
    Dialog .hint {
        color: $text-muted;
        margin-top: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    Dialog .error {
        color: $error;
        height: auto;
    }
    """

    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False, id="dialog.cancel"),
    ]
    CANCEL: object = None
    """What `escape` returns."""

    def action_cancel(self) -> None:
        self.dismiss(self.CANCEL)  # type: ignore[arg-type]


def show_error(widget: Static, message: str) -> None:
    """Show `message` (literal) in an error line, or hide the line when it is empty."""
    widget.update(para(message))
    widget.display = bool(message)
