"""The queue's table: one row per lead (row key = lead id), patched in place after actions.

The table holds one page or a few (a few hundred rows): DataTable measures every cell it
adds (FACTS.md: ~12 µs a cell), so the queue is paged in SQL and rows are patched, not
reloaded. The columns and cells are described in `lead_columns`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist, RowKey

from qc_console.domain.values import LeadView
from qc_console.tui.widgets.lead_columns import (
    PADDING,
    SORTABLE,
    Col,
    RowContext,
    cell,
    layout,
    sort_key,
)

__all__ = ["SORTABLE", "LeadTable", "RowContext", "sort_key"]

CHECK = "✓ "
"""Before the name of a selected row (the selection of bulk actions)."""
REDRAW_ABOVE = 20
"""More rows changing selection than this: redraw the table instead of patching rows."""
AWAY = Coordinate(-99, 0)
"""Where the cursor is, for a row it is not on (see `_render_line_in_row`)."""


class LeadTable(DataTable[Text]):
    """The rows of the queue; `leads` holds them in display order."""

    # Descriptions match DataTable's own (↓, ↑, ctrl+home, ctrl+end) so help merges the keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open the lead",
            tooltip="Every field and the history",
            show=False,
            id="queue.open",
        ),
        Binding("j", "cursor_down", "Cursor down", show=False, id="queue.down"),
        Binding("k", "cursor_up", "Cursor up", show=False, id="queue.up"),
        Binding("g", "scroll_top", "Top", tooltip="The first lead", show=False, id="queue.top"),
        Binding(
            "G",
            "scroll_bottom",
            "Bottom",
            tooltip="The last loaded lead (loads the next page)",
            show=False,
            id="queue.bottom",
        ),
    ]

    def __init__(self, ctx: RowContext, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(
            id=id,
            cursor_type="row",
            zebra_stripes=False,
            cell_padding=PADDING,
        )
        self.ctx = ctx
        self.leads: list[LeadView] = []
        self.selected: frozenset[int] = frozenset()
        """Ids shown as selected (a ✓ before the name); set with `show_selected`."""
        self.owners = False
        """The rows carry an Owner column (several reps' leads); takes effect on `rebuild`."""
        self._cols: list[tuple[Col, int]] = []
        self._width = 0
        self._after_drawn: list[Callable[[], object]] = []
        self._sizes: tuple[Size, Size, Size, Size] | None = None
        self._stale: set[RowKey] = set()
        """Rows whose cells predate the context (clock, theme): redrawn when next shown."""

    # --- drawing -------------------------------------------------------------------------
    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """One body cell, drawn straight from its `Text` (same look, same cache).

        DataTable renders each cell through Rich's Padding and Styled renderables, ~0.3 ms a
        cell on a loaded machine: 160 ms to repaint a screenful, which every scroll after an
        action does. Our cells are single-line `Text`, so the segments can be made directly.
        Header cells and anything else take DataTable's own path.
        """
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        value = self._data[row_key][column_key]
        if not isinstance(value, Text) or "\n" in value.plain:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            fixed,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pre_style += component_style
        pad = self.cell_padding
        inner = max(width - 2 * pad, 0)
        console = self.app.console
        # `Text.render` leaves out the Text's own style when it has no spans: add it under.
        drawn = Segment.apply_style(value.render(console), console.get_style(value.style))
        segments = Segment.adjust_line_length(list(drawn), inner)
        if pad:
            segments = [Segment(" " * pad), *segments, Segment(" " * pad)]
        lines = [list(Segment.apply_style(segments, pre_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[list[list[Segment]], list[list[Segment]]]:
        """One row's line. DataTable keys its row cache on *where* the cursor is, so every
        cursor move (each disposition moves on a row) redrew every visible row from its cells.
        A row only looks different when the cursor or the mouse is on it: other rows are
        drawn as if the cursor were elsewhere, and hit the cache."""
        row_index = self._row_locations.get(row_key) if row_key in self._row_locations else -1
        if cursor_location.row != row_index:
            cursor_location = AWAY
        if hover_location.row != row_index:
            hover_location = AWAY
        if row_key in self._stale:
            self._freshen(row_key)
        return super()._render_line_in_row(
            row_key, line_no, base_style, cursor_location, hover_location
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self._after_drawn and not self.repaint_pending():
            # This frame draws every row refreshed so far; it is written to the terminal
            # right after the compositor returns, before anything queued now runs.
            callbacks, self._after_drawn = self._after_drawn, []
            for callback in callbacks:
                self.call_later(callback)
        return lines

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # ScrollView compares the container size it is given with the one it keeps (less the
        # scrollbar gutter): they always differ, so every layout pass of the screen, even one
        # that only moves the rating prompt, repaints the scrollbar (42 lines at 140×45).
        sizes = (size, virtual_size, container_size, self.virtual_size)
        if sizes == self._sizes and size == self._size:
            return False
        self._sizes = sizes
        return super()._size_updated(size, virtual_size, container_size, layout)

    def repaint_pending(self) -> bool:
        """Rows were refreshed that no frame has drawn yet.

        Textual has no public flag for this: a refresh sets `_repaint_required` until the
        widget hands it to the screen, and `_repaint_regions` until the compositor takes them.
        """
        return bool(self._repaint_required or self._repaint_regions)

    def after_drawn(self, callback: Callable[[], object]) -> None:
        """Call `callback` after the frame that draws the rows refreshed so far."""
        self._after_drawn.append(callback)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures every cell of every new row to size auto-width columns (FACTS.md:
        # ~12 µs a cell). Ours have fixed widths and one-line rows, so nothing needs measuring:
        # only the virtual size is recomputed.
        super()._update_dimensions(())

    # --- geometry ------------------------------------------------------------------------
    def on_resize(self) -> None:
        width = self.size.width - 2  # room for the vertical scrollbar
        if width > 0 and layout(width, self.owners) != self._cols:
            self._width = width
            self.rebuild()

    def _ensure_columns(self) -> None:
        if not self._cols:
            self._cols = layout(self._width or max(self.size.width - 2, 78), self.owners)
            for col, w in self._cols:
                self.add_column(Text(col.label, end=""), width=w, key=col.key)

    def _cell(self, col: str, lead: LeadView, width: int) -> Text:
        if col == "name" and lead.id in self.selected:
            mark = Text(CHECK, style=f"bold {self.ctx.palette.accent}", end="")
            return mark + cell(col, lead, self.ctx, max(width - len(CHECK), 1))
        return cell(col, lead, self.ctx, width)

    def _row(self, lead: LeadView) -> list[Text]:
        return [self._cell(col.key, lead, w) for col, w in self._cols]

    def show_selected(self, ids: frozenset[int]) -> None:
        """Mark these ids as selected; only the rows whose mark changed are redrawn."""
        changed = (self.selected ^ ids) & {v.id for v in self.leads}
        self.selected = ids
        if len(changed) > REDRAW_ABOVE:
            self.rebuild()
            return
        for lead in self.leads:
            if lead.id in changed:
                self.patch(lead)

    # --- rows ----------------------------------------------------------------------------
    def rebuild(
        self, leads: Iterable[LeadView] | None = None, *, focus_id: int | None = None
    ) -> None:
        """Redraw every row (new page, new width, new sort or a new minute)."""
        keep = focus_id if focus_id is not None else self.current_id
        row = self.cursor_row
        if leads is not None:
            self.leads = list(leads)
        self.clear(columns=True)
        self._stale.clear()
        self._cols = []
        self._ensure_columns()
        self.add_rows_of(self.leads, track=False)
        self.restore_cursor(keep, row)

    def add_rows_of(self, leads: Iterable[LeadView], *, track: bool = True) -> int:
        """Append leads not already shown; returns how many were added."""
        self._ensure_columns()
        added = 0
        for lead in leads:
            key = str(lead.id)
            if key in self.rows:
                continue
            self.add_row(*self._row(lead), key=key)
            if track:
                self.leads.append(lead)
            added += 1
        return added

    def restore_cursor(self, lead_id: int | None, fallback_row: int) -> None:
        if not self.row_count:
            return
        if lead_id is not None and self.has_lead(lead_id):
            self.move_cursor(row=self.get_row_index(str(lead_id)), animate=False)
        else:
            self.move_cursor(row=min(max(fallback_row, 0), self.row_count - 1), animate=False)

    def move_on(self, row: int) -> None:
        """Work-the-queue: the cursor goes to `row` (the next lead after an action).

        Past the bottom edge the rows page up so the cursor lands a quarter of the way down,
        instead of scrolling one line per action: a scroll redraws every row on screen (15-20
        ms on a busy 2-core machine), and the rows stay still while the rep works down them.
        """
        if not 0 <= row < self.row_count:
            return
        visible = self.size.height - self.header_height
        if visible > 8 and row >= round(self.scroll_y) + visible:
            self.scroll_to(y=row - visible // 4, animate=False)
        self.move_cursor(row=row, animate=False)

    def has_lead(self, lead_id: int) -> bool:
        return str(lead_id) in self.rows

    def lead(self, lead_id: int) -> LeadView | None:
        for lead in self.leads:
            if lead.id == lead_id:
                return lead
        return None

    def patch(self, lead: LeadView) -> None:
        """Update one row in place from a fresh view of the lead."""
        key = str(lead.id)
        for i, old in enumerate(self.leads):
            if old.id == lead.id:
                self.leads[i] = lead
                break
        if key not in self.rows:
            return
        # `update_cell` bumps DataTable's update counter, which every render cache is keyed
        # on, and repaints the whole table, once per cell: the next scroll then redraws every
        # cell of the screen. Here only this row's cached cells are dropped and only it is
        # repainted (the cached cells of the other rows stay good: their data did not change).
        row_key = RowKey(key)
        self._stale.discard(row_key)
        values = self._data[row_key]
        for col, w in self._cols:
            values[ColumnKey(col.key)] = self._cell(col.key, lead, w)
        for cell_key in [k for k in self._cell_render_cache.keys() if k[0] == row_key]:
            self._cell_render_cache.discard(cell_key)
        for row_cache_key in [k for k in self._row_render_cache.keys() if k[0] == row_key]:
            self._row_render_cache.discard(row_cache_key)
        self._line_cache.clear()
        self.refresh_row(self.get_row_index(key))

    def restyle(self, ctx: RowContext) -> None:
        """A new clock or theme: every row's cells change, but only the rows on screen are
        recomputed now (the rest when they are next drawn or read): a minute's tick costs
        a screenful of cells, not the few hundred rows loaded."""
        self.ctx = ctx
        self._stale = set(self._data)
        self._clear_caches()
        self.refresh()

    def _freshen(self, row_key: RowKey) -> None:
        self._stale.discard(row_key)
        lead_id = int(row_key.value) if row_key.value is not None else None
        lead = self.lead(lead_id) if lead_id is not None else None
        if lead is not None:
            values = self._data[row_key]
            for col, w in self._cols:
                values[ColumnKey(col.key)] = self._cell(col.key, lead, w)

    def get_row(self, row_key: RowKey | str) -> list[Text]:
        key = row_key if isinstance(row_key, RowKey) else RowKey(row_key)
        if key in self._stale:
            self._freshen(key)
        return super().get_row(row_key)

    def drop(self, lead_id: int) -> None:
        """Remove a lead that left the view."""
        self.leads = [v for v in self.leads if v.id != lead_id]
        try:
            self.remove_row(str(lead_id))
        except RowDoesNotExist:
            pass

    def insert(self, lead: LeadView, index: int) -> None:
        """Put a lead (back) at a position; rebuilds the rows (a few hundred: cheap)."""
        self.leads.insert(max(0, min(index, len(self.leads))), lead)
        self.rebuild(focus_id=lead.id)

    # --- the cursor ----------------------------------------------------------------------
    @property
    def current_id(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key: RowKey = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        except Exception:  # the cursor can point past the end while rows are replaced
            return None
        return int(key.value) if key.value is not None else None

    @property
    def current(self) -> LeadView | None:
        lead_id = self.current_id
        return None if lead_id is None else self.lead(lead_id)

    def ids(self) -> list[int]:
        """Lead ids in display order."""
        return [v.id for v in self.leads]
