"""The queue's rows: paging in SQL, live refresh by polling, patching after actions.

`QueueRows` is the data half of the queue screen (`QueueScreen` adds the keys and layout).
Rows come a page at a time; a poll of the change token refreshes only the rows someone else
changed; after an action a row is patched from the returned lead or dropped when it left the
view. Workers fetch, messages bring the results, handlers touch the widgets.
"""

from __future__ import annotations

import gc
from dataclasses import replace

from rich.text import Text
from textual import work
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from qc_console.domain.errors import DomainError
from qc_console.domain.values import LeadView, QueueCounts, QueueFilter
from qc_console.tui import render
from qc_console.tui.actions import LeadActionsScreen
from qc_console.tui.filtering import matches
from qc_console.tui.messages import ActionRefused, CountsLoaded, PageLoaded, RowsRefreshed
from qc_console.tui.widgets.lead_columns import shows_owners
from qc_console.tui.widgets.lead_table import LeadTable, RowContext, sort_key
from qc_console.tui.widgets.queue_header import HeaderState, QueueHeader

NEAR_END = 8
"""Load the next page when the cursor comes within an eighth of a page (at least this many
rows) of the last loaded row."""
RECOUNT_AFTER = 0.4
"""Seconds of quiet after an action before the header counts are fetched again."""
MAX_PATCH = 500
"""More changed leads than this in one poll: reload the page instead of patching rows."""

EMPTY_QUEUE = (
    "Your queue is empty.\n\n"
    "  a   add a lead by hand\n"
    "  c   claim the most urgent lead from the shared pool\n\n"
    "Or load leads from a file:  qc-console import leads.csv --owner YOU\n"
    "Or try the demo data:       qc-console demo"
)
EMPTY_VIEW = (
    "No leads in this view.\n\n"
    "  4   all open leads\n"
    "  /   change the filter\n"
    "  c   claim a lead from the shared pool"
)


_frozen = False


def _freeze_startup_objects() -> None:
    """Move what start-up made (modules, Textual, the first page) out of the collector's way.

    Python's full collections walk every tracked object: with the console loaded they took
    70-150 ms on this machine every ~30 dispositions, landing on a keystroke. `gc.freeze`
    leaves those objects to reference counting alone; newer ones are collected as usual.
    """
    global _frozen
    _frozen = True
    gc.freeze()


class QueueRows(LeadActionsScreen):
    """The queue's data: what is loaded, what changed, what the header counts."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.filter = QueueFilter()
        self.generation = 0
        self.has_more = False
        self.loading_more = False
        self.loaded = False
        self.token: int | None = None
        self.counts: QueueCounts | None = None
        self._to_top = False
        self.sort = "priority"
        self.reverse = False
        self.selected: set[int] = set()
        """Selected lead ids (bulk actions build on this)."""
        self._server_order: dict[int, int] = {}
        self._loading_timer: Timer | None = None
        self._poller: Worker[None] | None = None
        self._recount_timer: Timer | None = None

    @property
    def table(self) -> LeadTable:
        return self.query_one(LeadTable)

    def row_context(self) -> RowContext:
        app = self.console
        return RowContext(app.clock(), app.backend.rules, app.palette())

    # --- loading -------------------------------------------------------------------------
    def load(self, focus_id: int | None = None) -> None:
        """Fetch the first page of the current view (the table shows a loading state if slow)."""
        self.generation += 1
        self.loading_more = False
        if self._loading_timer is not None:
            self._loading_timer.stop()
        self._loading_timer = self.set_timer(0.15, self._show_loading)
        self._fetch(self.filter, self.generation, focus_id)

    def _show_loading(self) -> None:
        self.table.loading = True

    @work(thread=True, exit_on_error=False, group="page", exclusive=True)
    def _fetch(self, f: QueueFilter, generation: int, focus_id: int | None) -> None:
        worker = get_current_worker()
        backend = self.backend
        hold_open = getattr(backend, "hold_open", None)  # optional: test backends lack it
        if hold_open is not None:
            hold_open()  # each write would otherwise checkpoint the WAL when it closes
        try:
            token = backend.change_token()
            page = backend.queue_page(f, 0, self.console.page_size)
            if worker.is_cancelled:
                return
            # The rows first: the counts (several COUNTs) must not hold back the first paint.
            self.post_message(PageLoaded(generation, f, page, None, token, focus_id))
            counts = backend.queue_counts(f)
        except DomainError as exc:
            self.post_message(ActionRefused("load", exc, ()))
            return
        if not worker.is_cancelled:
            self.post_message(CountsLoaded(counts))

    @work(thread=True, exit_on_error=False, group="more", exclusive=True)
    def _fetch_more(self, f: QueueFilter, generation: int, offset: int) -> None:
        try:
            page = self.backend.queue_page(f, offset, self.console.page_size)
        except DomainError as exc:
            self.post_message(ActionRefused("load", exc, ()))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(PageLoaded(generation, f, page, None, None))

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.generation != self.generation:
            return  # an older view's page
        table = self.table
        table.ctx = self.row_context()
        page = message.page
        if page.offset == 0:
            if self._loading_timer is not None:
                self._loading_timer.stop()
            table.loading = False
            self._server_order = {v.id: i for i, v in enumerate(page.rows)}
            table.owners = shows_owners(message.filter, page.rows)
            table.rebuild(self._sorted(list(page.rows)), focus_id=message.focus_id)
            if self._to_top or not self.loaded:
                table.restore_cursor(message.focus_id, 0)
                self._to_top = False
            self.loaded = True
            self.token = message.token
        else:
            base = len(self._server_order)
            for i, v in enumerate(page.rows):
                self._server_order.setdefault(v.id, base + i)
            table.add_rows_of(page.rows)
            if self.sort != "priority":
                table.rebuild(self._sorted(table.leads))
            self.loading_more = False
        self.has_more = page.has_more
        if message.counts is not None:
            self.counts = message.counts
        self._after_rows_changed()
        if page.offset == 0:
            self.console.mark("queue.painted", "")
            if not _frozen:
                self.call_after_refresh(_freeze_startup_objects)

    def _maybe_load_more(self) -> None:
        table = self.table
        near = max(NEAR_END, self.console.page_size // 8)
        if self.has_more and not self.loading_more and table.cursor_row >= table.row_count - near:
            self.loading_more = True
            self._fetch_more(self.filter, self.generation, len(self._server_order))

    def action_refresh(self) -> None:
        self.load(focus_id=self.table.current_id)

    # --- live refresh --------------------------------------------------------------------
    def poll(self) -> None:
        """Ask whether anything changed since the rows were loaded (cheap: one MAX(id))."""
        running = self._poller is not None and not self._poller.is_finished
        if self.token is not None and not running:  # a slow poll is not cancelled, only skipped
            self._poller = self._poll(self.token, self.filter, self.generation)

    @work(thread=True, exit_on_error=False, group="poll")
    def _poll(self, token: int, f: QueueFilter, generation: int) -> None:
        backend = self.backend
        try:
            new = backend.change_token()
            if new == token:
                return
            changed = backend.changed_since(token)
            counts = backend.queue_counts(f)
            if len(changed) > MAX_PATCH:
                self.post_message(RowsRefreshed((), (), counts, new, reload=True))
                return
            rows: tuple[LeadView, ...] = ()
            if changed:
                rows = backend.queue_page(replace(f, ids=tuple(changed)), 0, len(changed)).rows
        except DomainError as exc:
            self.post_message(ActionRefused("refresh", exc, ()))
            return
        if generation == self.generation:
            self.post_message(RowsRefreshed(tuple(changed), rows, counts, new))

    def reload_leads(self, ids: tuple[int, ...]) -> None:
        self._refetch(ids, self.filter)

    @work(thread=True, exit_on_error=False, group="refetch")
    def _refetch(self, ids: tuple[int, ...], f: QueueFilter) -> None:
        try:
            rows = self.backend.queue_page(replace(f, ids=ids), 0, len(ids)).rows
        except DomainError as exc:
            self.post_message(ActionRefused("refresh", exc, ()))
            return
        self.post_message(RowsRefreshed(ids, rows, None, None))

    def on_rows_refreshed(self, message: RowsRefreshed) -> None:
        table = self.table
        if message.token is not None:
            self.token = message.token
        if message.counts is not None:
            self.counts = message.counts
        if message.reload:
            self.load(focus_id=table.current_id)
            return
        table.ctx = self.row_context()
        fresh = {v.id: v for v in message.rows}
        row = table.cursor_row
        for lead_id in message.asked:
            if table.has_lead(lead_id):
                if lead_id in fresh:
                    table.patch(fresh[lead_id])
                else:
                    table.drop(lead_id)
        entered = [v for v in message.rows if not table.has_lead(v.id)]
        if entered and self._would_show(entered):
            self.load(focus_id=table.current_id)
            return
        table.restore_cursor(table.current_id, row)
        self._after_rows_changed()
        self._refresh_detail(message.asked)

    def _would_show(self, entered: list[LeadView]) -> bool:
        """Leads that entered the view belong in the loaded rows (else a later page has them)."""
        if not self.has_more or not self.table.leads:
            return True
        clock = self.console.clock()
        last = render.priority_of(self.table.leads[-1], clock)
        return any(render.priority_of(v, clock) <= last for v in entered)

    def _refresh_detail(self, ids: tuple[int, ...]) -> None:
        from qc_console.tui.screens.lead_detail import LeadDetailScreen

        screen = self.app.screen
        if isinstance(screen, LeadDetailScreen) and screen.lead_id in ids:
            screen.reload()

    def tick(self) -> None:
        """Relative times and the speed-to-lead clock move on: redraw the rows each minute."""
        table = self.table
        if table.row_count:
            table.restyle(self.row_context())

    def recount(self) -> None:
        """Refresh the header counts once the rep pauses (not on the path of each key)."""
        if self._recount_timer is not None:
            self._recount_timer.stop()
        self._recount_timer = self.set_timer(RECOUNT_AFTER, self._recount)

    def _recount(self) -> None:
        self._fetch_counts(self.filter)

    def apply_leads(
        self, leads: tuple[LeadView, ...], *, advance: bool = False, focus_id: int | None = None
    ) -> None:
        """Patch rows from fresh leads, drop those that left the view, show those that entered."""
        table = self.table
        table.ctx = self.row_context()
        clock = table.ctx.clock
        row = table.cursor_row
        current = table.current_id
        left_current = False
        for lead in leads:
            keep = matches(lead, self.filter, clock, self.console.actor_name)
            if table.has_lead(lead.id):
                if keep:
                    table.patch(lead)
                else:
                    table.drop(lead.id)
                    left_current = left_current or lead.id == current
            elif keep:
                self._server_order.setdefault(lead.id, row)
                table.insert(lead, row)
        if focus_id is not None and table.has_lead(focus_id):
            table.restore_cursor(focus_id, row)
        elif advance and not left_current and row + 1 < table.row_count:
            table.move_on(row + 1)
        elif advance and not left_current:
            table.restore_cursor(None, row + 1)
        else:
            table.restore_cursor(None if left_current else current, row)
        self._after_rows_changed()

    @work(thread=True, exit_on_error=False, group="counts", exclusive=True)
    def _fetch_counts(self, f: QueueFilter) -> None:
        try:
            counts = self.backend.queue_counts(f)
        except DomainError:
            return  # the header keeps the last counts; the action itself succeeded
        self.post_message(CountsLoaded(counts))

    def on_counts_loaded(self, message: CountsLoaded) -> None:
        self.counts = message.counts
        self._show_header()

    def _after_rows_changed(self) -> None:
        table = self.table
        if not table.owners and shows_owners(self.filter, table.leads):
            table.owners = True  # a sales queue's first lead arrived: whose leads they are
            table.rebuild()
        self.current = table.current
        empty = self.loaded and table.row_count == 0
        body = self.query_one("#empty", Static)
        if empty:
            is_default = self.filter == QueueFilter()
            body.update(Text(EMPTY_QUEUE if is_default else EMPTY_VIEW))
        if body.display != empty:  # each display change is a layout pass: only when it flips
            body.display = empty
            table.display = not empty
        self._show_header()
        self._maybe_load_more()

    def _show_header(self) -> None:
        self.query_one(QueueHeader).show(
            HeaderState(
                actor=self.console.actor_name,
                filter=self.filter,
                counts=self.counts,
                loaded=self.table.row_count,
                more=self.has_more,
                sort=self.sort,
                reverse=self.reverse,
                selected=len(self.selected),
            )
        )

    def _sorted(self, leads: list[LeadView]) -> list[LeadView]:
        if self.sort == "priority":
            order = self._server_order
            out = sorted(leads, key=lambda v: order.get(v.id, len(order)))
        else:
            out = sorted(leads, key=sort_key(self.sort, self.table.ctx))  # type: ignore[arg-type]
        return out[::-1] if self.reverse else out
