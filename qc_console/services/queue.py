"""The rep's queue: one page in priority order, every id in that order, the header counts.

Each priority class is its own query walking an index in the class's order (`queue_sql`), so
the first page costs a few index probes whatever the size of the table; later pages count the
classes they skip. A page runs SQL kept as text on the driver's cursor and builds its
`LeadView`s straight from the rows: at 1M leads the ORM's share was three times the query's.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, time, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from peewee import Expression, fn

from qc_console.db import team as team_db
from qc_console.db.database import db, is_postgres, reading
from qc_console.db.models import Lead, LeadEvent
from qc_console.domain.codes import Source
from qc_console.domain.priority import Clock, classify
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import LeadView, QueueCounts, QueueFilter, QueuePage
from qc_console.services._rows import Names, utcnow
from qc_console.services.queue_sql import (
    ALL,
    _filters,
    _stages,
    classes,
    page_sql,
    priority_order,
    scope_of,
    slot_values,
)

__all__ = [
    "ALL",
    "_filters",
    "change_token",
    "changed_since",
    "local_day_end",
    "priority_order",
    "queue_clock",
    "queue_counts",
    "queue_ids",
    "queue_page",
]


def local_day_end(now: datetime) -> datetime:
    """The end of the local calendar day containing `now` (naive UTC in, naive UTC out)."""
    local = now.replace(tzinfo=UTC).astimezone()
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
    return end.astimezone(UTC).replace(tzinfo=None)


def queue_clock(now: datetime | None = None, rules: Rules = DEFAULT_RULES) -> Clock:
    now = now or utcnow()
    return Clock.at(now, day_end=local_day_end(now), speed_to_lead=rules.speed_to_lead)


class _Rep(NamedTuple):
    id: int
    name: str
    role: str
    active: bool


_NAMES_SQL = (
    "SELECT id, name, role, active FROM rep UNION ALL SELECT id, name, NULL, NULL FROM campaign"
)


class _Names(Names):
    """`Names` in one query on the raw cursor (a page needs them on every call, and each
    round trip to PostgreSQL counts)."""

    def __init__(self) -> None:
        self.reps = {}
        self._campaigns = {}
        for row in db.execute_sql(_NAMES_SQL).fetchall():
            if row[2] is None:
                self._campaigns[row[0]] = row[1]
            else:
                self.reps[row[0]] = _Rep(*row)  # type: ignore[assignment]


_VIEW_COLUMNS = (
    "id first_name last_name email phone company title source campaign_id stage rating "
    "owner_id sales_owner_id touch_count voicemail_count first_touch_at last_touch_at "
    "next_action_due next_action_note resurface_on reason reason_code amount created_at "
    "stage_entered_at updated_at updated_by_id version do_not_contact"
).split()
_SOURCES = {s.value: s for s in Source}
_STAGES = {s.value: s for s in Stage}
_RATINGS = {r.value: r for r in Rating}


def _dt(value: Any) -> Any:
    """SQLite gives times as text, PostgreSQL as datetimes."""
    return datetime.fromisoformat(value) if value.__class__ is str else value


_new = object.__new__
_VIEW_FIELDS = 29
"""`_views` fills every field of `LeadView` (checked here and by the queue tests)."""
if len(fields(LeadView)) != _VIEW_FIELDS:
    raise RuntimeError("LeadView changed: update services.queue._views and _rows.to_view")


def _views(cursor: Any, names: Names, c: Clock) -> list[LeadView]:
    """The cursor's lead rows as `_rows.to_view` makes them (a test holds the two equal).

    The views' fields are set without the frozen dataclass's `__init__`, which costs
    ~3 µs a view in `object.__setattr__` calls: a third of a page's time over the query."""
    at = {d[0]: i for i, d in enumerate(cursor.description)}
    pick = itemgetter(*(at[n] for n in _VIEW_COLUMNS))
    reps, campaigns = names.reps, names.campaigns

    def rep(rep_id: int | None) -> str | None:
        found = reps.get(rep_id)  # type: ignore[arg-type]
        return None if found is None else found.name

    out = []
    for raw in cursor.fetchall():
        (
            id_, first, last, email, phone, company, title, source, campaign_id, stage,
            rating, owner_id, sales_owner_id, touches, voicemails, first_touch, last_touch,
            due, note, resurface_on, reason, reason_code, amount, created_at, entered_at,
            updated_at, updated_by_id, version, dnc,
        ) = pick(raw)  # fmt: skip
        stage = _STAGES[stage]
        created_at, due, resurface_on = _dt(created_at), _dt(due), _dt(resurface_on)
        view = _new(LeadView)
        view.__dict__.update(
            id=id_,
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            company=company,
            title=title,
            source=_SOURCES[source],
            campaign=campaigns.get(campaign_id) if campaign_id else None,
            stage=stage,
            rating=_RATINGS[rating] if rating else None,
            owner=rep(owner_id),
            sales_owner=rep(sales_owner_id),
            touch_count=touches,
            voicemail_count=voicemails,
            first_touch_at=_dt(first_touch),
            last_touch_at=_dt(last_touch),
            next_action_due=due,
            next_action_note=note,
            resurface_on=resurface_on,
            reason=reason or reason_code,
            amount=float(amount) if amount is not None else None,
            created_at=created_at,
            stage_entered_at=_dt(entered_at),
            updated_at=_dt(updated_at),
            updated_by=rep(updated_by_id),
            version=version,
            do_not_contact=bool(dnc),
            priority=classify(
                stage=stage,
                touch_count=touches,
                created_at=created_at,
                next_action_due=due,
                resurface_on=resurface_on,
                clock=c,
            ),
        )
        out.append(view)
    return out


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
        names = _Names()
        cursor = db.cursor()
        views: list[LeadView] = []
        skip = offset
        for cls in page_sql(f, scope_of(f, names, actor)):
            if len(views) > limit:
                break
            if skip:
                cursor.execute(cls.count.sql, cls.count.args(slot_values(c, 0, 0)))
                n = cursor.fetchone()[0]
                if n <= skip:
                    skip -= n
                    continue
            want = limit + 1 - len(views)  # one extra row tells whether there is a next page
            cursor.execute(cls.page.sql, cls.page.args(slot_values(c, skip, want)))
            views += _views(cursor, names, c)
            skip = 0
    return QueuePage(rows=tuple(views[:limit]), offset=offset, has_more=len(views) > limit)


def queue_ids(
    f: QueueFilter, *, actor: str, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> list[int]:
    """Every lead id matching the filter, in queue order (select-all across pages)."""
    c = queue_clock(now, rules)
    with reading():
        scope = scope_of(f, Names(), actor)
        out: list[int] = []
        for _prio, where, order, _parts in classes(f, scope, c):
            out.extend(i for (i,) in Lead.select(Lead.id).where(where).order_by(*order).tuples())
    return out


def queue_counts(
    f: QueueFilter, *, actor: str, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> QueueCounts:
    """The header line: due today, overdue, new untouched, resurfacing, all open."""
    c = queue_clock(now, rules)
    with reading():
        whose = QueueFilter(owner=f.owner, include_pool=f.include_pool)
        scope = scope_of(whose, Names(), actor)
        # SQLite: one owner a query, each one index range (an OR of owners read the stage
        # index over everyone's leads); PostgreSQL ORs the ranges itself (BitmapOr).
        parts = [scope.expression()] if is_postgres() else scope.by_owner()
        if f.ids:  # a drill-down counts its own leads, not the whole scope
            parts = [p & Lead.id.in_(list(f.ids)) for p in parts]
        working = Lead.stage.in_(_stages(Stage.RAW, Stage.QUALIFIED))

        def count(cond: Expression | None) -> int:
            return sum(Lead.select().where(_and(p, cond)).count() for p in parts)

        return QueueCounts(
            due_today=count(
                working & (Lead.next_action_due >= c.now) & (Lead.next_action_due < c.day_end)
            ),
            overdue=count(working & (Lead.next_action_due < c.now)),
            new_untouched=count((Lead.stage == Stage.RAW) & (Lead.touch_count == 0)),
            resurfacing=count((Lead.stage == Stage.INCUBATING) & (Lead.resurface_on <= c.now)),
            total_open=count(None),
        )


def _and(where: Expression, cond: Expression | None) -> Expression:
    return where if cond is None else where & cond


def change_token() -> int:
    """Grows whenever a lead the actor can see changes (an event id): cheap polling for live
    refresh. PostgreSQL: see `db.team.change_token` (row-level security made max(id) slow)."""
    if is_postgres():
        return team_db.change_token()
    with reading():
        return int(LeadEvent.select(fn.MAX(LeadEvent.id)).scalar() or 0)


def changed_since(token: int, ids: list[int] | None = None) -> list[int]:
    """Ids of leads with events after `token` (restricted to `ids` when given). In team mode
    also the leads those events took out of the actor's sight (reassigned, claimed)."""
    with reading():
        query = LeadEvent.select(LeadEvent.lead_id).where(LeadEvent.id > token).distinct()
        if ids is not None:
            query = query.where(LeadEvent.lead_id.in_(ids))
        found = [i for (i,) in query.tuples()]
        if is_postgres():
            wanted = None if ids is None else set(ids)
            gone = [i for i in team_db.left_view(token) if wanted is None or i in wanted]
            found += sorted(set(gone) - set(found))
        return found
