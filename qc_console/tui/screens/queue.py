"""The rep's work queue: one row per lead in priority order, worked with one key per action.

Rows come a page at a time (SQL paging); after an action the row is patched from the
returned lead or dropped when it left the view, and the cursor moves on to the next lead.
A poll of the change token refreshes only the rows someone else changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.binding import BindingType
from textual.containers import Container
from textual.message import Message
from textual.widgets import DataTable, Static

from qc_console.domain.errors import DomainError
from qc_console.domain.filters import ALL_OWNERS
from qc_console.domain.values import LeadView, QueueFilter, QueueView
from qc_console.tui.actions import Call
from qc_console.tui.bulk import BulkDone
from qc_console.tui.dialogs import FilterDialog
from qc_console.tui.dialogs.rating import RatingPrompt
from qc_console.tui.messages import ActionDone, ActionRefused, LeadsChanged, StaleRow
from qc_console.tui.screens.queue_keys import QUEUE_BINDINGS
from qc_console.tui.screens.queue_rows import EMPTY_QUEUE, QueueRows
from qc_console.tui.widgets.key_footer import KeyFooter
from qc_console.tui.widgets.lead_columns import sort_cycle
from qc_console.tui.widgets.lead_table import LeadTable
from qc_console.tui.widgets.queue_header import VIEW_TABS, QueueHeader

STAYS = frozenset({"create", "claim", "undo"})
"""Actions after which the cursor goes to a given lead, not on to the next one."""
PATCH_AT_MOST = 50
"""More changed leads than this (a bulk action, its undo): reload the page, not patch rows."""


@dataclass
class MatchingIds(Message, bubble=False):
    """Every id of the view (for `*` and `!`)."""

    generation: int
    ids: tuple[int, ...]
    invert: bool


class QueueScreen(QueueRows):
    """The queue of the acting rep (their own leads plus the shared pool)."""

    DEFAULT_CSS = """
    QueueScreen {
        layers: default prompt;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = QUEUE_BINDINGS

    def __init__(self, *, id: str = "queue") -> None:  # noqa: A002 (Textual's name)
        # Screens on the stack share one DOM: a second queue (a drill-down) needs its own id.
        super().__init__(id=id)
        self._acted: int | None = None
        """The lead of the write in flight when the cursor already moved on from it."""

    # --- layout --------------------------------------------------------------------------
    def compose(self):  # type: ignore[no-untyped-def]
        yield QueueHeader(id="queue-header")
        with Container(id="queue-body"):
            yield LeadTable(self.row_context(), id="leads")
            yield Static(Text(EMPTY_QUEUE), id="empty")
        yield KeyFooter()
        yield RatingPrompt(id="rating-prompt")

    def on_mount(self) -> None:
        self.query_one(QueueHeader).palette = self.console.palette()
        self.query_one("#empty").display = False
        self.load()
        if self.console.poll_seconds:
            self.set_interval(self.console.poll_seconds, self.poll)
        self.set_interval(60, self.tick)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """Row colours come from the theme: redraw with the new one."""
        header = self.query_one(QueueHeader)
        header.palette = self.console.palette()
        header.refresh()
        self.tick()

    # --- the inline prompt ---------------------------------------------------------------
    def ask_rating(self, label: str, done: Callable[[object], None]) -> None:
        """`q` asks on a line over the footer, not in a modal (no full-screen repaint)."""
        self.query_one(RatingPrompt).ask(label, done)

    def on_key(self, event: events.Key) -> None:
        # An open prompt takes every key first; stopping the key here keeps the bindings
        # (checked once the key has bubbled up to the app) from acting meanwhile.
        if self.query_one(RatingPrompt).answer(event.key):
            event.stop()
            event.prevent_default()

    # --- after actions -------------------------------------------------------------------
    def run_call(self, action: str, leads: tuple[LeadView, ...], call: Call) -> None:
        """Work-the-queue: the cursor moves on to the next lead as the write starts, so the
        table scrolls while the database works; the committed row is then patched alone.
        (A refused or stale write brings the cursor back to the lead.)"""
        table = self.table
        moves_on = (
            action not in STAYS
            and len(leads) == 1
            and not self.busy
            and leads[0].id == table.current_id
            and table.cursor_row + 1 < table.row_count
        )
        super().run_call(action, leads, call)
        if moves_on and self.busy:  # the write started
            self._acted = leads[0].id
            table.move_on(table.cursor_row + 1)

    def _back_to_acted(self) -> None:
        acted, self._acted = self._acted, None
        if acted is not None and self.table.has_lead(acted):
            self.table.restore_cursor(acted, self.table.cursor_row)

    def _painted(self, message: ActionDone) -> None:
        # `call_after_refresh` can run before the patched row is drawn (the table hands its
        # refresh to the screen from its own message loop): the hook of the benchmark and
        # the toast wait for the frame that draws the table's pending rows.
        table = self.table
        done = super()._painted
        if table.display and table.repaint_pending():
            table.after_drawn(lambda: done(message))
        else:
            done(message)

    def after_action(self, message: ActionDone) -> None:
        leads = message.result.leads
        if len(leads) > PATCH_AT_MOST:  # the undo of a big batch: one reload, not many patches
            self.load(focus_id=self.table.current_id)
        elif message.action == "create":
            self.load(focus_id=leads[0].id if leads else None)
        elif message.action == "claim":
            self.apply_leads(leads, focus_id=leads[0].id if leads else None)
        elif message.action == "undo" and len(leads) > 1:
            # leads coming back go in at the cursor one by one: a batch's would land out of
            # priority order, so the page is read again (in order) with the cursor on the first
            self.load(focus_id=leads[0].id)
        elif message.action == "undo":
            self.apply_leads(leads, focus_id=leads[0].id if leads else None)
        elif self._acted is not None:  # the cursor already moved on: keep it on that lead
            self._acted = None
            self.apply_leads(leads, focus_id=self.table.current_id)
        else:
            self.apply_leads(leads, advance=True)
        self.recount()

    def after_bulk(self, message: BulkDone) -> None:
        self.table.loading = False
        self.set_selection(set())
        leads = message.result.leads
        if len(leads) > PATCH_AT_MOST:
            self.load(focus_id=self.table.current_id)
        else:
            self.apply_leads(leads)
        self.recount()

    def bulk_started(self, action: str, count: int) -> None:
        super().bulk_started(action, count)
        self.table.loading = True

    def on_action_refused(self, _message: ActionRefused) -> None:
        self.table.loading = False  # a refused big batch (the base class says why)
        self._back_to_acted()

    def on_stale_row(self, _message: StaleRow) -> None:
        self._back_to_acted()  # the base class says who changed it and reloads the row

    def on_leads_changed(self, message: LeadsChanged) -> None:
        self.apply_leads(message.leads)
        self.recount()

    # --- the cursor ----------------------------------------------------------------------
    def target_leads(self) -> list[LeadView]:
        # Read the table, not `current`: a key typed right after a move arrives before the
        # RowHighlighted message that updates `current`.
        lead = self.table.current if self.is_mounted else None
        return [lead] if lead is not None else []

    @on(DataTable.RowHighlighted, "#leads")
    def _highlighted(self) -> None:
        self.current = self.table.current
        self._maybe_load_more()

    @on(DataTable.RowSelected, "#leads")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from qc_console.tui.screens.lead_detail import LeadDetailScreen

        lead = self.table.current
        if lead is None:
            return

        def back(lead_id: int | None) -> None:
            if lead_id is not None:
                self.table.restore_cursor(lead_id, self.table.cursor_row)
                self.current = self.table.current

        self.app.push_screen(LeadDetailScreen(lead.id, self), back)

    def neighbour(self, lead_id: int, step: int, last_index: int) -> tuple[int, int] | None:
        """The lead `step` rows from `lead_id` in the queue's order (for `]` / `[`)."""
        ids = self.table.ids()
        index = ids.index(lead_id) if lead_id in ids else last_index - (1 if step > 0 else 0)
        target = index + step
        if 0 <= target < len(ids):
            return ids[target], target
        return None

    # --- the selection -----------------------------------------------------------------
    def selected_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self.selected))

    def set_selection(self, ids: set[int]) -> None:
        self.selected = ids
        self.table.show_selected(frozenset(ids))
        self._show_header()
        self.refresh_bindings()

    def action_toggle_select(self) -> None:
        table = self.table
        lead_id = table.current_id
        if lead_id is not None:
            self.set_selection(self.selected ^ {lead_id})
            table.action_cursor_down()

    def action_extend_select(self, step: int) -> None:
        table = self.table
        lead_id = table.current_id
        if lead_id is None:
            return
        chosen = self.selected | {lead_id}
        row = table.cursor_row + step
        if 0 <= row < table.row_count:
            table.move_cursor(row=row, animate=False)
            chosen.add(table.ids()[row])
        self.set_selection(chosen)

    def action_select_matching(self, invert: bool) -> None:
        self._fetch_matching(self.filter, self.generation, invert)

    @work(thread=True, exit_on_error=False, group="select", exclusive=True)
    def _fetch_matching(self, f: QueueFilter, generation: int, invert: bool) -> None:
        try:
            ids = self.backend.queue_ids(f)
        except DomainError as exc:
            self.post_message(ActionRefused("select", exc, ()))
            return
        self.post_message(MatchingIds(generation, tuple(ids), invert))

    def on_matching_ids(self, message: MatchingIds) -> None:
        if message.generation != self.generation:
            return  # the view changed meanwhile
        matching = set(message.ids)
        self.set_selection(matching - self.selected if message.invert else matching)
        self.notify(f"{len(self.selected):,} selected", markup=False, timeout=2)

    def action_clear_selection(self) -> None:
        if self.selected:
            self.set_selection(set())

    # --- views, filter, sort -------------------------------------------------------------
    def action_view(self, view: str) -> None:
        self.action_clear_selection()  # a selection belongs to the view it was made in
        self.filter = replace(self.filter, view=QueueView(view))
        self._show_header()
        self._to_top = True
        self.load()

    def action_cycle_view(self, step: int) -> None:
        views = [v for v, _ in VIEW_TABS]
        i = views.index(self.filter.view)
        self.action_view(views[(i + step) % len(views)].value)

    def action_filter(self) -> None:
        def done(f: QueueFilter | None) -> None:
            if f is not None and f != self.filter:
                self.action_clear_selection()
                self.filter = f
                self._show_header()
                self._to_top = True
                self.load()

        f = self.filter  # whose leads: a supervisor's own queue (not a drill-down, not `v`)
        supervisor = self.console.actor_role == "supervisor"
        whose = supervisor and not f.ids and f.owner in (None, ALL_OWNERS)
        self.app.push_screen(FilterDialog(f, whose=whose), done)

    def action_sort(self) -> None:
        cycle = sort_cycle(self.table.owners)
        at = cycle.index(self.sort) if self.sort in cycle else 0
        self.sort = cycle[(at + 1) % len(cycle)]
        self._resort()

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse
        self._resort()

    def _resort(self) -> None:
        table = self.table
        table.rebuild(self._sorted(table.leads))
        self._after_rows_changed()
        label = self.sort.replace("_", " ")
        self.notify(
            f"sorted by {label}{' (reversed)' if self.reverse else ''} — loaded rows only",
            markup=False,
            timeout=2,
        )

    def action_claim(self) -> None:
        self.run_call("claim", (), lambda b, ids, exp: b.claim_next())

    def action_import_file(self) -> None:
        from qc_console.tui.screens.import_file import ImportScreen

        def back(report: object) -> None:
            new_ids = getattr(report, "new_ids", ())
            if report is not None:  # land on the first new lead when it is in the view
                self.load(focus_id=new_ids[0] if new_ids else self.table.current_id)
                self.recount()

        self.app.push_screen(ImportScreen(), back)
