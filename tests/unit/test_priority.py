"""The queue's priority classes (speed-to-lead → overdue → due today → resurfaced → rest)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from qc_console.domain.priority import MARKERS, Clock, Priority, classify
from qc_console.domain.settings import DEFAULT_RULES
from qc_console.domain.stages import Stage

NOW = datetime(2026, 3, 4, 15, 0)
CLOCK = Clock.at(NOW, day_end=datetime(2026, 3, 5, 0, 0), speed_to_lead=timedelta(minutes=15))
H = timedelta(hours=1)
M = timedelta(minutes=1)


def _classify(
    stage: str = "qualified",
    touches: int = 1,
    created: datetime = NOW - 48 * H,
    due: datetime | None = None,
    resurface: datetime | None = None,
) -> Priority:
    return classify(
        stage=Stage(stage),
        touch_count=touches,
        created_at=created,
        next_action_due=due,
        resurface_on=resurface,
        clock=CLOCK,
    )


def test_the_clock_derives_the_sla_cutoff() -> None:
    assert CLOCK.sla_cutoff == NOW - 15 * M
    assert DEFAULT_RULES.speed_to_lead == 15 * M


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # speed-to-lead: raw, untouched, older than the SLA — even when a next action is far off
        ({"stage": "raw", "touches": 0, "created": NOW - 16 * M}, Priority.SLA_BREACH),
        (
            {"stage": "raw", "touches": 0, "created": NOW - H, "due": NOW + 48 * H},
            Priority.SLA_BREACH,
        ),
        # the SLA boundary is strict; a touch or a younger lead stops the breach
        ({"stage": "raw", "touches": 0, "created": NOW - 15 * M, "due": NOW + M}, 2),
        ({"stage": "raw", "touches": 1, "created": NOW - H, "due": NOW - M}, 1),
        ({"stage": "qualified", "touches": 0, "created": NOW - H, "due": NOW - M}, 1),
        # overdue / due today / later
        ({"due": NOW - M}, Priority.OVERDUE),
        ({"due": NOW}, Priority.DUE_TODAY),
        ({"due": NOW + 8 * H}, Priority.DUE_TODAY),
        ({"due": datetime(2026, 3, 5, 0, 0)}, Priority.REST),
        ({"due": None}, Priority.REST),
        # incubating: only its resurface date counts
        ({"stage": "incubating", "resurface": NOW}, Priority.RESURFACED),
        ({"stage": "incubating", "resurface": NOW - 24 * H}, Priority.RESURFACED),
        ({"stage": "incubating", "resurface": NOW + M, "due": NOW - H}, Priority.REST),
        ({"stage": "incubating", "resurface": None}, Priority.REST),
    ],
)
def test_classify(kwargs: dict, expected: int) -> None:
    assert _classify(**kwargs) == Priority(expected)


def test_the_order_and_markers() -> None:
    assert sorted(Priority) == [
        Priority.SLA_BREACH,
        Priority.OVERDUE,
        Priority.DUE_TODAY,
        Priority.RESURFACED,
        Priority.REST,
    ]
    assert set(MARKERS) == set(Priority)
    shown = [MARKERS[p] for p in Priority if p != Priority.REST]
    assert len(set(shown)) == len(shown) and all(m.strip() for m in shown)
