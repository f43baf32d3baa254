"""Forecast: lag and elasticity recovery, projection, what-if and back-test."""

from __future__ import annotations

import math
import random

import pytest

from qc_console.domain.metrics import fit_link, search_lag
from qc_console.services.analytics.forecast import forecast
from tests.conftest import NOW


def planted(
    weeks: int, lag: int, elasticity: float, seed: int = 3
) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    up = [100 * math.exp(0.4 * math.sin(t / 5) + rng.gauss(0, 0.25)) for t in range(weeks)]
    down = [0.0] * weeks
    for t in range(lag, weeks):
        down[t] = 2.0 * up[t - lag] ** elasticity * math.exp(rng.gauss(0, 0.02))
    return up, down


def test_lag_search_recovers_a_planted_link() -> None:
    up, down = planted(80, lag=5, elasticity=0.7)
    fit = search_lag(up, down, max_lag=12)
    assert fit is not None
    assert fit.lag == 5
    assert fit.low < 0.7 < fit.high
    assert abs(fit.elasticity - 0.7) < 0.02
    assert fit.predict(100.0) == pytest.approx(2.0 * 100**0.7, rel=0.05)


def test_too_little_history_gives_no_link() -> None:
    up, down = planted(10, lag=5, elasticity=0.7)
    assert fit_link(up, down, 5) is None


def test_the_demo_seeds_planted_lags_and_elasticities_are_recovered(demo: None) -> None:
    from qc_console.services.seed import PLANTED

    r = forecast(now=NOW)
    for upstream, stage in (("raw", "qualified"), ("qualified", "handed_off")):
        want = PLANTED[stage]
        link = r.link(upstream)
        assert link.lag_weeks == want["lag_weeks"]
        assert link.elasticity is not None and link.low is not None and link.high is not None
        assert abs(link.elasticity - want["elasticity"]) <= 0.1 * want["elasticity"]
        assert link.low < link.elasticity < link.high


def test_projection_what_if_and_backtest_on_the_demo(demo: None) -> None:
    r = forecast(horizon=12, raw_change_pct=20, now=NOW)
    assert len(r.projection) == 12
    assert r.acceptance_rate and r.mean_amount
    for p in r.projection:
        money = p.handed_off * r.acceptance_rate * r.mean_amount
        assert p.pipeline == pytest.approx(money, rel=1e-3)
    assert r.what_if is not None
    e1, e2 = r.link("raw").elasticity, r.link("qualified").elasticity
    assert e1 and e2
    base, alt = r.projection, r.what_if.projection
    # Raw +20% from the next week reaches qualified 6 weeks on and hand-offs 8 weeks on.
    assert [a.handed_off for a in alt[:8]] == [b.handed_off for b in base[:8]]
    assert alt[-1].qualified == pytest.approx(base[-1].qualified * 1.2**e1, rel=1e-3)
    assert alt[-1].handed_off == pytest.approx(base[-1].handed_off * 1.2 ** (e1 * e2), rel=1e-3)
    bt = r.backtest
    assert bt is not None and len(bt.weeks) == 4 == len(bt.actual) == len(bt.model)
    assert bt.model_mae is not None and bt.naive_mae is not None
    assert bt.model_mae < bt.naive_mae  # the planted structure beats "same as last weeks"
