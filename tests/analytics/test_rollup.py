"""The weekly rollup always equals a full recompute, whenever it is refreshed."""

from __future__ import annotations

from dataclasses import astuple, replace

from qc_console.services.analytics import _rollup
from qc_console.services.analytics._common import Scope, _from_memory, _Shape, read_facts
from tests.analytics.conftest import W2, W4, build_history


def assert_matches_full_recompute() -> None:
    stored = {k: (int(v[0]), round(v[1], 2)) for k, v in _rollup.stored().items()}
    full = {k: (int(v[0]), round(v[1], 2)) for k, v in _rollup.expand(_rollup.compute()).items()}
    assert stored == full


def test_refreshing_after_every_action_equals_a_rebuild(people: str) -> None:
    build_history(step=_rollup.refresh)
    assert _rollup.watermark() == _rollup.max_event_id()
    assert_matches_full_recompute()
    _rollup.refresh(rebuild=True)
    assert_matches_full_recompute()


def test_refreshing_once_at_the_end_equals_a_rebuild(people: str) -> None:
    _rollup.refresh()  # an empty log: nothing to fold in
    build_history()
    stats = _rollup.refresh()
    assert stats.rebuilt and stats.leads == 5
    assert_matches_full_recompute()


def test_an_undo_after_a_refresh_retracts_its_facts(people: str) -> None:
    from qc_console.services import dispositions, undo

    h = build_history()
    _rollup.refresh()
    before = _rollup.stored()
    dispositions.resurface(h.l4, actor="ann")
    stats = _rollup.refresh()
    assert not stats.rebuilt and stats.leads == 1
    assert _rollup.stored() != before
    undo.undo_last(actor="ann")
    _rollup.refresh()
    assert _rollup.stored() == before
    assert_matches_full_recompute()


def test_rollup_and_in_memory_replay_read_the_same_facts(people: str) -> None:
    build_history()
    _rollup.refresh()
    metrics = ["in", "out", "stay", "reach", "cohort", "tdepth", "ho", "worked", "touch"]
    shapes = [
        _Shape(metrics, None, None, True, "keep"),
        _Shape(metrics, W2, W4, False, 8),
        _Shape(metrics, None, W2, True, "drop"),
        _Shape(metrics, None, None, False, "drop", ("accepted", "won")),
    ]
    scopes = (Scope(), Scope(source="trade_show"), Scope(rep_id=2), Scope(campaign_id=1))
    for shape in shapes:
        kw = {"by_week": shape.by_week, "b": shape.b, "a_in": shape.a_in}
        for scope in scopes:
            scope = replace(scope, first_week=shape.first, last_week=shape.last)
            from_rollup = sorted(map(astuple, read_facts(scope, metrics, **kw)))
            from_memory = sorted(map(astuple, _from_memory(scope, shape, None)))
            assert from_rollup == from_memory, (scope, shape)
        for group in ("source", "campaign", "rep"):
            scope = Scope(first_week=shape.first, last_week=shape.last)
            from_rollup = sorted(map(astuple, read_facts(scope, metrics, group_by=group, **kw)))
            from_memory = sorted(map(astuple, _from_memory(scope, shape, group)))
            assert from_rollup == from_memory, (group, shape)
