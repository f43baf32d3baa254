"""Loading leads as plain rows and turning them into `LeadView`s."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, overload

from peewee import chunked

from qc_console.db.database import is_postgres
from qc_console.db.models import Campaign, Lead, Rep
from qc_console.domain.codes import Role, Source
from qc_console.domain.errors import LeadNotFound, RepNotFound
from qc_console.domain.priority import Clock, Priority, classify
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import LeadView, RepView

Row = dict[str, Any]
CHUNK = 2000


def utcnow() -> datetime:
    """Now as naive UTC, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


class Names:
    """Rep and campaign names by id, loaded once per call (both tables are small)."""

    def __init__(self) -> None:
        self.reps: dict[int, Rep] = {r.id: r for r in Rep.select()}
        self._campaigns: dict[int, str] | None = None

    @property
    def campaigns(self) -> dict[int, str]:
        if self._campaigns is None:
            self._campaigns = dict(Campaign.select(Campaign.id, Campaign.name).tuples())
        return self._campaigns

    def rep_name(self, rep_id: int | None) -> str | None:
        return self.reps[rep_id].name if rep_id in self.reps else None

    def rep_by_name(self, name: str) -> Rep:
        for rep in self.reps.values():
            if rep.name == name:
                return rep
        for rep in self.reps.values():  # forgiving: case-insensitive when unique
            if rep.name.lower() == name.lower():
                return rep
        raise RepNotFound(name)


def rep_view(rep: Rep) -> RepView:
    return RepView(id=rep.id, name=rep.name, role=Role(rep.role), active=rep.active)


def lead_columns() -> list[Any]:
    return list(Lead._meta.sorted_fields)


def load_rows(ids: Iterable[int], *, lock: bool = False) -> dict[int, Row]:
    """Leads by id as dicts of column values (FK columns as `owner_id` …).

    With `lock`, PostgreSQL rows are locked FOR UPDATE, in id order so that two bulk actions
    on overlapping leads wait for each other instead of deadlocking; SQLite already holds the
    write lock for the whole IMMEDIATE transaction.
    """
    out: dict[int, Row] = {}
    lock = lock and is_postgres()
    wanted = sorted(set(ids)) if lock else list(dict.fromkeys(ids))
    for chunk in chunked(wanted, CHUNK):
        query = Lead.select().where(Lead.id.in_(chunk))
        if lock:
            query = query.order_by(Lead.id).for_update()
        for row in query.dicts():
            out[row["id"]] = _normalise(row)
    return out


def load_row(lead_id: int) -> Row:
    rows = load_rows([lead_id])
    if lead_id not in rows:
        raise LeadNotFound(lead_id, maybe_hidden=is_postgres())
    return rows[lead_id]


def _normalise(row: Row) -> Row:
    # `.dicts()` names FKs after the field; the writers use the column names.
    for fk in ("owner", "sales_owner", "campaign", "updated_by"):
        if fk in row:
            row[f"{fk}_id"] = row.pop(fk)
    return row


def label(row: Row) -> str:
    name = f"{row['first_name']} {row['last_name']}".strip()
    return name or row["email"] or row["company"]


def lead_ref(row: Row) -> str:
    """`lead #12 (Ann Lee)`: how a refusal names the lead."""
    return f"lead #{row['id']} ({label(row)})"


_SOURCES = {s.value: s for s in Source}
_STAGES = {s.value: s for s in Stage}
_RATINGS = {r.value: r for r in Rating}
_new = object.__new__


def to_view(row: Row, names: Names, clock: Clock | None = None) -> LeadView:
    """A frozen view of a row; `clock` sets its priority class.

    The fields are set without the frozen dataclass's `__init__` (29 `object.__setattr__`
    calls) and the enums come from dicts: a bulk action returns 10,000 of these."""
    stage = _STAGES[row["stage"]]
    priority = Priority.REST
    if clock is not None:
        priority = classify(
            stage=stage,
            touch_count=row["touch_count"],
            created_at=row["created_at"],
            next_action_due=row["next_action_due"],
            resurface_on=row["resurface_on"],
            clock=clock,
        )
    amount, reps, rating, campaign_id = row["amount"], names.reps, row["rating"], row["campaign_id"]
    owner, sales_owner, updated_by = (
        reps.get(row["owner_id"]),
        reps.get(row["sales_owner_id"]),
        reps.get(row["updated_by_id"]),
    )
    view = _new(LeadView)
    view.__dict__.update(
        id=row["id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        phone=row["phone"],
        company=row["company"],
        title=row["title"],
        source=_SOURCES[row["source"]],
        campaign=names.campaigns.get(campaign_id) if campaign_id else None,
        stage=stage,
        rating=_RATINGS[rating] if rating else None,
        owner=None if owner is None else owner.name,
        sales_owner=None if sales_owner is None else sales_owner.name,
        touch_count=row["touch_count"],
        voicemail_count=row["voicemail_count"],
        first_touch_at=row["first_touch_at"],
        last_touch_at=row["last_touch_at"],
        next_action_due=row["next_action_due"],
        next_action_note=row["next_action_note"],
        resurface_on=row["resurface_on"],
        reason=row["reason"] or row["reason_code"],
        amount=float(amount) if amount is not None else None,
        created_at=row["created_at"],
        stage_entered_at=row["stage_entered_at"],
        updated_at=row["updated_at"],
        updated_by=None if updated_by is None else updated_by.name,
        version=row["version"],
        do_not_contact=bool(row["do_not_contact"]),
        priority=priority,
    )
    return view


class LeadViews(Sequence[LeadView]):
    """The leads an action changed, as views built the first time each is read.

    A bulk action over 10,000 leads returns them all, but a screen shows a page of them at
    most (the console reloads its page after a big batch) and a script counts them: building
    every view up front was ~40 ms of a 10,000-lead purge (bench/RESULTS.md, Bulk). The rows
    are the action's own, as they stood when it committed; reading a view never touches the
    database."""

    __slots__ = ("_names", "_rows", "_views")

    def __init__(self, rows: Sequence[Row], names: Names) -> None:
        names.campaigns  # noqa: B018 - loaded now, inside the caller's transaction
        self._rows = rows
        self._names = names
        self._views: list[LeadView | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> LeadView: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[LeadView, ...]: ...

    def __getitem__(self, index: int | slice) -> LeadView | tuple[LeadView, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        view = self._views[index]
        if view is None:
            view = self._views[index] = to_view(self._rows[index], self._names)
        return view

    def __iter__(self) -> Iterator[LeadView]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"LeadViews({len(self)} lead(s))"
