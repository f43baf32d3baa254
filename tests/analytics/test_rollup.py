"""The weekly rollup always equals a full recompute, whenever it is refreshed."""

from __future__ import annotations

from qc_console.services.analytics import _rollup
from dataclasses import astuple

from qc_console.services.analytics._common import Scope, _from_memory, read_facts
from tests.analytics.conftest import build_history


def assert_matches_full_recompute() -> None:
    stored = {k: (int(v[0]), round(v[1], 2)) for k, v in _rollup.stored().items()}
    full = {
        k: (int(v[0]), round(v[1], 2)) for k, v in _rollup.expand(_rollup.compute()).items()
    }
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
    for scope in (Scope(), Scope(source="trade_show"), Scope(rep_id=2), Scope(campaign_id=1)):
        from_rollup = sorted(map(astuple, read_facts(scope, metrics)))
        from_memory = sorted(map(astuple, _from_memory(scope, metrics, None, None, None)))
        assert from_rollup == from_memory, scope
    for group in ("source", "campaign", "rep"):
        from_rollup = sorted(map(astuple, read_facts(Scope(), metrics, group_by=group)))
        from_memory = sorted(map(astuple, _from_memory(Scope(), metrics, group, None, None)))
        assert from_rollup == from_memory, group
