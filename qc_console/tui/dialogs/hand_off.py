"""`h`: hand a qualified lead to sales — digits pick a rep, enter takes the last used one."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qc_console.tui.dialogs._base import KEY, MUTED, Dialog, hint, literal


class HandOffDialog(Dialog[str | None]):
    """Sales reps numbered 1..9 (digits pick at once); `enter` takes the highlighted one, which
    starts on `default`. Typing letters filters the list (numbers follow what is shown)."""

    DEFAULT_CSS = """
    HandOffDialog > .dialog {
        width: 56;
    }
    HandOffDialog OptionList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        background: $surface;
        &:focus {
            border: none;
        }
    }
    HandOffDialog #filter {
        color: $text-muted;
    }
    """
    AUTO_FOCUS = "OptionList"

    def __init__(self, lead_label: str, sales_reps: list[str], default: str | None) -> None:
        super().__init__()
        self.lead_label = lead_label
        self.sales_reps = list(sales_reps)
        self.default = default
        self.filter_text = ""
        self._shown: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Hand off to sales"
            yield Static(literal(self.lead_label), classes="lead")
            yield Static(id="filter")
            yield OptionList()
            yield Static(
                hint(("1-9", "pick"), ("enter", "choose"), ("abc", "filter"), ("esc", "cancel")),
                classes="hint",
            )

    def on_mount(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        needle = self.filter_text.casefold()
        self._shown = [r for r in self.sales_reps if needle in r.casefold()]
        options = self.query_one(OptionList)
        options.set_options(
            Option(self._line(i, name), id=str(i)) for i, name in enumerate(self._shown)
        )
        if not self._shown:
            options.add_option(Option(Content.styled("no sales rep matches", MUTED), disabled=True))
        elif self.default in self._shown:
            options.highlighted = self._shown.index(self.default)
        else:
            options.highlighted = 0
        status = self.query_one("#filter", Static)
        if self.filter_text:
            status.update(Content.assemble(("filter: ", MUTED), literal(self.filter_text)))
        elif len(self.sales_reps) > 9:
            status.update(Content.styled("type to filter", MUTED))
        status.display = bool(self.filter_text) or len(self.sales_reps) > 9

    def _line(self, index: int, name: str) -> Content:
        number = (f"{index + 1} ", KEY) if index < 9 else ("  ", "")
        tail = ("  last used", MUTED) if name == self.default else ""
        return Content.assemble(number, literal(name), tail)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self._shown[int(event.option.id)])

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if event.key == "backspace" and self.filter_text:
            self.filter_text = self.filter_text[:-1]
        elif char is not None and char.isdigit():
            index = int(char) - 1
            if 0 <= index < len(self._shown):
                event.stop()
                self.dismiss(self._shown[index])
            return
        elif event.is_printable and char and (char != " " or self.filter_text):
            self.filter_text += char
        else:
            return
        event.stop()
        self._refresh()
