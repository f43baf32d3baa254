"""The order in which a rep should work the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from qc_console.domain.stages import Stage


class Priority(IntEnum):
    """Queue priority classes, most urgent first."""

    SLA_BREACH = 0
    """A new raw lead untouched past the speed-to-lead SLA."""
    OVERDUE = 1
    """The next action was due before now."""
    DUE_TODAY = 2
    RESURFACED = 3
    """An incubation whose resurface date has come."""
    REST = 4
    """Everything else, by rating (high first) then age (oldest first)."""


MARKERS: dict[Priority, str] = {
    Priority.SLA_BREACH: "‼",
    Priority.OVERDUE: "!",
    Priority.DUE_TODAY: "•",
    Priority.RESURFACED: "↺",
    Priority.REST: " ",
}


@dataclass(frozen=True)
class Clock:
    """The instants the priority rules compare against, all naive UTC."""

    now: datetime
    day_end: datetime
    """End of the rep's local day, in UTC."""
    sla_cutoff: datetime
    """Raw leads created before this and still untouched breach speed-to-lead."""

    @classmethod
    def at(cls, now: datetime, *, day_end: datetime, speed_to_lead: timedelta) -> Clock:
        return cls(now=now, day_end=day_end, sla_cutoff=now - speed_to_lead)


def classify(
    *,
    stage: Stage,
    touch_count: int,
    created_at: datetime,
    next_action_due: datetime | None,
    resurface_on: datetime | None,
    clock: Clock,
) -> Priority:
    """The priority class of one lead (the SQL in services.queue mirrors this)."""
    if stage == Stage.RAW and touch_count == 0 and created_at < clock.sla_cutoff:
        return Priority.SLA_BREACH
    if stage == Stage.INCUBATING:
        if resurface_on is not None and resurface_on <= clock.now:
            return Priority.RESURFACED
        return Priority.REST
    if next_action_due is not None and next_action_due < clock.now:
        return Priority.OVERDUE
    if next_action_due is not None and next_action_due < clock.day_end:
        return Priority.DUE_TODAY
    return Priority.REST
