"""The queue's columns and cells: which columns fit a width, and each cell's `Text`.

Pure description of a row (no widget): `LeadTable` draws it. Column widths are computed from
the table's width so nothing is measured (DataTable's measuring costs ~12 µs a cell) and the
layout holds from 80 to 200+ columns. Data is never markup: every cell is a `rich.text.Text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from qc_console.domain.filters import ALL_OWNERS, HANDED_OFF_OWNER
from qc_console.domain.priority import Clock
from qc_console.domain.settings import Rules
from qc_console.domain.stages import SALES_OPEN
from qc_console.domain.values import LeadView, QueueFilter
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
    owned_min: int | None = None
    """`min_screen` when the Owner column takes its room (None: the same)."""
    owners_only: bool = False
    """Only in a queue of several reps' leads (the Owner column)."""


COLUMNS: tuple[Col, ...] = (
    Col("marker", " ", 1),
    Col("name", "Name", 14, flex=3, cap=40),
    Col("company", "Company", 12, flex=3, cap=36),
    Col("owner", "Owner", 12, flex=1, cap=24, owners_only=True),
    Col("source", "Source", 11, min_screen=118, owned_min=130),
    Col("stage", "Stage", 14),
    Col("touches", "Touch", 5, owned_min=92),
    Col("last", "Last", 4, owned_min=92),
    Col("due", "Due", 12),
    Col("note", "Next action", 10, flex=2, min_screen=90, owned_min=104),
    Col("in_stage", "In stage", 8, min_screen=128, owned_min=138),
    Col("sla", "Speed", 9, min_screen=104, owned_min=118),
)
"""Every column, in order; narrow terminals drop the ones with a `min_screen`. With the
Owner column (14 cells) the others drop sooner: the rep's next-action note first, then the
touches below 92 columns (a supervisor moving leads needs whose they are first)."""

SORTABLE: tuple[str, ...] = (
    "priority",
    "name",
    "company",
    "owner",
    "source",
    "stage",
    "touches",
    "last",
    "due",
    "in_stage",
)
"""The sort cycle of `s` (priority is the queue's own order); `owner` only with its column."""

PADDING = 1
MANY_OWNERS = (ALL_OWNERS, HANDED_OFF_OWNER)
"""`QueueFilter.owner` values of several reps' leads."""


def sort_cycle(owners: bool) -> tuple[str, ...]:
    """The columns `s` steps through: `owner` only when the Owner column is shown."""
    return SORTABLE if owners else tuple(k for k in SORTABLE if k != "owner")


def shows_owners(f: QueueFilter, leads: Iterable[LeadView]) -> bool:
    """The queue holds several reps' leads, so its rows need an Owner column: every rep's
    (`*`, `*handed_off`: the heatmap's drill-downs) or a sales rep's (leads with sales, each
    qualified by some QC rep). A rep's own queue (own + pool) or one rep's: no column."""
    if f.owner in MANY_OWNERS:
        return True
    return any(v.stage in SALES_OPEN for v in leads)


def layout(width: int, owners: bool = False) -> list[tuple[Col, int]]:
    """The columns that fit `width` cells, with their widths (`owners`: with the Owner)."""
    if owners:
        cols = [
            c for c in COLUMNS if width >= (c.min_screen if c.owned_min is None else c.owned_min)
        ]
    else:
        cols = [c for c in COLUMNS if not c.owners_only and width >= c.min_screen]
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
        case "owner":
            return owner_text(lead, width, p)
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


def owner_text(lead: LeadView, width: int, p: Palette = render.DEFAULT_PALETTE) -> Text:
    """Whose the lead is: the QC owner (the pool dim), and `→ sales rep` once it is with
    sales. Cut from the QC owner first: on a hand-off the sales rep is the one to act."""
    qc = render.plain(lead.owner) if lead.owner else Text("pool", style=p.muted, end="")
    if lead.sales_owner is None or lead.stage not in SALES_OPEN:
        qc.truncate(width, overflow="ellipsis")
        return qc
    to = render.plain(f"→ {lead.sales_owner}")
    room = width - to.cell_len - 1
    if room < 2:
        return render.plain(to.plain, width=width)
    qc.truncate(room, overflow="ellipsis")
    return qc + Text(" ", end="") + to


def sort_key(col: str, ctx: RowContext) -> Callable[[LeadView], object]:
    far = datetime.max
    keys: dict[str, Callable[[LeadView], object]] = {
        "name": lambda v: v.name.lower(),
        "company": lambda v: v.company.lower(),
        "owner": lambda v: (v.owner is None, (v.owner or "").lower(), v.sales_owner or ""),
        "source": lambda v: v.source.value,
        "stage": lambda v: (v.stage.value, v.rating.value if v.rating else ""),
        "touches": lambda v: v.touch_count,
        "last": lambda v: v.last_touch_at or datetime.min,
        "due": lambda v: v.next_action_due or v.resurface_on or far,
        "in_stage": lambda v: v.stage_entered_at,
    }
    return keys[col]
