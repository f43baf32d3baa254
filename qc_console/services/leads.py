"""Creating leads, reading one lead whole, and claiming the next one from the pool."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from qc_console.db.database import db, is_postgres, reading
from qc_console.db.lead_keys import lead_with_key
from qc_console.db.models import Batch, Campaign, Lead, LeadEvent, Rep, Touch
from qc_console.domain.codes import Role
from qc_console.domain.errors import BadInput, DuplicateLead, NotAllowed
from qc_console.domain.keys import email_key, is_valid_email, phone_key
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.domain.stages import QC_OPEN, RATING_RANK, Stage
from qc_console.domain.values import (
    ActionResult,
    EventView,
    LeadDetail,
    NewLead,
    TouchView,
)
from qc_console.services._apply import Planned, new_batch, write
from qc_console.services._rows import Names, load_row, to_view, utcnow
from qc_console.services._runner import resolve_actor
from qc_console.services.open_leads import open_only
from qc_console.services.queue import priority_order, queue_clock


def create_lead(
    new: NewLead, *, actor: str, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> ActionResult:
    """Create one lead by hand (refused when the email or phone already belongs to a lead)."""
    now = now or utcnow()
    ekey, pkey = email_key(new.email), phone_key(new.phone)
    if ekey and not is_valid_email(new.email):
        raise BadInput(f"email {new.email!r} is not a valid address")
    if not ekey and not pkey:
        raise BadInput("a lead needs an email or a phone number")
    if new.stage not in (Stage.RAW, Stage.QUALIFIED):
        raise BadInput(f"a new lead starts raw or qualified, not {new.stage}")
    if new.stage == Stage.QUALIFIED and new.rating is None:
        raise BadInput("a qualified lead needs a rating (low, medium, high)")
    with db.atomic():
        names = Names()
        rep = resolve_actor(names, actor)
        if rep.role == Role.SALES:
            raise NotAllowed(f"{rep.name} (sales) cannot create qualifying leads")
        for key, value in (("email", ekey), ("phone", pkey)):
            if value:
                hit = lead_with_key(key, value)  # also leads row-level security hides
                if hit is not None:
                    raise DuplicateLead(hit, f"{key} {value}")
                if key == "email":
                    break  # the email is the key; the phone only when there is no email
        owner = names.rep_by_name(new.owner) if new.owner else rep
        if rep.role == Role.REP and owner.id != rep.id:
            raise NotAllowed(f"{rep.name} (rep) cannot create a lead for {owner.name}")
        campaign_id = None
        if new.campaign:
            campaign = Campaign.get_or_none(Campaign.name == new.campaign)
            if campaign is None:
                raise BadInput(f"no campaign named {new.campaign!r}")
            campaign_id = campaign.id
        first_due = now + (rules.speed_to_lead if new.stage == Stage.RAW else timedelta(days=1))
        lead_id = Lead.insert(
            first_name=new.first_name,
            last_name=new.last_name,
            email=new.email.strip(),
            email_key=ekey,
            phone=new.phone.strip(),
            phone_key=pkey,
            company=new.company,
            title=new.title,
            country=new.country,
            notes=new.notes,
            source=new.source.value,
            campaign=campaign_id,
            stage=new.stage.value,
            rating=new.rating.value if new.rating else None,
            rating_rank=RATING_RANK[new.rating],
            owner=owner.id,
            created_at=now,
            stage_entered_at=now,
            updated_at=now,
            updated_by=rep.id,
            next_action_due=None if new.do_not_contact else first_due,
            next_action_note="" if new.do_not_contact else "first touch",
            do_not_contact=new.do_not_contact,
        ).execute()
        batch_id = new_batch(rep.id, "create", now)
        row = load_row(int(lead_id))
        # The creation event: "before" is empty so undo knows it must retire the lead.
        write(
            [Planned(row, {}, "create", {"created": True, "source": new.source.value})],
            actor_id=rep.id,
            batch_id=batch_id,
            now=now,
        )
        view = to_view(row, names)
    return ActionResult("create", (view,), batch_id, f"created #{view.id} {view.name}")


def lead_detail(lead_id: int) -> LeadDetail:
    """The lead with its touches and events, newest first."""
    with reading():
        names = Names()
        row = load_row(lead_id)
        touches = tuple(
            TouchView(t.id, t.at, t.channel, t.outcome, t.note, names.rep_name(t.rep_id))
            for t in Touch.select()
            .where(Touch.lead == lead_id)
            .order_by(Touch.at.desc(), Touch.id.desc())
        )
        events = tuple(
            EventView(
                e.id,
                e.at,
                e.kind,
                names.rep_name(e.actor_id),
                e.from_stage,
                e.to_stage,
                json.loads(e.data),
                e.batch_id,
            )
            for e in LeadEvent.select()
            .where(LeadEvent.lead == lead_id)
            .order_by(LeadEvent.id.desc())
        )
        return LeadDetail(to_view(row, names, queue_clock()), touches, events)


def claim_next(
    *, actor: str, now: datetime | None = None, rules: Rules = DEFAULT_RULES
) -> ActionResult:
    """Take the most urgent lead from the shared pool, atomically: two reps never get the same.

    PostgreSQL skips rows another transaction has locked (FOR UPDATE SKIP LOCKED); SQLite holds
    the database's write lock for the whole IMMEDIATE transaction.
    """
    now = now or utcnow()
    clock = queue_clock(now, rules)
    with db.atomic():
        names = Names()
        rep = resolve_actor(names, actor)
        if rep.role == Role.SALES:
            raise NotAllowed(f"{rep.name} (sales) does not work the qualifying pool")
        query = (
            Lead.select(Lead.id)
            .where(
                open_only(
                    Lead.owner.is_null()
                    & Lead.stage.in_([s.value for s in QC_OPEN])
                    & (Lead.do_not_contact == False)  # noqa: E712 (SQL, not Python)
                )
            )
            .order_by(*priority_order(clock))
            .limit(1)
        )
        if is_postgres():
            query = query.for_update(skip_locked=True)
        hit = query.first()
        if hit is None:
            return ActionResult("claim", (), None, "the pool is empty")
        row = load_row(hit.id)
        batch_id = new_batch(rep.id, "claim", now)
        write(
            [Planned(row, {"owner_id": rep.id}, "claim", {})],
            actor_id=rep.id,
            batch_id=batch_id,
            now=now,
        )
        view = to_view(row, names, clock)
    return ActionResult("claim", (view,), batch_id, f"claimed #{view.id} {view.name}")


def rep_names(role: Role | None = None) -> list[str]:
    query = Rep.select(Rep.name).where(Rep.active == True)  # noqa: E712
    if role is not None:
        query = query.where(Rep.role == role.value)
    return [r.name for r in query.order_by(Rep.name)]


def last_hand_off_target(*, actor: str) -> str | None:
    """The sales rep `actor` last handed a lead to."""
    with reading():
        names = Names()
        rep = names.rep_by_name(actor)
        # by the actor's batches (index `batch (actor_id, id)`); events have no actor index
        batch = (
            Batch.select(Batch.id)
            .where((Batch.actor == rep.id) & (Batch.action == "hand_off"))
            .order_by(Batch.id.desc())
            .first()
        )
        if batch is None:
            return None
        event = (
            LeadEvent.select(LeadEvent.data)
            .where((LeadEvent.batch == batch.id) & (LeadEvent.kind == "hand_off"))
            .first()
        )
        return json.loads(event.data).get("to") if event else None
