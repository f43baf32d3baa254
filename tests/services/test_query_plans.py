"""The queue, aging and black-hole queries are answered from the queue's partial indexes.

The seven (owner, stage, …) indexes hold open leads only (`models.OPEN_LEADS`), and SQLite uses
a partial index only when the query's WHERE holds that very term: without it each of these
queries read the whole lead table (a rep's first page took 0.8 s at 1M leads instead of 1 ms).
Plans come from EXPLAIN QUERY PLAN on the SQL the services really run.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Lead
from qc_console.domain.stages import Stage
from qc_console.domain.values import QueueFilter
from qc_console.services import export, leads, queue, supervision
from qc_console.services import seed as seeding
from qc_console.services._rows import Names
from qc_console.services.analytics import aging
from qc_console.services.queue_sql import page_sql, scope_of, slot_values
from tests.conftest import NOW

QUEUES = [
    ("demo", QueueFilter()),  # a rep's own leads and the pool
    ("demo", QueueFilter(include_pool=False)),
    ("nora", QueueFilter()),  # a sales rep's
    ("grace", QueueFilter(owner=queue.ALL)),
    ("grace", QueueFilter(owner="*handed_off")),
]
_ROW_ACCESS = re.compile(r"^(SCAN|SEARCH) (t1|lead)\b(.*)$")


@pytest.fixture
def seeded(migrated: str) -> str:
    seeding.seed_demo(leads=400, now=NOW)
    return migrated


def _partial_indexes() -> set[str]:
    if is_postgres():
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = 'lead'"
        sql += " AND position(' WHERE ' in indexdef) > 0"
    else:
        sql = "SELECT name FROM sqlite_master WHERE tbl_name = 'lead' AND sql LIKE '% WHERE %'"
    return {name for (name,) in db.execute_sql(sql).fetchall()}


def _bad_steps(sql: str, params: Any) -> list[str]:
    """The SQLite plan's steps that read lead rows other than through a partial index or by
    id; [] when none does and some step uses a partial index (or the query reads by id only:
    rows already picked)."""
    ours = _partial_indexes()
    steps = [r[-1] for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    bad, used = [], False
    for step in steps:
        m = _ROW_ACCESS.match(step)
        if m is None:
            continue  # a subquery's rows, a sort, a UNION
        index = re.search(r"USING (?:COVERING )?INDEX (\w+)", m.group(3))
        if index and index.group(1) in ours:
            used = True
        elif m.group(1) == "SEARCH" and "INTEGER PRIMARY KEY (rowid=?)" in m.group(3):
            used = used or len(steps) == 1
        else:
            bad.append(step)
    return bad if used or bad else [f"no partial index in {steps}"]


def _lead_queries(
    monkeypatch: pytest.MonkeyPatch, call: Callable[[], Any]
) -> list[tuple[str, Any]]:
    """The (sql, params) of every SELECT over leads that `call` runs through peewee."""
    seen: list[tuple[str, Any]] = []
    real = db.obj.execute_sql

    def spy(sql: str, params: Any = None, *args: Any, **kw: Any) -> Any:
        if sql.startswith("SELECT") and 'FROM "lead"' in sql:
            seen.append((sql, params))
        return real(sql, params, *args, **kw)

    monkeypatch.setattr(db.obj, "execute_sql", spy)
    call()
    monkeypatch.undo()
    assert seen
    return seen


def _pages(actor: str, f: QueueFilter) -> Iterator[tuple[str, list[Any]]]:
    """The first page's SQL as `queue_page` runs it (kept as text per filter shape), and the
    counts a later page runs."""
    clock = queue.queue_clock(NOW)
    classes = page_sql(f, scope_of(f, Names(), actor))
    assert classes
    for cls in classes:
        yield cls.page.sql, cls.page.args(slot_values(clock, 0, 101))
        yield cls.count.sql, cls.count.args(slot_values(clock, 0, 0))


@pytest.mark.parametrize(("actor", "f"), QUEUES)
def test_queue_pages_use_the_partial_indexes(seeded: str, actor: str, f: QueueFilter) -> None:
    if is_postgres():
        pytest.skip("SQLite's plans (PostgreSQL: test_postgres_proves_the_index_predicate)")
    for sql, params in _pages(actor, f):
        assert _bad_steps(sql, params) == [], sql


@pytest.mark.parametrize(
    "what",
    ["counts", "counts_sales", "counts_all", "ids", "claim", "aging", "aging_holes", "holes"],
)
def test_queue_and_supervision_queries_use_the_partial_indexes(
    seeded: str, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    if is_postgres():
        pytest.skip("SQLite's plans")
    calls: dict[str, Callable[[], Any]] = {
        "counts": lambda: queue.queue_counts(QueueFilter(), actor="demo", now=NOW),
        "counts_sales": lambda: queue.queue_counts(QueueFilter(), actor="nora", now=NOW),
        "counts_all": lambda: queue.queue_counts(QueueFilter(owner="*"), actor="grace", now=NOW),
        "ids": lambda: queue.queue_ids(QueueFilter(), actor="demo", now=NOW),
        "claim": lambda: leads.claim_next(actor="demo", now=NOW),  # the pool
        "aging": lambda: aging.aging(now=NOW),
        "aging_holes": lambda: aging.black_holes(now=NOW),
        "holes": lambda: supervision.black_holes(now=NOW),
    }
    for sql, params in _lead_queries(monkeypatch, calls[what]):
        assert _bad_steps(sql, params) == [], sql


def test_a_purged_filter_still_finds_the_purged_leads(seeded: str) -> None:
    """The partial indexes leave purged leads out; a filter asking for them still gets them
    all (it reads the table)."""
    purged = {i for (i,) in Lead.select(Lead.id).where(Lead.stage == Stage.PURGED).tuples()}
    assert purged
    out = io.StringIO()
    export.export_leads(out, f=QueueFilter(stages=(Stage.PURGED,)))
    found = {json.loads(line)["id"] for line in out.getvalue().splitlines()}
    assert found == purged
    # The queue itself shows open leads only, purged ones are not in it.
    assert queue.queue_ids(QueueFilter(stages=(Stage.PURGED,)), actor="demo", now=NOW) == []


def test_postgres_proves_the_index_predicate(seeded: str) -> None:
    """PostgreSQL gets no extra term (`queue_sql.open_only`): it proves the partial index's
    predicate from the literal stage values itself."""
    if not is_postgres():
        pytest.skip("PostgreSQL only")
    ours = _partial_indexes()
    with db.atomic():
        db.execute_sql("SET LOCAL enable_seqscan = off")
        for sql, params in _pages("demo", QueueFilter()):
            plan = "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall())
            assert "Seq Scan on lead" not in plan, plan
            assert any(name in plan for name in ours), plan


def test_postgres_counts_aging_from_the_indexes_alone(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aging report's counts per owner × bucket, and of overdue leads per owner, read no
    lead rows on PostgreSQL (index only scans): a stray `id > 0` or `COUNT(id)` made the first
    read 28,000 heap pages at 1M leads."""
    if not is_postgres():
        pytest.skip("PostgreSQL only")
    db.execute_sql("VACUUM ANALYZE lead")
    grouped = [
        (sql, params)
        for sql, params in _lead_queries(monkeypatch, lambda: aging.aging(now=NOW))
        if "GROUP BY" in sql and "COUNT(*)" in sql
    ]
    assert len(grouped) == 2
    with db.atomic():
        db.execute_sql("SET LOCAL enable_seqscan = off")
        db.execute_sql("SET LOCAL enable_bitmapscan = off")
        for sql, params in grouped:
            plan = "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall())
            assert "Index Only Scan" in plan, plan
