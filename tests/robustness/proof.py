"""What 8 people working at once must leave behind (see `verify`), on SQLite or PostgreSQL.

- `check_integrity()` has no errors (each lead's state is the replay of its events, touch
  counters equal touch rows, no orphans), and every lead's touch_count equals its touch rows;
- every lead's event versions run n, n+1, n+2 … without a gap or a repeat: no two writers ever
  acted on the same version, so no claim or update was made twice or lost;
- every claim event took a lead that was in the pool;
- the writes the processes were told succeeded are exactly the events in the database,
  (lead, version) for (lead, version), batch for batch, undo for undo: nothing lost, nothing
  extra, nothing done behind someone's back;
- every `StaleLead` a process got names a lead that really changed after its read;
- no process saw a raw database error (e.g. "database is locked"): counted, must be 0.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass

from qc_console.db.database import db
from qc_console.services.facade import open_backend
from tests.robustness.workload import Setup, Tally, prepare, run_team


@dataclass
class Verdict:
    problems: list[str]
    actions: int
    attempts: int
    stale: int
    refused: Counter[str]
    raw: int
    locked: int
    events: int
    seconds: float
    cpu_seconds: float
    """The people's own CPU time, all processes together (not the database server's)."""
    p50_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.actions / self.seconds if self.seconds else 0.0


def verify(url: str, setup: Setup, tallies: list[Tally]) -> Verdict:
    """Compare what the processes were told with what the database holds (see module doc)."""
    from qc_console.db.models import Batch, Lead, LeadEvent, Rep, Touch
    from qc_console.services.integrity import check_integrity

    problems: list[str] = []
    open_backend(url, "nobody")
    with db.connection_context():
        report = check_integrity()
        problems += [f"integrity: {f.kind}: {f.count} {f.lead_ids}" for f in report.errors]
        names = dict(Rep.select(Rep.id, Rep.name).tuples())
        chains: dict[int, list[int]] = {}
        in_db: Counter[tuple[int, int]] = Counter()
        by_batch: Counter[int] = Counter()
        for lead_id, kind, data, batch_id, event_id in (
            LeadEvent.select(
                LeadEvent.lead_id, LeadEvent.kind, LeadEvent.data, LeadEvent.batch, LeadEvent.id
            )
            .order_by(LeadEvent.id)
            .tuples()
            .iterator()
        ):
            d = json.loads(data)
            chains.setdefault(lead_id, []).append(d["version"])
            if event_id > setup.last_event:
                in_db[(lead_id, d["version"])] += 1
                by_batch[batch_id] += 1
                if kind == "claim" and d["before"].get("owner_id") is not None:
                    problems.append(f"claim of lead #{lead_id} owned by {d['before']['owner_id']}")
        for lead_id, versions in chains.items():
            if versions != list(range(versions[0], versions[0] + len(versions))):
                problems.append(f"lead #{lead_id}: event versions {versions} are not a chain")
        versions = dict(Lead.select(Lead.id, Lead.version).tuples())
        touches = Counter(lead for (lead,) in Touch.select(Touch.lead_id).tuples())
        counters = dict(Lead.select(Lead.id, Lead.touch_count).tuples())
        bad_counts = [i for i, n in counters.items() if touches.get(i, 0) != n]
        if bad_counts:
            problems.append(f"touch_count differs from touch rows on {bad_counts[:10]}")
        batches = {
            b.id: (names.get(b.actor_id), b.action, b.size, b.undo_of)
            for b in Batch.select().where(Batch.id > setup.last_batch)
        }

    told: Counter[tuple[int, int]] = Counter(w for t in tallies for w in t.writes)
    if told != in_db:
        lost = told - in_db
        extra = in_db - told
        problems.append(f"writes told ≠ events: lost {list(lost)[:10]}, extra {list(extra)[:10]}")
    dupes = [k for k, n in in_db.items() if n > 1]
    if dupes:
        problems.append(f"two events for one lead version: {dupes[:10]}")
    reported = set()
    for t in tallies:
        for batch_id, action, size in t.batches:
            reported.add(batch_id)
            who, _kind, db_size, _undo_of = batches.get(batch_id, (None, None, None, None))
            if who != t.name or db_size != size or by_batch[batch_id] != size:
                problems.append(f"{t.name}'s {action} batch {batch_id}: db says {who}/{db_size}")
        for undone in t.undone:
            undos = [b for b, v in batches.items() if v[3] == undone and v[0] == t.name]
            if len(undos) != 1:
                problems.append(f"{t.name} undid batch {undone}: {len(undos)} undo batches")
            reported.update(undos)
    unreported = sorted(b for b, v in batches.items() if v[2] and b not in reported)
    if unreported:
        problems.append(f"batches nobody was told about: {unreported[:10]}")
    for t in tallies:
        for lead_id, seen in t.stale_seen:
            if versions[lead_id] <= seen:
                problems.append(f"{t.name} was told #{lead_id} v{seen} was stale; it is not")
        problems += [f"{t.name}: {raw}" for raw in t.raw[:5]]
    latencies = sorted(x for t in tallies for x in t.latencies)
    return Verdict(
        problems=problems,
        actions=sum(sum(t.ok.values()) for t in tallies),
        attempts=sum(sum(t.attempts.values()) for t in tallies),
        stale=sum(t.stale for t in tallies),
        refused=sum((t.refused for t in tallies), Counter()),
        raw=sum(len(t.raw) for t in tallies),
        locked=sum(t.locked for t in tallies),
        events=sum(in_db.values()),
        seconds=max((t.seconds for t in tallies), default=0.0),
        cpu_seconds=sum(t.cpu_seconds for t in tallies),
        p50_ms=1000 * statistics.median(latencies) if latencies else 0.0,
        p95_ms=1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
    )


def prove(url: str, *, seconds: float, n_leads: int, seed: int = 1) -> tuple[Verdict, list[Tally]]:
    """Prepare `url` (an empty database), run the team, verify."""
    setup = prepare(url, n_leads)
    tallies = run_team(url, seconds, seed=seed)
    return verify(url, setup, tallies), tallies
