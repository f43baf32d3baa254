"""The supervisor's side of `ServiceBackend`: queue aging, black holes, rebalancing and the
refinery reports (services/analytics). Reports are for supervisors: they cover every rep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from qc_console.domain.codes import Role
from qc_console.domain.errors import NotAllowed, RepNotFound
from qc_console.domain.settings import Rules
from qc_console.services import reps, supervision
from qc_console.services._connected import connected
from qc_console.services.analytics import aging as aging_report
from qc_console.services.analytics import api as analytics_api
from qc_console.services.analytics._common import ReportFilter


class SupervisorViews:
    """Mixed into `ServiceBackend` (which sets `actor` and `rules`)."""

    actor: str
    rules: Rules

    # --- the supervisor's console (services/analytics/aging.py, services/supervision.py) --
    @connected
    def aging(self, now: datetime | None = None) -> aging_report.AgingReport:
        """Open leads per rep and the pool by time in stage, plus the SLA columns."""
        return aging_report.aging(now=now, rules=self.rules)

    @connected
    def aging_cell_ids(self, rep: str | None, cell: str, now: datetime | None = None) -> list[int]:
        """The leads behind one aging cell (`rep` None: the pool; `cell`: a bucket label or
        `overdue`, `untouched_past_sla`, `handoffs_past_sla`)."""
        return aging_report.aging_cell_ids(rep, cell, now=now, rules=self.rules)

    @connected
    def black_holes(self, now: datetime | None = None) -> list[supervision.LostLead]:
        """Open leads nobody is working, oldest first."""
        return supervision.black_holes(now=now, rules=self.rules)

    @connected
    def reassign_plan(
        self,
        ids: Iterable[int],
        to: list[str | None],
        weights: Mapping[str, int] | None = None,
    ) -> tuple[dict[str | None, int], int]:
        """A reassign's dry run: leads per target, and how many would be left out."""
        return supervision.reassign_plan(
            ids, to, actor=self.actor, weights=weights, rules=self.rules
        )

    # --- the supervisor's analytics screens (services/analytics/api.py) -----------------
    def _analytics(self, now: datetime | None) -> analytics_api.Analytics:
        """The reports, for supervisors only (the figures cover every rep's work)."""
        me = reps.get_rep(self.actor)
        if me is None:
            raise RepNotFound(self.actor)
        if me.role != Role.SUPERVISOR:
            raise NotAllowed(f"{me.name} ({me.role}) cannot read the refinery reports")
        return analytics_api.Analytics(rules=self.rules, now=now)

    @connected
    def report_refinery(
        self, f: Mapping[str, Any] | None = None, now: datetime | None = None
    ) -> analytics_api.VolumesReport:
        """Volumes: per ISO week and stage, entered (flow) and standing (stock). `f` holds
        any of source, campaign, rep, start, end (dates)."""
        return self._analytics(now).refinery(ReportFilter(**(f or {})))

    @connected
    def report_conversion(
        self, f: Mapping[str, Any] | None = None, now: datetime | None = None, within_days: int = 30
    ) -> analytics_api.ConversionReport:
        return self._analytics(now).conversion(ReportFilter(**(f or {})), within_days)

    @connected
    def report_velocity(
        self, f: Mapping[str, Any] | None = None, now: datetime | None = None
    ) -> analytics_api.VelocityReport:
        return self._analytics(now).velocity(ReportFilter(**(f or {})))

    @connected
    def report_value(
        self, f: Mapping[str, Any] | None = None, now: datetime | None = None
    ) -> analytics_api.ValueReport:
        return self._analytics(now).value(ReportFilter(**(f or {})))

    @connected
    def report_reps(
        self, f: Mapping[str, Any] | None = None, now: datetime | None = None
    ) -> analytics_api.RepsReport:
        return self._analytics(now).reps(ReportFilter(**(f or {})))

    @connected
    def report_campaigns(
        self, f: Mapping[str, Any] | None = None, now: datetime | None = None
    ) -> analytics_api.CampaignsReport:
        return self._analytics(now).campaigns(ReportFilter(**(f or {})))

    @connected
    def report_forecast(
        self, f: Mapping[str, Any] | None = None, now: datetime | None = None, **options: Any
    ) -> analytics_api.ForecastReport:
        """`options`: horizon, raw_change_pct, what_if_from (a date), holdout."""
        return self._analytics(now).forecast(ReportFilter(**(f or {})), **options)
