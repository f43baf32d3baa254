"""The Forecast screen (supervisor): lag and elasticity per stage link with their confidence
interval, the projection of hand-offs and pipeline $, the back-test against the naive forecast,
and a what-if (`w`: "+20 from 2026-W50" = raw contacts +20% from that week)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Sparkline, Static

from qc_console.tui.screens.report_base import ReportsBackend, ReportScope, ReportScreen, num
from qc_console.tui.screens.report_filter import parse_week
from qc_console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from qc_console.services.analytics.forecast import ForecastReport

WHAT_IF = re.compile(
    r"^\s*(?:raw\s*)?(?P<pct>[+-]?\d+(?:\.\d+)?)\s*%?\s*(?:(?:from|at|@)?\s*(?P<week>\S+))?\s*$",
    re.IGNORECASE,
)


def parse_what_if(text: str) -> tuple[float, date | None] | None:
    """`+20`, `raw +20%`, `-10 from 2026-W50`: (percent, first week or None).

    Raises:
        ValueError: not of that shape, or not a date / week.
    """
    if not text.strip():
        return None
    hit = WHAT_IF.match(text)
    if hit is None:
        raise ValueError(text)
    week = parse_week(hit["week"]) if hit["week"] else None
    return float(hit["pct"]), week


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


class ForecastScreen(ReportScreen):
    """Links, back-test and projection; `w` asks for a what-if, `+`/`-` change the horizon."""

    DEFAULT_CSS = """
    ForecastScreen #fc-title, ForecastScreen .section {
        height: 1;
        padding: 0 1;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ForecastScreen #fc-title { background: $panel; }
    ForecastScreen .section { color: $text-muted; }
    ForecastScreen #links { height: auto; max-height: 6; }
    ForecastScreen #backtest { height: auto; padding: 0 1; }
    ForecastScreen #projection { height: 1fr; }
    ForecastScreen #what-if-row { height: 1; padding: 0 1; }
    ForecastScreen #what-if-row Label { width: auto; padding-right: 1; color: $text-muted; }
    ForecastScreen #what-if { width: 1fr; }
    ForecastScreen #trend { height: 3; padding: 0 1; }
    ForecastScreen #trend-label { width: 18; }
    ForecastScreen #handoff-trend { width: 1fr; height: 3; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "w", "what_if", "What-if", tooltip="Raw contacts +N% from a week", id="forecast.what_if"
        ),
        Binding(
            "plus,equals_sign",
            "horizon(1)",
            "Longer",
            key_display="+",
            tooltip="One more week projected",
            id="forecast.longer",
        ),
        Binding(
            "minus",
            "horizon(-1)",
            "Shorter",
            key_display="-",
            tooltip="One week less",
            id="forecast.shorter",
        ),
    ]
    BODY = "#forecast-body"

    def __init__(self, scope: ReportScope | None = None) -> None:
        super().__init__(scope, screen_id="forecast")
        self.horizon = 8
        """Weeks projected (4-12)."""
        self.what_if: tuple[float, date | None] | None = None
        """(raw change %, from week) or None."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Forecast"), id="fc-title")
        with Vertical(id="forecast-body"):
            yield Static(Text("Stage links: lag and elasticity (log-log fit)"), classes="section")
            links: DataTable[Text] = DataTable(id="links", cursor_type="none", show_cursor=False)
            for title in ("link", "lag (weeks)", "elasticity", "95% CI", "r²", "weeks"):
                links.add_column(Text(title))
            yield links
            yield Static(Text(""), id="backtest")
            yield Static(Text(""), classes="section", id="projection-title")
            yield DataTable[Text](id="projection", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="trend"):
                yield Static(Text("hand-offs / week", style="dim"), id="trend-label")
                yield Sparkline([], id="handoff-trend")
        with Horizontal(id="what-if-row"):
            yield Label("What-if (w):")
            yield Input(
                placeholder="raw +20% from 2026-W50   (enter: apply · empty: clear)",
                id="what-if",
                compact=True,
            )
        yield KeyFooter()

    def fetch(self, backend: ReportsBackend, f: dict[str, Any], now: datetime) -> ForecastReport:
        options: dict[str, Any] = {"horizon": self.horizon}
        if self.what_if is not None:
            options["raw_change_pct"], options["what_if_from"] = self.what_if
        return backend.report_forecast(f, now, **options)

    # --- keys ------------------------------------------------------------------------------
    def action_what_if(self) -> None:
        self.query_one("#what-if", Input).focus()

    def action_horizon(self, step: int) -> None:
        horizon = max(4, min(12, self.horizon + step))
        if horizon != self.horizon:
            self.horizon = horizon
            self.load()

    @on(Input.Submitted, "#what-if")
    def _what_if_given(self, event: Input.Submitted) -> None:
        try:
            self.what_if = parse_what_if(event.value)
        except ValueError:
            self.notify(
                "What-if: a change in % and optionally a week, e.g. +20 from 2026-W50",
                severity="warning",
                markup=False,
            )
            return
        self.query_one("#projection", DataTable).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("what_if", "horizon", "filter", "reload") and isinstance(self.focused, Input):
            return False  # typing `w`, `+`, `f` or `r` into the what-if field
        return True

    # --- showing ---------------------------------------------------------------------------
    def show(self, r: ForecastReport) -> None:
        self.query_one("#fc-title", Static).update(
            Text(
                f"Forecast · {self.scope.describe()} · next {self.horizon} weeks"
                "  (w what-if · +/- horizon · f filter)"
            )
        )
        links = self.query_one("#links", DataTable)
        links.clear()
        for x in r.links:
            ci = f"{x.low:.2f} .. {x.high:.2f}" if x.low is not None and x.high is not None else "-"
            links.add_row(
                Text(f"{x.upstream} → {x.downstream}".replace("_", " ")),
                num(x.lag_weeks, style="bold"),
                num(x.elasticity, digits=2, style="bold"),
                Text(ci, justify="right"),
                num(x.r2, digits=2),
                num(x.points),
            )
        self.query_one("#backtest", Static).update(self._backtest(r))
        self._projection(r)

    @staticmethod
    def _backtest(r: ForecastReport) -> Text:
        b = r.backtest
        if b is None or b.model_mae is None:
            return Text("Back-test: not enough weeks yet.", style="dim")
        out = Text(f"Back-test, last {len(b.weeks)} weeks of hand-offs: ", style="dim")
        out.append(f"model MAE {b.model_mae:.2f}", style="bold")
        out.append(f" ({b.model_mape or 0:.1f}%)" if b.model_mape is not None else "")
        out.append("  vs naive 'same as the last weeks' ", style="dim")
        out.append(f"MAE {b.naive_mae:.2f}" if b.naive_mae is not None else "-", style="bold")
        out.append(f" ({b.naive_mape:.1f}%)" if b.naive_mape is not None else "")
        better = b.naive_mae is not None and b.model_mae < b.naive_mae
        out.append(
            "  model better" if better else "  naive better", style="green" if better else "red"
        )
        return out

    def _projection(self, r: ForecastReport) -> None:
        w = r.what_if
        title = "Projection from what is in the refinery now"
        if w is not None:
            title += f" · what-if: raw {w.raw_change_pct:+g}% from {_week(w.from_week)}"
            lags = [x.lag_weeks for x in r.links]
            if lags and None not in lags:
                first = w.from_week + timedelta(weeks=sum(x or 0 for x in lags))
                title += f" (reaches hand-offs in {_week(first)})"
        self.query_one("#projection-title", Static).update(Text(title))
        table = self.query_one("#projection", DataTable)
        table.clear(columns=True)
        titles = ["week", "raw", "qualified", "handed off", "pipeline $"]
        if w is not None:
            titles += ["if: qualified", "if: handed off", "if: pipeline $", "Δ pipeline $"]
        for t in titles:
            table.add_column(Text(t))
        alt = {p.week: p for p in w.projection} if w is not None else {}
        for p in r.projection:
            cells = [
                Text(_week(p.week)),
                num(p.raw, digits=1),
                num(p.qualified, digits=1),
                num(p.handed_off, digits=1, style="bold"),
                num(p.pipeline, style="bold"),
            ]
            q = alt.get(p.week)
            if q is not None:
                delta = q.pipeline - p.pipeline
                cells += [
                    num(q.qualified, digits=1),
                    num(q.handed_off, digits=1),
                    num(q.pipeline),
                    num(delta, style="green" if delta > 0.5 else "red" if delta < -0.5 else ""),
                ]
            table.add_row(*cells)
        # One sparkline on one scale: the last 26 weeks, then the projection (what-if if any).
        ahead = w.projection if w is not None else r.projection
        series = [float(h[3]) for h in r.history[-26:]] + [p.handed_off for p in ahead]
        self.query_one("#handoff-trend", Sparkline).data = series
        self.query_one("#trend-label", Static).update(
            Text(f"hand-offs / week\n26 weeks, then\n{len(ahead)} projected", style="dim")
        )
