"""Property test of the stage machine through the services.

Random sequences of actions by random people on a handful of leads. After every step:
- a refused action left the database byte-for-byte unchanged (SQLite `iterdump`);
- an accepted one wrote exactly one event per lead it reports, of its kind, by its actor, in its
  batch, from the lead's stage before to its stage after — a move the design allows for that
  action — and left every other lead's row untouched;
- every lead's stage is the replay of its events, its version counts its events, its touch
  counters match its touch rows, and open leads are never black holes.

SQLite only: a migrated template file with people and leads is copied for every example.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qc_console.db.database import close_database, db, open_database
from qc_console.db.schema import migrate
from qc_console.domain.codes import Role
from qc_console.domain.errors import DomainError, InvalidMove, StaleLead
from qc_console.domain.stages import SALES_OPEN, Rating, Stage
from qc_console.domain.values import ActionResult, NewLead, UndoResult
from qc_console.services import dispositions as d
from qc_console.services import leads, reps, sales
from qc_console.services.touches import log_touch
from qc_console.services.undo import undo_last
from tests.conftest import NOW, PEOPLE
from tests.unit.test_stages import DESIGN_TABLE

T0 = NOW - timedelta(days=2)
ROLES = dict(PEOPLE)
LEADS = [1, 2, 3, 4, 5, 6]

# What each action may do to a lead's stage (DESIGN.md §1 split by who makes the move).
MOVES_BY_KIND: dict[str, set[tuple[str, str]]] = {
    "qualify": {("raw", "qualified"), ("qualified", "qualified"), ("incubating", "qualified")},
    "hand_off": {("qualified", "handed_off")},
    "incubate": {(s, "incubating") for s in ("raw", "qualified", "delayed", "lost")},
    "purge": {(s, "purged") for s in ("raw", "qualified", "incubating")},
    "resurface": {("incubating", "raw")},
    "accept": {("handed_off", "accepted")},
    "reject": {("handed_off", "qualified"), ("handed_off", "incubating")},
    "outcome": {(a, b) for a in ("accepted", "delayed") for b in ("won", "lost", "delayed")}
    - {("delayed", "delayed")},
}
STAY = {"touch", "next_action", "reassign", "claim", "create"}
"""Kinds that never change the stage."""


def test_the_moves_by_kind_are_the_design_table() -> None:
    pairs = set().union(*MOVES_BY_KIND.values())
    assert pairs == {(a, b) for a, bs in DESIGN_TABLE.items() for b in bs}


# --- the database --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated file with the people and six leads in different stages and hands."""
    path = tmp_path_factory.mktemp("machine") / "template.sqlite"
    open_database(f"sqlite:///{path}")
    db.connect()
    migrate()
    for name, role in PEOPLE:
        reps.add_rep(name, role, now=T0)

    def lead(n: int, owner: str, stage: Stage = Stage.RAW) -> int:
        new = NewLead(
            first_name=f"L{n}",
            email=f"l{n}@example.com",
            owner=owner,
            stage=stage,
            rating=Rating.MEDIUM if stage == Stage.QUALIFIED else None,
        )
        return leads.create_lead(new, actor="sue", now=T0).leads[0].id

    lead(1, "ann")
    lead(2, "bob", Stage.QUALIFIED)
    d.reassign(lead(3, "sue"), to=None, actor="sue", now=T0)
    d.hand_off(lead(4, "ann", Stage.QUALIFIED), to="sam", actor="sue", now=T0)
    five = lead(5, "bob", Stage.QUALIFIED)
    d.hand_off(five, to="tia", actor="sue", now=T0)
    sales.accept(five, actor="tia", amount=5000, now=T0)
    six = lead(6, "ann", Stage.QUALIFIED)
    d.hand_off(six, to="sam", actor="sue", now=T0)
    sales.accept(six, actor="sam", now=T0)
    sales.record_outcome(six, outcome="delayed", actor="sam", now=T0)
    close_database()
    yield path


# --- the actions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    action: str
    actor: str
    ids: tuple[int, ...]
    option: int
    skip_refused: bool
    stale: bool
    hours: int


ACTIONS = [
    "qualify",
    "hand_off",
    "incubate",
    "purge",
    "resurface",
    "resurface_due",
    "reassign",
    "next_action",
    "touch",
    "accept",
    "reject",
    "outcome",
    "undo",
    "claim",
    "create",
]
KIND = {"resurface_due": "resurface"}

steps = st.builds(
    Step,
    action=st.sampled_from(ACTIONS),
    actor=st.sampled_from(["ann", "bob", "sue", "sue", "sam", "tia"]),  # the supervisor can do most
    ids=st.lists(st.sampled_from(LEADS), min_size=1, max_size=3, unique=True).map(tuple),
    option=st.integers(0, 11),
    skip_refused=st.booleans(),
    stale=st.integers(0, 19).map(lambda n: n == 0),
    hours=st.sampled_from([0, 0, 1, 5, 24 * 11]),
)


def perform(step: Step, now: datetime, versions: dict[int, int]) -> ActionResult | UndoResult:
    """Run one step through the services."""
    o, who = step.option, step.actor
    ids = list(step.ids)
    kw: dict[str, Any] = {"actor": who, "now": now, "skip_refused": step.skip_refused}
    if step.stale:
        kw["expected"] = {ids[0]: versions.get(ids[0], 1) - 1}
    match step.action:
        case "qualify":
            return d.qualify(ids, rating=list(Rating)[o % 3], **kw)
        case "hand_off":
            return d.hand_off(ids, to=["sam", "tia", "sam", "bob"][o % 4], **kw)
        case "incubate":
            return d.incubate(ids, days=[1, 10, 40][o % 3], reason=f"r{o}", **kw)
        case "purge":
            reason = ["bad_data", "no_budget", "do_not_contact", "other"][o % 4]
            return d.purge(ids, reason=reason, note="" if o < 8 else "why", **kw)
        case "resurface":
            return d.resurface(ids, **kw)
        case "resurface_due":
            return d.resurface_due(actor=who, now=now)
        case "reassign":
            to: Any = ["ann", "bob", None, ["ann", "bob", None], who][o % 5]
            weights = {"ann": 1} if o >= 10 and isinstance(to, list) else None
            if weights:
                to = ["ann", "bob"]
            return d.reassign(ids, to=to, weights=weights, **kw)
        case "next_action":
            return d.set_next_action(ids, due=now + timedelta(hours=o + 1), note=f"n{o}", **kw)
        case "touch":
            channel, outcome = [
                ("call", "no_answer"),
                ("voicemail", "left_voicemail"),
                ("call", "left_voicemail"),
                ("email", "replied"),
                ("web", "replied"),
            ][o % 5]
            at = now - timedelta(hours=o) if o > 6 else None
            return log_touch(ids, channel=channel, outcome=outcome, at=at, **kw)
        case "accept":
            return sales.accept(ids, amount=[None, 1000.0][o % 2], **kw)
        case "reject":
            return sales.reject(
                ids, reason=f"no {o}", recycle_to=["qualified", "incubating"][o % 2], **kw
            )
        case "outcome":
            return sales.record_outcome(ids, outcome=["won", "lost", "delayed"][o % 3], **kw)
        case "undo":
            return undo_last(actor=who, now=now)
        case "claim":
            return leads.claim_next(actor=who, now=now)
        case "create":
            return leads.create_lead(NewLead(email=f"new{o % 3}@example.com"), actor=who, now=now)
    raise AssertionError(step.action)


# --- what the database holds ---------------------------------------------------------------


def sql(query: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.execute_sql(query).fetchall()]


def snapshot() -> list[str]:
    return list(db.connection().iterdump())


def lead_rows() -> dict[int, dict[str, Any]]:
    cursor = db.execute_sql("SELECT * FROM lead ORDER BY id")
    cols = [c[0] for c in cursor.description]
    return {r[0]: dict(zip(cols, r, strict=True)) for r in cursor.fetchall()}


def rep_ids() -> dict[int, str]:
    return dict(sql("SELECT id, name FROM rep"))


def new_events(after: int) -> list[dict[str, Any]]:
    names = rep_ids()
    rows = sql(
        "SELECT id, lead_id, kind, from_stage, to_stage, actor_id, batch_id FROM lead_event "
        f"WHERE id > {after} ORDER BY id"
    )
    keys = ("id", "lead", "kind", "from", "to", "actor", "batch")
    out = [dict(zip(keys, r, strict=True)) for r in rows]
    for e in out:
        e["actor"] = names.get(e["actor"])
    return out


def check_invariants() -> None:
    rows = lead_rows()
    last = dict(
        sql(
            "SELECT lead_id, to_stage FROM lead_event e"
            " WHERE id = (SELECT MAX(id) FROM lead_event WHERE lead_id = e.lead_id)"
        )
    )
    counts = dict(sql("SELECT lead_id, COUNT(*) FROM lead_event GROUP BY lead_id"))
    touches = {
        lead: (n, vm, first, latest)
        for lead, n, vm, first, latest in sql(
            "SELECT lead_id, COUNT(*), SUM(channel = 'voicemail' OR outcome = 'left_voicemail'),"
            " MIN(at), MAX(at) FROM touch GROUP BY lead_id"
        )
    }
    for lead_id, r in rows.items():
        where = f"lead #{lead_id} ({r['stage']})"
        assert r["stage"] == last[lead_id], f"{where}: stage is not the replay of its events"
        assert r["version"] == counts[lead_id] + 1, f"{where}: version does not count events"
        n, vm, first, latest = touches.get(lead_id, (0, 0, None, None))
        assert (r["touch_count"], r["voicemail_count"]) == (n, vm), f"{where}: touch counters"
        assert (r["first_touch_at"], r["last_touch_at"]) == (first, latest), where
        if r["stage"] in ("raw", "qualified") and not r["do_not_contact"]:
            assert r["next_action_due"] is not None, f"{where}: a black hole"
        if r["stage"] == "incubating":
            assert r["resurface_on"] is not None, f"{where}: incubating without a date"
        if r["stage"] in SALES_OPEN:
            assert r["sales_owner_id"] is not None, f"{where}: no sales owner"


def check_step(step: Step, result: ActionResult | UndoResult, since: int, before: dict) -> None:
    """The events of an accepted step, and nothing but its leads changed."""
    rows = lead_rows()
    events = new_events(since)
    reported = sorted(v.id for v in result.leads)
    assert sorted(e["lead"] for e in events) == reported, "one event per reported lead"
    for view in result.leads:
        assert rows[view.id]["stage"] == view.stage
    for lead_id, row in before.items():
        if lead_id not in reported:
            assert rows[lead_id] == row, f"lead #{lead_id} changed but was not reported"
    if not events:
        return
    assert len({e["batch"] for e in events}) == 1
    batch = events[0]["batch"]
    assert all(e["actor"] == step.actor for e in events)
    if isinstance(result, UndoResult):
        assert sql(f"SELECT undo_of FROM batch WHERE id = {batch}") == [(result.batch_id,)]
        undone = dict(
            sql(
                "SELECT lead_id, from_stage FROM lead_event "
                f"WHERE batch_id = {result.batch_id} ORDER BY id DESC"
            )
        )
        retired = result.action == "create"  # an undone creation retires the lead
        for e in events:
            assert e["kind"] == "undo"
            assert e["from"] == before[e["lead"]]["stage"]
            restored = "purged" if retired else undone[e["lead"]]
            assert e["to"] == restored, "undo restores the stage before the batch"
        return
    assert batch == result.batch_id
    kind = KIND.get(step.action, step.action)
    role = ROLES[step.actor]
    for e in events:
        assert e["kind"] == kind
        old = before.get(e["lead"])
        assert e["from"] == (old["stage"] if old else e["to"])
        if kind in STAY:
            assert e["from"] == e["to"]
        else:
            assert (e["from"], e["to"]) in MOVES_BY_KIND[kind], f"{kind}: {e}"
        if old is not None and role != Role.SUPERVISOR:
            actor_id = {v: k for k, v in rep_ids().items()}[step.actor]
            mine = old["sales_owner_id"] if role == Role.SALES else old["owner_id"]
            assert mine in ((actor_id,) if role == Role.SALES else (None, actor_id))


@settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(steps, min_size=1, max_size=20))
def test_the_stage_machine_through_the_services(template: Path, plan: list[Step]) -> None:
    work = template.with_name("work.sqlite")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, work)
    open_database(f"sqlite:///{work}")
    db.connect()
    db.execute_sql("PRAGMA synchronous = OFF")  # a throwaway file: no fsyncs, same semantics
    try:
        now = NOW
        check_invariants()
        for step in plan:
            now += timedelta(hours=step.hours, minutes=1)
            before_dump = snapshot()
            before = lead_rows()
            since = max((e for (e,) in sql("SELECT MAX(id) FROM lead_event")), default=0) or 0
            versions = {i: r["version"] for i, r in before.items()}
            try:
                result = perform(step, now, versions)
            except DomainError as exc:
                event(f"{step.action}: {type(exc).__name__}")
                assert snapshot() == before_dump, f"refused {step} wrote something"
                if isinstance(exc, InvalidMove):
                    row = before[exc.lead_id]
                    assert exc.from_stage == row["stage"]
                    assert f"#{exc.lead_id}" in str(exc) and exc.to_stage in str(exc)
                if step.stale and not isinstance(exc, StaleLead):
                    pass  # another refusal came first (e.g. an unknown rep)
            else:
                event(f"{step.action}: {'written' if result.leads else 'nothing to do'}")
                assert not step.stale or step.action in ("resurface_due", "undo", "claim", "create")
                check_step(step, result, since, before)
                if result.batch_id is None and not isinstance(result, UndoResult):
                    assert snapshot() == before_dump
            check_invariants()
    finally:
        close_database()
