"""The queue-aging heatmap: one row per rep and the pool, one column per age bucket plus the
SLA columns; each cell's colour says how bad it is (older buckets are warmer)."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

from qc_console.tui.render import Palette

POOL_KEY = "(pool)"
"""The row key of the unassigned pool (rep None)."""
REP_COLUMN = "rep"
METRICS: tuple[tuple[str, str, str], ...] = (
    ("overdue", "Overdue", "Late"),
    ("untouched_past_sla", "Untouched\n>SLA", "New\n>SLA"),
    ("handoffs_past_sla", "Hand-offs\n>SLA", "Sales\n>SLA"),
)
"""The SLA columns: key, title (two lines, so the table fits 100 columns) and the compact
title (with a narrower Rep column the table fits 80: `compact`)."""
REP_WIDTH = {False: 14, True: 10}
HOT = 10
"""A cell with at least this many leads is shown bold (a pile, not a straggler)."""


def bucket_style(index: int, buckets: int, palette: Palette) -> str:
    """Older buckets are warmer: success → accent → warning → error."""
    scale = [palette.success, palette.accent, palette.warning, palette.error]
    if buckets <= 1:
        return scale[0]
    step = index * (len(scale) - 1) / (buckets - 1)
    return scale[round(step)]


def cell(n: int, colour: str) -> Text:
    """A count right-aligned in `colour`; zero is a muted dot."""
    if n == 0:
        return Text("·", style="dim", justify="right")
    style = Style.parse(colour) + Style(bold=n >= HOT)
    return Text(str(n), style=style, justify="right")


class AgingHeatmap(DataTable[Text]):
    """Cells are `Text` (never markup); row keys are rep names (`POOL_KEY` for the pool),
    column keys are bucket labels and the metric names."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=False, header_height=2, **kw)
        self.buckets: tuple[str, ...] = ()
        self.compact = False
        """Short SLA titles and a narrower Rep column (a terminal under 100 columns)."""
        self._built: tuple[tuple[str, ...], bool] | None = None

    def show(self, report: Any, palette: Palette) -> None:
        """Redraw from an `AgingReport`, keeping the cursor on the same cell."""
        where = self.cursor_coordinate
        if (tuple(report.buckets), self.compact) != self._built or not self.columns:
            self.clear(columns=True)
            self.buckets = tuple(report.buckets)
            self._built = (self.buckets, self.compact)
            self.add_column(Text("Rep"), key=REP_COLUMN, width=REP_WIDTH[self.compact])
            for label in self.buckets:
                self.add_column(Text(label, justify="right"), key=label, width=max(len(label), 4))
            self.add_column(
                Text("Open", justify="right"), key="open", width=4 if self.compact else 5
            )
            for key, title, short in METRICS:
                title = short if self.compact else title
                width = max(len(line) for line in title.splitlines())
                self.add_column(Text(title, justify="right"), key=key, width=width)
        else:
            self.clear()
        for row in report.rows:
            name = row.rep if row.rep is not None else POOL_KEY
            label = Text(name, style="italic" if row.rep is None else "")
            counts = [
                cell(row.counts.get(b, 0), bucket_style(i, len(self.buckets), palette))
                for i, b in enumerate(self.buckets)
            ]
            total = Text(str(sum(row.counts.values())), style="bold", justify="right")
            extra = [cell(getattr(row, key), palette.error) for key, _, _ in METRICS]
            self.add_row(label, *counts, total, *extra, key=name)
        if self.row_count:
            self.move_cursor(
                row=min(where.row, self.row_count - 1),
                column=min(where.column, len(self.columns) - 1),
                animate=False,
            )

    def cell_at_cursor(self) -> tuple[str | None, str] | None:
        """(rep or None for the pool, column key) under the cursor, or None when empty."""
        if not self.row_count:
            return None
        keys = self.coordinate_to_cell_key(self.cursor_coordinate)
        row = str(keys.row_key.value)
        return (None if row == POOL_KEY else row), str(keys.column_key.value)
