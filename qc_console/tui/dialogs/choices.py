"""What the dialogs return: frozen values, times as naive LOCAL datetimes (what a rep typed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from qc_console.domain.codes import Channel, Outcome, PurgeReason


@dataclass(frozen=True)
class IncubateChoice:
    until: datetime
    """When the lead comes back (naive local time)."""
    reason: str


@dataclass(frozen=True)
class PurgeChoice:
    reason: PurgeReason
    note: str


@dataclass(frozen=True)
class TouchChoice:
    channel: Channel
    outcome: Outcome
    note: str
    next_due: datetime | None
    """The next action offered after the touch (naive local), or None to keep none."""
    next_note: str


@dataclass(frozen=True)
class NextActionChoice:
    due: datetime
    """Naive local time."""
    note: str
