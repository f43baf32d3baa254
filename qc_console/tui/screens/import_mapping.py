"""The mapping editor: the user assigns each column of a file to a field, by keyboard only.

`↑/↓` (or `j/k`) pick a column; `←/→` step through the fields; a letter jumps to the next
field starting with it (`e` email, `p` phone, `f` first name…); `x` ignores the column;
`enter` previews the file with this mapping. Dismisses with the `--map` text, or None.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from qc_console.importing.peek import MAPPABLE, FileColumns, map_spec
from qc_console.tui.dialogs._base import Dialog, hint, literal

KEY_FIELDS = frozenset({"email", "phone", "mobile"})


class MappingTable(DataTable[Text]):
    """One row per column: header, field, sample values. Changes the field in place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous field", show=False, id="import_map.previous"),
        Binding("right", "step(1)", "Next field", show=False, id="import_map.next"),
        Binding("x", "set_field('ignore')", "Ignore", show=False, id="import_map.ignore"),
        Binding("j", "cursor_down", "Down", show=False, id="import_map.down"),
        Binding("k", "cursor_up", "Up", show=False, id="import_map.up"),
    ]

    def __init__(self, columns: FileColumns) -> None:
        super().__init__(id="mapping-table", cursor_type="row", zebra_stripes=True)
        self.file = columns
        self.fields = list(columns.fields)

    def on_mount(self) -> None:
        self.add_column("column", key="column", width=28)
        self.add_column("field", key="field", width=16)
        self.add_column("sample values", key="samples")
        for i, header in enumerate(self.file.headers):
            samples = " · ".join(self.file.samples[i]) if i < len(self.file.samples) else ""
            self.add_row(
                Text(literal(header, width=28).plain),
                self._field_cell(self.fields[i]),
                Text(literal(samples, width=80).plain, style="dim"),
                key=str(i),
            )

    @staticmethod
    def _field_cell(field: str) -> Text:
        if field == "ignore":
            return Text("— ignore", style="dim")
        return Text(field, style="bold")

    def set_row_field(self, row: int, field: str) -> None:
        self.fields[row] = field
        self.update_cell(str(row), "field", self._field_cell(field))
        self.post_message(MappingChanged())

    def action_step(self, step: int) -> None:
        row = self.cursor_row
        if 0 <= row < len(self.fields):
            i = MAPPABLE.index(self.fields[row])
            self.set_row_field(row, MAPPABLE[(i + step) % len(MAPPABLE)])

    def action_set_field(self, field: str) -> None:
        if 0 <= self.cursor_row < len(self.fields):
            self.set_row_field(self.cursor_row, field)

    def on_key(self, event: events.Key) -> None:
        """A letter: the next field (after the current one) that starts with it."""
        char = event.character or ""
        if len(char) != 1 or not char.isalpha() or not char.islower():
            return
        row = self.cursor_row
        if not 0 <= row < len(self.fields):
            return
        starts = [f for f in MAPPABLE if f.startswith(char)]
        if not starts:
            return
        event.stop()
        event.prevent_default()
        current = self.fields[row]
        following = starts[(starts.index(current) + 1) % len(starts)] if current in starts else None
        self.set_row_field(row, following or starts[0])


class MappingChanged(Message):
    """A column's field changed (the dialog re-checks for an email or phone column)."""


class MappingDialog(Dialog[str | None]):
    """Assign the columns of a file; dismisses with the `--map` text."""

    DEFAULT_CSS = """
    MappingDialog > .dialog { width: 120; max-height: 90%; }
    MappingDialog #mapping-table { height: auto; max-height: 24; margin: 1 0; }
    MappingDialog #mapping-check { height: auto; }
    """

    def __init__(self, columns: FileColumns) -> None:
        super().__init__()
        self.columns = columns

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Map the columns"
            yield Static(
                Content.assemble(
                    "Which field does each column of ",
                    literal(self.columns.name, style="bold"),
                    " feed? ",
                    (f"({self.columns.records:,} record(s), {self.columns.encoding}, ", "dim"),
                    (f"{self.columns.delimiter}-separated)", "dim"),
                ),
                id="mapping-intro",
            )
            yield MappingTable(self.columns)
            yield Static(id="mapping-check")
            yield Static(
                hint(
                    ("↑↓", "column"),
                    ("←→ or a letter", "field"),
                    ("x", "ignore"),
                    ("enter", "preview with this mapping"),
                    ("esc", "cancel"),
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(MappingTable).focus()
        self._check()

    @on(MappingChanged)
    def _check(self) -> None:
        ok = self._has_key()
        self.query_one("#mapping-check", Static).update(
            Content.styled("✓ an email or phone column is mapped", "$success")
            if ok
            else Content.styled(
                "map at least one column to email, phone or mobile (rows need one)",
                "bold $warning",
            )
        )

    def _has_key(self) -> bool:
        return any(f in KEY_FIELDS for f in self.query_one(MappingTable).fields)

    @on(DataTable.RowSelected, "#mapping-table")
    def _apply(self) -> None:
        if not self._has_key():
            self.notify(
                "map a column to email, phone or mobile first", severity="warning", markup=False
            )
            return
        self.dismiss(map_spec(self.columns.headers, self.query_one(MappingTable).fields))
