"""The demo seed: deterministic, consistent with its own audit trail, made only of moves the
services make, and carrying the weekly structure it promises (sample_data/README.md)."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qc_console.db.database import close_database, db
from qc_console.db.models import Batch, Campaign, Lead, LeadEvent, Rep, Touch
from qc_console.domain.codes import Source
from qc_console.domain.errors import BadInput, NothingToUndo, UndoConflict
from qc_console.domain.keys import email_key, phone_key
from qc_console.domain.stages import QC_OPEN, Rating, Stage, can_move
from qc_console.domain.values import NewLead, QueueFilter
from qc_console.services import dispositions, leads, queue, sales, touches, undo
from qc_console.services import seed as seeding
from qc_console.services.facade import open_backend
from qc_console.services.integrity import check_integrity
from qc_console.services.seed import plan, writer
from qc_console.services.seed.clock import add_business_days, to_datetime, to_seconds
from qc_console.services.seed.data import sample_data
from qc_console.services.seed.layout import (
    BH_NO_NEXT,
    BH_OLD_POOL,
    BH_STALE_HANDOFF,
    HANDOFF_ELASTICITY,
    HANDOFF_LAG_WEEKS,
    QUALIFY_ELASTICITY,
    QUALIFY_LAG_WEEKS,
)
from tests.conftest import NOW

SMALL = 400


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every seeded row, ids included, as the models read them back."""
    models = {"rep": Rep, "campaign": Campaign, "lead": Lead, "touch": Touch}
    models |= {"event": LeadEvent, "batch": Batch}
    return {k: list(m.select().order_by(m.id).tuples()) for k, m in models.items()}


def seed_fresh(tmp_path: Path, name: str, **kw: Any) -> dict[str, list[tuple[Any, ...]]]:
    open_backend(f"sqlite:///{tmp_path / name}", "nobody")
    db.connect(reuse_if_open=True)
    seeding.seed_demo(now=NOW, **kw)
    rows = dump()
    close_database()
    return rows


def test_the_same_seed_gives_the_same_history(migrated: str, tmp_path: Path) -> None:
    report = seeding.seed_demo(leads=SMALL, now=NOW)
    first = dump()
    assert (report.leads, len(first["touch"]), len(first["event"])) == (
        SMALL,
        report.touches,
        report.events,
    )
    close_database()
    assert seed_fresh(tmp_path, "again.sqlite", leads=SMALL) == first
    other = seed_fresh(tmp_path, "other.sqlite", leads=SMALL, seed=8)
    assert other["lead"] != first["lead"]


def test_planning_in_worker_processes_gives_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "CHUNK", 150)
    monkeypatch.setattr(seeding, "BIG", 10**9)
    alone = seed_fresh(tmp_path, "alone.sqlite", leads=SMALL)
    monkeypatch.setattr(seeding, "BIG", 1)
    assert seed_fresh(tmp_path, "workers.sqlite", leads=SMALL) == alone


def indexes() -> list[tuple[str, str]]:
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    return [tuple(r) for r in db.execute_sql(sql).fetchall()]


def test_a_big_load_builds_the_same_indexes_and_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_backend(f"sqlite:///{tmp_path / 'schema.sqlite'}", "nobody")
    db.connect(reuse_if_open=True)
    schema = indexes()
    close_database()
    monkeypatch.setattr(seeding, "REBUILD_INDEXES_FROM", 10**9)
    small = seed_fresh(tmp_path, "small.sqlite", leads=SMALL)
    monkeypatch.setattr(seeding, "REBUILD_INDEXES_FROM", 1)
    assert seed_fresh(tmp_path, "big.sqlite", leads=SMALL) == small
    open_backend(f"sqlite:///{tmp_path / 'big.sqlite'}", "nobody")
    db.connect(reuse_if_open=True)
    assert indexes() == schema
    assert check_integrity().ok
    close_database()


def _keys_and_indexes() -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for table in ("lead", "touch", "lead_event", "batch"):
        out |= {  # PostgreSQL re-parses a rebuilt index's text: compare its parts
            (table, "index", ix.name, *ix.columns, str(ix.unique), str("WHERE" in ix.sql))
            for ix in db.get_indexes(table)
        }
        out |= {
            (table, "fk", fk.column, fk.dest_table, fk.dest_column)
            for fk in db.get_foreign_keys(table)
        }
    return out


def test_a_big_load_leaves_every_index_and_foreign_key_in_place(
    migrated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big load drops indexes (and on PostgreSQL foreign keys) for its duration only."""
    before = _keys_and_indexes()
    assert any(k[1] == "fk" for k in before)
    monkeypatch.setattr(seeding, "REBUILD_INDEXES_FROM", 1)
    seeding.seed_demo(leads=SMALL, now=NOW)
    assert _keys_and_indexes() == before
    assert check_integrity().ok


def test_seed_refuses_a_database_that_holds_leads(migrated: str) -> None:
    seeding.seed_demo(leads=SMALL, now=NOW)
    with pytest.raises(BadInput, match="already holds leads"):
        seeding.seed_demo(leads=SMALL, now=NOW)
    with pytest.raises(BadInput, match="at least"):
        seeding.seed_demo(leads=10, now=NOW)


@pytest.fixture
def seeded(migrated: str) -> str:
    seeding.seed_demo(leads=SMALL, now=NOW)
    return migrated


def test_lead_counters_match_the_touch_rows(seeded: str) -> None:
    by_lead: dict[int, list[Touch]] = defaultdict(list)
    for t in Touch.select().order_by(Touch.at, Touch.id):
        by_lead[t.lead_id].append(t)
    for lead in Lead.select():
        mine = by_lead[lead.id]
        voicemails = sum(t.channel == "voicemail" or t.outcome == "left_voicemail" for t in mine)
        assert lead.touch_count == len(mine), lead.id
        assert lead.voicemail_count == voicemails, lead.id
        assert lead.first_touch_at == (mine[0].at if mine else None), lead.id
        assert lead.last_touch_at == (mine[-1].at if mine else None), lead.id
    assert sum(len(v) for v in by_lead.values()) > 3 * SMALL


def test_versions_events_and_batches_agree(seeded: str) -> None:
    events: dict[int, list[LeadEvent]] = defaultdict(list)
    for e in LeadEvent.select().order_by(LeadEvent.id):
        events[e.lead_id].append(e)
    batches = {b.id: b for b in Batch.select()}
    assert len(batches) > 50, "recent actions are undoable"
    undoable_from = NOW - timedelta(days=plan.UNDOABLE_DAYS)
    for lead in Lead.select():
        mine = events[lead.id]
        assert mine[0].kind == "create"
        assert lead.version == len(mine) + 1 == json.loads(mine[-1].data)["version"]
        assert [e.at for e in mine] == sorted(e.at for e in mine)
        assert mine[-1].at <= NOW
        assert (lead.updated_at, lead.updated_by_id) == (mine[-1].at, mine[-1].actor_id)
        for e in mine:
            if e.kind not in ("create", "touch", "claim", "next_action"):
                assert can_move(Stage(e.from_stage), Stage(e.to_stage)), (e.kind, e.from_stage)
            if e.at < undoable_from:  # older history cannot be undone
                assert e.batch_id is None, e.id
                continue
            b = batches.pop(e.batch_id)
            assert (b.actor_id, b.at, b.action, b.size) == (e.actor_id, e.at, e.kind, 1)
    assert not batches, "every batch is one event's"


def test_recent_seeded_actions_can_be_undone_and_the_history_stays_sound(seeded: str) -> None:
    assert check_integrity().ok
    undone = []
    for rep in Rep.select().where(Rep.role != "supervisor").order_by(Rep.id):
        try:
            undone.append(undo.undo_last(actor=rep.name, now=NOW))
        except (NothingToUndo, UndoConflict):
            continue
    assert undone
    assert all(r.leads for r in undone)
    assert check_integrity().ok


def test_open_leads_have_a_next_step_unless_planted_black_holes(seeded: str) -> None:
    holes = seeding.planted_black_holes(leads=SMALL, now=NOW)
    assert set(holes.values()) == {BH_NO_NEXT, BH_OLD_POOL, BH_STALE_HANDOFF}
    for lead in Lead.select().where(Lead.stage.in_([s.value for s in QC_OPEN])):
        has_next = lead.resurface_on if lead.stage == Stage.INCUBATING else lead.next_action_due
        assert has_next is not None or holes.get(lead.id) == BH_NO_NEXT, lead.id
        if lead.owner_id is None and lead.created_at < NOW - timedelta(days=2):
            assert holes.get(lead.id) == BH_OLD_POOL, lead.id
    for lead in Lead.select().where(Lead.stage.in_(["accepted", "delayed"])):
        assert lead.next_action_due is not None, lead.id
    for lead in Lead.select().where(Lead.stage == "handed_off"):
        deadline = add_business_days(to_seconds(lead.stage_entered_at), 2)
        assert to_datetime(deadline) >= NOW or holes[lead.id] == BH_STALE_HANDOFF


def test_the_demo_rep_has_a_realistic_queue_with_hostile_values(seeded: str) -> None:
    page = queue.queue_page(QueueFilter(), actor="demo", limit=200, now=NOW)
    names = {f"{v.first_name} {v.last_name}".strip() for v in page.rows}
    companies = {v.company for v in page.rows}
    for hostile in sample_data().hostile:
        assert f"{hostile['first_name']} {hostile['last_name']}".strip() in names
    assert '=HYPERLINK("http://x","y")' in companies
    assert len({v.priority for v in page.rows}) >= 3
    everyone = {r.name: r.role for r in Rep.select()}
    assert Counter(everyone.values()) == {"rep": 8, "supervisor": 2, "sales": 3}
    assert {c.source for c in Campaign.select()} == {
        "trade_show",
        "web_download",
        "campaign_inquiry",
        "sales_prospecting",
        "referral",
        "other",
    }
    scripts = "".join(f"{lead.first_name}{lead.last_name}" for lead in Lead.select())
    assert any("\u3040" <= ch <= "\u9fff" for ch in scripts)  # CJK
    assert any("\u0370" <= ch <= "\u03ff" or "\u0400" <= ch <= "\u04ff" for ch in scripts)


# --- the seed writes what the services would ----------------------------------------------


def _normalised(data: str) -> dict[str, Any]:
    out = json.loads(data)
    out.pop("touch_id", None)
    for part in ("before", "after"):
        if out.get(part, {}).get("amount") is not None:
            out[part]["amount"] = Decimal(out[part]["amount"])
    return out


def _replay(event: LeadEvent, lead_id: int, names: dict[int, str]) -> None:
    """Make `event` again through the service that writes such an event."""
    d = json.loads(event.data)
    kw: dict[str, Any] = {"actor": names[event.actor_id], "now": event.at}
    at = datetime.fromisoformat
    match event.kind:
        case "touch":
            after = d["after"]
            touches.log_touch(
                lead_id,
                channel=d["channel"],
                outcome=d["outcome"],
                note=d["note"],
                at=event.at,
                next_due=at(after["next_action_due"]),
                next_note=after["next_action_note"],
                **kw,
            )
        case "claim":
            assert leads.claim_next(**kw).leads[0].id == lead_id
        case "qualify":
            dispositions.qualify(lead_id, rating=d["rating"], **kw)
        case "hand_off":
            dispositions.hand_off(lead_id, to=d["to"], **kw)
        case "incubate":
            dispositions.incubate(lead_id, until=at(d["until"]), reason=d["reason"], **kw)
        case "purge":
            dispositions.purge(lead_id, reason=d["code"], note=d["note"], **kw)
        case "resurface":
            dispositions.resurface(lead_id, **kw)
        case "next_action":
            dispositions.set_next_action(lead_id, due=at(d["due"]), note=d["note"], **kw)
        case "accept":
            sales.accept(lead_id, amount=d["amount"], **kw)
        case "reject":
            sales.reject(lead_id, reason=d["reason"], recycle_to=d["recycle_to"], **kw)
        case "outcome":
            sales.record_outcome(lead_id, outcome=d["outcome"], amount=d["amount"], **kw)
        case other:
            raise AssertionError(f"no service for {other}")


def test_seeded_history_is_what_the_services_write(tmp_path: Path) -> None:
    """Replays a sample of seeded leads, covering every kind of move, through the real services
    on a second database: events and final rows must come out the same."""
    open_backend(f"sqlite:///{tmp_path / 'seeded.sqlite'}", "nobody")
    db.connect(reuse_if_open=True)
    seeding.seed_demo(leads=SMALL, now=NOW)
    holes = seeding.planted_black_holes(leads=SMALL, now=NOW)
    names = {r.id: r.name for r in Rep.select()}
    campaigns = {c.id: c.name for c in Campaign.select()}
    seen: set[tuple[str, str, str]] = set()
    sample = []
    for lead in Lead.select().where(Lead.owner.is_null(False)).order_by(Lead.id):
        mine = list(LeadEvent.select().where(LeadEvent.lead == lead.id).order_by(LeadEvent.id))
        new = {(e.kind, e.from_stage, e.to_stage) for e in mine} - seen
        if new and lead.id not in holes:
            seen |= new
            sample.append((lead, mine))
    close_database()
    assert {k for k, _, _ in seen} >= {"touch", "claim", "qualify", "hand_off", "accept"}
    assert {k for k, _, _ in seen} >= {"outcome", "incubate", "purge", "reject", "next_action"}

    open_backend(f"sqlite:///{tmp_path / 'replayed.sqlite'}", "nobody")
    db.connect(reuse_if_open=True)
    writer.ensure_reps(sample_data().people, NOW - timedelta(weeks=80))
    writer.ensure_campaigns(sample_data().campaigns, dict.fromkeys(campaigns.values()), NOW)
    for lead, events in sample:
        create = events[0]
        made = leads.create_lead(
            NewLead(
                first_name=lead.first_name,
                last_name=lead.last_name,
                email=lead.email,
                phone=lead.phone,
                company=lead.company,
                title=lead.title,
                country=lead.country,
                source=Source(lead.source),
                campaign=campaigns.get(lead.campaign_id),
                stage=Stage(create.to_stage),
                rating=Rating.HIGH if create.to_stage == "qualified" else None,
                owner=names[lead.owner_id],
                notes=lead.notes,
            ),
            actor=names[create.actor_id],
            now=create.at,
        ).leads[0]
        if any(e.kind == "claim" for e in events):  # imported into the pool
            Lead.update(owner=None).where(Lead.id == made.id).execute()
        for event in events[1:]:
            _replay(event, made.id, names)
        again = list(LeadEvent.select().where(LeadEvent.lead == made.id).order_by(LeadEvent.id))
        assert [(e.kind, e.from_stage, e.to_stage, e.actor_id, e.at) for e in again] == [
            (e.kind, e.from_stage, e.to_stage, e.actor_id, e.at) for e in events
        ]
        for mine, theirs in zip(again, events, strict=True):
            assert _normalised(mine.data) == _normalised(theirs.data), (lead.id, mine.kind)
        final = Lead.get_by_id(made.id)
        columns = ("stage", "rating", "owner_id", "sales_owner_id", "next_action_due")
        columns += ("resurface_on", "reason_code", "touch_count", "amount", "version")
        assert [getattr(final, c) for c in columns] == [getattr(lead, c) for c in columns]
    close_database()


# --- the planted weekly structure ------------------------------------------------------------


def _weekly_flows() -> tuple[list[int], list[int], list[int]]:
    """Leads entering raw, qualified and handed_off per ISO week, from the events alone."""
    flows: dict[str, Counter[int]] = {s: Counter() for s in ("raw", "qualified", "handed_off")}
    for at, kind, from_stage, to_stage in LeadEvent.select(
        LeadEvent.at, LeadEvent.kind, LeadEvent.from_stage, LeadEvent.to_stage
    ).tuples():
        if to_stage in flows and (kind == "create" or from_stage != to_stage):
            flows[to_stage][(at.date() - timedelta(days=at.weekday())).toordinal() // 7] += 1
    weeks = range(min(flows["raw"]), max(flows["raw"]) + 1)
    return tuple([flows[s][w] for w in weeks] for s in flows)  # type: ignore[return-value]


def _fit(up: list[int], down: list[int], lag: int) -> tuple[float, float]:
    """Least squares of log(down[w + lag]) on log(up[w]): (slope, r²)."""
    pairs = [
        (math.log(up[w]), math.log(down[w + lag]))
        for w in range(len(up) - lag)
        if up[w] > 0 and down[w + lag] > 0
    ]
    n = len(pairs)
    mx, my = sum(x for x, _ in pairs) / n, sum(y for _, y in pairs) / n
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    syy = sum((y - my) ** 2 for _, y in pairs)
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    return sxy / sxx, sxy * sxy / (sxx * syy)


def test_the_planted_lags_and_elasticities_are_recovered(tmp_path: Path) -> None:
    """On the default demo (3,000 leads); the data is the same on every engine."""
    open_backend(f"sqlite:///{tmp_path / 'demo.sqlite'}", "nobody")
    db.connect(reuse_if_open=True)
    seeding.seed_demo(now=NOW)
    raw, qualified, handed = _weekly_flows()
    close_database()
    for up, down, lag, elasticity in (
        (raw, qualified, QUALIFY_LAG_WEEKS, QUALIFY_ELASTICITY),
        (qualified, handed, HANDOFF_LAG_WEEKS, HANDOFF_ELASTICITY),
    ):
        fits = {k: _fit(up, down, k) for k in range(0, 10)}
        best = max(fits, key=lambda k: fits[k][1])
        assert best == lag
        assert fits[lag][0] == pytest.approx(elasticity, rel=0.10)
        assert fits[lag][1] > 0.9


def test_a_replicated_seed_copies_a_planned_block_with_new_ids(tmp_path: Path) -> None:
    """Big seeds plan a block and copy it in SQL; a small threshold makes the same path run
    here: 2 copies of 600 leads and 100 more (the first leads of a third copy)."""
    kw: dict[str, Any] = {"leads": 1300, "replicate_from": 1000, "block": 600}
    rows = seed_fresh(tmp_path, "copies.sqlite", **kw)
    assert seed_fresh(tmp_path, "again.sqlite", **kw) == rows
    block = seed_fresh(tmp_path, "block.sqlite", leads=600)
    lead, touch, event = rows["lead"], rows["touch"], rows["event"]
    assert [r[0] for r in lead] == list(range(1, 1301))
    for table in ("lead", "touch", "event", "batch"):
        ids = [r[0] for r in rows[table]]
        assert ids == list(range(1, len(ids) + 1)), table
    assert (
        rows["lead"][:600] == block["lead"]
        and rows["event"][: len(block["event"])] == block["event"]
    )
    columns = [f.name for f in Lead._meta.sorted_fields]
    email, key, phone = (columns.index(c) for c in ("email", "email_key", "phone_key"))
    assert len({r[email] for r in lead}) == len({r[key] for r in lead}) == 1300
    phones = [r[phone] for r in lead if r[phone]]
    assert len(set(phones)) == len(phones) > 600
    copy = lead[600 + 41]  # the 42nd lead of copy 1 is the 42nd of the block, renamed
    original = block["lead"][41]
    assert copy[email] == original[email].replace("@", "+1@")
    same = [
        i
        for i, c in enumerate(columns)
        if c not in ("id", "email", "email_key", "phone", "phone_key")
    ]
    assert [copy[i] for i in same] == [original[i] for i in same]
    assert len(touch) > 3 * 1300 and len(event) > len(touch)
    touch_of = {r[0]: r for r in touch}
    for e in event:
        if e[4] == "touch" and e[8] is not None:  # undoable: names the copy's touch
            t = touch_of[json.loads(e[7])["touch_id"]]
            assert (t[1], t[3]) == (e[1], e[3])
        elif e[4] == "touch":  # beyond undo's reach: names no touch
            assert "touch_id" not in json.loads(e[7])
    holes = seeding.planted_black_holes(now=NOW, **kw)
    planted = seeding.planted_black_holes(leads=600, now=NOW)
    assert {i - 600: k for i, k in holes.items() if 600 < i <= 1200} == planted
    open_backend(f"sqlite:///{tmp_path / 'copies.sqlite'}", "nobody")
    db.connect(reuse_if_open=True)
    assert check_integrity().ok
    undone = []
    for rep in Rep.select().where(Rep.role != "supervisor").order_by(Rep.id):
        try:
            undone.append(undo.undo_last(actor=rep.name, now=NOW))
        except (NothingToUndo, UndoConflict):
            continue
    assert undone and all(r.leads for r in undone)
    assert all(v.id > 600 for r in undone for v in r.leads), "the newest batches are the copies'"
    assert check_integrity().ok
    close_database()


def test_copies_are_sound_on_every_engine(migrated: str) -> None:
    """The copying SQL on this engine: keys as the services compute them, touch ids in the
    touch events' data that name the copy's own touches, a clean integrity check."""
    seeding.seed_demo(leads=700, now=NOW, replicate_from=500, block=300)
    leads_ = list(Lead.select())
    assert len(leads_) == len({v.email_key for v in leads_}) == 700
    assert all(v.email_key == email_key(v.email) for v in leads_)
    assert all(v.phone_key == phone_key(v.phone) for v in leads_)
    phones = [v.phone_key for v in leads_ if v.phone_key]
    assert len(phones) == len(set(phones)) > 300
    touch_of = {t.id: (t.lead_id, t.at) for t in Touch.select()}
    touch_events = LeadEvent.select().where(LeadEvent.kind == "touch")
    undoable = touch_events.where(LeadEvent.batch.is_null(False))
    assert undoable.count() > 0
    for e in undoable:
        assert touch_of[json.loads(e.data)["touch_id"]] == (e.lead_id, e.at), e.id
    assert check_integrity().ok
