"""The supervisor's console (`s`): queue aging as a heatmap, black holes lead by lead, drill-down
into exactly a cell's leads (a queue where every bulk action works), rebalancing a cell's leads
round-robin over picked reps after a preview (`supervisor_rebalance`), and any rep's queue.

Data comes from thread workers; the view refreshes itself every `REFRESH_SECONDS` (tests call
`refresh_data()` directly).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from qc_console.domain.errors import DomainError
from qc_console.domain.values import QueueFilter
from qc_console.domain.when import utc_to_local
from qc_console.tui.screens.help import KEYMAP_NOTE
from qc_console.tui.screens.supervisor_drill import (
    ALL,
    HANDED_OFF,
    Cell,
    DrillDownQueue,
    lost_for,
)
from qc_console.tui.screens.supervisor_rebalance import Rebalancing
from qc_console.tui.widgets.aging_heatmap import HOT, REP_COLUMN, AgingHeatmap
from qc_console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from qc_console.tui.app import QCConsoleApp
    from qc_console.tui.backend import Backend

COMPACT_BELOW = 100
"""Terminals narrower than this get the compact tables (`_lay_out`)."""
HOLE_COLUMNS = (
    ("lost", "Lost for", 8),
    ("id", "#", 5),
    ("name", "Name", 16),
    ("company", "Company", 0),
    ("stage", "Stage", 10),
    ("owner", "Owner", 7),
    ("why", "Why", 21),
)
"""The black holes' columns: key, title, width in the compact layout (0: left out there)."""
REFRESH_SECONDS = 30.0
"""How often the open aging view reloads itself."""
QC_ROLES = ("rep", "supervisor")


class SupervisorScreen(Rebalancing, Screen[None]):
    """Aging heatmap above, black holes below."""

    HELP_NOTES = (
        "Heatmap: open leads per rep and the pool by time in their stage; then Overdue (Late): "
        "next actions past due; Untouched >SLA (New >SLA): new leads nobody touched within the "
        "speed-to-lead SLA; Hand-offs >SLA (Sales >SLA): hand-offs sales has not accepted "
        f"within their SLA. Warmer colours are older; bold is a pile ({HOT} or more).\n"
        "Black holes: open leads with no owner, no next action or resurface date, or a "
        "hand-off nobody accepted, and how long each has been lost.\n"
        f"The figures reload every {REFRESH_SECONDS:.0f} s while the screen is open (r: now).\n"
        + KEYMAP_NOTE
    )

    DEFAULT_CSS = """
    SupervisorScreen #sup-title, SupervisorScreen #holes-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
        background: $panel;
    }
    SupervisorScreen #aging {
        height: auto;
        max-height: 50%;
    }
    SupervisorScreen #holes {
        height: 1fr;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Queue", tooltip="Back to your own queue", id="sup.back"),
        Binding("enter", "drill", "Open", tooltip="Open these leads as a queue", id="sup.drill"),
        Binding(
            "b",
            "rebalance",
            "Rebalance",
            tooltip="Reassign these leads round-robin over picked reps",
            id="sup.rebalance",
        ),
        Binding("v", "rep_queue", "Rep's queue", tooltip="That rep's queue", id="sup.rep_queue"),
        Binding("r", "refresh_data", "Refresh", tooltip="Reload the figures", id="sup.refresh"),
        Binding(
            "w",
            "report('refinery')",
            "Refinery",
            tooltip="Volumes, conversion, velocity, value",
            id="sup.refinery",
        ),
        Binding(
            "f",
            "report('forecast')",
            "Forecast",
            tooltip="Lags, projection, what-if",
            id="sup.forecast",
        ),
        Binding(
            "p", "report('reps')", "Reps", tooltip="Per QC rep: work and results", id="sup.reps"
        ),
        Binding(
            "c",
            "report('campaigns')",
            "Campaigns",
            tooltip="Per campaign: funnel and cost",
            id="sup.campaigns",
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="supervisor")
        self.report: Any = None
        self.holes: list[Any] = []

    @property
    def console(self) -> QCConsoleApp:
        return self.app  # type: ignore[return-value]

    @property
    def backend(self) -> Backend:
        return self.console.backend

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("Queue aging"), id="sup-title")
        yield AgingHeatmap(id="aging")
        yield Static(Text("Black holes"), id="holes-title")
        yield DataTable[Text](id="holes", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._lay_out(self.app.size.width)
        self.refresh_data()
        if self.console.poll_seconds:
            self.set_interval(REFRESH_SECONDS, self.refresh_data)

    def on_resize(self, event: events.Resize) -> None:
        if (event.size.width < COMPACT_BELOW) != self.query_one(AgingHeatmap).compact:
            self._lay_out(event.size.width)
            if self.report is not None:
                self._show(self.report, self.holes, self.report.generated_at)

    def _lay_out(self, width: int) -> None:
        """Both tables for a terminal `width` wide: under COMPACT_BELOW columns the heatmap
        takes short titles and the black holes lose the Company column, so both fit 80."""
        compact = width < COMPACT_BELOW
        self.query_one(AgingHeatmap).compact = compact
        holes = self.query_one("#holes", DataTable)
        holes.clear(columns=True)
        for key, title, narrow in HOLE_COLUMNS:
            if not (compact and narrow == 0):
                holes.add_column(Text(title), key=key, width=narrow if compact else None)

    # --- loading ----------------------------------------------------------------------
    def action_refresh_data(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload the heatmap and the black holes (in a thread worker)."""
        self._fetch(self.console.now())

    @work(thread=True, exit_on_error=False, group="supervisor", exclusive=True)
    def _fetch(self, now: datetime) -> None:
        try:
            report = self.backend.aging(now)
            holes = self.backend.black_holes(now)
        except DomainError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._show, report, holes, now)

    def _refused(self, exc: DomainError) -> None:
        self.notify(str(exc), severity="error", markup=False)

    def _show(self, report: Any, holes: list[Any], now: datetime) -> None:
        self.report = report
        self.holes = holes
        self.query_one(AgingHeatmap).show(report, self.console.palette())
        at = utc_to_local(report.generated_at)
        self.query_one("#sup-title", Static).update(
            Text(
                f"Queue aging · {at:%Y-%m-%d %H:%M} · enter: open · b: rebalance · v: rep's queue"
                if self.query_one(AgingHeatmap).compact
                else f"Queue aging — time in stage, open leads per rep · {at:%Y-%m-%d %H:%M} "
                "· enter: open a cell · b: rebalance it · v: a rep's queue"
            )
        )
        table = self.query_one("#holes", DataTable)
        row = table.cursor_row
        table.clear()
        keys = {str(c.key.value) for c in table.columns.values()}
        for lost in holes:
            cells = {
                "lost": Text(lost_for(now - lost.since), justify="right"),
                "id": Text(str(lost.lead_id), justify="right"),
                "name": Text(lost.name),
                "company": Text(lost.company),
                "stage": Text(lost.stage),
                "owner": Text(lost.owner or "(pool)", style="italic" if lost.owner is None else ""),
                "why": Text(lost.why),
            }
            table.add_row(*(v for k, v in cells.items() if k in keys), key=str(lost.lead_id))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        self.query_one("#holes-title", Static).update(
            Text(
                f"Black holes — {len(holes)} open lead(s) nobody is working "
                + (
                    "· enter: open · b: rebalance"
                    if self.query_one(AgingHeatmap).compact
                    else "· enter: open them as a queue · b: rebalance them"
                )
            )
        )

    # --- what the cursor points at -----------------------------------------------------
    def _focused_holes(self) -> bool:
        return self.focused is self.query_one("#holes")

    def _pointed(self) -> tuple[str, Any] | None:
        """("cell", (rep, column)) on the heatmap, ("holes", why) on the black holes."""
        if self._focused_holes():
            table = self.query_one("#holes", DataTable)
            if not table.row_count or not self.holes:
                return None
            return "holes", self.holes[min(table.cursor_row, len(self.holes) - 1)].why
        at = self.query_one(AgingHeatmap).cell_at_cursor()
        return ("cell", at) if at is not None else None

    def action_drill(self) -> None:
        pointed = self._pointed()
        if pointed is None:
            return
        if pointed[0] == "cell" and pointed[1][1] in (REP_COLUMN, "open"):
            self.action_rep_queue()
            return
        self._resolve(pointed, "drill")

    def action_rebalance(self) -> None:
        pointed = self._pointed()
        if pointed is None or (pointed[0] == "cell" and pointed[1][1] in (REP_COLUMN, "open")):
            self.notify("Put the cursor on a count (a bucket or an SLA column).", markup=False)
            return
        self._resolve(pointed, "rebalance")

    @on(DataTable.CellSelected, "#aging")
    @on(DataTable.RowSelected, "#holes")
    def _selected(self) -> None:
        self.action_drill()

    @work(thread=True, exit_on_error=False, group="drill", exclusive=True)
    def _resolve(self, pointed: tuple[str, Any], then: str) -> None:
        now = self.console.now()
        try:
            if pointed[0] == "cell":
                rep, column = pointed[1]
                ids = self.backend.aging_cell_ids(rep, column, now)
                title = f"{rep or 'the pool'} · {column.replace('_', ' ')}"
                loads = self._loads()
            else:
                why = pointed[1]
                holes = self.backend.black_holes(now)
                ids = [h.lead_id for h in holes if h.why == why]
                title = f"black holes · {why}"
                loads = self._loads()
            qc = sorted(  # the QC reps, then the supervisors
                (r for r in self.backend.reps() if str(r.role) in QC_ROLES and then != "drill"),
                key=lambda r: (str(r.role) != "rep", r.name),
            )
        except DomainError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        try:
            cell = self._scoped(Cell(title, tuple(ids)))
        except DomainError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        if then == "drill":
            self.app.call_from_thread(self.open_cell, cell)
        elif cell.owner == HANDED_OFF:  # a rebalance moves QC work: it would leave all out
            self.app.call_from_thread(self._handoffs_only, cell)
        else:
            owner = pointed[1][0] if pointed[0] == "cell" else None
            self.app.call_from_thread(
                self._ask_rebalance, Cell(title, tuple(ids)), qc, loads, owner
            )

    def _scoped(self, cell: Cell) -> Cell:
        """The cell with the scope its drill-down shows: QC work, or (when the cell holds only
        hand-offs, such as "hand-offs past SLA") the waiting hand-offs, re-routable with `R`."""
        shown = set(self.backend.queue_ids(QueueFilter(ids=cell.ids, owner=ALL)))
        rest = tuple(i for i in cell.ids if i not in shown)
        if rest and not shown:
            handed = set(self.backend.queue_ids(QueueFilter(ids=rest, owner=HANDED_OFF)))
            if handed:
                rest = tuple(i for i in rest if i not in handed)
                return Cell(cell.title, cell.ids, rest, owner=HANDED_OFF)
        return Cell(cell.title, cell.ids, rest)

    # --- drill-down ---------------------------------------------------------------------
    def open_cell(self, cell: Cell) -> None:
        """A queue of exactly these leads (any owner): every bulk action works there."""
        if not cell.ids:
            self.notify(f"No leads in {cell.title}.", markup=False)
            return
        if cell.with_sales:
            ids = ", ".join(f"#{i}" for i in cell.with_sales[:12])
            more = "…" if len(cell.with_sales) > 12 else ""
            self.notify(
                f"{len(cell.with_sales)} of these {len(cell.ids)} lead(s) are with sales "
                f"(handed off or accepted) and are not in this queue: {ids}{more}",
                markup=False,
                timeout=10,
            )
            if len(cell.with_sales) == len(cell.ids):
                return
        self.app.push_screen(
            DrillDownQueue(cell.queue_filter(), cell.title), lambda _: self.refresh_data()
        )

    def action_rep_queue(self) -> None:
        at = self.query_one(AgingHeatmap).cell_at_cursor()
        if at is None or self._focused_holes():
            self.notify("Put the heatmap's cursor on a rep's row.", markup=False)
            return
        rep = at[0]
        if rep is None:  # the pool: every bucket of its row
            self._open_pool()
            return
        f = QueueFilter(owner=rep, include_pool=False)
        self.app.push_screen(DrillDownQueue(f, f"{rep}'s queue"), lambda _: self.refresh_data())
        row = next((r for r in self.report.rows if r.rep == rep), None) if self.report else None
        if row is not None:
            self._say_with_sales(rep, sum(row.counts.values()), f)

    @work(thread=True, exit_on_error=False, group="rep-queue", exclusive=True)
    def _say_with_sales(self, rep: str, open_leads: int, f: QueueFilter) -> None:
        """The heatmap's Open counts the rep's hand-offs too; the queue (as the rep sees it)
        does not: say how many are with sales, as a cell's drill-down does."""
        try:
            shown = len(self.backend.queue_ids(f))
        except DomainError:
            return  # the queue itself says what went wrong
        if open_leads > shown:
            self.app.call_from_thread(
                self.notify,
                f"{open_leads - shown} of {rep}'s {open_leads} open lead(s) are with sales"
                " (handed off, accepted or delayed) and are not in this queue.",
                markup=False,
                timeout=10,
            )

    def _open_pool(self) -> None:
        if self.report is None:
            return
        row = next((r for r in self.report.rows if r.rep is None), None)
        if row is None:
            return
        cells = [("cell", (None, b)) for b in self.report.buckets if row.counts.get(b)]
        if not cells:
            self.notify("The pool is empty.", markup=False)
            return
        self._pool_ids(cells)

    @work(thread=True, exit_on_error=False, group="drill", exclusive=True)
    def _pool_ids(self, cells: list[tuple[str, Any]]) -> None:
        now = self.console.now()
        ids: list[int] = []
        for _, (rep, column) in cells:
            ids += self.backend.aging_cell_ids(rep, column, now)
        self.app.call_from_thread(self.open_cell, Cell("the pool", tuple(sorted(ids))))

    def action_report(self, name: str) -> None:
        """The analytics screens (screens/report_base.py: refinery, forecast, reps, campaigns)."""
        from qc_console.tui.screens.report_base import open_report

        open_report(self.app, name)

    def action_back(self) -> None:
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:  # not a DomainError: say so, never a traceback
            self.console.show_error(event.worker.error)
