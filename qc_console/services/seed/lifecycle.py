"""One lead's life after creation: the cadence of touches and the dispositions that end it.

Each step happens at a time; a step whose time is after `now` does not happen, and the lead
stays where it stands (open, with the next action its last touch set). Actions use the same
fields and event data as the services (dispositions.py, sales.py, touches.py, leads.py).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING

from qc_console.services.seed.clock import DAY, HOUR, MINUTE, WEEK, add_business_days, work
from qc_console.services.seed.dice import Dice
from qc_console.services.seed.events import Row
from qc_console.services.seed.layout import HANDOFF_LAG_WEEKS, QUALIFY_LAG_WEEKS, WEEKS

if TYPE_CHECKING:
    from qc_console.services.seed.plan import Planner

QC_CHANNELS = ["call"] * 48 + ["email"] * 32 + ["social"] * 7 + ["voicemail"] * 6 + ["web"] * 4
QC_CHANNELS += ["event"] * 3
SALES_CHANNELS = ["meeting"] * 4 + ["call"] * 4 + ["email"] * 2
OUTCOMES = {
    "call": ["no_answer"] * 40
    + ["left_voicemail"] * 25
    + ["connected"] * 31
    + ["not_interested"] * 4,
    "voicemail": ["left_voicemail"],
    "email": ["no_answer"] * 56 + ["replied"] * 36 + ["bounced"] * 2 + ["meeting_set"] * 6,
    "social": ["no_answer"] * 60 + ["replied"] * 40,
    "web": ["replied"] * 7 + ["connected"] * 3,
    "event": ["connected"] * 7 + ["meeting_set"] * 3,
    "meeting": ["connected"] * 6 + ["meeting_set"] * 4,
}
TOUCH_DEPTH = [1] * 14 + [2] * 18 + [3] * 14 + [4] * 11 + [5] * 9 + [6] * 12 + [7] * 7
TOUCH_DEPTH += [8] * 5 + [9] * 4 + [10] * 3 + [11] * 2 + [12] * 1
"""Touches before a disposition: many reps stop after two (issue 6's touch-depth figure)."""
RATINGS = ["low"] * 30 + ["medium"] * 45 + ["high"] * 25
EARLY_PURGES = ["not_a_fit"] * 25 + ["no_budget"] * 15 + ["competitor"] * 10 + ["duplicate"] * 5
EARLY_PURGES += ["other"] * 5 + ["unreachable"] * 5
LATE_PURGES = ["no_budget"] * 40 + ["not_a_fit"] * 25 + ["unreachable"] * 20 + ["competitor"] * 15
QUALIFIED_PURGES = ["no_budget"] * 45 + ["competitor"] * 30 + ["not_a_fit"] * 20 + ["other"] * 5


class Life:
    """The steps of one lead; `self.t` is the time of its latest event."""

    def __init__(
        self, planner: Planner, row: Row, rng: Dice, created: int, due: int | None
    ) -> None:
        self.p, self.row, self.rng = planner, row, rng
        self.now = planner.now
        self.fmt = planner.fmt
        self.h = planner.history
        self.t = created
        self.due = due
        """The next action's due time as an int (mirrors row['next_action_due'])."""
        self.bounced = self.refused = False

    # --- the actions ---------------------------------------------------------------------
    def _qc_actor(self, at: int) -> int:
        """The owner; a pool lead is claimed (claim_next) by a rep first."""
        owner = self.row["owner_id"]
        if owner is None:
            owner = self.rng.pick(self.p.qc_pool)
            self.h.apply(self.row, {"owner_id": owner}, "claim", {}, self.fmt(at - MINUTE), owner)
        return owner

    def touch(self, at: int, actor: int, due: int, sales: bool = False) -> None:
        rng, row = self.rng, self.row
        channel = rng.pick(SALES_CHANNELS if sales else QC_CHANNELS)
        outcome = rng.pick(OUTCOMES[channel])
        if outcome == "left_voicemail" and row["voicemail_count"] >= 2:
            channel, outcome = "call", "no_answer"  # at most two voicemails (the rules)
        phrases = self.p.data.phrases
        note = rng.pick(phrases["touch_notes"][outcome])
        due_note = rng.pick(phrases["sales_next_notes" if sales else "next_action_notes"])
        self.h.touch(row, self.fmt(at), actor, channel, outcome, note, self.fmt(due), due_note)
        self.bounced |= outcome == "bounced"
        self.refused |= outcome == "not_interested"
        self.t, self.due = at, due

    def act(self, at: int, actor: int, kind: str, fields: Row, data: Row) -> None:
        self.h.apply(self.row, fields, kind, data, self.fmt(at), actor)
        self.t = at

    def qualify(self, at: int) -> None:
        actor = self._qc_actor(at)
        rating = self.rng.pick(RATINGS)
        fields: Row = {"stage": "qualified", "rating": rating, "resurface_on": None}
        due = self.row["next_action_due"]
        if self.row["stage"] != "qualified" and (due is None or due < self.fmt(at)):
            # dispositions._after_qualifying: the next step is the hand-off
            fields |= {"next_action_due": self.fmt(at + DAY), "next_action_note": "hand off"}
            self.due = at + DAY
        elif due is None:  # dispositions._follow_up
            fields |= {"next_action_due": self.fmt(at + DAY), "next_action_note": "follow up"}
            self.due = at + DAY
        self.act(at, actor, "qualify", fields, {"rating": rating})

    def incubate(self, at: int, actor: int, days: int) -> int:
        until = at + days * DAY
        reason = self.rng.pick(self.p.data.phrases["incubate_reasons"])
        fields = {
            "stage": "incubating",
            "resurface_on": self.fmt(until),
            "next_action_due": None,
            "next_action_note": "",
            "reason": reason,
            "reason_code": "incubate",
            "sales_owner_id": None,
        }
        self.act(at, actor, "incubate", fields, {"until": self.fmt(until), "reason": reason})
        return until

    def purge(self, at: int, code: str) -> None:
        actor = self._qc_actor(at)
        note = ""
        if code == "other":
            note = self.rng.pick(self.p.data.phrases["purge_other_notes"])
        fields: Row = {
            "stage": "purged",
            "reason_code": code,
            "reason": note,
            "next_action_due": None,
            "next_action_note": "",
            "resurface_on": None,
        }
        if code == "do_not_contact":
            fields["do_not_contact"] = True
        self.act(at, actor, "purge", fields, {"code": code, "note": note})

    def next_action(self, at: int, actor: int, due: int, note: str) -> None:
        fields = {"next_action_due": self.fmt(due), "next_action_note": note}
        self.act(at, actor, "next_action", fields, {"due": self.fmt(due), "note": note})
        self.due = due

    # --- the cadence ---------------------------------------------------------------------
    def cadence(self, count: int, first: int, until: int, gap: float, sales: bool = False) -> bool:
        """Up to `count` touches, the first at `first`, then each at its next action's due
        (plus the usual slip), stopping before `until`. False when `now` came first."""
        rng = self.rng
        at = first
        actor = self.row["sales_owner_id"] if sales else None
        for _ in range(count):
            if at >= until:
                return True
            if at > self.now:
                return False
            if actor is None:
                actor = self._qc_actor(at)
            due = work(at + int(gap * rng.uniform(0.4, 1.6)))
            self.touch(at, actor, due, sales)
            slip = rng.random()
            if slip < 0.5:
                at = due + rng.between(0, 2 * HOUR)
            elif slip < 0.85:
                at = work(due + rng.between(2 * HOUR, DAY))
            else:
                at = work(due + rng.between(DAY, 5 * DAY))
        return True

    def first_touch(self) -> int:
        speed = self.p.rep_profile.get(self.row["owner_id"])
        factor = speed.speed if speed is not None else 1.0
        delay = int(25 * MINUTE * math.exp(self.rng.gauss(0, 1.0)) / factor)
        return work(self.t + max(MINUTE, delay))

    def depth(self) -> int:
        profile = self.p.rep_profile.get(self.row["owner_id"])
        n = self.rng.pick(TOUCH_DEPTH) * (profile.depth if profile else 1.0)
        return max(1, min(12, round(n)))

    # --- whole lives ---------------------------------------------------------------------
    def keep_working(self, created: int) -> None:
        """Open until `now`: touched every few days, never disposed."""
        self.cadence(12, self.first_touch(), self.now + WEEK, 2.5 * DAY)

    def worked(self, created: int) -> None:
        """An ordinary raw lead that never qualifies: touched, then purged or incubated."""
        rng = self.rng
        if rng.random() < 0.04:  # an obvious duplicate or junk entry, purged unworked
            at = work(created + rng.between(10 * MINUTE, 2 * DAY))
            if at <= self.now:
                self.purge(at, rng.pick(("duplicate", "bad_data")))
            return
        n = self.depth()
        if not self.cadence(n, self.first_touch(), self.now + 52 * WEEK, 2.5 * DAY):
            return
        end = work(self.t + rng.between(HOUR, 2 * DAY))
        if end > self.now:
            return
        if self.bounced:
            self.purge(end, "bad_data")
        elif self.refused:
            self.purge(end, "do_not_contact" if rng.random() < 0.4 else "not_a_fit")
        elif n >= 6:
            u = rng.random()
            if u < 0.3:
                self._incubated(end)
            else:
                self.purge(end, "unreachable" if u < 0.85 else "not_a_fit")
        elif rng.random() < 0.35:
            self._incubated(end)
        else:
            self.purge(end, rng.pick(EARLY_PURGES))

    def _incubated(self, at: int, actor: int | None = None, days: int | None = None) -> None:
        """Incubate, then what became of it: still parked, back in the queue, or purged."""
        rng = self.rng
        actor = actor if actor is not None else self._qc_actor(at)
        until = self.incubate(at, actor, days or rng.between(14, 120))
        if until > self.now:
            return
        u = rng.random()
        if u < 0.12 and until > self.now - 3 * WEEK:
            return  # past its date, waiting in the owner's queue (the resurfaced class)
        if 0.12 <= u < 0.15:  # rare on purpose: resurfaces add to the planted raw flow
            self._resurfaced(work(until + rng.between(0, DAY)))
            return
        self._dispose(work(until + rng.between(0, 10 * DAY)), LATE_PURGES)

    def _resurfaced(self, at: int) -> None:
        """A supervisor's `resurface_due` run brings it back to raw; a few more touches."""
        rng = self.rng
        if at > self.now:
            return
        supervisor = self.p.supervisors[self.row["id"] % len(self.p.supervisors)]
        reason = self.row["reason"]
        fields = {
            "stage": "raw",
            "resurface_on": None,
            "resurfaced_at": self.fmt(at),
            "next_action_due": self.fmt(at),
            "next_action_note": f"resurfaced: {reason}" if reason else "resurfaced",
        }
        self.act(at, supervisor, "resurface", fields, {"reason": reason})
        first = work(at + rng.between(HOUR, 2 * DAY))
        if self.cadence(rng.between(1, 3), first, self.now + WEEK, 3 * DAY):
            self._dispose(work(self.t + rng.between(HOUR, 3 * DAY)), ["unreachable", "no_budget"])

    def _dispose(self, at: int, codes: list[str], incubate_share: float = 0.0) -> None:
        """Incubate (with `incubate_share`) or purge at `at`, unless that is after `now`."""
        at = max(at, self.t + HOUR)
        if at > self.now:
            return
        if incubate_share and self.rng.random() < incubate_share:
            self._incubated(at)
        else:
            self.purge(at, self.rng.pick(codes))

    def qualified_path(self, created: int, k: int, handed: bool, stale: bool) -> None:
        """A lead of the planted flow: qualified in week k+6, perhaps handed off in k+8."""
        rng = self.rng
        q_week = k + QUALIFY_LAG_WEEKS
        if q_week >= WEEKS:  # qualifies after `now`: still being worked
            self.cadence(12, self.first_touch(), self.now + WEEK, 3 * DAY)
            return
        tq = self._in_week(q_week)
        t1 = self.first_touch()
        n1 = rng.between(1, 5)
        self.cadence(n1, t1, tq - HOUR, max(DAY, (tq - t1) / (n1 + 1)))
        self.qualify(tq)
        h_week = q_week + HANDOFF_LAG_WEEKS
        if handed and h_week < WEEKS:
            th = self._in_week(h_week)
            self.cadence(
                rng.between(0, 2), work(tq + rng.between(HOUR, 2 * DAY)), th - HOUR, 3 * DAY
            )
            self._hand_off(th, stale)
            return
        open_until = self.now + WEEK if handed else work(tq + rng.between(1, 6) * WEEK)
        t2 = work(tq + rng.between(HOUR, 3 * DAY))
        if self.cadence(rng.between(1, 3), t2, open_until, 5 * DAY) and open_until <= self.now:
            self._dispose(open_until, QUALIFIED_PURGES, incubate_share=0.55)

    def _in_week(self, week: int) -> int:
        """A time in ISO week `week` (working hours mostly), before `now`."""
        lay = self.p.layout
        start = lay.week_of(week)
        share = lay.profile.share_before(min(WEEK, self.now - start))
        return max(self.t + MINUTE, start + lay.profile.at(self.rng.random() * share))

    # --- the sales side ------------------------------------------------------------------
    def _hand_off(self, at: int, stale: bool) -> None:
        rng, p = self.rng, self.p
        actor = self._qc_actor(at)
        sales = rng.pick(p.sales_pool)
        fields = {
            "stage": "handed_off",
            "sales_owner_id": sales,
            "next_action_due": None,
            "next_action_note": "",
            "reason": "",
            "reason_code": "",
        }
        self.act(at, actor, "hand_off", fields, {"to": p.rep_name[sales]})
        if stale:
            return  # nobody in sales ever answered: a black hole
        if rng.random() < 0.87:
            self._accepted(add_business_days(at, rng.uniform(0.05, 1.8)), sales)
        else:
            self._rejected(add_business_days(at, rng.uniform(0.05, 1.8)), sales)

    def _accepted(self, at: int, sales: int) -> None:
        rng, phrases = self.rng, self.p.data.phrases
        if at > self.now:
            return
        amount = float(round(18_000 * math.exp(rng.gauss(0, 0.6)), -2))
        self.act(
            at, sales, "accept", {"stage": "accepted", "amount": _money(amount)}, {"amount": amount}
        )
        at = at + rng.between(5 * MINUTE, 2 * HOUR)
        if at > self.now:
            return
        self.next_action(
            at, sales, work(at + rng.between(2, 10) * DAY), rng.pick(phrases["sales_next_notes"])
        )
        close = work(at + rng.between(2, 12) * WEEK)
        if not self.cadence(rng.between(0, 2), self.due, close, 10 * DAY, sales=True):
            return
        self._outcome(close, sales, amount)

    def _outcome(self, at: int, sales: int, amount: float, second: bool = False) -> None:
        rng = self.rng
        if at > self.now:
            return
        win = self.p.rep_profile[sales].win
        u = rng.random()
        if u < (0.4 if second else 0.32 * win):
            final = float(round(amount * rng.uniform(0.75, 1.15), -2))
            self.act(
                at,
                sales,
                "outcome",
                {"stage": "won", "amount": _money(final)},
                {"amount": final, "outcome": "won"},
            )
        elif u < (0.7 if second else 0.32 * win + 0.33):
            self.act(at, sales, "outcome", {"stage": "lost"}, {"amount": None, "outcome": "lost"})
            if rng.random() < 0.1:
                later = work(at + rng.between(2, 8) * WEEK)
                if later <= self.now:
                    self._incubated(later, sales, rng.between(60, 240))
        elif not second and u < 0.32 * win + 0.53:
            self.act(
                at, sales, "outcome", {"stage": "delayed"}, {"amount": None, "outcome": "delayed"}
            )
            later = work(at + rng.between(4, 16) * WEEK)
            at += rng.between(MINUTE, HOUR)
            if at <= self.now:
                self.next_action(at, sales, work(at + rng.between(3, 10) * WEEK), "check back")
                self._outcome(later, sales, amount, second=True)
        elif second and u < 0.85:
            self._incubated(at, sales, rng.between(60, 180))

    def _rejected(self, at: int, sales: int) -> None:
        rng = self.rng
        if at > self.now:
            return
        reason = rng.pick(self.p.data.phrases["reject_reasons"])
        target = "qualified" if rng.random() < 0.15 else "incubating"
        fields: Row = {
            "stage": target,
            "sales_owner_id": None,
            "reason_code": "rejected",
            "reason": reason,
        }
        if target == "qualified":
            fields |= {
                "next_action_due": self.fmt(at),
                "next_action_note": f"rejected by sales: {reason}",
            }
        else:
            fields |= {"resurface_on": self.fmt(at + 30 * DAY)}
        self.act(at, sales, "reject", fields, {"reason": reason, "recycle_to": target})
        if target == "incubating":
            return self._after_rejected_incubation(at + 30 * DAY)
        self.due = at
        end = work(at + rng.between(1, 3) * WEEK)
        first = work(at + rng.between(HOUR, 2 * DAY))
        if self.cadence(rng.between(1, 2), first, end, 4 * DAY) and end <= self.now:
            self._dispose(end, ["no_budget"], incubate_share=0.5)

    def _after_rejected_incubation(self, until: int) -> None:
        if until > self.now or (self.rng.random() < 0.2 and until > self.now - 3 * WEEK):
            return
        self._dispose(work(until + self.rng.between(0, 10 * DAY)), LATE_PURGES)


def _money(amount: float) -> str:
    """An amount as `_apply.to_json` writes the Decimal the sales service stores."""
    return str(Decimal(str(amount)))
