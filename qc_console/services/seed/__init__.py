"""`seed_demo`: a realistic, deterministic 18-month history for the demo and the benchmarks.

The plan (pure, `plan.py` and friends) decides every lead's life from the seed; the writer
(`writer.py`) puts the rows in with raw bulk inserts. See sample_data/README.md for what the
history holds and the weekly structure planted in it (`PLANTED`).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from qc_console.db.database import db
from qc_console.domain.errors import BadInput
from qc_console.services._rows import utcnow
from qc_console.services.seed import writer
from qc_console.services.seed.clock import to_datetime, to_seconds
from qc_console.services.seed.data import sample_data
from qc_console.services.seed.layout import PLANTED, WEEKS
from qc_console.services.seed.plan import (
    BATCH_COLUMNS,
    BLOCK,
    EVENT_COLUMNS,
    LEAD_COLUMNS,
    TOUCH_COLUMNS,
    Chunk,
    Ids,
    Planner,
)

__all__ = ["PLANTED", "SeedReport", "seed_demo"]

MIN_LEADS = 100
CHUNK_LEADS = 10 * BLOCK
DROP_INDEXES_FROM = 50_000
"""Above this many leads, secondary indexes are built after the load instead of during it."""


@dataclass(frozen=True)
class SeedReport:
    reps: int
    campaigns: int
    leads: int
    touches: int
    events: int
    seconds: float


def seed_demo(*, leads: int = 3000, seed: int = 7, now: datetime | None = None) -> SeedReport:
    """Fill the open, migrated database with the demo history.

    The same `leads`, `seed` and `now` give the same rows, ids included (on an empty database).

    Raises:
        BadInput: the database already holds leads, or `leads` is too small for the story.
    """
    if leads < MIN_LEADS:
        raise BadInput(f"the demo needs at least {MIN_LEADS} leads (got {leads})")
    started = time.perf_counter()
    now_s = to_seconds(now or utcnow())
    data = sample_data()
    with db.atomic():
        if writer.has_leads():
            raise BadInput("the database already holds leads: seed an empty database")
        created = to_datetime(now_s - WEEKS * 7 * 86_400)
        reps = writer.ensure_reps(data.people, created)
        starts = {
            c.name: (to_datetime(now_s) - timedelta(weeks=c.starts_weeks_ago)).date()
            for c in data.campaigns
        }
        campaigns = writer.ensure_campaigns(data.campaigns, starts, created)
        first = writer.next_ids()
    ids = Ids(reps, campaigns, first["lead"], first["touch"], first["event"], first["batch"])
    planner = Planner(leads=leads, seed=seed, now=now_s, data=data, ids=ids)
    touches = events = 0
    with writer.bulk_load(drop_indexes=leads >= DROP_INDEXES_FROM):
        for chunk in _chunks(planner, leads):
            with db.atomic():
                writer.insert("lead", LEAD_COLUMNS, chunk.leads)
                writer.insert("batch", BATCH_COLUMNS, chunk.batches)
                writer.insert("touch", TOUCH_COLUMNS, chunk.touches)
                writer.insert("lead_event", EVENT_COLUMNS, chunk.events)
            touches += len(chunk.touches)
            events += len(chunk.events)
    writer.fix_sequences()
    return SeedReport(
        reps=len(reps),
        campaigns=len(campaigns),
        leads=leads,
        touches=touches,
        events=events,
        seconds=round(time.perf_counter() - started, 3),
    )


def _chunks(planner: Planner, leads: int):  # type: ignore[no-untyped-def]
    """The plan's chunks, generated on a second thread while this one inserts (the database
    drivers release the GIL while the database works)."""
    out: queue.Queue[Chunk | BaseException | None] = queue.Queue(maxsize=2)

    def produce() -> None:
        try:
            for start in range(0, leads, CHUNK_LEADS):
                out.put(planner.chunk(start, min(start + CHUNK_LEADS, leads)))
            out.put(None)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            out.put(exc)

    thread = threading.Thread(target=produce, name="seed-plan", daemon=True)
    thread.start()
    while (item := out.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item
    thread.join()
