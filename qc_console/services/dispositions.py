"""The qualifying center's dispositions: qualify, hand off, incubate, purge, resurface, reassign.

Each public function is one use case: one transaction, one batch, audit events for every lead.
They take one id or many (the bulk form is the same function) and return an `ActionResult`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from qc_console.db.models import Lead
from qc_console.domain.codes import PurgeReason, Role
from qc_console.domain.errors import ActionRefused, BadInput, InvalidMove, NotAllowed
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.domain.stages import MOVES, Rating, Stage, check_move
from qc_console.domain.values import ActionResult, BulkPreview
from qc_console.services._apply import Planned
from qc_console.services._rows import Row, label, lead_ref, utcnow
from qc_console.services._runner import MANAGE, QC, TOUCH, Ctx, Planner, preview, run
from qc_console.services.open_leads import open_only

Opts = dict[str, Any]


def _claim(row: Row, ctx: Ctx) -> dict[str, Any]:
    """Acting on a pool lead makes it the acting rep's."""
    if row["owner_id"] is None and ctx.actor.role == Role.REP:
        return {"owner_id": ctx.actor.id}
    return {}


def _follow_up(row: Row, ctx: Ctx) -> dict[str, Any]:
    """Keep a next action: a lead without one would be a black hole."""
    if row["next_action_due"] is None:
        return {"next_action_due": ctx.now + timedelta(days=1), "next_action_note": "follow up"}
    return {}


def _after_qualifying(row: Row, ctx: Ctx) -> dict[str, Any]:
    """A newly qualified lead's next step is the hand-off: an overdue next action left from
    working it raw ("first touch") would keep it red in the queue for a step already done."""
    due = row["next_action_due"]
    if row["stage"] != Stage.QUALIFIED and (due is None or due < ctx.now):
        return {"next_action_due": ctx.now + timedelta(days=1), "next_action_note": "hand off"}
    return _follow_up(row, ctx)


def _check_qc_move(row: Row, to: Stage) -> None:
    """`check_move` for the qualifying center: a hand-off leaves handed_off only by sales
    accepting or rejecting it (the table's handed_off → qualified/incubating is the rejection)."""
    if row["stage"] == Stage.HANDED_OFF:
        why = "sales must accept or reject a hand-off first"
        raise InvalidMove(row["id"], Stage.HANDED_OFF, to, why, label(row))
    _check_move(row, to)


def _check_move(row: Row, to: Stage) -> None:
    """`check_move`, with the lead's label worked out only when the move is refused (a bulk
    action checks 10,000 leads)."""
    if to not in MOVES[row["stage"]]:  # a StrEnum's members hash as their values
        check_move(row["id"], Stage(row["stage"]), to, label=label(row))


def plan_qualify(rating: Rating) -> Planner:
    def plan(row: Row, ctx: Ctx) -> Planned:
        _check_qc_move(row, Stage.QUALIFIED)
        if row["stage"] == Stage.QUALIFIED and row["rating"] == rating:
            raise ActionRefused(row["id"], f"already qualified {rating}", label(row))
        fields = {"stage": Stage.QUALIFIED.value, "rating": rating.value, "resurface_on": None}
        fields |= _after_qualifying(row, ctx) | _claim(row, ctx)
        return Planned(row, fields, "qualify", {"rating": rating.value})

    return plan


def plan_hand_off(sales_rep: str) -> Planner:
    def plan(row: Row, ctx: Ctx) -> Planned:
        to = ctx.names.rep_by_name(sales_rep)
        if to.role != Role.SALES or not to.active:
            raise BadInput(f"{to.name} is not an active sales rep")
        _check_move(row, Stage.HANDED_OFF)
        if row["do_not_contact"]:
            raise ActionRefused(row["id"], "is marked do-not-contact", label(row))
        fields = {
            "stage": Stage.HANDED_OFF.value,
            "sales_owner_id": to.id,
            "next_action_due": None,
            "next_action_note": "",
            "reason": "",
            "reason_code": "",
        } | _claim(row, ctx)
        return Planned(row, fields, "hand_off", {"to": to.name})

    return plan


def plan_incubate(until: datetime, reason: str) -> Planner:
    def plan(row: Row, ctx: Ctx) -> Planned:
        if until <= ctx.now:
            raise BadInput(f"the resurface date {until:%Y-%m-%d} is not in the future")
        _check_qc_move(row, Stage.INCUBATING)
        fields = {
            "stage": Stage.INCUBATING.value,
            "resurface_on": until,
            "next_action_due": None,
            "next_action_note": "",
            "reason": reason,
            "reason_code": "incubate",
            "sales_owner_id": None,
        } | _claim(row, ctx)
        return Planned(
            row, fields, "incubate", {"until": until.isoformat(sep=" "), "reason": reason}
        )

    return plan


def plan_purge(code: PurgeReason, note: str) -> Planner:
    if code == PurgeReason.OTHER and not note.strip():
        raise BadInput("purge reason 'other' needs a note saying why")

    purged = {
        "stage": Stage.PURGED.value,
        "reason_code": code.value,
        "reason": note,
        "next_action_due": None,
        "next_action_note": "",
        "resurface_on": None,
    }
    if code == PurgeReason.DO_NOT_CONTACT:
        purged["do_not_contact"] = True
    why = {"code": code.value, "note": note}

    def plan(row: Row, ctx: Ctx) -> Planned:
        _check_move(row, Stage.PURGED)
        return Planned(row, purged | _claim(row, ctx), "purge", dict(why))

    return plan


def plan_resurface(row: Row, ctx: Ctx) -> Planned:
    _check_move(row, Stage.RAW)
    fields = {
        "stage": Stage.RAW.value,
        "resurface_on": None,
        "resurfaced_at": ctx.now,
        "next_action_due": ctx.now,
        "next_action_note": f"resurfaced: {row['reason']}" if row["reason"] else "resurfaced",
    }
    return Planned(row, fields, "resurface", {"reason": row["reason"]})


def plan_reassign(targets: list[str | None], weights: Mapping[str, int] | None = None) -> Planner:
    """One target, or round-robin over several (fewest-loaded first when `weights` are given).

    QC leads (raw, qualified, incubating) go to a QC rep or the pool. A hand-off nobody accepted
    goes to another sales rep (supervisors only): its SLA clock starts again.
    """
    if not targets:
        raise BadInput("reassign needs at least one rep (or the pool)")
    if weights is not None and not any(t is not None for t in targets):
        raise BadInput("weighting by open load needs at least one rep, not only the pool")
    load = dict(weights or {})
    state = {"i": 0}

    def pick() -> str | None:
        if weights is not None:
            name = min((t for t in targets if t is not None), key=lambda t: (load.get(t, 0), t))
            load[name] = load.get(name, 0) + 1
            return name
        name = targets[state["i"] % len(targets)]
        state["i"] += 1
        return name

    passed: dict[str | None, tuple[int | None, str | None]] = {}
    """Targets that passed the checks (which depend on the actor and the rep, not the lead):
    their id and name, looked up once for a batch of 10,000."""

    def plan(row: Row, ctx: Ctx) -> Planned:
        stage = row["stage"]
        if stage == Stage.HANDED_OFF:
            return _plan_sales_reassign(row, ctx, pick())
        if stage not in _QC_STAGES:
            if stage in (Stage.WON, Stage.LOST, Stage.PURGED):
                why = f"is {stage}: a closed lead keeps the owner it closed with"
                raise ActionRefused(row["id"], why, label(row))
            raise ActionRefused(row["id"], f"a {stage} lead is worked by sales", label(row))
        name = pick()
        if name not in passed:
            passed[name] = _qc_target(name, row, ctx)
        to_id, to_name = passed[name]
        return Planned(row, {"owner_id": to_id}, "reassign", {"to": to_name})

    return plan


_QC_STAGES = frozenset({Stage.RAW.value, Stage.QUALIFIED.value, Stage.INCUBATING.value})


def _qc_target(name: str | None, row: Row, ctx: Ctx) -> tuple[int | None, str | None]:
    """The QC rep (or the pool) a lead may go to: (id, name); raises naming `row` if not."""
    to = ctx.names.rep_by_name(name) if name else None
    if to is None:
        return None, None
    if to.role == Role.SALES or not to.active:
        why = f"{to.name} cannot own qualifying work ({'inactive' if to.active else to.role})"
        raise ActionRefused(row["id"], why, label(row))
    if ctx.actor.role == Role.REP and to.id != ctx.actor.id:
        raise NotAllowed(
            f"{ctx.actor.name} (rep) cannot give {lead_ref(row)} to {to.name}: "
            "a rep may only take leads or release them to the pool"
        )
    return to.id, to.name


def _plan_sales_reassign(row: Row, ctx: Ctx, name: str | None) -> Planned:
    """A waiting hand-off re-routed to another sales rep: the hand-off starts again."""
    if ctx.actor.role != Role.SUPERVISOR:
        raise NotAllowed(
            f"{ctx.actor.name} ({ctx.actor.role}) cannot re-route {lead_ref(row)}: "
            "only a supervisor reassigns a hand-off"
        )
    to = ctx.names.rep_by_name(name) if name else None
    if to is None or to.role != Role.SALES or not to.active:
        who = "the pool" if to is None else to.name
        raise ActionRefused(
            row["id"],
            f"a handed_off lead is worked by sales: it can go to another sales rep, not {who}",
            label(row),
        )
    if to.id == row["sales_owner_id"]:
        raise ActionRefused(row["id"], f"is already handed to {to.name}", label(row))
    fields = {"sales_owner_id": to.id, "stage_entered_at": ctx.now}
    return Planned(row, fields, "reassign", {"to": to.name, "sales": True})


def plan_set_next_action(due: datetime, note: str) -> Planner:
    def plan(row: Row, ctx: Ctx) -> Planned:
        stage = Stage(row["stage"])
        if stage == Stage.INCUBATING:
            raise ActionRefused(
                row["id"],
                "is incubating: it resurfaces on its date (incubate again to move it)",
                label(row),
            )
        if stage in (Stage.WON, Stage.LOST, Stage.PURGED):
            raise ActionRefused(
                row["id"], f"is {stage}: closed leads take no next action", label(row)
            )
        fields = {"next_action_due": due, "next_action_note": note} | _claim(row, ctx)
        return Planned(row, fields, "next_action", {"due": due.isoformat(sep=" "), "note": note})

    return plan


# --- the use cases -------------------------------------------------------------------------


def _go(action: str, ids: int | Iterable[int], plan: Planner, kind: str, **kw: Any) -> ActionResult:
    return run(action, [ids] if isinstance(ids, int) else ids, plan, kind=kind, **kw)


def qualify(
    ids: int | Iterable[int], *, rating: Rating | str, actor: str, **kw: Any
) -> ActionResult:
    """Qualify (or re-rate) leads low / medium / high."""
    return _go("qualify", ids, plan_qualify(Rating(rating)), QC, actor=actor, **kw)


def hand_off(ids: int | Iterable[int], *, to: str, actor: str, **kw: Any) -> ActionResult:
    """Hand qualified leads to a sales rep."""
    return _go("hand_off", ids, plan_hand_off(to), QC, actor=actor, **kw)


def incubate(
    ids: int | Iterable[int],
    *,
    actor: str,
    until: datetime | None = None,
    days: int | None = None,
    reason: str = "",
    now: datetime | None = None,
    rules: Rules = DEFAULT_RULES,
    **kw: Any,
) -> ActionResult:
    """Park leads until a date (default: the rules' incubation days), with a reason."""
    now = now or utcnow()
    if until is None:
        until = now + timedelta(days=days if days is not None else rules.incubation_days)
    return _go(
        "incubate", ids, plan_incubate(until, reason), QC, actor=actor, now=now, rules=rules, **kw
    )


def purge(
    ids: int | Iterable[int], *, reason: PurgeReason | str, note: str = "", actor: str, **kw: Any
) -> ActionResult:
    """Remove leads from work with a reason code (kept for metrics and undo)."""
    return _go("purge", ids, plan_purge(PurgeReason(reason), note), QC, actor=actor, **kw)


def resurface(ids: int | Iterable[int], *, actor: str, **kw: Any) -> ActionResult:
    """Bring incubating leads back to raw now."""
    return _go("resurface", ids, plan_resurface, QC, actor=actor, **kw)


def resurface_due(*, actor: str, now: datetime | None = None, **kw: Any) -> ActionResult:
    """Resurface every incubation whose date has come (the owner's queue gets it back)."""
    now = now or utcnow()
    ids = [
        i
        for (i,) in Lead.select(Lead.id)
        .where(open_only((Lead.stage == Stage.INCUBATING) & (Lead.resurface_on <= now)))
        .tuples()
    ]
    return _go(
        "resurface", ids, plan_resurface, MANAGE, actor=actor, now=now, skip_refused=True, **kw
    )


def reassign(
    ids: int | Iterable[int],
    *,
    to: str | None | list[str | None],
    actor: str,
    weights: Mapping[str, int] | None = None,
    **kw: Any,
) -> ActionResult:
    """Give leads to a rep, to the pool (`None`), or round-robin over several reps."""
    targets = to if isinstance(to, list) else [to]
    return _go("reassign", ids, plan_reassign(targets, weights), MANAGE, actor=actor, **kw)


def set_next_action(
    ids: int | Iterable[int], *, due: datetime, note: str = "", actor: str, **kw: Any
) -> ActionResult:
    """Set what to do next and when."""
    return _go("next_action", ids, plan_set_next_action(due, note), TOUCH, actor=actor, **kw)


KINDS = {"reassign": MANAGE, "resurface": MANAGE, "next_action": TOUCH}
"""The role check of each action (QC when not listed): the preview uses the same as the run."""

PLANNERS = {
    "qualify": lambda o: plan_qualify(Rating(o["rating"])),
    "hand_off": lambda o: plan_hand_off(o["to"]),
    "incubate": lambda o: plan_incubate(o["until"], o.get("reason", "")),
    "purge": lambda o: plan_purge(PurgeReason(o["reason"]), o.get("note", "")),
    "resurface": lambda o: plan_resurface,
    "reassign": lambda o: plan_reassign(
        o["to"] if isinstance(o["to"], list) else [o["to"]], o.get("weights")
    ),
    "next_action": lambda o: plan_set_next_action(o["due"], o.get("note", "")),
}


def preview_bulk(
    action: str, ids: Iterable[int], *, actor: str, options: Opts, now: datetime | None = None
) -> BulkPreview:
    """What a bulk disposition would do to `ids`, without writing."""
    if action not in PLANNERS:
        raise BadInput(f"no bulk preview for {action!r}")
    kind = KINDS.get(action, QC)
    return preview(action, ids, PLANNERS[action](options), actor=actor, kind=kind, now=now)
