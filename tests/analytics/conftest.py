"""A small history built by hand through the real services, spread over four ISO weeks
(week 3 empty), with a recycled lead, a lead that skips raw, undone actions and an undone
creation. The expected figures in the tests are worked out from this timeline by hand."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from qc_console.domain.codes import Source
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import NewLead
from qc_console.services import dispositions as d
from qc_console.services import leads, reps, sales, touches, undo
from tests.conftest import NOW as TEST_NOW

W1 = date(2026, 1, 5)  # a Monday
W2, W3, W4 = (W1 + timedelta(weeks=i) for i in (1, 2, 3))
AFTER = datetime(2026, 1, 30, 12)  # Friday of W4: the reports' "now"


def at(week: date, day: int, hour: int, minute: int = 0) -> datetime:
    """`day` 0 = Monday of `week`."""
    return datetime(week.year, week.month, week.day, hour, minute) + timedelta(days=day)


@dataclass
class History:
    l1: int  # ann, trade_show/Expo: raw → qualified → handed_off → accepted 1000 → won 1200
    l2: int  # ann, web_download: raw → purged, no touches
    l3: int  # bob, created qualified (skips raw) → handed off → rejected → handed off (pending)
    l4: int  # ann, trade_show/Expo: raw, 2 touches (a 3rd undone), qualify undone, incubated
    l5: int  # bob: creation undone (vanishes from every figure)


def build_history(step: Callable[[], None] = lambda: None) -> History:
    """Run the timeline; `step` is called after every action (to interleave refreshes)."""
    reps.add_campaign("Expo", Source.TRADE_SHOW, cost=600, now=at(W1, 0, 8))

    def new(email: str, actor: str, when: datetime, **kw: object) -> int:
        lead = leads.create_lead(NewLead(email=email, **kw), actor=actor, now=when).leads[0]  # type: ignore[arg-type]
        step()
        return lead.id

    def do(fn: Callable[..., object], *args: object, **kw: object) -> None:
        fn(*args, **kw)
        step()

    l1 = new("l1@x.com", "ann", at(W1, 0, 10), source=Source.TRADE_SHOW, campaign="Expo")
    l2 = new("l2@x.com", "ann", at(W1, 0, 11), source=Source.WEB_DOWNLOAD)
    l3 = new(
        "l3@x.com",
        "bob",
        at(W1, 1, 9),
        source=Source.SALES_PROSPECTING,
        stage=Stage.QUALIFIED,
        rating=Rating.MEDIUM,
    )
    do(touches.log_touch, l1, channel="call", outcome="connected", actor="ann", now=at(W1, 1, 10))
    do(d.qualify, l1, rating="high", actor="ann", now=at(W1, 2, 10))
    l4 = new("l4@x.com", "ann", at(W2, 0, 9), source=Source.TRADE_SHOW, campaign="Expo")
    do(d.hand_off, l1, to="sam", actor="ann", now=at(W2, 0, 10))
    for minute in (0, 30):
        do(
            touches.log_touch,
            l4,
            channel="call",
            outcome="no_answer",
            actor="ann",
            now=at(W2, 0, 11, minute),
        )
    do(touches.log_touch, l4, channel="email", outcome="bounced", actor="ann", now=at(W2, 0, 12))
    do(undo.undo_last, actor="ann", now=at(W2, 0, 12, 15))  # the third touch never happened
    do(sales.accept, l1, actor="sam", amount=1000, now=at(W2, 1, 9))
    do(d.qualify, l4, rating="low", actor="ann", now=at(W2, 1, 10))
    do(undo.undo_last, actor="ann", now=at(W2, 1, 11))  # the qualification never happened
    do(d.hand_off, l3, to="tia", actor="bob", now=at(W2, 1, 12))
    do(d.purge, l2, reason="not_a_fit", actor="ann", now=at(W2, 2, 10))
    do(sales.reject, l3, actor="tia", reason="no budget yet", now=at(W2, 3, 10))
    l5 = new("l5@x.com", "bob", at(W3, 2, 10))
    do(undo.undo_last, actor="bob", now=at(W3, 2, 11))  # week 3 stays empty
    do(sales.record_outcome, l1, actor="sam", outcome="won", amount=1200, now=at(W4, 0, 10))
    do(d.hand_off, l3, to="tia", actor="bob", now=at(W4, 1, 10))
    do(d.incubate, l4, actor="ann", days=30, reason="next budget", now=at(W4, 2, 10))
    return History(l1, l2, l3, l4, l5)


@pytest.fixture
def history(people: str) -> History:
    return build_history()


@pytest.fixture
def demo(migrated: str) -> None:
    """The demo history (3,000 leads, seed 7) ending at TEST_NOW."""
    if importlib.util.find_spec("qc_console.services.seed") is None:
        pytest.skip("the demo seed package (qc_console.services.seed) is not there yet")
    from qc_console.services import seed

    seed.seed_demo(leads=3000, seed=7, now=TEST_NOW)
