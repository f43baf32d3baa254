"""Eight processes work one database at once (six QC reps, a supervisor doing bulk reassigns,
a sales rep) for a few seconds, on SQLite and on PostgreSQL; then nothing may be lost, doubled
or hidden (workload.py is the people, proof.py the checks; bench/bench_concurrency.py runs the
same for a minute and reports actions/s)."""

from __future__ import annotations

import pytest

from tests.robustness.proof import prove

SECONDS = 3.0
LEADS = 150


@pytest.mark.slow
def test_a_busy_team_loses_nothing_and_sees_no_raw_database_error(db_url: str) -> None:
    verdict, tallies = prove(db_url, seconds=SECONDS, n_leads=LEADS, seed=7)

    assert verdict.problems == []
    assert verdict.raw == 0 and verdict.locked == 0, "a raw database error reached a user"
    assert verdict.events > 0
    claims = sum(t.ok["claim"] for t in tallies)
    reassigns = sum(t.ok["bulk_reassign"] for t in tallies)
    assert claims > 0 and reassigns > 0, "the workload did not run its mix"
    # People did collide, and every collision was told to the one who lost it.
    assert verdict.stale > 0
