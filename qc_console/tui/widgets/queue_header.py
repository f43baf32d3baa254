"""The line over the queue: the views as tabs, who is working, the counts, filter and sort."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.widget import Widget

from qc_console.domain.filters import ALL_OWNERS, HANDED_OFF_OWNER
from qc_console.domain.values import QueueCounts, QueueFilter, QueueView
from qc_console.tui import render
from qc_console.tui.render import Palette

VIEW_TABS: tuple[tuple[QueueView, str], ...] = (
    (QueueView.DUE, "Due"),
    (QueueView.NEW, "New"),
    (QueueView.INCUBATING, "Incubating"),
    (QueueView.ALL_OPEN, "All open"),
)


@dataclass(frozen=True)
class HeaderState:
    """Everything the header shows."""

    actor: str = ""
    filter: QueueFilter = field(default_factory=QueueFilter)
    counts: QueueCounts | None = None
    loaded: int = 0
    more: bool = False
    sort: str = "priority"
    reverse: bool = False
    selected: int = 0
    """How many leads are selected (bulk actions)."""


def filter_summary(f: QueueFilter) -> Text:
    """The active filter in words (user text shown literally)."""
    parts: list[Text | str] = []
    if f.owner == ALL_OWNERS:
        parts.append("every rep and the pool")
    elif f.owner == HANDED_OFF_OWNER:
        parts.append("hand-offs waiting for sales")
    elif f.owner:  # a supervisor looking at a rep's queue (`v`, or owner= in the filter)
        pool = " and the pool" if f.include_pool else ""
        parts.append(render.plain(f.owner) + Text(f"'s leads{pool}"))
    if f.text.strip():
        parts.append(
            render.join("text", Text("“") + render.plain(f.text.strip()) + Text("”"), sep=" ")
        )
    if f.stages:
        parts.append("stage " + ",".join(s.value for s in f.stages))
    if f.ratings:
        parts.append("rating " + ",".join(r.value for r in f.ratings))
    if f.sources:
        parts.append("source " + ",".join(render.SOURCE_LABELS[s] for s in f.sources))
    if f.due_today:
        parts.append("due today")
    if f.overdue:
        parts.append("overdue")
    if f.ids:
        parts.append(f"{len(f.ids)} chosen leads")
    return render.join(*parts, sep=" · ")


def header_text(state: HeaderState, p: Palette = render.DEFAULT_PALETTE, width: int = 200) -> Text:
    """Two lines: tabs, filter and who; then counts, rows loaded, sort and selection.

    Under 100 columns the counts use short words and the totals are left out.
    """
    narrow = width < 100
    top = Text(end="")
    for i, (view, label) in enumerate(VIEW_TABS, 1):
        if view == state.filter.view:
            top.append(f" {i} {label} ", style="reverse bold")
        else:
            top.append(f" {i} {label} ", style=p.muted)
        top.append(" ")
    summary = filter_summary(state.filter)
    if summary.plain:
        top.append("  filter: ", style=p.muted)
        top.append_text(summary)
    top.append("  ")
    top.append_text(render.plain(state.actor, "bold"))

    bottom = Text(end="")
    c = state.counts
    if c is None:
        bottom.append("counting…", style=p.muted)
    else:
        bits = [
            (c.overdue, "overdue", p.error),
            (c.due_today, "today" if narrow else "due today", p.warning),
            (c.new_untouched, "new" if narrow else "new untouched", ""),
            (c.resurfacing, "back" if narrow else "resurfacing", p.accent),
        ]
        for i, (n, label, style) in enumerate(bits):
            if i:
                bottom.append(" · ", style=p.muted)
            bottom.append(f"{n} ", style=f"bold {style}" if n else p.muted)
            bottom.append(label, style="" if n else p.muted)
        if not narrow:
            bottom.append(f"   {c.total_open} open", style=p.muted)
    if not narrow:
        shown = f"{state.loaded}{'+' if state.more else ''} shown"
        bottom.append(f" · {shown}", style=p.muted)
    if state.sort != "priority" or state.reverse:
        arrow = "↑" if state.reverse else "↓"
        rows = "" if narrow else " (loaded rows)"
        bottom.append(f" · sorted by {state.sort.replace('_', ' ')} {arrow}{rows}")
    if state.selected:
        bottom.append(f" · {state.selected} selected", style=f"bold {p.accent}")
    return top + Text("\n") + bottom


class QueueHeader(Widget):
    """Shows a `HeaderState`; the screen replaces the state, the header redraws.

    A plain `render()` widget, not a Static: `Static.update` asks for a layout pass, which
    repaints the whole screen after every action; this repaints two lines.
    """

    DEFAULT_CSS = """
    QueueHeader {
        height: 2;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.state = HeaderState()
        self.palette = render.DEFAULT_PALETTE

    def show(self, state: HeaderState) -> None:
        if state != self.state:
            self.state = state
            self.refresh()

    def render(self) -> Text:
        return header_text(self.state, self.palette, self.content_size.width or 200)
