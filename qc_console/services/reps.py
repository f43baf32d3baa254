"""People and campaigns: the small tables the refinery refers to."""

from __future__ import annotations

from datetime import date, datetime

from peewee import IntegrityError

from qc_console.db.database import db, reading
from qc_console.db.models import Campaign, Rep
from qc_console.domain.codes import Role, Source
from qc_console.domain.errors import BadInput
from qc_console.domain.values import RepView
from qc_console.services._rows import rep_view, utcnow


def add_rep(
    name: str, role: Role | str, *, email: str = "", now: datetime | None = None
) -> RepView:
    """Add a person who works the refinery (QC rep, supervisor or sales rep)."""
    name = name.strip()
    if not name:
        raise BadInput("a rep needs a name")
    try:
        role = Role(role)
    except ValueError:
        raise BadInput(
            f"role must be one of {', '.join(r.value for r in Role)}, not {role!r}"
        ) from None
    try:
        with db.atomic():
            rep = Rep.create(name=name, role=role.value, email=email, created_at=now or utcnow())
    except IntegrityError:
        raise BadInput(f"a rep named {name!r} already exists") from None
    return rep_view(rep)


def list_reps(role: Role | None = None, *, active_only: bool = False) -> list[RepView]:
    with reading():
        query = Rep.select().order_by(Rep.name)
        if role is not None:
            query = query.where(Rep.role == role.value)
        if active_only:
            query = query.where(Rep.active == True)  # noqa: E712
        return [rep_view(r) for r in query]


def get_rep(name: str) -> RepView | None:
    with reading():
        rep = Rep.get_or_none(Rep.name == name)
        return rep_view(rep) if rep else None


def add_campaign(
    name: str,
    source: Source | str,
    *,
    cost: float = 0.0,
    starts_on: date | None = None,
    now: datetime | None = None,
) -> int:
    try:
        with db.atomic():
            return int(
                Campaign.insert(
                    name=name,
                    source=Source(source).value,
                    cost=cost,
                    starts_on=starts_on,
                    created_at=now or utcnow(),
                ).execute()
            )
    except IntegrityError:
        raise BadInput(f"a campaign named {name!r} already exists") from None


def list_campaigns() -> list[str]:
    with reading():
        return [c.name for c in Campaign.select(Campaign.name).order_by(Campaign.name)]
