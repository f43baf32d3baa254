"""`seed_demo`: a realistic, deterministic 18-month history for the demo and the benchmarks.

The plan (pure: `plan.py`, `layout.py`, `lifecycle.py`, `events.py`) decides every lead's life
from the seed; the writer (`writer.py`) puts the rows in with raw bulk inserts. See
sample_data/README.md for what the history holds and the weekly structure planted in it
(`PLANTED`).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from qc_console.db.database import db
from qc_console.domain.errors import BadInput
from qc_console.services._rows import utcnow
from qc_console.services.seed import writer
from qc_console.services.seed.clock import WEEK, to_datetime, to_seconds
from qc_console.services.seed.data import sample_data
from qc_console.services.seed.layout import BLACK_HOLES, PLANTED, WEEKS, build_layout
from qc_console.services.seed.plan import Chunk, Ids, Planner
from qc_console.services.seed.replicate import Block, black_hole_ids, copy_block

__all__ = ["PLANTED", "SeedReport", "planted_black_holes", "seed_demo"]

MIN_LEADS = 50
BIG = 50_000
"""From this many leads on, chunks are planned in worker processes."""
REBUILD_INDEXES_FROM = 100_000
"""From this many leads on, indexes are built after the load (see `writer.bulk_load`)."""
WORKERS = 2
IN_FLIGHT = 4
"""Chunks planned ahead of the writer (bounds memory: a chunk is ~100k rows)."""
REPLICATE_FROM = 200_000
"""From this many leads on, a block of `BLOCK` leads is planned and copied (`replicate.py`)."""
BLOCK = 50_000


@dataclass(frozen=True)
class SeedReport:
    reps: int
    campaigns: int
    leads: int
    touches: int
    events: int
    seconds: float


def seed_demo(
    *,
    leads: int = 3000,
    seed: int = 7,
    now: datetime | None = None,
    replicate_from: int = REPLICATE_FROM,
    block: int = BLOCK,
) -> SeedReport:
    """Fill the open, migrated database with the demo history.

    The same `leads`, `seed` and `now` give the same rows, ids included (on an empty database).
    From `replicate_from` leads on, only `block` leads are planned; the rest are copies of
    them made in SQL (`replicate.py`: same times, owners and stages; new ids, emails, phones).

    Raises:
        BadInput: the database already holds leads, or `leads` is too small for the story.
    """
    if leads < MIN_LEADS:
        raise BadInput(f"the demo needs at least {MIN_LEADS} leads (got {leads})")
    planned = _planned_leads(leads, replicate_from, block)
    started = time.perf_counter()
    now_s = to_seconds(now or utcnow())
    data = sample_data()
    with db.atomic():
        if writer.has_leads():
            raise BadInput("the database already holds leads: seed an empty database")
        joined = to_datetime(now_s - WEEKS * WEEK)
        reps = writer.ensure_reps(data.people, joined)
        starts = {
            c.name: (to_datetime(now_s) - timedelta(weeks=c.starts_weeks_ago)).date()
            for c in data.campaigns
        }
        campaigns = writer.ensure_campaigns(data.campaigns, starts, joined)
        first_lead, bases = writer.first_ids()
    planner = Planner(
        leads=planned, seed=seed, now=now_s, data=data, ids=Ids(reps, campaigns, first_lead)
    )
    first = bases
    with writer.bulk_load(rebuild_indexes=leads >= REBUILD_INDEXES_FROM):
        for chunk in _planned(planner, parallel=planned >= BIG):
            with db.atomic():
                bases = writer.insert_chunk(chunk, bases)
        touches, events = bases.touch - first.touch, bases.event - first.event
        if planned < leads:
            made = Block(
                first_lead,
                planned,
                first.touch,
                touches,
                first.event,
                events,
                first.batch,
                bases.batch - first.batch,
            )
            for k in range(1, -(-leads // planned)):
                with db.atomic():
                    t, e = copy_block(made, k, min(planned, leads - k * planned), data)
                touches, events = touches + t, events + e
    writer.fix_sequences()
    return SeedReport(
        reps=len(reps),
        campaigns=len(campaigns),
        leads=leads,
        touches=touches,
        events=events,
        seconds=round(time.perf_counter() - started, 3),
    )


def _planned_leads(leads: int, replicate_from: int, block: int) -> int:
    """How many leads are planned in Python (the rest are copies of them)."""
    if leads < replicate_from or block >= leads:
        return leads
    if block < MIN_LEADS:
        raise BadInput(f"a seed block needs at least {MIN_LEADS} leads (got {block})")
    return block


def planted_black_holes(
    *,
    leads: int = 3000,
    seed: int = 7,
    now: datetime,
    first_lead: int = 1,
    replicate_from: int = REPLICATE_FROM,
    block: int = BLOCK,
) -> dict[int, str]:
    """Lead id → kind of the black holes `seed_demo` plants (see layout.BLACK_HOLES): open
    qualified leads without a next action, raw leads left in the pool for months, and
    hand-offs sales never answered."""
    planned = _planned_leads(leads, replicate_from, block)
    lay = build_layout(planned, seed, to_seconds(now), sample_data())
    ids = {first_lead + i: k for i, k in sorted(lay.special.items()) if k in BLACK_HOLES}
    if planned == leads:
        return ids
    return black_hole_ids(ids, Block(first_lead, planned, 0, 0, 0, 0, 0, 0), leads)


_PLANNER: Planner | None = None
"""The plan a forked worker process works on (inherited from the parent)."""


def _plan_chunk(c: int) -> Chunk:
    assert _PLANNER is not None
    return _PLANNER.chunk(c)


def _planned(planner: Planner, *, parallel: bool) -> Iterator[Chunk]:
    """The plan's chunks in order; big plans are made by worker processes (one per CPU)
    while this process writes: planning is pure Python and as costly as writing."""
    global _PLANNER
    workers = min(os.cpu_count() or 1, WORKERS)
    if not parallel or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (planner.chunk(c) for c in range(planner.chunks))
        return
    _PLANNER = planner
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque = deque()
            todo = iter(range(planner.chunks))
            for c in todo:
                pending.append(pool.apply_async(_plan_chunk, (c,)))
                if len(pending) >= IN_FLIGHT:
                    break
            while pending:
                chunk = pending.popleft().get()
                for c in todo:
                    pending.append(pool.apply_async(_plan_chunk, (c,)))
                    break
                yield chunk
    finally:
        _PLANNER = None
