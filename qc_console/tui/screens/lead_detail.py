"""One lead, whole: every field, the touch history and the event history (newest first).

The disposition keys work here as in the queue; `]` / `[` walk the queue's order without
going back, `escape` returns to the queue on the lead shown last.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from qc_console.domain.errors import DomainError
from qc_console.domain.priority import Clock
from qc_console.domain.settings import Rules
from qc_console.domain.values import EventView, LeadDetail, LeadView, TouchView
from qc_console.tui import render
from qc_console.tui.actions import LeadActionsScreen
from qc_console.tui.messages import ActionDone, ActionRefused, DetailLoaded, LeadsChanged
from qc_console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from qc_console.tui.screens.queue import QueueScreen

HIDDEN_EVENT_KEYS = frozenset({"before", "after", "version", "touch_id", "created"})
"""Event data kept for undo, not for reading."""
TIME_KEYS = frozenset({"until", "due"})


def field_rows(lead: LeadView, clock: Clock, rules: Rules, p: render.Palette) -> Table:
    """The lead's fields as a two-column grid (values are data: shown literally)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style=p.muted, no_wrap=True)
    grid.add_column(overflow="fold")
    now, cadence = clock.now, rules.cadence_target
    due = render.local_time(lead.next_action_due)
    speed = render.sla_text(lead, clock, rules, p)
    rows: list[tuple[str, Text | str]] = [
        ("Priority", render.priority_text(lead, clock, p)),
        ("Name", render.wrapping(lead.name, "bold")),
        ("Title", render.wrapping(lead.title)),
        ("Company", render.wrapping(lead.company)),
        ("Email", render.wrapping(lead.email)),
        ("Phone", render.wrapping(lead.phone)),
        ("Source", render.wrapping(render.SOURCE_LABELS[lead.source])),
        ("Campaign", render.wrapping(lead.campaign or "—")),
        ("Stage", render.stage_text(lead, p)),
        (
            "In stage",
            f"{render.in_stage(lead, now)} (since {render.local_time(lead.stage_entered_at)})",
        ),
        ("Owner", render.wrapping(lead.owner or "pool (unassigned)")),
        ("Sales owner", render.wrapping(lead.sales_owner or "—")),
        ("Touches", f"{lead.touch_count}/{cadence} (voicemails {lead.voicemail_count})"),
        ("Speed to lead", speed if speed.plain else "—"),
        ("First touch", render.local_time(lead.first_touch_at)),
        ("Last touch", render.local_time(lead.last_touch_at)),
        ("Next action", render.join(due, render.wrapping(lead.next_action_note))),
        ("Resurfaces", render.local_time(lead.resurface_on)),
        ("Reason", render.wrapping(lead.reason or "—")),
        ("Amount", "—" if lead.amount is None else f"{lead.amount:,.2f}"),
        ("Do not contact", "yes" if lead.do_not_contact else "no"),
        ("Created", render.local_time(lead.created_at)),
        (
            "Updated",
            render.join(render.local_time(lead.updated_at), render.wrapping(lead.updated_by or "")),
        ),
        ("Version", str(lead.version)),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _event_value(key: str, value: Any) -> str:
    if key in TIME_KEYS and isinstance(value, str):
        try:
            return render.local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return "—" if value is None else str(value)


def event_details(event: EventView) -> Text:
    """The why of an event (`rating=high`, `to=sam`, `reason=…`), literally."""
    out = Text(end="")
    for key in sorted(event.data):
        if key in HIDDEN_EVENT_KEYS:
            continue
        if out.plain:
            out.append("  ")
        out.append(f"{key}=", style="dim")
        out.append_text(render.plain(_event_value(key, event.data[key])))
    return out


def touches_table(touches: tuple[TouchView, ...]) -> RenderableType:
    title = Text(f"Touches ({len(touches)}), newest first", style="bold")
    if not touches:
        return Group(title, Text("No touches yet: press t to log one.", style="dim"))
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True, header_style="dim")
    table.add_column("When", no_wrap=True)
    table.add_column("Channel", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Note", ratio=1, overflow="fold")
    table.add_column("Who", no_wrap=True)
    for t in touches:
        table.add_row(
            render.local_time(t.at),
            render.plain(t.channel),
            render.plain(t.outcome.replace("_", " ")),
            render.para(t.note),
            render.plain(t.rep or "—"),
        )
    return Group(title, table)


def events_table(events: tuple[EventView, ...]) -> RenderableType:
    title = Text(f"History ({len(events)}), newest first", style="bold")
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True, header_style="dim")
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What", no_wrap=True)
    table.add_column("Why", ratio=1, overflow="fold")
    for e in events:
        what = Text(e.kind.replace("_", " "), end="")
        if e.from_stage and e.to_stage and e.from_stage != e.to_stage:
            what.append(f" {e.from_stage} → {e.to_stage}", style="dim")
        table.add_row(render.local_time(e.at), render.plain(e.actor or "—"), what, event_details(e))
    return Group(title, table)


def title_text(lead: LeadView, p: render.Palette) -> Text:
    out = Text(f"#{lead.id}  ", style="dim", end="")
    out.append_text(render.plain(lead.name, "bold"))
    if lead.company:
        out.append("  ·  ")
        out.append_text(render.plain(lead.company))
    out.append("  —  ")
    out.append_text(render.stage_text(lead, p))
    return out


class LeadDetailScreen(LeadActionsScreen):
    """The whole record of one lead."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", "Queue", tooltip="Back to the queue, on this lead", id="detail.back"
        ),
        Binding(
            "right_square_bracket",
            "step(1)",
            "Next lead",
            key_display="]",
            tooltip="The next lead in the queue's order",
            id="detail.next",
        ),
        Binding(
            "left_square_bracket",
            "step(-1)",
            "Prev lead",
            key_display="[",
            tooltip="The previous lead in the queue's order",
            id="detail.prev",
        ),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, lead_id: int, queue: QueueScreen) -> None:
        super().__init__(id="detail")
        self.lead_id = lead_id
        self.queue = queue
        self.index = max(0, queue.table.ids().index(lead_id)) if lead_id in queue.table.ids() else 0
        self.detail: LeadDetail | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("loading…"), id="detail-title")
        with VerticalScroll(id="detail-body"):
            yield Static(id="fields")
            with Vertical(id="history"):
                yield Static(id="touches")
                yield Static(id="events")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        lead = self.queue.table.lead(self.lead_id)
        if lead is not None:
            self.current = lead
            self._show_lead(lead)
        self.reload()

    # --- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        """Fetch the lead with its touches and events."""
        self._load(self.lead_id)

    @work(thread=True, exit_on_error=False, group="detail", exclusive=True)
    def _load(self, lead_id: int) -> None:
        try:
            detail = self.backend.lead_detail(lead_id)
        except DomainError as exc:
            self.post_message(ActionRefused("open", exc, (lead_id,)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(DetailLoaded(detail))

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        detail = message.detail
        if detail.lead.id != self.lead_id:
            return  # the user moved on with ] or [
        self.detail = detail
        self.current = detail.lead
        self._show_lead(detail.lead)
        self.query_one("#touches", Static).update(touches_table(detail.touches))
        self.query_one("#events", Static).update(events_table(detail.events))

    def _show_lead(self, lead: LeadView) -> None:
        app = self.console
        p = app.palette()
        self.query_one("#detail-title", Static).update(title_text(lead, p))
        fields = field_rows(lead, app.clock(), app.backend.rules, p)
        self.query_one("#fields", Static).update(fields)

    # --- moving --------------------------------------------------------------------------
    def action_step(self, step: int) -> None:
        hit = self.queue.neighbour(self.lead_id, step, self.index)
        if hit is None:
            where = "last" if step > 0 else "first"
            self.notify(f"this is the {where} loaded lead of the queue", markup=False, timeout=2)
            return
        self.lead_id, self.index = hit
        lead = self.queue.table.lead(self.lead_id)
        if lead is not None:
            self.current = lead
            self._show_lead(lead)
        self.query_one("#touches", Static).update(Text("loading…", style="dim"))
        self.query_one("#events", Static).update(Text(""))
        self.query_one("#detail-body", VerticalScroll).scroll_home(animate=False)
        self.reload()

    def action_back(self) -> None:
        self.dismiss(self.lead_id)

    # --- after actions -------------------------------------------------------------------
    def after_action(self, message: ActionDone) -> None:
        leads = message.result.leads
        for lead in leads:
            if lead.id == self.lead_id:
                self.current = lead
                self._show_lead(lead)
        self.queue.post_message(LeadsChanged(leads))
        self.reload()

    def reload_leads(self, ids: tuple[int, ...]) -> None:
        self.queue.reload_leads(ids)
        self.reload()
