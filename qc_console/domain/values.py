"""Frozen values that services return and the UI and CLI show. No ORM objects leave services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from qc_console.domain.codes import Role, Source
from qc_console.domain.priority import Priority
from qc_console.domain.stages import Rating, Stage


@dataclass(frozen=True)
class RepView:
    id: int
    name: str
    role: Role
    active: bool = True


@dataclass(frozen=True)
class LeadView:
    """One lead as a rep sees it."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    company: str
    title: str
    source: Source
    campaign: str | None
    stage: Stage
    rating: Rating | None
    owner: str | None
    sales_owner: str | None
    touch_count: int
    voicemail_count: int
    first_touch_at: datetime | None
    last_touch_at: datetime | None
    next_action_due: datetime | None
    next_action_note: str
    resurface_on: datetime | None
    reason: str
    """Why the lead stands where it is: incubation, purge or rejection reason."""
    amount: float | None
    created_at: datetime
    stage_entered_at: datetime
    updated_at: datetime
    updated_by: str | None
    version: int
    do_not_contact: bool
    priority: Priority = Priority.REST

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email or f"#{self.id}"


@dataclass(frozen=True)
class TouchView:
    id: int
    at: datetime
    channel: str
    outcome: str
    note: str
    rep: str | None


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    kind: str
    actor: str | None
    from_stage: str | None
    to_stage: str | None
    data: dict[str, Any]
    batch: int | None


@dataclass(frozen=True)
class LeadDetail:
    lead: LeadView
    touches: tuple[TouchView, ...]
    events: tuple[EventView, ...]


class QueueView(StrEnum):
    """The tabs of the queue."""

    DUE = "due"
    NEW = "new"
    INCUBATING = "incubating"
    ALL_OPEN = "all"


@dataclass(frozen=True)
class QueueFilter:
    """What part of a queue to show. Empty fields do not filter."""

    view: QueueView = QueueView.ALL_OPEN
    stages: tuple[Stage, ...] = ()
    ratings: tuple[Rating, ...] = ()
    sources: tuple[Source, ...] = ()
    text: str = ""
    due_today: bool = False
    overdue: bool = False
    owner: str | None = None
    """Whose queue (default: the actor's own plus the pool)."""
    include_pool: bool = True
    ids: tuple[int, ...] = ()
    """Restrict to these leads (drill-downs)."""


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[LeadView, ...]
    offset: int
    has_more: bool


@dataclass(frozen=True)
class QueueCounts:
    """The header line of the queue."""

    due_today: int
    overdue: int
    new_untouched: int
    resurfacing: int
    total_open: int


@dataclass(frozen=True)
class Skipped:
    """A lead left out of a bulk action, and why."""

    lead_id: int
    label: str
    stage: Stage
    why: str


@dataclass(frozen=True)
class ActionResult:
    """What an action did: the changed leads as they are now, the batch, and a summary."""

    action: str
    leads: Sequence[LeadView]
    """The changed leads as they stood at commit (a bulk action's build when first read)."""
    batch_id: int | None
    message: str
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk action would do, before it runs."""

    action: str
    total: int
    by_stage: dict[str, int]
    eligible: tuple[int, ...]
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    action: str
    leads: Sequence[LeadView]
    message: str


@dataclass(frozen=True)
class NewLead:
    """A lead to create (by hand, by seed or by import)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    company: str = ""
    title: str = ""
    country: str = ""
    source: Source = Source.OTHER
    campaign: str | None = None
    stage: Stage = Stage.RAW
    rating: Rating | None = None
    owner: str | None = None
    notes: str = ""
    do_not_contact: bool = False
