"""Defaults of the refinery's rules; the user's settings file may override them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class AgingBucket:
    label: str
    upper: timedelta | None  # None: open-ended


DEFAULT_AGING = (
    AgingBucket("0-1h", timedelta(hours=1)),
    AgingBucket("1-24h", timedelta(hours=24)),
    AgingBucket("1-3d", timedelta(days=3)),
    AgingBucket("3-7d", timedelta(days=7)),
    AgingBucket("7-30d", timedelta(days=30)),
    AgingBucket(">30d", None),
)


@dataclass(frozen=True)
class Rules:
    """The refinery's rules of work."""

    cadence_target: int = 6
    """Attempts before the console suggests incubating."""
    max_voicemails: int = 2
    speed_to_lead: timedelta = timedelta(minutes=15)
    """A new raw lead should be touched within this time."""
    handoff_sla_business_days: int = 2
    """Sales should accept or reject a hand-off within this many business days."""
    incubation_days: int = 30
    aging_buckets: tuple[AgingBucket, ...] = field(default=DEFAULT_AGING)


DEFAULT_RULES = Rules()
