"""Planning an import: which rows become new leads, which merge into a lead as touches.

The plan does not depend on the order of the file's rows. Rows with an email group by email
key; a row with only a phone joins the person of this file who has that phone (the smallest
email key when several do), else the existing lead with it, else the others with that phone.
Within a person, rows sort by when they happened: the earliest creates the lead, the later ones
become touches. A row that records the same interaction again (the same order or submission, or
the very same values) merges without a second touch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from qc_console.domain.codes import Channel, Source
from qc_console.domain.stages import RATING_RANK, Rating, Stage
from qc_console.importing.values import ImportRow

FILLABLE = ("first_name", "last_name", "phone", "company", "title", "country")
"""Blank fields a later row (or a re-import) may fill in; nothing known is overwritten."""

CHANNELS = {
    Source.TRADE_SHOW: Channel.EVENT,
    Source.WEB_DOWNLOAD: Channel.WEB,
    Source.CAMPAIGN_INQUIRY: Channel.EMAIL,
    Source.REFERRAL: Channel.EMAIL,
    Source.SALES_PROSPECTING: Channel.EMAIL,
    Source.OTHER: Channel.WEB,
}
"""The channel of the touch a repeated contact gets, from the row's source."""


@dataclass(slots=True)
class Group:
    """One person in the file: a new lead (`first` creates it) or an existing lead."""

    lead_id: int | None
    rows: list[ImportRow] = field(default_factory=list)
    first: ImportRow | None = None
    touches: list[ImportRow] = field(default_factory=list)
    do_not_contact: bool = False
    rating: Rating | None = None
    qualified: bool = False

    def fill(self) -> dict[str, str]:
        """The first non-blank value of each fillable field over the group's rows."""
        out: dict[str, str] = {}
        for row in self.rows:
            for name in FILLABLE:
                if name not in out and getattr(row, name):
                    out[name] = getattr(row, name)
        return out


@dataclass
class Plan:
    groups: list[Group]
    new: int = 0
    merged: int = 0
    do_not_contact: int = 0

    @property
    def new_groups(self) -> list[Group]:
        return [g for g in self.groups if g.lead_id is None]

    @property
    def existing_groups(self) -> list[Group]:
        return [g for g in self.groups if g.lead_id is not None]


def _when(row: ImportRow) -> tuple[object, ...]:
    """Sort key: the earliest interaction first, rows without a date last, then by content."""
    return (
        row.at is None,
        row.at or datetime.min,
        row.email, row.phone, row.first_name, row.last_name, row.company, row.title,
        row.country, row.notes, row.source or "", row.campaign or "", row.stage,
        row.rating or "", row.do_not_contact, row.identity,
    )  # fmt: skip


def plan_rows(
    rows: Sequence[ImportRow],
    by_email_db: Callable[[set[str]], dict[str, int]],
    by_phone_db: Callable[[set[str]], dict[str, int]],
) -> Plan:
    """Group the rows by person; `by_*_db` look keys up among existing leads."""
    by_email: dict[str, list[ImportRow]] = {}
    phone_only: list[ImportRow] = []
    for row in rows:
        if row.email_key:
            if row.email_key in by_email:
                by_email[row.email_key].append(row)
            else:
                by_email[row.email_key] = [row]
        else:
            phone_only.append(row)
    known_email = by_email_db(set(by_email))
    # The person of this file who has a phone-only row's phone: the smallest email key.
    wanted = {r.phone_key for r in phone_only} - {""}
    phone_owner: dict[str, str] = {}
    if wanted:
        for key, members in by_email.items():
            for row in members:
                phone = row.phone_key
                if phone in wanted and (phone not in phone_owner or key < phone_owner[phone]):
                    phone_owner[phone] = key
    known_phone = by_phone_db(wanted - set(phone_owner))
    new: dict[object, Group] = {}
    existing: dict[int, Group] = {}

    def group(key: object, lead_id: int | None) -> Group:
        if lead_id is not None:
            if lead_id not in existing:
                existing[lead_id] = Group(lead_id)
            return existing[lead_id]
        if key not in new:
            new[key] = Group(None)
        return new[key]

    for key, members in by_email.items():
        lead_id = known_email.get(key)
        if lead_id is None and key not in new:
            new[key] = Group(None, members)  # the common case: a new person
        else:
            group(key, lead_id).rows.extend(members)
    for row in phone_only:
        owner = phone_owner.get(row.phone_key)
        if owner is not None:
            found = group(owner, known_email.get(owner))
        else:
            found = group(("phone", row.phone_key), known_phone.get(row.phone_key))
        found.rows.append(row)
    plan = Plan(groups=[*new.values(), *existing.values()])
    qualified = Stage.QUALIFIED
    for each in plan.groups:
        if each.lead_id is None and len(each.rows) == 1:  # the common case, as _settle does it
            row = each.first = each.rows[0]
            plan.new += 1
            if row.do_not_contact:
                plan.do_not_contact += 1
                each.do_not_contact = True
            if row.stage == qualified:
                each.qualified = True
                each.rating = row.rating
        else:
            _settle(plan, each)
    return plan


def _settle(plan: Plan, group: Group) -> None:
    if len(group.rows) > 1:
        group.rows.sort(key=_when)
    seen: set[tuple[object, ...]] = set()
    if group.lead_id is None:
        group.first = group.rows[0]
        seen.add(group.first.identity)
        plan.new += 1
        plan.merged += len(group.rows) - 1
    else:
        plan.merged += len(group.rows)
    for row in group.rows:
        if row.identity not in seen:
            seen.add(row.identity)
            group.touches.append(row)
        if row.do_not_contact:
            plan.do_not_contact += 1
            group.do_not_contact = True
        if row.stage == Stage.QUALIFIED:
            group.qualified = True
            if RATING_RANK[row.rating] > RATING_RANK[group.rating]:
                group.rating = row.rating
