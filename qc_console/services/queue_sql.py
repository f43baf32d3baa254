"""The queue's SQL: priority classes, whose leads, filters, and the page queries as text.

The classes and filters are peewee expressions (`queue_ids`, `queue_counts`, export and
claim-next use them as such). A page runs the same expressions, rendered once per filter shape
(`page_sql`) and kept as SQL text with its parameters: rendering the UNION in Python cost more
than running it (bench/RESULTS.md, Engine).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import SQL, Case, Expression, Ordering, fn

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Lead
from qc_console.domain.codes import Role
from qc_console.domain.errors import NotAllowed
from qc_console.domain.filters import ALL_OWNERS, HANDED_OFF_OWNER
from qc_console.domain.priority import Clock, Priority
from qc_console.domain.stages import OPEN, QC_OPEN, SALES_OPEN, Stage
from qc_console.domain.values import QueueFilter, QueueView
from qc_console.services._rows import Names
from qc_console.services._runner import resolve_actor
from qc_console.services.open_leads import open_only

ALL = ALL_OWNERS
"""`QueueFilter.owner` value for every rep's leads (supervisors)."""
HANDED_OFF = HANDED_OFF_OWNER
"""`QueueFilter.owner` value for every hand-off waiting for sales (supervisors' drill-downs)."""


def _stages(*stages: Stage) -> list[str]:
    return [s.value for s in stages]


def _class_predicates(c: Clock) -> list[tuple[Priority, Expression, list[Any]]]:
    """(class, WHERE, ORDER BY) for each priority class of QC work; the WHEREs do not overlap."""
    breach = (Lead.stage == Stage.RAW) & (Lead.touch_count == 0) & (Lead.created_at < c.sla_cutoff)
    not_breach = (Lead.stage == Stage.QUALIFIED) | (
        (Lead.stage == Stage.RAW) & ((Lead.touch_count > 0) | (Lead.created_at >= c.sla_cutoff))
    )
    working = Lead.stage.in_(_stages(Stage.RAW, Stage.QUALIFIED))
    incubating = Lead.stage == Stage.INCUBATING
    return [
        (Priority.SLA_BREACH, breach, [Lead.created_at, Lead.id]),
        (
            Priority.OVERDUE,
            working & not_breach & (Lead.next_action_due < c.now),
            [Lead.next_action_due, Lead.id],
        ),
        (
            Priority.DUE_TODAY,
            working
            & not_breach
            & (Lead.next_action_due >= c.now)
            & (Lead.next_action_due < c.day_end),
            [Lead.next_action_due, Lead.id],
        ),
        (
            Priority.RESURFACED,
            incubating & (Lead.resurface_on <= c.now),
            [Lead.resurface_on, Lead.id],
        ),
        (
            Priority.REST,
            (
                working
                & not_breach
                & (Lead.next_action_due.is_null() | (Lead.next_action_due >= c.day_end))
            )
            | (incubating & (Lead.resurface_on.is_null() | (Lead.resurface_on > c.now))),
            [Lead.rating_rank.desc(), Lead.stage_entered_at, Lead.id],
        ),
    ]


def priority_order(c: Clock) -> list[Any]:
    """One ORDER BY equal to the class order (for single-row picks such as claim-next)."""
    case = Case(None, [(pred, int(p)) for p, pred, _ in _class_predicates(c)], int(Priority.REST))
    return [case, Lead.rating_rank.desc(), Lead.created_at, Lead.id]


_contactable = Lead.do_not_contact == False  # noqa: E712 (SQL, not Python)
"""Do-not-contact leads are never queued for a touch."""


def _sales_predicates(c: Clock) -> list[tuple[Priority, Expression, list[Any]]]:
    """A sales rep's queue: overdue follow-ups, then hand-offs awaiting an answer and today's
    follow-ups, then the rest."""
    overdue = Lead.next_action_due < c.now
    not_overdue = Lead.next_action_due.is_null() | (Lead.next_action_due >= c.now)
    # NULL-safe: an accepted lead without a follow-up must land in REST, not in neither class.
    today = (Lead.stage == Stage.HANDED_OFF) | (
        Lead.next_action_due.is_null(False) & (Lead.next_action_due < c.day_end)
    )
    return [
        (Priority.OVERDUE, overdue, [Lead.next_action_due, Lead.id]),
        (Priority.DUE_TODAY, not_overdue & today, [Lead.stage_entered_at, Lead.id]),
        (Priority.REST, not_overdue & ~today, [Lead.stage_entered_at, Lead.id]),
    ]


@dataclass(frozen=True)
class Scope:
    """Whose leads: a rep's own (`owner`, with the pool when `pool`), a sales rep's
    (`sales`), or anyone's (`owner` None) over `stages`."""

    owner: int | None
    pool: bool
    sales: bool
    stages: tuple[Stage, ...]

    def _owners(self) -> list[Expression]:
        if self.owner is None:
            return []
        if self.sales:
            return [Lead.sales_owner == self.owner]
        return [Lead.owner == self.owner] + ([Lead.owner.is_null()] if self.pool else [])

    def expression(self) -> Expression:
        out = Lead.stage.in_(_stages(*self.stages))
        owners = self._owners()
        if owners:
            mine = owners[0]
            for other in owners[1:]:
                mine = mine | other
            out = mine & out
        return self._indexed(out if self.sales else out & _contactable)

    def by_owner(self) -> list[Expression]:
        """`expression()` cut by owner (disjoint parts): an OR of owners makes SQLite walk a
        stage-only index over everybody's leads, one owner each walks (owner, stage, …)."""
        out = []
        stages = Lead.stage.in_(_stages(*self.stages))
        for owner in [*self._owners()] or [None]:
            part = stages if owner is None else owner & stages
            out.append(self._indexed(part if self.sales else part & _contactable))
        return out

    def _indexed(self, where: Expression) -> Expression:
        """`open_only(where)` when every stage of the scope is open (the partial indexes hold
        exactly those leads); a scope over closed stages reads the table as it must."""
        return open_only(where) if set(self.stages) <= OPEN else where

    def branches(self, stage: Stage) -> list[Expression]:
        """The scope's part in `stage`, cut by owner: each part one index range in order."""
        out = []
        owners: list[Expression | None] = [*self._owners()] or [None]
        for owner in owners:
            part = Lead.stage == stage
            part = part if owner is None else owner & part
            out.append(self._indexed(part if self.sales else part & _contactable))
        return out


def scope_of(f: QueueFilter, names: Names, actor: str) -> Scope:
    """Whose queue `f` shows to `actor` (checks that the actor may see it)."""
    rep = resolve_actor(names, actor)
    owner_name = f.owner or rep.name
    if owner_name in (ALL, HANDED_OFF):
        if rep.role != Role.SUPERVISOR:
            raise NotAllowed(f"{rep.name} ({rep.role}) cannot see every rep's queue")
        if owner_name == HANDED_OFF:  # ordered like a sales queue
            return Scope(None, False, True, (Stage.HANDED_OFF,))
        return Scope(None, False, False, _ordered(QC_OPEN))
    owner = names.rep_by_name(owner_name)
    if owner.role == Role.SALES:
        return Scope(owner.id, False, True, _ordered(SALES_OPEN))
    return Scope(owner.id, f.include_pool, False, _ordered(QC_OPEN))


def _ordered(stages: frozenset[Stage]) -> tuple[Stage, ...]:
    return tuple(s for s in Stage if s in stages)


def _filters(f: QueueFilter, c: Clock, *, stages: bool = True) -> Expression | None:
    """The filter's conditions; without `stages`, those on the stage alone are left to the
    caller (a query already cut to one stage)."""
    conds: list[Expression] = []
    if f.view == QueueView.NEW:
        conds.append((Lead.stage == Stage.RAW) & (Lead.touch_count == 0))
        if not stages:
            conds[-1] = Lead.touch_count == 0
    elif f.view == QueueView.INCUBATING and stages:
        conds.append(Lead.stage == Stage.INCUBATING)
    elif f.view == QueueView.DUE:
        conds.append(
            (
                Lead.stage.in_(_stages(Stage.RAW, Stage.QUALIFIED))
                & (Lead.next_action_due < c.day_end)
            )
            | ((Lead.stage == Stage.INCUBATING) & (Lead.resurface_on <= c.now))
            | (
                (Lead.stage == Stage.RAW)
                & (Lead.touch_count == 0)
                & (Lead.created_at < c.sla_cutoff)
            )
        )
    if f.stages and stages:
        conds.append(Lead.stage.in_(_stages(*f.stages)))
    if f.ratings:
        conds.append(Lead.rating.in_([r.value for r in f.ratings]))
    if f.sources:
        conds.append(Lead.source.in_([s.value for s in f.sources]))
    if f.due_today:
        conds.append((Lead.next_action_due >= c.now) & (Lead.next_action_due < c.day_end))
    if f.overdue:
        conds.append(Lead.next_action_due < c.now)
    if f.ids:
        conds.append(Lead.id.in_(list(f.ids)))
    if f.text.strip():
        needle = f"%{f.text.strip().lower()}%"
        full = fn.LOWER(Lead.first_name.concat(" ").concat(Lead.last_name))
        conds.append((full**needle) | (fn.LOWER(Lead.company) ** needle) | (Lead.email_key**needle))
    if not conds:
        return None
    out = conds[0]
    for cond in conds[1:]:
        out = out & cond
    return out


def _where(base: Expression, extra: Expression | None) -> Expression:
    return base if extra is None else base & extra


def _part_predicates(c: Clock) -> dict[tuple[Priority, Stage], Expression]:
    """`_class_predicates` for one stage at a time, the stage conditions worked out.

    A query cut to one stage that still carries `stage IN (…)` and `stage = …` terms makes
    PostgreSQL multiply their selectivities, expect one row and pick an index that does not
    give the class's order (7 ms instead of 1 at 1M leads). The queue tests check that pages
    made from these equal the classes' own queries.
    """
    raw_not_breach = (Lead.touch_count > 0) | (Lead.created_at >= c.sla_cutoff)
    overdue = Lead.next_action_due < c.now
    today = (Lead.next_action_due >= c.now) & (Lead.next_action_due < c.day_end)
    later = Lead.next_action_due.is_null() | (Lead.next_action_due >= c.day_end)
    raw, qualified, incubating = Stage.RAW, Stage.QUALIFIED, Stage.INCUBATING
    return {
        (Priority.SLA_BREACH, raw): (Lead.touch_count == 0) & (Lead.created_at < c.sla_cutoff),
        (Priority.OVERDUE, raw): raw_not_breach & overdue,
        (Priority.OVERDUE, qualified): overdue,
        (Priority.DUE_TODAY, raw): raw_not_breach & today,
        (Priority.DUE_TODAY, qualified): today,
        (Priority.RESURFACED, incubating): Lead.resurface_on <= c.now,
        (Priority.REST, raw): raw_not_breach & later,
        (Priority.REST, qualified): later,
        (Priority.REST, incubating): Lead.resurface_on.is_null() | (Lead.resurface_on > c.now),
    }


def classes(
    f: QueueFilter, scope: Scope, c: Clock
) -> Iterator[tuple[Priority, Expression, list[Any], list[Expression]]]:
    """(class, WHERE, ORDER BY, the WHERE as disjoint parts) for each class in order."""
    extra = _filters(f, c)
    part_extra = _filters(f, c, stages=False)
    per_stage = _part_predicates(c)
    wanted = set(f.stages or Stage)
    if f.view == QueueView.NEW:
        wanted &= {Stage.RAW}
    elif f.view == QueueView.INCUBATING:
        wanted &= {Stage.INCUBATING}
    for prio, pred, order in _sales_predicates(c) if scope.sales else _class_predicates(c):
        parts = []
        for stage in (s for s in scope.stages if s in wanted):
            part = pred if scope.sales else per_stage.get((prio, stage))
            if part is not None:
                parts += [_where(b & part, part_extra) for b in scope.branches(stage)]
        yield prio, _where(scope.expression() & pred, extra), order, parts


# --- the page queries as text ----------------------------------------------------------------

_SENTINELS = Clock(
    now=datetime(1001, 1, 1), day_end=datetime(1002, 1, 1), sla_cutoff=datetime(1003, 1, 1)
)
"""A clock whose instants no filter value can equal: they mark where the real clock goes."""
NOW, DAY_END, CUTOFF, LIMIT, OFFSET, PART_LIMIT = range(6)
"""Slots of a rendered query's parameters: the clock, and the paging this module adds."""
_SLOT_OF = {_SENTINELS.now: NOW, _SENTINELS.day_end: DAY_END, _SENTINELS.sla_cutoff: CUTOFF}


@dataclass(frozen=True)
class Rendered:
    """SQL text and its parameters: constants, with `slots` (position, slot) to fill in."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]

    def args(self, values: list[Any]) -> list[Any]:
        out = list(self.params)
        for pos, slot in self.slots:
            out[pos] = values[slot]
        return out


def _render(query: Any, tail: str = "", tail_slots: tuple[int, ...] = ()) -> Rendered:
    sql, params = query.sql()
    slots = [(i, _SLOT_OF[p]) for i, p in enumerate(params) if p.__class__ is datetime]
    slots += [(len(params) + k, s) for k, s in enumerate(tail_slots)]
    return Rendered(sql + tail, tuple(params) + (None,) * len(tail_slots), tuple(slots))


def _concat(parts: list[Rendered], sep: str, tail: str, tail_slots: tuple[int, ...]) -> Rendered:
    sql: list[str] = []
    params: list[Any] = []
    slots: list[tuple[int, int]] = []
    for r in parts:
        slots += [(len(params) + pos, s) for pos, s in r.slots]
        params += r.params
        sql.append(r.sql)
    slots += [(len(params) + k, s) for k, s in enumerate(tail_slots)]
    return Rendered(sep.join(sql) + tail, tuple(params) + (None,) * len(tail_slots), tuple(slots))


@dataclass(frozen=True)
class ClassSQL:
    """One priority class's page query (rows from OFFSET, LIMIT) and its count."""

    priority: Priority
    page: Rendered
    count: Rendered


def _by_name(o: Any) -> str:
    if isinstance(o, Ordering):
        return f"{o.node.column_name} {o.direction}"
    return str(o.column_name)


def _class_sql(
    prio: Priority, where: Expression, order: list[Any], parts: list[Expression]
) -> ClassSQL:
    """A class is the UNION ALL of one query per part, each an index range in the class's
    order cut at OFFSET + LIMIT rows, sorted again over those rows only.

    One OR-ed query (owner = me OR no owner, stage IN (…)) cannot walk an index in the class's
    order, so at 1M leads it sorted every matching row for each page.
    """
    p = db.param
    page = f" LIMIT {p} OFFSET {p}"
    count = _render(Lead.select(SQL("COUNT(*)")).where(where))
    queries = [Lead.select(SQL("*")).where(w).order_by(*order) for w in parts]
    if len(queries) == 1:
        return ClassSQL(prio, _render(queries[0], page, (LIMIT, OFFSET)), count)
    inner = [_render(q, f" LIMIT {p}", (PART_LIMIT,)) for q in queries]
    wrapped = [
        Rendered(f"SELECT * FROM ({r.sql}) AS part{i}", r.params, r.slots)
        for i, r in enumerate(inner)
    ]
    outer = f" ORDER BY {', '.join(_by_name(o) for o in order)}{page}"
    return ClassSQL(prio, _concat(wrapped, " UNION ALL ", outer, (LIMIT, OFFSET)), count)


_CACHE: dict[tuple[Any, ...], tuple[ClassSQL, ...]] = {}
CACHE_SIZE = 512
"""Filter shapes kept (a shape is one filter and whose queue; text searches each add one)."""


def page_sql(f: QueueFilter, scope: Scope) -> tuple[ClassSQL, ...]:
    """The queries of the classes `f` can show over `scope`, rendered on first use and then
    kept as text."""
    key: tuple[Any, ...] = (is_postgres(), f.view, f.stages, f.ratings, f.sources)
    key += (f.text.strip(), f.due_today, f.overdue, f.ids, scope)
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.clear()
        found = _CACHE[key] = tuple(
            _class_sql(prio, where, order, parts)
            for prio, where, order, parts in classes(f, scope, _SENTINELS)
            if parts  # none of the class's stages is wanted
        )
    return found


def slot_values(c: Clock, offset: int, limit: int) -> list[Any]:
    """What goes into the slots for clock `c` and one class's OFFSET and LIMIT."""
    return [c.now, c.day_end, c.sla_cutoff, limit, offset, offset + limit]
