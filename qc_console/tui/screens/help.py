"""The `?` overlay: every key of the screen underneath, grouped, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from qc_console.tui.keyhelp import GROUPS, KeyEntry

KEYMAP_NOTE = (
    "Keys can be changed in keymap.toml by their ids (in italics on a wide screen): [keymap] "
    '"queue.qualify" = "Q".'
)


NOTES = (
    "Dimmed keys are not legal for the lead under the cursor: press one to hear why.\n"
    "Sorting (s / S) reorders the rows already loaded, in memory; the queue's own order is by "
    "priority (‼ SLA breach, ! overdue, • due today, ↺ resurfaced).\n" + KEYMAP_NOTE
)


def help_body(entries: list[KeyEntry], *, show_ids: bool = True, notes: str = NOTES) -> Group:
    """One table, a heading row per group (so the columns line up across groups)."""
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, width=12, style="bold")
    table.add_column(no_wrap=True, width=18)
    table.add_column(ratio=1, style="dim")
    if show_ids:
        table.add_column(no_wrap=True, style="dim italic")
    first = True
    for group in GROUPS:
        rows = [e for e in entries if e.group == group]
        if not rows:
            continue
        if not first:
            table.add_row("")
        first = False
        table.add_row(Text(group, style="bold underline"))
        for e in rows:
            style = "" if e.enabled else "dim strike"
            cells = [Text(e.keys), Text(e.description, style=style), Text(e.tooltip)]
            if show_ids:
                cells.append(Text(e.binding_id))
            table.add_row(*cells)
    return Group(table, Text(""), Text(notes, style="italic"))


class HelpScreen(ModalScreen[None]):
    """Keys of the screen it was opened over (generated from the bindings), then that screen's
    `HELP_NOTES` (the queue's notes when it has none)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90%; max-width: 110; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { height: 1; text-style: bold; }
    HelpScreen VerticalScroll { height: 1fr; }
    """

    def __init__(self, title: str, entries: list[KeyEntry], notes: str = NOTES) -> None:
        super().__init__(id="help")
        self.title_text = title
        self.entries = entries
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Keys — {self.title_text}   (escape closes)"), id="help-title")
            with VerticalScroll():
                wide = self.app.size.width >= 120  # room for the keymap ids
                body = help_body(self.entries, show_ids=wide, notes=self.notes)
                yield Static(body, id="help-body")

    def action_close(self) -> None:
        self.dismiss(None)
