"""The rep's queue: priority classes, filters and paging, all in SQL.

Each priority class is its own query walking an index in the class's order, so the first page
costs a few index probes whatever the size of the table; later pages count the classes they skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from peewee import SQL, Case, Expression, Ordering, fn

from qc_console.db.database import db, reading
from qc_console.db.models import Lead, LeadEvent
from qc_console.domain.codes import Role
from qc_console.domain.errors import NotAllowed
from qc_console.domain.priority import Clock, Priority
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.domain.stages import QC_OPEN, SALES_OPEN, Stage
from qc_console.domain.values import QueueCounts, QueueFilter, QueuePage, QueueView
from qc_console.services._apply import DATETIME_FIELDS
from qc_console.services._rows import Names, to_view, utcnow
from qc_console.services._runner import resolve_actor

ALL = "*"
"""`QueueFilter.owner` value for every rep's leads (supervisors)."""


def local_day_end(now: datetime) -> datetime:
    """The end of the local calendar day containing `now` (naive UTC in, naive UTC out)."""
    local = now.replace(tzinfo=UTC).astimezone()
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
    return end.astimezone(UTC).replace(tzinfo=None)


def queue_clock(now: datetime | None = None, rules: Rules = DEFAULT_RULES) -> Clock:
    now = now or utcnow()
    return Clock.at(now, day_end=local_day_end(now), speed_to_lead=rules.speed_to_lead)


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
class _Scope:
    """Whose leads: disjoint owner conditions (empty: anyone's) over `stages`."""

    owners: tuple[Expression, ...]
    stages: tuple[Stage, ...]
    sales: bool

    def expression(self) -> Expression:
        out = Lead.stage.in_(_stages(*self.stages))
        if self.owners:
            mine = self.owners[0]
            for other in self.owners[1:]:
                mine = mine | other
            out = mine & out
        return out if self.sales else out & _contactable

    def branches(self, stage: Stage) -> list[Expression]:
        """The scope's part in `stage`, cut by owner: each part one index range in order."""
        out = []
        for owner in self.owners or (None,):
            part = Lead.stage == stage
            part = part if owner is None else owner & part
            out.append(part if self.sales else part & _contactable)
        return out


def _scope_of(f: QueueFilter, names: Names, actor: str) -> _Scope:
    rep = resolve_actor(names, actor)
    owner_name = f.owner or rep.name
    if owner_name == ALL:
        if rep.role != Role.SUPERVISOR:
            raise NotAllowed(f"{rep.name} ({rep.role}) cannot see every rep's queue")
        return _Scope((), _ordered(QC_OPEN), False)
    owner = names.rep_by_name(owner_name)
    if owner.role == Role.SALES:
        return _Scope((Lead.sales_owner == owner.id,), _ordered(SALES_OPEN), True)
    owners = [Lead.owner == owner.id] + ([Lead.owner.is_null()] if f.include_pool else [])
    return _Scope(tuple(owners), _ordered(QC_OPEN), False)


def _ordered(stages: frozenset[Stage]) -> tuple[Stage, ...]:
    return tuple(s for s in Stage if s in stages)


def _scope(f: QueueFilter, names: Names, actor: str) -> tuple[Expression, bool]:
    """Whose leads, and whether that is a sales rep's queue."""
    scope = _scope_of(f, names, actor)
    return scope.expression(), scope.sales


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


def _classes(
    f: QueueFilter, names: Names, actor: str, c: Clock
) -> Iterator[tuple[Priority, Expression, list[Any], list[Expression]]]:
    """(class, WHERE, ORDER BY, the WHERE as disjoint parts) for each class in order."""
    scope = _scope_of(f, names, actor)
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


def _class_rows(
    parts: list[Expression], order: list[Any], offset: int, limit: int
) -> list[dict[str, Any]]:
    """One class's leads in its order, `offset` and `limit` applied.

    One OR-ed query (owner = me OR no owner, stage IN (…)) cannot walk an index in the class's
    order, so at 1M leads it sorted every matching row for each page. Each part alone is one
    index range in order; their first rows are merged by a UNION ALL that sorts only those.
    """
    # `*` rather than 36 named columns: peewee renders SQL in Python, and `_rows` needs no
    # field objects.
    queries = [Lead.select(SQL("*")).where(p).order_by(*order) for p in parts]
    if not queries:
        return []
    if len(queries) == 1:
        query = queries[0].offset(offset).limit(limit)
    else:
        merged = None
        for i, q in enumerate(queries):
            part = Lead.select(SQL("*")).from_(q.limit(offset + limit).alias(f"part{i}"))
            merged = part if merged is None else merged + part  # UNION ALL
        outer = [_by_name(o) for o in order]
        query = merged.order_by(*outer).offset(offset).limit(limit)  # type: ignore[union-attr]
    return _rows(db.execute(query))


def _rows(cursor: Any) -> list[dict[str, Any]]:
    """Leads as `load_rows` gives them, straight from the cursor: peewee's conversion of every
    field of 100 rows × 36 columns cost more than the query itself (1.8 ms against 0.3 ms at
    1M leads); only the few typed columns need converting."""
    columns = [d[0] for d in cursor.description]
    typed = [(i, c, _CONVERTERS[c]) for i, c in enumerate(columns) if c in _CONVERTERS]
    out = []
    for raw in cursor.fetchall():
        row = dict(zip(columns, raw, strict=True))
        for i, c, convert in typed:
            if raw[i] is not None:
                row[c] = convert(raw[i])
        out.append(row)
    return out


def _datetime(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


_CONVERTERS: dict[str, Any] = {name: _datetime for name in DATETIME_FIELDS} | {
    "amount": _decimal,
    "do_not_contact": bool,
}


def _by_name(o: Any) -> SQL:
    if isinstance(o, Ordering):
        return SQL(f"{o.node.column_name} {o.direction}")
    return SQL(o.column_name)


def queue_page(
    f: QueueFilter,
    *,
    actor: str,
    offset: int = 0,
    limit: int = 100,
    now: datetime | None = None,
    rules: Rules = DEFAULT_RULES,
) -> QueuePage:
    """One page of a queue in priority order (owned leads plus the pool, unless filtered)."""
    c = queue_clock(now, rules)
    with reading():
        names = Names()
        rows: list[dict[str, Any]] = []
        skip = offset
        for _prio, where, order, parts in _classes(f, names, actor, c):
            if len(rows) > limit:
                break
            if skip:
                n = Lead.select().where(where).count()
                if n <= skip:
                    skip -= n
                    continue
            want = limit + 1 - len(rows)  # one extra row tells whether there is a next page
            rows.extend(_class_rows(parts, order, skip, want))
            skip = 0
        views = tuple(to_view(r, names, c) for r in rows[:limit])
    return QueuePage(rows=views, offset=offset, has_more=len(rows) > limit)


def queue_ids(
    f: QueueFilter, *, actor: str, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> list[int]:
    """Every lead id matching the filter, in queue order (select-all across pages)."""
    c = queue_clock(now, rules)
    with reading():
        names = Names()
        out: list[int] = []
        for _prio, where, order, _parts in _classes(f, names, actor, c):
            out.extend(i for (i,) in Lead.select(Lead.id).where(where).order_by(*order).tuples())
    return out


def queue_counts(
    f: QueueFilter, *, actor: str, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> QueueCounts:
    """The header line: due today, overdue, new untouched, resurfacing, all open."""
    c = queue_clock(now, rules)
    with reading():
        scope, _sales = _scope(
            QueueFilter(owner=f.owner, include_pool=f.include_pool), Names(), actor
        )
        working = Lead.stage.in_(_stages(Stage.RAW, Stage.QUALIFIED))

        def count(cond: Expression) -> int:
            return Lead.select().where(scope & cond).count()

        return QueueCounts(
            due_today=count(
                working & (Lead.next_action_due >= c.now) & (Lead.next_action_due < c.day_end)
            ),
            overdue=count(working & (Lead.next_action_due < c.now)),
            new_untouched=count((Lead.stage == Stage.RAW) & (Lead.touch_count == 0)),
            resurfacing=count((Lead.stage == Stage.INCUBATING) & (Lead.resurface_on <= c.now)),
            total_open=Lead.select().where(scope).count(),
        )


def change_token() -> int:
    """Grows whenever any lead changes (the newest event id): cheap polling for live refresh."""
    with reading():
        return int(LeadEvent.select(fn.MAX(LeadEvent.id)).scalar() or 0)


def changed_since(token: int, ids: list[int] | None = None) -> list[int]:
    """Ids of leads with events after `token` (restricted to `ids` when given)."""
    with reading():
        query = LeadEvent.select(LeadEvent.lead_id).where(LeadEvent.id > token).distinct()
        if ids is not None:
            query = query.where(LeadEvent.lead_id.in_(ids))
        return [i for (i,) in query.tuples()]
