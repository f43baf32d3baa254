"""What the supervisor's report screens share: the report filter, the backend calls they make,
number formatting, and `ReportScreen` (load in a thread worker with a loading state, `f`
filter, `r` reload, `escape` back).

The figures come from `ServiceBackend.report_*` (services/analytics/api.py); the UI only
imports their types for checking, never the services themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from qc_console.domain.errors import DomainError

if TYPE_CHECKING:
    from qc_console.services.analytics.api import (
        CampaignsReport,
        ConversionReport,
        ForecastReport,
        RepsReport,
        ValueReport,
        VelocityReport,
        VolumesReport,
    )
    from qc_console.tui.app import QCConsoleApp

Filters = Mapping[str, Any]


class ReportsBackend(Protocol):
    """The report calls of `services.facade.ServiceBackend` (supervisors only)."""

    def campaigns(self) -> list[str]: ...

    def reps(self, role: Any = None) -> list[Any]: ...

    def report_refinery(
        self, f: Filters | None = None, now: datetime | None = None
    ) -> VolumesReport: ...

    def report_conversion(
        self, f: Filters | None = None, now: datetime | None = None, within_days: int = 30
    ) -> ConversionReport: ...

    def report_velocity(
        self, f: Filters | None = None, now: datetime | None = None
    ) -> VelocityReport: ...

    def report_value(
        self, f: Filters | None = None, now: datetime | None = None
    ) -> ValueReport: ...

    def report_reps(self, f: Filters | None = None, now: datetime | None = None) -> RepsReport: ...

    def report_campaigns(
        self, f: Filters | None = None, now: datetime | None = None
    ) -> CampaignsReport: ...

    def report_forecast(
        self, f: Filters | None = None, now: datetime | None = None, **options: Any
    ) -> ForecastReport: ...


@dataclass(frozen=True)
class ReportScope:
    """Which leads and weeks the figures cover (empty fields do not filter)."""

    source: str | None = None
    campaign: str | None = None
    rep: str | None = None
    start: date | None = None
    end: date | None = None

    def as_filter(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        parts = [
            f"{k} {v}"
            for k, v in (("source", self.source), ("campaign", self.campaign), ("rep", self.rep))
            if v
        ]
        if self.start or self.end:
            parts.append(f"{self.start or '…'} to {self.end or '…'}")
        return " · ".join(parts) if parts else "everything"


# --- formatting ------------------------------------------------------------------------------


def num(value: float | None, *, digits: int = 0, style: str = "") -> Text:
    """A right-aligned number (`-` for none)."""
    if value is None:
        return Text("-", style="dim", justify="right")
    return Text(f"{value:,.{digits}f}", style=style, justify="right")


def money(value: float | None) -> Text:
    return Text("-", style="dim", justify="right") if value is None else num(value)


def pct(value: float | None, *, signed: bool = True, good_up: bool = True) -> Text:
    """`+12.5%` in green (red when falling), `-` when there is nothing to compare."""
    if value is None:
        return Text("-", style="dim", justify="right")
    if not signed:
        return Text(f"{value:.1f}%", justify="right")
    style = ""
    if abs(value) >= 0.05:
        style = "green" if (value > 0) == good_up else "red"
    return Text(f"{value:+.1f}%", style=style, justify="right")


# --- the screen ------------------------------------------------------------------------------


class ReportScreen(Screen[None]):
    """A report screen: `load()` calls `fetch` in a thread worker, then `show` on the UI."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", "Back", tooltip="Back to the screen you came from", id="report.back"
        ),
        Binding(
            "f", "filter", "Filter", tooltip="Source, campaign, rep, weeks", id="report.filter"
        ),
        Binding("r", "reload", "Reload", tooltip="Read the figures again", id="report.reload"),
    ]
    BODY = "#report-body"
    """The widget that shows the loading state."""

    def __init__(self, scope: ReportScope | None = None, *, screen_id: str | None = None) -> None:
        super().__init__(id=screen_id)
        self.scope = scope or ReportScope()
        """The filter in force."""
        self.data: Any = None
        """The last figures shown."""

    @property
    def console(self) -> QCConsoleApp:
        return cast("QCConsoleApp", self.app)

    @property
    def backend(self) -> ReportsBackend:
        return cast(ReportsBackend, self.console.backend)

    def on_mount(self) -> None:
        self.load()

    def fetch(self, backend: ReportsBackend, f: dict[str, Any], now: datetime) -> Any:
        """Read the figures (runs in a worker thread)."""
        raise NotImplementedError

    def show(self, data: Any) -> None:
        """Put the figures on screen (UI thread)."""
        raise NotImplementedError

    def load(self) -> None:
        self._body().loading = True
        self._run(self.fetch, self.scope.as_filter(), self.console.now())

    def _body(self) -> Widget:
        return self.query_one(self.BODY)

    @work(thread=True, exit_on_error=False, group="report", exclusive=True)
    def _run(self, call: Callable[..., Any], f: dict[str, Any], now: datetime) -> None:
        worker = get_current_worker()
        try:
            data = call(self.backend, f, now)
        except DomainError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._refused, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, data)

    def _loaded(self, data: Any) -> None:
        self._body().loading = False
        self.data = data
        self.show(data)

    def _refused(self, exc: DomainError) -> None:
        self._body().loading = False
        self.notify(str(exc), severity="warning", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:  # not a DomainError: a dialog, never a traceback
            self._body().loading = False
            self.console.show_error(event.worker.error)

    # --- keys ------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load()

    def action_filter(self) -> None:
        from qc_console.tui.screens.report_filter import ReportFilterDialog

        def chosen(scope: ReportScope | None) -> None:
            if scope is not None and scope != self.scope:
                self.scope = scope
                self.load()

        self._choices(
            lambda reps, campaigns: self.app.push_screen(
                ReportFilterDialog(self.scope, reps, campaigns), chosen
            )
        )

    @work(thread=True, exit_on_error=False, group="report-choices")
    def _choices(self, then: Callable[[list[str], list[str]], object]) -> None:
        try:
            reps = [r.name for r in self.backend.reps() if str(r.role) != "sales"]
            campaigns = self.backend.campaigns()
        except DomainError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(then, reps, campaigns)


REPORTS = ("refinery", "forecast", "reps", "campaigns")
"""The analytics screens by name (keys on the supervisor's console, the command palette)."""


def open_report(app: Any, name: str) -> None:
    """Push the report screen `name` (one of `REPORTS`) unless it is already on top."""
    from qc_console.tui.screens.forecast import ForecastScreen
    from qc_console.tui.screens.refinery import RefineryScreen
    from qc_console.tui.screens.reps_report import CampaignsScreen, RepsScreen

    screens: dict[str, type[ReportScreen]] = {
        "refinery": RefineryScreen,
        "forecast": ForecastScreen,
        "reps": RepsScreen,
        "campaigns": CampaignsScreen,
    }
    cls = screens[name]
    if isinstance(app.screen, cls):
        return
    app.push_screen(cls())


def report_screen_classes() -> list[type[Any]]:
    """The report screens and their dialog (their binding ids are valid keymap names)."""
    from qc_console.tui.screens.forecast import ForecastScreen
    from qc_console.tui.screens.refinery import RefineryScreen
    from qc_console.tui.screens.report_filter import ReportFilterDialog
    from qc_console.tui.screens.reps_report import CampaignsScreen, RepsScreen

    return [RefineryScreen, ForecastScreen, RepsScreen, CampaignsScreen, ReportFilterDialog]
