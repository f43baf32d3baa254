"""Deterministic demo history: every lead's life, from creation to where it stands at `now`.

Pure: no database. `Planner.chunk(c)` returns the rows of the c-th run of `CHUNK` leads. Each
chunk draws from its own random stream and numbers its touches, events and batches from 0
(the writer adds the bases), so chunks can be made in any order or process and the result
depends only on (leads, seed, now, the rep and campaign ids). Lead ids follow creation time
(within a planned block: big seeds copy the block, `replicate.py`).
Every change goes through `History` (the services' event form), and only through moves the
stage machine allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qc_console.domain.keys import email_key
from qc_console.services.seed import layout as L
from qc_console.services.seed.clock import DAY, MINUTE, Formatter
from qc_console.services.seed.data import SampleData
from qc_console.services.seed.dice import Dice
from qc_console.services.seed.events import RATING_RANK, History, Row
from qc_console.services.seed.lifecycle import Life
from qc_console.services.seed.people import HAND_ENTERED, Identities, weighted

CHUNK = 5000
"""Leads per chunk (and per random stream: changing it changes the demo)."""
UNDOABLE_DAYS = 14
"""Seeded actions of the last this many days are batches undo can take back (events.History)."""

LEAD_COLUMNS = (
    "id first_name last_name email email_key phone phone_key company title country notes "
    "source campaign_id stage rating rating_rank owner_id sales_owner_id next_action_due "
    "next_action_note resurface_on resurfaced_at reason_code reason amount touch_count "
    "voicemail_count first_touch_at last_touch_at do_not_contact created_at stage_entered_at "
    "updated_at updated_by_id version"
).split()


@dataclass
class Chunk:
    """Rows of a run of leads; touch, event and batch ids count from 0 within the chunk."""

    leads: list[tuple[Any, ...]]
    touches: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    touch_events: list[tuple[Any, ...]]
    batches: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Ids:
    """Database ids the plan refers to."""

    reps: dict[str, int]
    campaigns: dict[str, int]
    first_lead: int = 1


class Planner:
    """The demo's layout (who plays which part) plus what every lead's life needs to know:
    the people, the campaigns and the clock."""

    def __init__(self, *, leads: int, seed: int, now: int, data: SampleData, ids: Ids) -> None:
        self.seed, self.now, self.data, self.ids = seed, now, data, ids
        self.layout = L.build_layout(leads, seed, now, data)
        self.identities = Identities(data, ids.campaigns, self.layout.first_week, L.WEEKS)
        people = data.people
        qc = [p for p in people if p.role == "rep"]
        sales = [p for p in people if p.role == "sales"]
        self.qc_pool = weighted([ids.reps[p.name] for p in qc], [p.weight for p in qc])
        self.sales_pool = weighted([ids.reps[p.name] for p in sales], [p.weight for p in sales])
        self.supervisors = [ids.reps[p.name] for p in people if p.role == "supervisor"]
        self.rep_profile = {ids.reps[p.name]: p for p in people}
        self.rep_name = {v: k for k, v in ids.reps.items()}
        self.demo = ids.reps["demo"]
        self.fmt = Formatter()
        self.undoable_from = self.fmt(now - UNDOABLE_DAYS * DAY)
        self.history = History(self.undoable_from)

    @property
    def chunks(self) -> int:
        return -(-self.layout.n // CHUNK)

    def chunk(self, c: int) -> Chunk:
        """The rows of leads at positions `c * CHUNK` up to the next chunk."""
        start, stop = c * CHUNK, min((c + 1) * CHUNK, self.layout.n)
        cohort = self.layout.cohort_start
        k = next(k for k in range(len(cohort) - 1) if start < cohort[k + 1])
        rng = Dice(self.seed * 1_000_003 + c)
        self.history = history = History(self.undoable_from)
        leads = []
        for i in range(start, stop):
            while i >= cohort[k + 1]:
                k += 1
            leads.append(self._lead(i, k, rng))
        return Chunk(leads, history.touches, history.events, history.touch_events, history.batches)

    def _lead(self, i: int, k: int, rng: Dice) -> tuple[Any, ...]:
        lay = self.layout
        kind = lay.special.get(i)
        lead_id = self.ids.first_lead + i
        created = lay.created_at(i, k, rng.random())
        ident = self.identities
        source = ident.source(rng, k in lay.show_weeks)
        if kind == L.DIRECT_QUALIFIED:
            source = "sales_prospecting"
        who = ident.draw(lead_id, source, ident.campaign(source, created, rng), rng)
        fields = {
            "first_name": who.first_name,
            "last_name": who.last_name,
            "email": who.email,
            "company": who.company,
        }
        if kind == L.HOSTILE:
            fields.update(self.data.hostile[(lay.tail_start - 1 - i) // 3])
        owner: int | None = rng.pick(self.qc_pool)
        if kind in (L.TAIL_POOL, L.BH_OLD_POOL) or (kind is None and rng.random() < 0.08):
            owner = None
        elif kind == L.HOSTILE:
            owner = self.demo
        if source in HAND_ENTERED and owner is not None:
            creator = owner
        else:
            creator = self.supervisors[i % len(self.supervisors)]
        stage = "qualified" if kind in (L.DIRECT_QUALIFIED, L.BH_NO_NEXT) else "raw"
        rating = None
        if kind == L.DIRECT_QUALIFIED:
            rating = "high"
        elif kind == L.BH_NO_NEXT:
            rating = rng.pick(("low", "medium", "medium"))
        at = self.fmt(created)
        due: int | None = created + (DAY if stage == "qualified" else 15 * MINUTE)
        if kind == L.BH_NO_NEXT:
            due = None
        row: Row = {
            "id": lead_id,
            "stage": stage,
            "rating": rating,
            "rating_rank": RATING_RANK[rating],
            "owner_id": owner,
            "sales_owner_id": None,
            "next_action_due": self.fmt(due) if due is not None else None,
            "next_action_note": "first touch" if due is not None else "",
            "resurface_on": None,
            "resurfaced_at": None,
            "reason_code": "",
            "reason": "",
            "amount": None,
            "touch_count": 0,
            "voicemail_count": 0,
            "first_touch_at": None,
            "last_touch_at": None,
            "do_not_contact": False,
            "stage_entered_at": at,
            "updated_at": at,
            "updated_by_id": creator,
            "version": 1,
            "source": source,
        }
        self.history.create(row, at, creator)
        life = Life(self, row, rng, created, due)
        if kind in (L.HOSTILE, L.DIRECT_QUALIFIED):
            life.keep_working(created)
        elif kind is None or kind == L.BH_STALE_HANDOFF:
            fate = lay.fate[i]
            if fate == L.WORKED:
                life.worked(created)
            else:
                life.qualified_path(created, k, fate == L.HANDED_OFF, kind == L.BH_STALE_HANDOFF)
        return self._lead_tuple(row, fields, who, created)

    def _lead_tuple(self, row: Row, fields: dict[str, str], who: Any, created: int) -> tuple:
        amount = row["amount"]
        email = fields["email"]
        return (
            row["id"],
            fields["first_name"],
            fields["last_name"],
            email,
            email_key(email),
            who.phone,
            who.phone_key,
            fields["company"],
            who.title,
            who.country,
            who.notes,
            who.source,
            who.campaign_id,
            row["stage"],
            row["rating"],
            row["rating_rank"],
            row["owner_id"],
            row["sales_owner_id"],
            row["next_action_due"],
            row["next_action_note"],
            row["resurface_on"],
            row["resurfaced_at"],
            row["reason_code"],
            row["reason"],
            float(Decimal(amount)) if amount is not None else None,
            row["touch_count"],
            row["voicemail_count"],
            row["first_touch_at"],
            row["last_touch_at"],
            bool(row["do_not_contact"]),
            self.fmt(created),
            row["stage_entered_at"],
            row["updated_at"],
            row["updated_by_id"],
            row["version"],
        )
