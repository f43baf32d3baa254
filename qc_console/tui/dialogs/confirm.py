"""Yes/no and error dialogs. Titles and bodies are data (an exception's text) and shown as is."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from qc_console.tui.dialogs._base import Dialog, hint, literal, para


class ConfirmDialog(Dialog[bool]):
    """`y` or `enter` → True; `n` or `escape` → False."""

    DEFAULT_CSS = """
    ConfirmDialog > .dialog {
        width: 60;
    }
    ConfirmDialog VerticalScroll {
        height: auto;
        max-height: 16;
    }
    """
    CANCEL = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", show=False, id="confirm.yes"),
        Binding("n", "answer(False)", "No", show=False, id="confirm.no"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = literal(self.title_text, width=52)
            with VerticalScroll(can_focus=False):
                yield Static(para(self.body), id="body")
            yield Static(hint(("y/enter", "yes"), ("n/esc", "no")), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ErrorDialog(Dialog[None]):
    """Shows what went wrong, literally; `enter` or `escape` closes. Long bodies scroll."""

    DEFAULT_CSS = """
    ErrorDialog > .dialog {
        width: 72;
        border: round $error;
        border-title-color: $error;
    }
    ErrorDialog VerticalScroll {
        height: auto;
        max-height: 16;
    }
    """
    AUTO_FOCUS = "VerticalScroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "cancel", "Close", show=False, id="error.close"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = literal(self.title_text, width=64)
            with VerticalScroll():
                yield Static(para(self.body), id="body")
            yield Static(hint(("enter/esc", "close"), ("↑↓", "scroll")), classes="hint")
