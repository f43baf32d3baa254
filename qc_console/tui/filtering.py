"""Whether a lead belongs in the view on screen, decided in memory.

After an action the console patches the row or drops it without asking the database again;
this mirrors the WHERE clauses of `services.queue` (scope, view, filter) for one lead.
"""

from __future__ import annotations

from qc_console.domain.filters import ALL_OWNERS
from qc_console.domain.priority import Clock
from qc_console.domain.stages import QC_OPEN, Stage
from qc_console.domain.values import LeadView, QueueFilter, QueueView


def in_scope(lead: LeadView, f: QueueFilter, actor: str) -> bool:
    """The lead is open QC work of the queue's owner (or the pool)."""
    if lead.stage not in QC_OPEN or lead.do_not_contact:
        return False
    owner = f.owner or actor
    if owner == ALL_OWNERS:
        return True
    return lead.owner == owner or (f.include_pool and lead.owner is None)


def in_view(lead: LeadView, view: QueueView, c: Clock) -> bool:
    working = lead.stage in (Stage.RAW, Stage.QUALIFIED)
    if view == QueueView.NEW:
        return lead.stage == Stage.RAW and lead.touch_count == 0
    if view == QueueView.INCUBATING:
        return lead.stage == Stage.INCUBATING
    if view == QueueView.DUE:
        due = lead.next_action_due
        resurface = lead.resurface_on
        breach = (
            lead.stage == Stage.RAW and lead.touch_count == 0 and lead.created_at < c.sla_cutoff
        )
        return (
            (working and due is not None and due < c.day_end)
            or (lead.stage == Stage.INCUBATING and resurface is not None and resurface <= c.now)
            or breach
        )
    return True


def passes_filter(lead: LeadView, f: QueueFilter, c: Clock) -> bool:
    if f.stages and lead.stage not in f.stages:
        return False
    if f.ratings and lead.rating not in f.ratings:
        return False
    if f.sources and lead.source not in f.sources:
        return False
    due = lead.next_action_due
    if f.due_today and not (due is not None and c.now <= due < c.day_end):
        return False
    if f.overdue and not (due is not None and due < c.now):
        return False
    if f.ids and lead.id not in f.ids:
        return False
    needle = f.text.strip().lower()
    if needle:
        full = f"{lead.first_name} {lead.last_name}".lower()
        if not any(needle in hay for hay in (full, lead.company.lower(), lead.email.lower())):
            return False
    return True


def matches(lead: LeadView, f: QueueFilter, c: Clock, actor: str) -> bool:
    """True when the queue `f` of `actor` would list `lead` at `c`."""
    return in_scope(lead, f, actor) and in_view(lead, f.view, c) and passes_filter(lead, f, c)
