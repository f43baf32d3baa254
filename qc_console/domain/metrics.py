"""Metric formulas with no I/O: ISO weeks, percentiles, log-log regression with a confidence
interval, lag search and forecast errors.

Pure Python (no numpy): the series are a few hundred weekly points at most, so the cost is
microseconds, and the project stays free of a 30 MB dependency for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import NormalDist

# --- weeks ---------------------------------------------------------------------------------


def week_of(value: datetime | date) -> date:
    """The Monday of the ISO week containing `value` (naive UTC)."""
    day = value.date() if isinstance(value, datetime) else value
    return day - timedelta(days=day.weekday())


def weeks_between(first: date, last: date) -> list[date]:
    """Every ISO week start from `first`'s week to `last`'s week, inclusive (empty weeks too)."""
    start, end = week_of(first), week_of(last)
    out: list[date] = []
    while start <= end:
        out.append(start)
        start += timedelta(days=7)
    return out


def iso_label(week: date) -> str:
    """`2026-W10` for the week starting `week`."""
    year, num, _ = week.isocalendar()
    return f"{year}-W{num:02d}"


def pct_change(new: float, old: float) -> float | None:
    """Change from `old` to `new` in percent; None when `old` is zero."""
    if old == 0:
        return None
    return round(100.0 * (new - old) / old, 1)


# --- percentiles ---------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (`q` in 0..1) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def histogram_percentile(counts: dict[int, int], q: float) -> int | None:
    """Nearest-rank percentile over a histogram {bucket: count}: the bucket holding it."""
    total = sum(counts.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= rank:
            return bucket
    return max(counts)


STAY_BUCKETS_HOURS: tuple[int, ...] = (
    0, 1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 144, 168, 240, 336, 504, 720, 1080, 1440, 2160,
    2880, 4320, 6480, 8760,
)  # fmt: skip
"""Lower bounds (hours) of the time-in-stage histogram: hours, then days, weeks, months."""


REACH_EDGES_DAYS: tuple[int, ...] = (
    0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 28, 30, 35, 42, 49, 56, 60, 70, 84, 90, 120, 150, 180,
    270, 365,
)  # fmt: skip
"""Lower edges (whole days) of the time-to-milestone histogram; "within N days" is exact for
an N among them."""


def reach_edge(seconds: float) -> int:
    """The lower edge (days) of the time-to-milestone bucket holding `seconds`."""
    days = seconds / 86400.0
    edge = 0
    for lower in REACH_EDGES_DAYS:
        if days >= lower:
            edge = lower
    return edge


def reach_upper(edge: int) -> int | None:
    """The upper edge (days) of the bucket starting at `edge`; None for the last one."""
    i = REACH_EDGES_DAYS.index(edge)
    return REACH_EDGES_DAYS[i + 1] if i + 1 < len(REACH_EDGES_DAYS) else None


def stay_bucket(seconds: float) -> int:
    """The index of the time-in-stage bucket for a stay of `seconds`."""
    hours = seconds / 3600.0
    index = 0
    for i, lower in enumerate(STAY_BUCKETS_HOURS):
        if hours >= lower:
            index = i
    return index


def stay_bucket_bounds(index: int) -> tuple[int, int | None]:
    """(lower, upper) hours of a bucket; upper None for the last one."""
    upper = STAY_BUCKETS_HOURS[index + 1] if index + 1 < len(STAY_BUCKETS_HOURS) else None
    return STAY_BUCKETS_HOURS[index], upper


def hours_label(hours: float | None) -> str:
    """`45m`, `5h`, `3d`, `270d` for a number of hours."""
    if hours is None:
        return "-"
    if hours < 1:
        return f"{round(hours * 60)}m"
    if hours < 48:
        return f"{hours:g}h"
    return f"{hours / 24:.3g}d"


def bucket_label(index: int) -> str:
    """`2d-3d` for a time-in-stage bucket."""
    lower, upper = stay_bucket_bounds(index)
    if upper is None:
        return f">{hours_label(lower)}"
    return f"{hours_label(lower) if lower else '0'}-{hours_label(upper)}"


# --- regression ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """Ordinary least squares y = intercept + slope·x, with the slope's 95% interval."""

    slope: float
    intercept: float
    slope_low: float
    slope_high: float
    r2: float
    n: int


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile (Cornish-Fisher expansion; exact enough for df ≥ 3)."""
    z = NormalDist().inv_cdf(p)
    if df <= 0:
        return math.inf
    v = float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )


def ols(xs: Sequence[float], ys: Sequence[float], *, level: float = 0.95) -> Fit | None:
    """Fit y on x; None with fewer than 3 points or no spread in x."""
    n = len(xs)
    if n < 3 or n != len(ys):
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = my - slope * mx
    sse = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    syy = sum((y - my) ** 2 for y in ys)
    r2 = 1.0 - sse / syy if syy > 1e-12 else 1.0
    se = math.sqrt(sse / (n - 2) / sxx) if n > 2 else math.inf
    half = t_quantile(0.5 + level / 2, n - 2) * se
    return Fit(slope, intercept, slope - half, slope + half, r2, n)


@dataclass(frozen=True)
class LinkFit:
    """downstream(t) = exp(intercept) · upstream(t − lag) ^ elasticity."""

    lag: int
    elasticity: float
    low: float
    high: float
    intercept: float
    r2: float
    n: int

    def predict(self, upstream: float) -> float:
        if upstream <= 0:
            return 0.0
        return float(math.exp(self.intercept) * upstream**self.elasticity)


def fit_link(
    upstream: Sequence[float], downstream: Sequence[float], lag: int, *, min_points: int = 8
) -> LinkFit | None:
    """Log-log fit of downstream[t] on upstream[t - lag] over weeks where both are positive."""
    xs: list[float] = []
    ys: list[float] = []
    for t in range(lag, min(len(upstream) + lag, len(downstream))):
        up, down = upstream[t - lag], downstream[t]
        if up > 0 and down > 0:
            xs.append(math.log(up))
            ys.append(math.log(down))
    if len(xs) < min_points:
        return None
    fit = ols(xs, ys)
    if fit is None:
        return None
    return LinkFit(lag, fit.slope, fit.slope_low, fit.slope_high, fit.intercept, fit.r2, fit.n)


def search_lag(
    upstream: Sequence[float], downstream: Sequence[float], *, max_lag: int = 12
) -> LinkFit | None:
    """The lag (0..max_lag weeks) whose log-log fit explains downstream best (highest R²)."""
    best: LinkFit | None = None
    for lag in range(0, max_lag + 1):
        fit = fit_link(upstream, downstream, lag)
        if fit is not None and (best is None or fit.r2 > best.r2 + 1e-12):
            best = fit
    return best


# --- forecast errors -----------------------------------------------------------------------


def mae(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    if not actual:
        return None
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual)


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Mean absolute percentage error over weeks with a non-zero actual value."""
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a]
    if not pairs:
        return None
    return 100.0 * sum(abs(a - p) / abs(a) for a, p in pairs) / len(pairs)


def sparkline(values: Sequence[float]) -> str:
    """A one-line chart of `values` with block characters (blank for an empty series)."""
    bars = "▁▂▃▄▅▆▇█"
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return bars[0] * len(values)
    pick: Callable[[float], str] = lambda v: bars[min(7, int(round(7 * v / top)))]  # noqa: E731
    return "".join(pick(v) for v in values)
