"""Running one action over one or many leads: one transaction, one batch, role checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from qc_console.db.database import db, is_postgres, reading, wide_cache
from qc_console.db.models import Rep
from qc_console.domain.codes import Role
from qc_console.domain.errors import DomainError, LeadNotFound, NotAllowed, StaleLead
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.domain.stages import Stage
from qc_console.domain.values import ActionResult, BulkPreview, LeadView, Skipped
from qc_console.services._apply import DATETIME_FIELDS, Planned, id_among, new_batch, write
from qc_console.services._rows import LeadViews, Names, Row, label, lead_ref, utcnow


@dataclass
class Ctx:
    """What a planner may read: the actor, the clock, the rules and name lookups."""

    actor: Rep
    now: datetime
    rules: Rules
    names: Names


Planner = Callable[[Row, Ctx], Planned]
"""Plans one lead's change or raises a `DomainError` saying why it cannot."""

QC = "qc"
SALES = "sales"
MANAGE = "manage"
TOUCH = "touch"
"""Touches and next actions: QC reps on their leads, sales reps on the leads handed to them."""


def resolve_actor(names: Names, actor: str) -> Rep:
    rep = names.rep_by_name(actor)
    if not rep.active:
        raise NotAllowed(f"{rep.name} is no longer active")
    return rep


def authorize(kind: str, row: Row, ctx: Ctx) -> None:
    """Role and ownership checks of DESIGN.md §1 People.

    Reps work their own leads and the pool; sales works the leads handed to them; supervisors
    everything. `kind` is QC (qualifying work), SALES (accept/reject/outcome) or MANAGE
    (reassigning someone else's lead).
    """
    actor = ctx.actor
    role = actor.role
    if role == Role.SUPERVISOR:
        return
    if role == Role.REP:
        if kind == SALES:
            why = "that is the sales rep's call"
            raise NotAllowed(f"{_who(actor)} cannot act for sales on {lead_ref(row)}: {why}")
        if row["owner_id"] not in (None, actor.id):
            owner = ctx.names.rep_name(row["owner_id"])
            raise NotAllowed(f"{_who(actor)} cannot change {lead_ref(row)}: it belongs to {owner}")
        return
    if role == Role.SALES:
        if kind in (QC, MANAGE) and row["stage"] not in (Stage.LOST, Stage.DELAYED):
            raise NotAllowed(
                f"{_who(actor)} cannot change {lead_ref(row)}: qualifying is the QC reps' work"
            )
        if row["sales_owner_id"] != actor.id:
            raise NotAllowed(
                f"{_who(actor)} cannot change {lead_ref(row)}: it was not handed to {actor.name}"
            )


def _who(actor: Rep) -> str:
    return f"{actor.name} ({Role(actor.role)})"


WIDE_FROM = 1000
"""Batches of this many leads or more run with a bigger page cache (`wide_cache`)."""


def run(
    action: str,
    ids: Iterable[int],
    plan: Planner,
    *,
    actor: str,
    kind: str = QC,
    now: datetime | None = None,
    rules: Rules = DEFAULT_RULES,
    expected: Mapping[int, int] | None = None,
    skip_refused: bool = False,
    dry_run: bool = False,
) -> ActionResult:
    """Plan `action` for every lead and write it all in one transaction and one batch.

    Args:
        expected: lead id → the version the caller saw; a mismatch raises `StaleLead`.
        skip_refused: leave out leads that cannot take the move (bulk after a preview) instead
            of refusing the whole action.
        dry_run: plan and check only; nothing is written.

    Raises:
        DomainError: the first refusal (unless `skip_refused`), a stale lead, an unknown lead.
    """
    ids = list(dict.fromkeys(ids))
    now = now or utcnow()
    with wide_cache(len(ids) >= WIDE_FROM and not dry_run), db.atomic():
        names = Names()
        ctx = Ctx(actor=resolve_actor(names, actor), now=now, rules=rules, names=names)
        rows = fetch_rows(ids, lock=True)
        planned: list[Planned] = []
        skipped: list[Skipped] = []
        for lead_id in ids:
            row = rows.get(lead_id)
            if row is None:
                raise LeadNotFound(lead_id, maybe_hidden=is_postgres())
            if expected and lead_id in expected and expected[lead_id] != row["version"]:
                raise StaleLead(lead_id, names.rep_name(row["updated_by_id"]), row["updated_at"])
            try:
                authorize(kind, row, ctx)
                planned.append(plan(row, ctx))
            except DomainError as exc:
                if not skip_refused:
                    raise
                skipped.append(Skipped(lead_id, label(row), Stage(row["stage"]), str(exc)))
        if dry_run or not planned:
            batch_id = None
        else:
            batch_id = new_batch(ctx.actor.id, action, now)
            write(planned, actor_id=ctx.actor.id, batch_id=batch_id, now=now)
        views = LeadViews([p.row for p in planned], names)
    return ActionResult(
        action=action,
        leads=views,
        batch_id=batch_id,
        message=summarise(action, views, skipped, dry_run),
        skipped=tuple(skipped),
    )


_SQLITE_TYPES: dict[str, Any] = dict.fromkeys(DATETIME_FIELDS, datetime.fromisoformat) | {
    "amount": lambda v: Decimal(str(v)),
    "do_not_contact": bool,
}
"""SQLite's text and integers as the model's types (psycopg2 returns them typed already)."""


def fetch_rows(ids: Iterable[int], *, lock: bool = False) -> dict[int, Row]:
    """`load_rows` on the driver's cursor: the same rows (column names, typed values), without
    peewee converting 36 fields of every row (at 10,000 leads that took longer than the query),
    in one statement (`_apply.id_among`). PostgreSQL locks the rows FOR UPDATE, in id order,
    when `lock`."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    term, param = id_among(wanted)
    if is_postgres():
        tail = " ORDER BY id FOR UPDATE" if lock else ""
        cursor = db.execute_sql(f"SELECT * FROM lead WHERE {term}{tail}", (param,))
        columns = [d[0] for d in cursor.description]
        return {row["id"]: row for row in (dict(zip(columns, r, strict=False)) for r in cursor)}
    cursor = db.execute_sql(f"SELECT * FROM lead WHERE {term}", (param,))
    columns = [d[0] for d in cursor.description]
    typed = [(c, _SQLITE_TYPES[c]) for c in columns if c in _SQLITE_TYPES]
    out: dict[int, Row] = {}
    for raw in cursor.fetchall():
        row = dict(zip(columns, raw, strict=False))
        for c, convert in typed:
            value = row[c]
            if value is not None:
                row[c] = convert(value)
        out[row["id"]] = row
    return out


def preview(action: str, ids: Iterable[int], plan: Planner, **kwargs: object) -> BulkPreview:
    """What `run` would do: counts by stage, eligible leads and the ones left out with why."""
    ids = list(dict.fromkeys(ids))
    with reading():
        by_stage = Counter(str(r["stage"]) for r in fetch_rows(ids).values())
    result = run(action, ids, plan, skip_refused=True, dry_run=True, **kwargs)  # type: ignore[arg-type]
    return BulkPreview(
        action=action,
        total=len(ids),
        by_stage=dict(by_stage),
        eligible=tuple(v.id for v in result.leads),
        skipped=result.skipped,
    )


def summarise(action: str, views: Sequence[LeadView], skipped: list[Skipped], dry_run: bool) -> str:
    """One line for a toast or the terminal: what happened to which lead(s)."""
    verb = action.replace("_", " ")
    if len(views) == 1 and not skipped:
        lead = views[0]
        text = f"{verb}: #{lead.id} {lead.name}"
        if action == "touch":
            text += f" (touch {lead.touch_count})"
        elif action == "next_action" and lead.next_action_due:
            text += f" due {lead.next_action_due:%Y-%m-%d %H:%M} UTC"
        elif action in ("reassign", "claim"):
            text += f" → {lead.owner or 'pool'}"
        else:
            text += f" → {lead.stage}"
            if lead.rating and lead.stage == Stage.QUALIFIED:
                text += f" ({lead.rating})"
    else:
        text = f"{verb}: {len(views)} lead(s)"
    if skipped:
        text += f", {len(skipped)} left out"
    return ("would " if dry_run else "") + text
