"""The pure formulas under the reports (no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qc_console.domain.metrics import (
    bucket_label,
    histogram_percentile,
    iso_label,
    mae,
    mape,
    ols,
    pct_change,
    percentile,
    reach_edge,
    reach_upper,
    sparkline,
    stay_bucket,
    stay_bucket_bounds,
    t_quantile,
    week_of,
    weeks_between,
)


def test_iso_weeks_start_on_monday_and_keep_empty_weeks() -> None:
    assert week_of(datetime(2026, 3, 8, 23, 59)) == date(2026, 3, 2)  # Sunday → its Monday
    assert week_of(date(2026, 3, 9)) == date(2026, 3, 9)
    assert weeks_between(date(2025, 12, 31), date(2026, 1, 14)) == [
        date(2025, 12, 29),
        date(2026, 1, 5),
        date(2026, 1, 12),
    ]
    assert iso_label(date(2025, 12, 29)) == "2026-W01"


def test_changes_and_percentiles() -> None:
    assert pct_change(15, 10) == 50.0
    assert pct_change(0, 4) == -100.0
    assert pct_change(3, 0) is None
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert percentile([5, 1, 3, 2, 4], 0.8) == 4
    assert percentile([], 0.5) is None
    assert histogram_percentile({0: 1, 7: 2, 3: 1}, 0.5) == 3
    assert histogram_percentile({0: 1, 7: 2, 3: 1}, 0.8) == 7


@pytest.mark.parametrize(
    ("hours", "label"),
    [
        (0, "0-1h"),
        (0.99, "0-1h"),
        (23.9, "12h-24h"),
        (48, "2d-3d"),
        (385, "14d-21d"),
        (9000, ">365d"),
    ],
)
def test_time_in_stage_buckets(hours: float, label: str) -> None:
    assert bucket_label(stay_bucket(hours * 3600)) == label


def test_bucket_edges_are_inclusive_below() -> None:
    lower, upper = stay_bucket_bounds(stay_bucket(168 * 3600))
    assert (lower, upper) == (168, 240)
    assert reach_edge(7 * 86400 - 1) == 6
    assert reach_edge(7 * 86400) == 7
    assert (reach_edge(400 * 86400), reach_upper(365)) == (365, None)
    assert reach_upper(56) == 60


def test_regression_slope_and_its_interval() -> None:
    xs = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    fit = ols(xs, [2 * x + 1 for x in xs])
    assert fit is not None
    assert (round(fit.slope, 9), round(fit.intercept, 9), fit.r2) == (2.0, 1.0, 1.0)
    noisy = ols(xs, [2.1, 3.9, 6.2, 7.8, 10.1, 12.0])
    assert noisy is not None and noisy.slope_low < 2.0 < noisy.slope_high
    assert ols([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert t_quantile(0.975, 10) == pytest.approx(2.228, abs=0.005)
    assert t_quantile(0.975, 1000) == pytest.approx(1.962, abs=0.002)


def test_forecast_errors_and_sparkline() -> None:
    assert mae([10, 20], [12, 17]) == 2.5
    assert mape([10, 0, 20], [12, 5, 15]) == pytest.approx(22.5)
    assert mape([0], [1]) is None
    assert sparkline([0, 4, 8]) == "▁▅█"
    assert sparkline([0, 0]) == "▁▁"
