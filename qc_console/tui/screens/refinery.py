"""The Refinery screen (supervisor): volumes per stage and ISO week at a glance, conversion by
cohort, velocity and value, for the leads the filter (`f`) selects. `1`-`4` switch tabs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from qc_console.tui.screens.refinery_glance import STAGES, RefineryGlance
from qc_console.tui.screens.report_base import (
    ReportsBackend,
    ReportScope,
    ReportScreen,
    money,
    num,
)
from qc_console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from qc_console.services.analytics.conversion import ConversionReport, Funnel
    from qc_console.services.analytics.value import ValueReport
    from qc_console.services.analytics.velocity import VelocityReport
    from qc_console.services.analytics.volumes import VolumesReport

WITHIN = (7, 14, 30, 60, 90)
"""The conversion tab's choices of "within N days" (`d` cycles; all are reach edges)."""
QC_STAGES = ("raw", "qualified", "incubating")
"""Stages whose leads a queue shows (the drill-down from the weekly table)."""
NEXT = {"raw": "qualified", "qualified": "handed_off", "handed_off": "accepted", "accepted": "won"}
"""Each funnel stage and the one its conversion is measured to."""


@dataclass(frozen=True)
class RefineryData:
    volumes: VolumesReport
    conversion: ConversionReport
    velocity: VelocityReport
    value: ValueReport


def iso_week(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def next_stage_rates(total: Funnel) -> dict[str, float | None]:
    """Of the leads that reached a stage, the share (%) that reached the next one."""
    reached = {"raw": total.entered, **total.reached}
    out: dict[str, float | None] = {}
    for stage, nxt in NEXT.items():
        base = reached.get(stage, 0)
        out[stage] = round(100.0 * reached.get(nxt, 0) / base, 1) if base else None
    return out


def _table(table_id: str, *columns: str, cursor: str = "row") -> DataTable[Text]:
    table: DataTable[Text] = DataTable(
        id=table_id,
        cursor_type=cursor,  # type: ignore[arg-type]
        zebra_stripes=True,
    )
    for title in columns:
        table.add_column(Text(title))
    return table


class RefineryScreen(ReportScreen):
    """Volumes, conversion, velocity and value in four tabs over one filter."""

    DEFAULT_CSS = """
    RefineryScreen #ref-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    RefineryScreen TabbedContent { height: 1fr; }
    RefineryScreen TabPane { padding: 0; }
    RefineryScreen DataTable { height: 1fr; }
    RefineryScreen #glance { height: auto; max-height: 11; margin: 0 0 1 0; }
    RefineryScreen .caption { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('volumes')", "Volumes", id="refinery.volumes"),
        Binding("2", "tab('conversion')", "Conversion", id="refinery.conversion"),
        Binding("3", "tab('velocity')", "Velocity", id="refinery.velocity"),
        Binding("4", "tab('value')", "Value", id="refinery.value"),
        Binding(
            "d",
            "within",
            "Within days",
            tooltip="Conversion: count leads that got there within 7/14/30/60/90 days",
            id="refinery.within",
        ),
    ]
    BODY = "#report-body"
    AUTO_FOCUS = "#glance"

    def __init__(self, scope: ReportScope | None = None) -> None:
        super().__init__(scope, screen_id="refinery")
        self.within_days = 30
        """The conversion tab's "within N days" (one of `WITHIN`)."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Refinery"), id="ref-title")
        with TabbedContent(id="report-body", initial="volumes"):
            with TabPane("1 Volumes", id="volumes"):
                yield RefineryGlance(id="glance")
                yield Static(
                    Text(
                        "enter on a stage: the leads standing in it now"
                        " · below, per ISO week: entered / standing at week end"
                    ),
                    classes="caption",
                )
                yield _table("weeks", "week", *(s.replace("_", " ") for s in STAGES), cursor="cell")
            with TabPane("2 Conversion", id="conversion"):
                yield Static(Text(""), classes="caption", id="conv-caption")
                yield _table("cohorts", "cohort", "entered")
                yield _table("conv-split", "by", "group", "entered")
            with TabPane("3 Velocity", id="velocity"):
                yield _table("velocity-table", "stage", "stays", "median", "p80")
            with TabPane("4 Value", id="value"):
                yield _table(
                    "value-table", "by", "group", "pipeline $", "leads", "won $", "won leads"
                )
        yield KeyFooter()

    def fetch(self, backend: ReportsBackend, f: dict[str, Any], now: datetime) -> RefineryData:
        return RefineryData(
            backend.report_refinery(f, now),
            backend.report_conversion(f, now, self.within_days),
            backend.report_velocity(f, now),
            backend.report_value(f, now),
        )

    def action_within(self) -> None:
        self.within_days = WITHIN[(WITHIN.index(self.within_days) + 1) % len(WITHIN)]
        self.load()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab}").query(DataTable).first().focus()

    @on(DataTable.RowSelected, "#glance")
    def _drill_row(self, event: DataTable.RowSelected) -> None:
        """`enter` on a stage's row."""
        self.drill(self.query_one(RefineryGlance).stage_at(event.cursor_row))

    @on(DataTable.CellSelected, "#weeks")
    def _drill_cell(self, event: DataTable.CellSelected) -> None:
        """`enter` on a cell of the weekly table: its stage (the week does not matter)."""
        column = event.coordinate.column
        if column:
            self.drill(STAGES[column - 1])

    def drill(self, stage: str) -> None:
        """The leads standing in `stage` now, as a queue (QC stages only)."""
        if stage not in QC_STAGES:
            self.notify(
                f"Leads in {stage.replace('_', ' ')} are with sales or closed: no queue to open.",
                markup=False,
            )
            return
        from qc_console.domain.codes import Source
        from qc_console.domain.stages import Stage
        from qc_console.domain.values import QueueFilter
        from qc_console.tui.screens.supervisor_drill import ALL, DrillDownQueue

        sc = self.scope
        f = QueueFilter(
            stages=(Stage(stage),),
            sources=(Source(sc.source),) if sc.source else (),
            # "(pool)": the supervisor's own queue plus the pool; a supervisor owns no leads
            owner=ALL if not sc.rep else None if sc.rep == "(pool)" else sc.rep,
            include_pool=sc.rep in (None, "(pool)"),
        )
        title = f"{stage.replace('_', ' ')} now · {sc.describe()}"
        if sc.campaign:
            self.notify("The queue cannot filter by campaign: every campaign is shown.")
        self.app.push_screen(DrillDownQueue(f, title))

    # --- showing ---------------------------------------------------------------------------
    def show(self, data: RefineryData) -> None:
        v = data.volumes
        label = iso_week(v.weeks[-1]) if v.weeks else "-"
        self.query_one("#ref-title", Static).update(
            Text(f"Refinery · week {label} · {self.scope.describe()}  (f: filter · 1-4: tabs)")
        )
        rates = next_stage_rates(data.conversion.total)
        self.query_one(RefineryGlance).show(v, rates, data.velocity)
        self._weeks(v)
        self._conversion(data.conversion)
        self._velocity(data.velocity)
        self._value(data.value)

    def _weeks(self, v: VolumesReport) -> None:
        table = self.query_one("#weeks", DataTable)
        table.clear()
        by_stage = {s.stage: s.weeks for s in v.stages}
        for i in range(len(v.weeks) - 1, -1, -1):
            cells = [Text(iso_week(v.weeks[i]))]
            for stage in STAGES:
                sw = by_stage[stage][i]
                cell = Text(justify="right")
                cell.append(f"{sw.entered:,}", style="bold" if sw.entered else "dim")
                cell.append(f" / {sw.stock:,}", style="dim")
                cells.append(cell)
            table.add_row(*cells)

    def _conversion(self, c: ConversionReport) -> None:
        self.query_one("#conv-caption", Static).update(
            Text(
                f"Of the leads that entered in a week: how many reached each stage "
                f"(n, % ever · % within {c.within_days} days; d: other days)"
            )
        )
        cohorts = self.query_one("#cohorts", DataTable)
        cohorts.clear(columns=True)
        for title in ("cohort", "entered", *(s.replace("_", " ") for s in c.stages)):
            cohorts.add_column(Text(title))
        for week, fun in [*reversed(c.cohorts), (None, c.total)]:
            label = Text("all", style="bold") if week is None else Text(iso_week(week))
            cohorts.add_row(label, num(fun.entered), *self._reached(fun, c.stages))
        split = self.query_one("#conv-split", DataTable)
        split.clear(columns=True)
        for title in ("by", "group", "entered", *(s.replace("_", " ") for s in c.stages)):
            split.add_column(Text(title))
        for dim, funnels in (("source", c.by_source), ("campaign", c.by_campaign)):
            for fun in funnels:
                split.add_row(
                    Text(dim), Text(fun.label), num(fun.entered), *self._reached(fun, c.stages)
                )

    @staticmethod
    def _reached(fun: Funnel, stages: tuple[str, ...]) -> list[Text]:
        cells = []
        for s in stages:
            rate = fun.rate(s)
            within = fun.rate(s, within=True)
            cell = Text(f"{fun.reached.get(s, 0):,} ", justify="right")
            cell.append(f"{rate:.0f}%" if rate is not None else "-", style="bold")
            cell.append(f" · {within:.0f}%" if within is not None else "", style="dim")
            cells.append(cell)
        return cells

    def _velocity(self, r: VelocityReport) -> None:
        table = self.query_one("#velocity-table", DataTable)
        table.clear()
        for s in r.stages:
            table.add_row(
                Text(s.stage.replace("_", " ")),
                num(s.stays),
                Text(s.median_label, justify="right"),
                Text(s.p80_label, justify="right"),
            )
        for m in r.milestones:
            table.add_row(
                Text(f"entry → {m.milestone.replace('_', ' ')}", style="italic"),
                num(m.leads),
                Text(m.median_label, justify="right"),
                Text(m.p80_label, justify="right"),
            )

    def _value(self, r: ValueReport) -> None:
        table = self.query_one("#value-table", DataTable)
        table.clear()
        rows = [("all", [r.total]), ("source", r.by_source), ("campaign", r.by_campaign)]
        rows.append(("rep", r.by_rep))
        for dim, group in rows:
            for x in group:
                table.add_row(
                    Text(dim, style="bold" if dim == "all" else ""),
                    Text(x.group),
                    money(x.pipeline),
                    num(x.pipeline_leads),
                    money(x.won),
                    num(x.won_leads),
                )
