"""Filters combined (source + campaign + rep) and breakdowns under a filter read the rollup's
full-key cells; they must give exactly what replaying the matching leads gives."""

from __future__ import annotations

from dataclasses import astuple, replace

import pytest

from qc_console.services.analytics import _rollup
from qc_console.services.analytics._common import (
    ReportFilter,
    Scope,
    _from_memory,
    _Shape,
    read_facts,
)
from qc_console.services.analytics.volumes import volumes
from tests.analytics.conftest import AFTER, W2, W4, build_history

METRICS = ["in", "out", "xin", "xout", "stay", "reach", "cohort", "tdepth", "ho", "worked"]
SHAPES = [
    _Shape(METRICS, None, None, True, "keep"),
    _Shape(METRICS, W2, W4, False, 8),
    _Shape(METRICS, None, W2, True, "drop"),
    _Shape(METRICS, None, None, False, "drop", ("accepted", "won")),
]


@pytest.mark.parametrize("shape", SHAPES)
def test_combined_filters_read_what_a_replay_gives(people: str, shape: _Shape) -> None:
    build_history()
    _rollup.refresh()
    kw = {"by_week": shape.by_week, "b": shape.b, "a_in": shape.a_in}
    scopes = [
        Scope(source="trade_show", rep_id=1),
        Scope(source="trade_show", campaign_id=1),
        Scope(source="trade_show", campaign_id=1, rep_id=1),
        Scope(source="web_download", rep_id=0),
        Scope(campaign_id=1, rep_id=2),
    ]
    for i, scope in enumerate(scopes):
        scope = replace(scope, first_week=shape.first, last_week=shape.last)
        cube = sorted(map(astuple, read_facts(scope, METRICS, **kw)))
        replayed = sorted(map(astuple, _from_memory(scope, shape, None)))
        assert cube == replayed, scope
        assert cube or i, "ann's trade-show leads have facts"
        for group in ("source", "campaign", "rep"):
            cube = sorted(map(astuple, read_facts(scope, METRICS, group_by=group, **kw)))
            replayed = sorted(map(astuple, _from_memory(scope, shape, group)))
            assert cube == replayed, (scope, group)


def test_a_combined_filter_narrows_the_refinery(people: str) -> None:
    build_history()
    everything = volumes(now=AFTER)
    ann_expo = volumes(ReportFilter(source="trade_show", campaign="Expo", rep="ann"), now=AFTER)
    total = sum(w.entered for w in everything.stage("raw").weeks)
    narrowed = sum(w.entered for w in ann_expo.stage("raw").weeks)
    assert 0 < narrowed < total
