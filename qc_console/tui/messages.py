"""Messages from thread workers to the screens (the only way results reach widgets)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message

from qc_console.domain.errors import DomainError, StaleLead
from qc_console.domain.values import (
    ActionResult,
    LeadDetail,
    LeadView,
    QueueCounts,
    QueueFilter,
    QueuePage,
    UndoResult,
)


@dataclass
class PageLoaded(Message, bubble=False):
    """A page of the queue arrived (the first page replaces the table, later ones append)."""

    generation: int
    filter: QueueFilter
    page: QueuePage
    counts: QueueCounts | None
    token: int | None
    focus_id: int | None = None


@dataclass
class RowsRefreshed(Message, bubble=False):
    """Fresh copies of some leads: those still in the view are patched, the rest removed."""

    asked: tuple[int, ...]
    rows: tuple[LeadView, ...]
    counts: QueueCounts | None
    token: int | None
    reload: bool = False
    """Too much changed (or leads entered the view): reload the page instead."""


@dataclass
class CountsLoaded(Message, bubble=False):
    """Fresh header counts."""

    counts: QueueCounts


@dataclass
class ActionDone(Message, bubble=False):
    """A disposition was committed; `result.leads` are the leads as they now stand."""

    action: str
    result: ActionResult | UndoResult
    lead_ids: tuple[int, ...]


@dataclass
class ActionRefused(Message, bubble=False):
    """A service said no (a `DomainError`): the message is for the user, as a warning."""

    action: str
    error: DomainError
    lead_ids: tuple[int, ...]


@dataclass
class StaleRow(Message, bubble=False):
    """Someone changed the lead after it was shown; nothing was written."""

    error: StaleLead
    label: str


@dataclass
class DetailLoaded(Message, bubble=False):
    """A lead's full record arrived for the detail screen."""

    detail: LeadDetail


@dataclass
class LeadsChanged(Message, bubble=False):
    """Leads changed elsewhere (the detail screen acted): the queue patches its rows."""

    leads: Sequence[LeadView]
