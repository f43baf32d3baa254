"""The weekly rollup table: built from the event log, then kept in step incrementally.

`refresh()` folds in every event after the stored watermark (the last event id folded in). It
re-replays each lead that has new events twice — its history as of the watermark and as of
now — and applies the difference, so late facts (an acceptance credited to last month's
hand-off, an undo that retracts a qualification) land where they belong. `compute()` is the
full recompute the rollup must always equal (tests and `bench --verify` check it).

Each fact is stored under five groupings ("grouping sets"): everything (`*`), its source, its
campaign and its rep, so a report with at most one filter reads a few hundred small rows; and
the full key (`cube`, "source|campaign id|rep id"), so any combination of filters (or a
breakdown under a filter) sums the few cube cells that match instead of replaying leads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import IntegrityError, chunked

from qc_console.db.database import db, is_postgres, reading
from qc_console.db.models import AnalyticsRollup, AnalyticsState
from qc_console.db.team import lock_event_log
from qc_console.services.analytics._replay import (
    DATA_NEEDED_SQL,
    Event,
    FactKey,
    Facts,
    LeadInfo,
    effective,
    owners_after,
    replay,
    to_datetime,
)

WATERMARK = "rollup_event_id"
VERSION_KEY = "rollup_version"
VERSION = 4
"""Bump when what a fact means changes: a rollup of another version is rebuilt."""
CUBE = "cube"
"""The grouping under the full key; its dim_value is `cube_value(source, campaign, rep)`."""
REP_ONLY = frozenset({"xin", "xout"})
RANGE = 20_000
"""Leads replayed per round trip in a full build."""
Key6 = tuple[str, str, str, date, str, int]
"""(dim, dim_value, metric, week, a, b): one rollup row."""


@dataclass(frozen=True)
class RefreshStats:
    """What a refresh did: events folded in, leads re-replayed, rows changed, full rebuild."""

    events: int
    leads: int
    rows: int
    rebuilt: bool


def _param() -> str:
    return "%s" if is_postgres() else "?"


def _sql(sql: str, params: Iterable[Any] = ()) -> Any:
    if is_postgres():  # psycopg formats every query given parameters: escape literal %
        sql = sql.replace("%", "%%")
    return db.execute_sql(sql.replace("?", _param()), tuple(params))


def undo_map() -> dict[int, int]:
    """Undo batch id → the batch it undid."""
    return dict(_sql("SELECT id, undo_of FROM batch WHERE undo_of IS NOT NULL").fetchall())


def load(
    span: tuple[int, int] | list[int], where: str = "1 = 1", params: tuple[Any, ...] = ()
) -> tuple[dict[int, LeadInfo], dict[int, list[Event]]]:
    """Leads in `span` (an id range or a list of ids) matching `where`, with all their events
    in order."""
    ids: tuple[int, ...]
    if isinstance(span, tuple):
        ids_sql, ids = "BETWEEN ? AND ?", span
    else:
        ids_sql, ids = f"IN ({', '.join('?' * len(span))})", tuple(span)
    leads: dict[int, LeadInfo] = {}
    for lid, source, cid, owner, created in _sql(
        "SELECT id, source, campaign_id, owner_id, created_at FROM lead "
        f"WHERE id {ids_sql} AND ({where})",
        (*ids, *params),
    ).fetchall():
        leads[lid] = LeadInfo(lid, source, cid or 0, owner or 0, to_datetime(created))
    events: dict[int, list[Event]] = {lid: [] for lid in leads}
    if not leads:
        return leads, events
    if where.strip() == "1 = 1":
        ev_where, ev_params = f"lead_id {ids_sql}", ids
    else:  # only the matching leads' events, not the whole id range's
        ev_where = f"lead_id IN (SELECT id FROM lead WHERE id {ids_sql} AND ({where}))"
        ev_params = (*ids, *params)
    cursor = _sql(
        "SELECT lead_id, id, at, kind, from_stage, to_stage, actor_id, batch_id, "
        f"{DATA_NEEDED_SQL} FROM lead_event WHERE {ev_where} ORDER BY lead_id, id",
        ev_params,
    )
    for lid, eid, at, kind, frm, to, actor, batch, data in cursor.fetchall():
        evs = events.get(lid)
        if evs is not None:
            evs.append((eid, to_datetime(at), kind, frm, to, actor or 0, batch or 0, data))
    return leads, events


def lead_facts(
    leads: dict[int, LeadInfo],
    events: dict[int, list[Event]],
    undo: dict[int, int],
    sink: Facts,
    *,
    upto: int,
    since: int | None = None,
) -> None:
    """Add every lead's facts as of `upto`; with `since`, add the difference since then."""
    for lid, lead in leads.items():
        evs = events.get(lid, [])
        if not evs:
            continue
        owners = owners_after(lead, evs)
        replay(lead, evs, owners, effective(evs, upto, undo), sink, 1)
        if since is not None:
            replay(lead, evs, owners, effective(evs, since, undo), sink, -1)


def compute(
    where: str = "1 = 1", params: tuple[Any, ...] = (), *, upto: int | None = None
) -> Facts:
    """The facts of every lead matching `where`, replayed from scratch (the full recompute)."""
    top = upto if upto is not None else max_event_id()
    undo = undo_map()
    facts = Facts.empty()
    for lo, hi in _ranges(where, params):
        leads, events = load((lo, hi), where, params)
        lead_facts(leads, events, undo, facts, upto=top)
    return facts


def _ranges(where: str, params: tuple[Any, ...]) -> Iterator[tuple[int, int]]:
    lo, hi = _sql(f"SELECT MIN(id), MAX(id) FROM lead WHERE {where}", params).fetchone()
    if lo is None:
        return
    start = lo
    while start <= hi:
        yield start, start + RANGE - 1
        start += RANGE


def expand(facts: Facts) -> dict[Key6, list[float]]:
    """Facts under their five groupings, zero rows dropped."""
    out: dict[Key6, list[float]] = {}
    for key, n in facts.n.items():
        amount = facts.amount.get(key, 0.0)
        if n == 0 and abs(amount) < 1e-9:
            continue
        for k6 in _groupings(key):
            cell = out.get(k6)
            if cell is None:
                out[k6] = [n, amount]
            else:
                cell[0] += n
                cell[1] += amount
    return {k: v for k, v in out.items() if v[0] != 0 or abs(v[1]) >= 1e-9}


def cube_value(source: str, campaign_id: int, rep_id: int) -> str:
    return f"{source}|{campaign_id}|{rep_id}"


def _groupings(key: FactKey) -> list[Key6]:
    metric, week, source, cid, rep, a, b = key
    rep_row = ("rep", str(rep), metric, week, a, b)
    cube_row = (CUBE, cube_value(source, cid, rep), metric, week, a, b)
    if metric in REP_ONLY:
        return [rep_row, cube_row]
    rows = [("*", "", metric, week, a, b), ("source", source, metric, week, a, b), rep_row]
    rows.append(cube_row)
    if cid:
        rows.append(("campaign", str(cid), metric, week, a, b))
    return rows


def max_event_id() -> int:
    return int(_sql("SELECT MAX(id) FROM lead_event").fetchone()[0] or 0)


def _state(key: str) -> int:
    row = AnalyticsState.get_or_none(AnalyticsState.key == key)
    return int(row.value) if row else 0


def watermark() -> int:
    """The last event id folded into the rollup (0: never built, or built by another version)."""
    return _state(WATERMARK) if _state(VERSION_KEY) == VERSION else 0


def safe_top() -> int:
    """The highest event id below which every event is committed. PostgreSQL hands out ids
    before commit, so a SHARE lock first waits for in-flight writers (held only for this
    short transaction); SQLite has one writer at a time."""
    if not is_postgres():
        return max_event_id()
    with db.atomic():
        lock_event_log()  # team mode: through a SECURITY DEFINER function
        return max_event_id()


def refresh(*, rebuild: bool = False) -> RefreshStats:
    """Fold every event after the watermark into the rollup (or rebuild it from scratch).

    The replay runs on a read snapshot without the write lock (a first build of a million
    leads takes minutes and must not stop the reps); only writing the result takes it, and
    only if no other refresh moved the watermark meanwhile (then this one starts over), so two
    refreshes never double-count.
    """
    for _attempt in range(5):
        since = watermark()
        top = safe_top()
        if top == since and not rebuild:
            return RefreshStats(0, 0, 0, False)
        with reading():
            dirty = [
                lid
                for (lid,) in _sql(
                    "SELECT DISTINCT lead_id FROM lead_event WHERE id > ? AND id <= ?",
                    (since, top),
                ).fetchall()
            ]
            leads_total = int(_sql("SELECT MAX(id) FROM lead").fetchone()[0] or 0)  # ≈ count
            full = rebuild or since == 0 or len(dirty) > leads_total // 3
            if full:
                rows = expand(compute(upto=top))
            else:
                delta, undo = Facts.empty(), undo_map()
                for chunk in chunked(dirty, 2000):
                    leads, events = load(list(chunk))
                    lead_facts(leads, events, undo, delta, upto=top, since=since)
                rows = expand(delta)
        try:
            with db.atomic():
                if is_postgres():
                    _sql(f"SELECT value FROM analytics_state WHERE key = '{WATERMARK}' FOR UPDATE")
                if watermark() != since:
                    continue  # another refresh got there first: start again from its watermark
                written = _replace_all(rows) if full else _apply(rows)
                _set_watermark(top)
        except IntegrityError:  # two first refreshes created the watermark row at once
            continue
        return RefreshStats(top - since, leads_total if full else len(dirty), written, full)
    raise RuntimeError("the analytics rollup kept changing under this refresh; try again")


def _week_param(week: date) -> Any:
    return week if is_postgres() else week.isoformat()


def _replace_all(rows: dict[Key6, list[float]]) -> int:
    _sql("DELETE FROM analytics_rollup")
    sql = (
        "INSERT INTO analytics_rollup (dim, dim_value, metric, week, a, b, n, amount) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    ).replace("?", _param())
    cursor = db.cursor()
    values = [
        (d, v, m, _week_param(w), a, b, int(n), float(amt))
        for (d, v, m, w, a, b), (n, amt) in rows.items()
    ]
    for part in chunked(values, 5000):
        cursor.executemany(sql, part)
    return len(values)


def _apply(rows: dict[Key6, list[float]]) -> int:
    update = (
        "UPDATE analytics_rollup SET n = n + ?, amount = amount + ? WHERE dim = ? AND "
        "dim_value = ? AND metric = ? AND week = ? AND a = ? AND b = ?"
    ).replace("?", _param())
    insert = (
        "INSERT INTO analytics_rollup (n, amount, dim, dim_value, metric, week, a, b) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    ).replace("?", _param())
    cursor = db.cursor()
    for (d, v, m, w, a, b), (n, amt) in rows.items():
        params = (int(n), float(amt), d, v, m, _week_param(w), a, b)
        cursor.execute(update, params)
        if cursor.rowcount == 0:
            cursor.execute(insert, params)
    return len(rows)


def _set_watermark(top: int) -> None:
    for key, value in ((WATERMARK, top), (VERSION_KEY, VERSION)):
        updated = AnalyticsState.update(value=value).where(AnalyticsState.key == key).execute()
        if not updated:
            AnalyticsState.insert(key=key, value=value).execute()


def stored() -> dict[Key6, list[float]]:
    """The rollup table as {row key: [n, amount]} without zero rows (for the recompute proof)."""
    out: dict[Key6, list[float]] = {}
    for row in AnalyticsRollup.select().tuples():
        _id, d, v, m, w, a, b, n, amt = row
        if n == 0 and abs(amt) < 1e-9:
            continue
        week = w if isinstance(w, date) else date.fromisoformat(str(w))
        out[(d, v, m, week, a, b)] = [n, amt]
    return out
