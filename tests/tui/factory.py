"""A small qualifying center's queue, built through the services at fixed times.

Used by the Pilot tests and the snapshot app: every lead is made at a time relative to `now`,
so the same call gives the same queue (ids, stages, priorities) on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from qc_console.domain.codes import Source
from qc_console.domain.values import NewLead
from qc_console.services import dispositions, leads, reps, touches
from qc_console.services.queue import local_day_end

HOSTILE = {
    "first_name": "[bold]x[/]",
    "last_name": "[@click=app.quit]hi[/]",
    "company": "Foo [/x] Bar",
    "title": "\x1b[31mred\x1b[0m",
    "email": "hostile@example.com",
}
"""Markup, an action link, a closing tag that crashes markup parsing, and an ANSI escape."""
HOSTILE_NAME = "[bold]x[/] [@click=app.quit]hi[/]"
HOSTILE_NOTE = "call [ back [red]now[/]"


@dataclass
class Queue:
    """Lead ids by nickname."""

    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def _new(actor: str, now: datetime, ago: timedelta, **fields: object) -> int:
    new = NewLead(**fields)  # type: ignore[arg-type]
    return leads.create_lead(new, actor=actor, now=now - ago).leads[0].id


def build_queue(now: datetime, *, hostile: bool = True, actor: str = "ann") -> Queue:
    """ann's queue at `now`: one lead of every priority class, a pool lead and bob's lead.

    Needs the `people` fixture's reps (ann, bob, sue, sam, tia).
    """
    q = Queue()
    h, d, m = timedelta(hours=1), timedelta(days=1), timedelta(minutes=1)
    reps.add_campaign("Spring Expo", Source.TRADE_SHOW, now=now - 30 * d)

    q.ids["breach"] = _new(
        actor,
        now,
        2 * h,
        first_name="Dana",
        last_name="Ortiz",
        company="Northwind",
        email="dana@northwind.example",
        source=Source.TRADE_SHOW,
        campaign="Spring Expo",
    )
    q.ids["fresh"] = _new(
        actor,
        now,
        5 * m,
        first_name="Lee",
        last_name="Park",
        company="Globex",
        email="lee@globex.example",
        source=Source.WEB_DOWNLOAD,
    )
    q.ids["overdue"] = _new(
        actor,
        now,
        3 * d,
        first_name="Priya",
        last_name="Shah",
        company="Initech",
        email="priya@initech.example",
        source=Source.REFERRAL,
        title="CTO",
    )
    touches.log_touch(
        q["overdue"],
        channel="call",
        outcome="connected",
        actor=actor,
        note="wants a demo",
        now=now - 3 * d + h,
    )
    dispositions.qualify(q["overdue"], rating="high", actor=actor, now=now - 3 * d + 2 * h)
    dispositions.set_next_action(
        q["overdue"], due=now - d, note="send the proposal", actor=actor, now=now - 3 * d + 3 * h
    )

    q.ids["today"] = _new(
        actor,
        now,
        2 * d,
        first_name="Tom",
        last_name="Becker",
        company="Umbrella",
        email="tom@umbrella.example",
        source=Source.CAMPAIGN_INQUIRY,
    )
    touches.log_touch(
        q["today"],
        channel="email",
        outcome="replied",
        actor=actor,
        note="asked for pricing",
        # Later today whatever the hour the suite runs at (now + 2h is tomorrow after 22:00).
        next_due=now + (local_day_end(now) - now) / 2,
        next_note="call back",
        now=now - 2 * d + h,
    )
    dispositions.qualify(q["today"], rating="medium", actor=actor, now=now - 2 * d + 2 * h)

    q.ids["later"] = _new(
        actor,
        now,
        4 * d,
        first_name="Mia",
        last_name="Chen",
        company="Hooli",
        email="mia@hooli.example",
        source=Source.OTHER,
    )
    touches.log_touch(
        q["later"],
        channel="voicemail",
        outcome="left_voicemail",
        actor=actor,
        next_due=now + 2 * d,
        next_note="try again",
        now=now - 4 * d + h,
    )

    q.ids["resurfaced"] = _new(
        actor,
        now,
        20 * d,
        first_name="Sam",
        last_name="Lowe",
        company="Stark",
        email="sam.lowe@stark.example",
        source=Source.REFERRAL,
    )
    dispositions.incubate(
        q["resurfaced"], until=now - h, reason="budget in Q2", actor=actor, now=now - 10 * d
    )
    q.ids["parked"] = _new(
        actor,
        now,
        15 * d,
        first_name="Ivy",
        last_name="Novak",
        company="Wayne",
        email="ivy@wayne.example",
        source=Source.SALES_PROSPECTING,
    )
    dispositions.incubate(
        q["parked"], until=now + 20 * d, reason="re-org until May", actor=actor, now=now - 5 * d
    )

    q.ids["worn"] = _new(
        actor,
        now,
        12 * d,
        first_name="Omar",
        last_name="Haddad",
        company="Soylent",
        email="omar@soylent.example",
        source=Source.OTHER,
    )
    for i in range(6):
        touches.log_touch(
            q["worn"],
            channel="call",
            outcome="no_answer",
            actor=actor,
            now=now - 12 * d + (i + 1) * d,
        )
    dispositions.qualify(q["worn"], rating="low", actor=actor, now=now - 5 * d)
    dispositions.set_next_action(
        q["worn"], due=now + 5 * d, note="last try", actor=actor, now=now - 5 * d
    )

    q.ids["pool"] = _new(
        "sue",
        now,
        6 * h,
        first_name="Kai",
        last_name="Wong",
        company="Cyberdyne",
        email="kai@cyberdyne.example",
        source=Source.WEB_DOWNLOAD,
    )
    dispositions.reassign(q["pool"], to=None, actor="sue", now=now - 5 * h)
    touches.log_touch(
        q["pool"],
        channel="email",
        outcome="no_answer",
        actor="sue",
        next_due=now + 3 * d,
        next_note="pool follow-up",
        now=now - 5 * h,
    )

    q.ids["bobs"] = _new(
        "bob",
        now,
        d,
        first_name="Bo",
        last_name="Other",
        company="Elsewhere",
        email="bo@elsewhere.example",
    )
    if hostile:
        q.ids["hostile"] = _new(actor, now, 30 * d, source=Source.OTHER, **HOSTILE)
        touches.log_touch(
            q["hostile"],
            channel="call",
            outcome="connected",
            actor=actor,
            note=HOSTILE_NOTE,
            next_due=now + 4 * d,
            next_note=HOSTILE_NOTE,
            now=now - 29 * d,
        )
    return q
