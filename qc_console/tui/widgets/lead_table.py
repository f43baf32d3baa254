"""The queue's table: one row per lead (row key = lead id), patched in place after actions.

The table holds one page or a few (a few hundred rows): DataTable measures every cell it
adds (FACTS.md: ~12 µs a cell), so the queue is paged in SQL and rows are patched, not
reloaded. Column widths are computed from the table's width so nothing is measured twice
and the layout holds from 80 to 200+ columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist, RowKey

from qc_console.domain.priority import Clock
from qc_console.domain.settings import Rules
from qc_console.domain.values import LeadView
from qc_console.tui import render
from qc_console.tui.render import Palette


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    width: int
    """Fixed width, or the least width of a flexible column."""
    flex: int = 0
    """Share of the spare width (0: fixed)."""
    cap: int = 0
    """Most width a flexible column takes (0: no cap)."""
    min_screen: int = 0
    """Shown only when the table is at least this wide."""


COLUMNS: tuple[Col, ...] = (
    Col("marker", " ", 1),
    Col("name", "Name", 14, flex=3, cap=40),
    Col("company", "Company", 12, flex=3, cap=36),
    Col("source", "Source", 11, min_screen=118),
    Col("stage", "Stage", 14),
    Col("touches", "Touch", 5),
    Col("last", "Last", 4),
    Col("due", "Due", 12),
    Col("note", "Next action", 10, flex=2, min_screen=90),
    Col("in_stage", "In stage", 8, min_screen=128),
    Col("sla", "Speed", 9, min_screen=104),
)
"""Every column, in order; narrow terminals drop the ones with a `min_screen`."""

SORTABLE: tuple[str, ...] = (
    "priority",
    "name",
    "company",
    "source",
    "stage",
    "touches",
    "last",
    "due",
    "in_stage",
)
"""The sort cycle of `s` (priority is the queue's own order)."""

PADDING = 1
CHECK = "✓ "
"""Before the name of a selected row (the selection of bulk actions)."""
REDRAW_ABOVE = 20
"""More rows changing selection than this: redraw the table instead of patching rows."""


def layout(width: int) -> list[tuple[Col, int]]:
    """The columns that fit `width` cells, with their widths."""
    cols = [c for c in COLUMNS if width >= c.min_screen]
    used = sum(c.width + 2 * PADDING for c in cols)
    spare = max(0, width - used)
    flex_total = sum(c.flex for c in cols) or 1
    out: list[tuple[Col, int]] = []
    left = spare
    for col in cols:
        extra = spare * col.flex // flex_total if col.flex else 0
        w = col.width + extra
        if col.cap and w > col.cap:
            w = col.cap
        left -= w - col.width
        out.append((col, w))
    if left > 0:  # capped columns leave width over: the note column (or the last flex) takes it
        flex_cols = [i for i, (c, _) in enumerate(out) if c.flex and not c.cap]
        if flex_cols:
            i = flex_cols[-1]
            out[i] = (out[i][0], out[i][1] + left)
    return out


@dataclass(frozen=True)
class RowContext:
    """What a row's look depends on besides the lead: the clock, the rules and the theme."""

    clock: Clock
    rules: Rules
    palette: Palette = render.DEFAULT_PALETTE


def cell(col: str, lead: LeadView, ctx: RowContext, width: int) -> Text:
    """The `Text` of one cell (data is never markup)."""
    now, p = ctx.clock.now, ctx.palette
    match col:
        case "marker":
            return render.marker(render.priority_of(lead, ctx.clock), p)
        case "name":
            style = "bold" if lead.stage == "raw" and lead.touch_count == 0 else ""
            return render.plain(lead.name, style, width=width)
        case "company":
            return render.plain(lead.company, width=width)
        case "source":
            return render.plain(render.SOURCE_LABELS[lead.source], width=width)
        case "stage":
            return render.stage_text(lead, p)
        case "touches":
            return render.ladder(lead, ctx.rules, p)
        case "last":
            return Text(render.since(now, lead.last_touch_at), end="")
        case "due":
            return render.due_text(lead, ctx.clock, p)
        case "note":
            return render.next_note(lead, width=width)
        case "in_stage":
            return Text(render.in_stage(lead, now), end="")
        case "sla":
            return render.sla_text(lead, ctx.clock, ctx.rules, p)
    raise KeyError(col)


def sort_key(col: str, ctx: RowContext) -> Callable[[LeadView], object]:
    far = datetime.max
    keys: dict[str, Callable[[LeadView], object]] = {
        "name": lambda v: v.name.lower(),
        "company": lambda v: v.company.lower(),
        "source": lambda v: v.source.value,
        "stage": lambda v: (v.stage.value, v.rating.value if v.rating else ""),
        "touches": lambda v: v.touch_count,
        "last": lambda v: v.last_touch_at or datetime.min,
        "due": lambda v: v.next_action_due or v.resurface_on or far,
        "in_stage": lambda v: v.stage_entered_at,
    }
    return keys[col]


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
        self._cols: list[tuple[Col, int]] = []
        self._width = 0

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

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures every cell of every new row to size auto-width columns (FACTS.md:
        # ~12 µs a cell). Ours have fixed widths and one-line rows, so nothing needs measuring:
        # only the virtual size is recomputed.
        super()._update_dimensions(())

    # --- geometry ------------------------------------------------------------------------
    def on_resize(self) -> None:
        width = self.size.width - 2  # room for the vertical scrollbar
        if width > 0 and layout(width) != self._cols:
            self._width = width
            self.rebuild()

    def _ensure_columns(self) -> None:
        if not self._cols:
            self._cols = layout(self._width or max(self.size.width - 2, 78))
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
        values = self._data[row_key]
        for col, w in self._cols:
            values[ColumnKey(col.key)] = self._cell(col.key, lead, w)
        for cell_key in [k for k in self._cell_render_cache.keys() if k[0] == row_key]:
            self._cell_render_cache.discard(cell_key)
        for row_cache_key in [k for k in self._row_render_cache.keys() if k[0] == row_key]:
            self._row_render_cache.discard(row_cache_key)
        self._line_cache.clear()
        self.refresh_row(self.get_row_index(key))

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
