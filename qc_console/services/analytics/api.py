"""`Analytics`: the reports as one object the CLI and the supervisor's screens call. Each call
opens and closes its own connection (the UI calls from worker threads)."""

from __future__ import annotations

from datetime import date, datetime

from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.services._connected import connected
from qc_console.services.analytics import _rollup
from qc_console.services.analytics._common import EVERYTHING, ReportFilter
from qc_console.services.analytics.aging import AgingReport, aging, aging_cell_ids
from qc_console.services.analytics.campaigns import CampaignsReport, campaigns_report
from qc_console.services.analytics.conversion import ConversionReport, conversion
from qc_console.services.analytics.digest import Digest, digest
from qc_console.services.analytics.forecast import ForecastReport, forecast
from qc_console.services.analytics.reps import RepsReport, reps_report
from qc_console.services.analytics.touch_depth import TouchDepthReport, touch_depth
from qc_console.services.analytics.value import ValueReport, value
from qc_console.services.analytics.velocity import VelocityReport, velocity
from qc_console.services.analytics.volumes import VolumesReport, volumes


class Analytics:
    """Every refinery figure, read-only (a call may fold new events into the rollup first)."""

    def __init__(self, *, rules: Rules = DEFAULT_RULES, now: datetime | None = None) -> None:
        self.rules = rules
        self.now = now
        """A fixed clock (tests, reproducible reports); None = the real time at each call."""

    @connected
    def refresh(self, *, rebuild: bool = False) -> _rollup.RefreshStats:
        return _rollup.refresh(rebuild=rebuild)

    @connected
    def refinery(self, f: ReportFilter = EVERYTHING) -> VolumesReport:
        return volumes(f, now=self.now)

    @connected
    def conversion(self, f: ReportFilter = EVERYTHING, within_days: int = 30) -> ConversionReport:
        return conversion(f, within_days=within_days, now=self.now)

    @connected
    def velocity(self, f: ReportFilter = EVERYTHING) -> VelocityReport:
        return velocity(f, now=self.now)

    @connected
    def value(self, f: ReportFilter = EVERYTHING) -> ValueReport:
        return value(f, now=self.now)

    @connected
    def touch_depth(self, f: ReportFilter = EVERYTHING) -> TouchDepthReport:
        return touch_depth(f, now=self.now)

    @connected
    def reps(self, f: ReportFilter = EVERYTHING) -> RepsReport:
        return reps_report(f, now=self.now)

    @connected
    def campaigns(self, f: ReportFilter = EVERYTHING) -> CampaignsReport:
        return campaigns_report(f, now=self.now)

    @connected
    def forecast(
        self,
        f: ReportFilter = EVERYTHING,
        *,
        horizon: int = 8,
        raw_change_pct: float | None = None,
        what_if_from: date | None = None,
        holdout: int = 4,
    ) -> ForecastReport:
        return forecast(
            f,
            horizon=horizon,
            raw_change_pct=raw_change_pct,
            what_if_from=what_if_from,
            holdout=holdout,
            now=self.now,
        )

    @connected
    def digest(self, f: ReportFilter = EVERYTHING, week: date | None = None) -> Digest:
        return digest(f, week=week, now=self.now)

    @connected
    def aging(self, f: ReportFilter = EVERYTHING) -> AgingReport:
        return aging(f, now=self.now, rules=self.rules)

    @connected
    def aging_cell_ids(self, rep: str | None, cell: str, f: ReportFilter = EVERYTHING) -> list[int]:
        return aging_cell_ids(rep, cell, f=f, now=self.now, rules=self.rules)
