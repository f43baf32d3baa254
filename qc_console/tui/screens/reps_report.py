"""The Reps and Campaigns tables (the figures of `report reps` / `report campaigns`).

`←/→` pick a column, `o` sorts by it (again: the other way round); blanks sort last."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from qc_console.tui.screens.report_base import ReportsBackend, ReportScreen, money, num, pct
from qc_console.tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    """The raw value (what sorting compares)."""
    cell: Callable[[Any], Text]
    """How it is shown."""


def _text(attr: str) -> Column:
    return Column(attr, lambda r: getattr(r, attr), lambda v: Text(str(v)))


def _n(title: str, attr: str) -> Column:
    return Column(title, lambda r: getattr(r, attr), lambda v: num(v))


def _money(title: str, attr: str, digits: int = 0) -> Column:
    if digits:
        return Column(title, lambda r: getattr(r, attr), lambda v: num(v, digits=digits))
    return Column(title, lambda r: getattr(r, attr), money)


def _pct(title: str, attr: str) -> Column:
    return Column(title, lambda r: getattr(r, attr), lambda v: pct(v, signed=False))


class SortedReportScreen(ReportScreen):
    """A one-table report whose rows sort by any column."""

    DEFAULT_CSS = """
    SortedReportScreen #report-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    SortedReportScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o", "sort", "Sort", tooltip="Sort by the column under the cursor", id="report.sort"
        ),
    ]
    TITLE_TEXT = ""
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    DEFAULT_SORT = (0, False)

    def __init__(self, scope: Any = None, *, screen_id: str | None = None) -> None:
        super().__init__(scope, screen_id=screen_id)
        self.sort_by, self.descending = self.DEFAULT_SORT
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE_TEXT), id="report-title")
        table: DataTable[Text] = DataTable(id="report-body", cursor_type="cell", zebra_stripes=True)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self._headers()
        super().on_mount()

    def _headers(self) -> None:
        """Column titles, the sort column marked (relabelled in place: the cursor stays)."""
        table = self.query_one(DataTable)
        for i, col in enumerate(self.COLUMNS):
            mark = (" ▼" if self.descending else " ▲") if i == self.sort_by else ""
            label = Text(col.title + mark)
            column = table.columns.get(ColumnKey(str(i)))
            if column is None:
                table.add_column(label, key=str(i))
            else:
                column.label = label
        table.refresh()

    def show(self, data: Any) -> None:
        self.rows = list(data.rows)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        col = self.COLUMNS[self.sort_by]
        have = [r for r in self.rows if col.value(r) is not None]
        blank = [r for r in self.rows if col.value(r) is None]
        have.sort(key=col.value, reverse=self.descending)
        keep = table.cursor_coordinate
        table.clear()
        for r in have + blank:
            table.add_row(*(c.cell(c.value(r)) for c in self.COLUMNS))
        if table.row_count:
            table.cursor_coordinate = keep
        title = f"{self.TITLE_TEXT} · {self.scope.describe()} · sorted by {col.title}"
        self.query_one("#report-title", Static).update(
            Text(f"{title}  (←/→ column · o sort · f filter)")
        )

    def action_sort(self) -> None:
        column = self.query_one(DataTable).cursor_column
        if column == self.sort_by:
            self.descending = not self.descending
        else:
            self.sort_by = column
            self.descending = column != 0  # names A→Z, figures biggest first
        self._headers()
        self._fill()


class RepsScreen(SortedReportScreen):
    """Per QC rep: leads worked, touches, dispositions, hand-offs and what sales made of them."""

    TITLE_TEXT = "Reps"
    COLUMNS = (
        _text("rep"),
        _n("worked", "leads_worked"),
        _n("touches", "touches"),
        _n("dispositions", "dispositions"),
        _n("qualified", "qualified"),
        _n("incubated", "incubated"),
        _n("purged", "purged"),
        _n("hand-offs", "hand_offs"),
        _pct("accepted %", "accepted_pct"),
        _pct("rejected %", "rejected_pct"),
        _n("pending", "pending"),
        _n("won", "won"),
        _money("won $", "won_amount"),
    )

    def __init__(self, scope: Any = None) -> None:
        super().__init__(scope, screen_id="reps-report")

    def fetch(self, backend: ReportsBackend, f: dict[str, Any], now: datetime) -> Any:
        return backend.report_reps(f, now)


class CampaignsScreen(SortedReportScreen):
    """Per campaign: raw → qualified → handed off → won, won $ and the cost of each step."""

    TITLE_TEXT = "Campaigns"
    COLUMNS = (
        _text("campaign"),
        _text("source"),
        _money("cost", "cost"),
        _n("entered", "entered"),
        _n("qualified", "qualified"),
        _n("handed off", "handed_off"),
        _n("won", "won"),
        _money("won $", "won_amount"),
        _money("$/contact", "cost_per_contact", 2),
        _money("$/qualified", "cost_per_qualified", 2),
        _money("$ per won $", "cost_per_won_dollar", 4),
    )

    def __init__(self, scope: Any = None) -> None:
        super().__init__(scope, screen_id="campaigns-report")

    def fetch(self, backend: ReportsBackend, f: dict[str, Any], now: datetime) -> Any:
        return backend.report_campaigns(f, now)
