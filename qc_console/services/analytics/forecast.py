"""Forecast: from the weekly flow, the lag and elasticity of each stage link (raw → qualified,
qualified → handed_off) by log-log regression, then hand-offs and pipeline $ for the next
weeks, a what-if on raw volume, and a back-test against the naive "same as the last N weeks".

Model: entries(stage, t) = k · entries(upstream, t − lag) ^ elasticity, the lag searched over
0..12 weeks (highest R²), the elasticity's 95% interval from the slope's t-interval. Weeks are
complete ISO weeks before the current one. The future raw volume is the mean of the last 4
weeks (times the what-if factor from its week on). Pipeline $ = hand-offs × the acceptance
rate × the mean accepted amount, both over the last 12 weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from qc_console.domain.metrics import LinkFit, mae, mape, search_lag, week_of, weeks_between
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    ReportFilter,
    fresh,
    now_or,
    read_facts,
    resolve,
    session,
)

CHAIN = ("raw", "qualified", "handed_off")
MAX_LAG = 12
RECENT = 4
RATE_WEEKS = 12


@dataclass(frozen=True)
class Link:
    upstream: str
    downstream: str
    lag_weeks: int | None
    elasticity: float | None
    low: float | None
    high: float | None
    r2: float | None
    points: int


@dataclass(frozen=True)
class WeekProjection:
    week: date
    raw: float
    qualified: float
    handed_off: float
    pipeline: float


@dataclass(frozen=True)
class WhatIf:
    raw_change_pct: float
    from_week: date
    projection: tuple[WeekProjection, ...]


@dataclass(frozen=True)
class Backtest:
    weeks: tuple[date, ...]
    actual: tuple[int, ...]
    model: tuple[float, ...]
    naive: tuple[float, ...]
    model_mae: float | None
    naive_mae: float | None
    model_mape: float | None
    naive_mape: float | None


@dataclass(frozen=True)
class ForecastReport:
    generated_at: datetime
    filter: ReportFilter
    history: tuple[tuple[date, int, int, int], ...]
    """(week, raw, qualified, handed_off entries) for every complete week."""
    links: tuple[Link, ...]
    acceptance_rate: float | None
    mean_amount: float | None
    projection: tuple[WeekProjection, ...]
    what_if: WhatIf | None
    backtest: Backtest | None

    def link(self, upstream: str) -> Link:
        return next(x for x in self.links if x.upstream == upstream)


@dataclass
class _Series:
    weeks: list[date]
    flows: dict[str, list[float]]


def forecast(
    f: ReportFilter = EVERYTHING,
    *,
    horizon: int = 8,
    raw_change_pct: float | None = None,
    what_if_from: date | None = None,
    holdout: int = 4,
    now: datetime | None = None,
) -> ForecastReport:
    """Fit, project `horizon` weeks (4-12), optionally a what-if, and back-test `holdout` weeks."""
    now = now_or(now)
    horizon = max(1, min(horizon, 26))
    fresh()
    with session():
        scope = resolve(f, Names())
        rows = read_facts(scope, ["in", "accept"], all_weeks=True, b="drop")
    last = week_of(now) - timedelta(days=7)
    if scope.last_week is not None:
        last = min(last, scope.last_week)
    flows: dict[tuple[str, date], float] = {}
    accepts: dict[date, tuple[int, float]] = {}
    for r in rows:
        if r.week > last:
            continue
        if r.metric == "in" and r.a in CHAIN:
            flows[(r.a, r.week)] = flows.get((r.a, r.week), 0) + r.n
        elif r.metric == "accept":
            n, amt = accepts.get(r.week, (0, 0.0))
            accepts[r.week] = (n + r.n, amt + r.amount)
    first = min((w for _, w in flows), default=last)
    if scope.first_week is not None:
        first = max(first, scope.first_week)
    weeks = weeks_between(first, last) if flows else []
    series = _Series(weeks, {s: [flows.get((s, w), 0.0) for w in weeks] for s in CHAIN})
    fits = _fit(series)
    recent = weeks[-RATE_WEEKS:]
    hand = sum(series.flows["handed_off"][-RATE_WEEKS:])
    acc_n = sum(accepts.get(w, (0, 0.0))[0] for w in recent)
    acc_amt = sum(accepts.get(w, (0, 0.0))[1] for w in recent)
    rate = acc_n / hand if hand else None
    mean_amount = acc_amt / acc_n if acc_n else None
    money = (rate or 0.0) * (mean_amount or 0.0)
    projection = _project(series, fits, horizon, money)
    what_if = None
    if raw_change_pct is not None:
        start = week_of(what_if_from) if what_if_from else last + timedelta(days=7)
        factor = 1.0 + raw_change_pct / 100.0
        what_if = WhatIf(
            raw_change_pct, start, _project(series, fits, horizon, money, factor, start)
        )
    return ForecastReport(
        generated_at=now,
        filter=f,
        history=tuple((w, *(int(series.flows[s][i]) for s in CHAIN)) for i, w in enumerate(weeks)),  # type: ignore[misc]
        links=tuple(_link(up, down, fit) for (up, down), fit in zip(_pairs(), fits, strict=True)),
        acceptance_rate=round(rate, 4) if rate is not None else None,
        mean_amount=round(mean_amount, 2) if mean_amount is not None else None,
        projection=projection,
        what_if=what_if,
        backtest=_backtest(series, holdout, money),
    )


def _pairs() -> list[tuple[str, str]]:
    return list(zip(CHAIN, CHAIN[1:], strict=False))


def _fit(series: _Series) -> list[LinkFit | None]:
    return [search_lag(series.flows[u], series.flows[d], max_lag=MAX_LAG) for u, d in _pairs()]


def _link(up: str, down: str, fit: LinkFit | None) -> Link:
    if fit is None:
        return Link(up, down, None, None, None, None, None, 0)
    return Link(
        up,
        down,
        fit.lag,
        round(fit.elasticity, 4),
        round(fit.low, 4),
        round(fit.high, 4),
        round(fit.r2, 4),
        fit.n,
    )


def _project(
    series: _Series,
    fits: list[LinkFit | None],
    horizon: int,
    money: float,
    factor: float = 1.0,
    start: date | None = None,
) -> tuple[WeekProjection, ...]:
    """Weeks after the history: each stage from its upstream `lag` weeks before (actual when
    known, projected when not); with `factor`, raw is scaled from `start` on and every later
    stage follows through its elasticity."""
    weeks, flows = series.weeks, series.flows
    n = len(weeks)
    if n == 0:
        return ()
    base_week = weeks[0]

    def index_of(week: date) -> int:
        return (week - base_week).days // 7

    start_i = index_of(start) if start is not None else n
    values: dict[str, list[float]] = {s: [] for s in CHAIN}
    mean_raw = sum(flows["raw"][-RECENT:]) / len(flows["raw"][-RECENT:])
    for t in range(n + horizon):
        scale = factor if t >= start_i else 1.0
        values["raw"].append((flows["raw"][t] if t < n else mean_raw) * scale)
    for (up, down), fit in zip(_pairs(), fits, strict=True):
        actual = flows[down]
        recent_mean = sum(actual[-RECENT:]) / len(actual[-RECENT:])
        for t in range(n + horizon):
            if fit is None:
                values[down].append(actual[t] if t < n else recent_mean)
                continue
            src = t - fit.lag
            upstream = values[up][src] if src >= 0 else 0.0
            if t < n:
                base_up = flows[up][src] if src >= 0 else 0.0
                ratio = (upstream / base_up) ** fit.elasticity if base_up > 0 else 1.0
                values[down].append(actual[t] * ratio)
            else:
                values[down].append(fit.predict(upstream))
    return tuple(
        WeekProjection(
            base_week + timedelta(days=7 * t),
            round(values["raw"][t], 2),
            round(values["qualified"][t], 2),
            round(values["handed_off"][t], 2),
            round(values["handed_off"][t] * money, 2),
        )
        for t in range(n, n + horizon)
    )


def _backtest(series: _Series, holdout: int, money: float) -> Backtest | None:
    """Train on all but the last `holdout` weeks, predict them; the naive forecast repeats the
    mean of the `holdout` weeks before."""
    n = len(series.weeks)
    if holdout < 1 or n < holdout * 2 + 8:
        return None
    cut = n - holdout
    train = _Series(series.weeks[:cut], {s: v[:cut] for s, v in series.flows.items()})
    predicted = _project(train, _fit(train), holdout, money)
    actual = [int(v) for v in series.flows["handed_off"][cut:]]
    before = series.flows["handed_off"][cut - holdout : cut]
    naive = [sum(before) / len(before)] * holdout
    model = [p.handed_off for p in predicted]
    return Backtest(
        tuple(series.weeks[cut:]),
        tuple(actual),
        tuple(model),
        tuple(round(v, 2) for v in naive),
        _round(mae(actual, model)),
        _round(mae(actual, naive)),
        _round(mape(actual, model)),
        _round(mape(actual, naive)),
    )


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None
