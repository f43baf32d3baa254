"""The rep's queue on a seeded history: pages walk exactly the classes' own order, and the
rows a page shows are the leads as the rest of the services read them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import QueueFilter, QueueView
from qc_console.services import queue
from qc_console.services import seed as seeding
from qc_console.services._rows import Names, load_rows, to_view
from qc_console.services.queue_sql import _CACHE
from tests.conftest import NOW

SMALL = 400
FILTERS = [
    ("demo", QueueFilter()),
    ("demo", QueueFilter(stages=(Stage.QUALIFIED, Stage.INCUBATING))),
    ("demo", QueueFilter(view=QueueView.NEW)),
    ("demo", QueueFilter(view=QueueView.DUE, include_pool=False)),
    ("maya", QueueFilter(ratings=(Rating.HIGH, Rating.MEDIUM))),
    ("demo", QueueFilter(text="e")),
    ("grace", QueueFilter(owner=queue.ALL)),
    ("nora", QueueFilter()),
]


@pytest.fixture
def seeded(migrated: str) -> str:
    seeding.seed_demo(leads=SMALL, now=NOW)
    return migrated


@pytest.mark.parametrize(("actor", "f"), FILTERS)
def test_queue_pages_follow_the_queue_order(seeded: str, actor: str, f: QueueFilter) -> None:
    """Pages (one UNION ALL of index ranges per class, kept as SQL text) walk the same order
    as the plain per-class queries of `queue_ids`."""
    everything = queue.queue_ids(f, actor=actor, now=NOW)
    paged: list[int] = []
    while True:
        page = queue.queue_page(f, actor=actor, offset=len(paged), limit=7, now=NOW)
        paged += [v.id for v in page.rows]
        if not page.has_more:
            break
    assert paged == everything and len(set(paged)) == len(paged)
    assert everything


@pytest.mark.parametrize(("actor", "f"), [FILTERS[0], FILTERS[6], FILTERS[7]])
def test_a_page_shows_the_leads_as_the_services_read_them(
    seeded: str, actor: str, f: QueueFilter
) -> None:
    """Names, enums, times, amounts and priorities (hostile names and sales amounts among
    them)."""
    rows = queue.queue_page(f, actor=actor, limit=400, now=NOW).rows
    clock = queue.queue_clock(NOW)
    names = Names()
    loaded = load_rows([v.id for v in rows])
    assert list(rows) == [to_view(loaded[v.id], names, clock) for v in rows]
    assert len({v.priority for v in rows}) >= 2


def test_the_clock_is_not_kept_with_the_cached_sql(seeded: str) -> None:
    _CACHE.clear()
    first = queue.queue_page(QueueFilter(), actor="demo", now=NOW)
    later = NOW + timedelta(days=40)
    cached = queue.queue_page(QueueFilter(), actor="demo", now=later)
    _CACHE.clear()
    fresh = queue.queue_page(QueueFilter(), actor="demo", now=later)
    assert cached == fresh != first
