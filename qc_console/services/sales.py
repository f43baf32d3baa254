"""The sales side of a hand-off: accept, reject (recycled, never lost) and the outcome."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from qc_console.domain.codes import RecycleTo, SalesOutcome
from qc_console.domain.errors import ActionRefused, BadInput
from qc_console.domain.stages import Stage, check_move
from qc_console.domain.values import ActionResult
from qc_console.services._apply import Planned
from qc_console.services._rows import Row, label
from qc_console.services._runner import SALES, Ctx, Planner, run


def _ids(ids: int | Iterable[int]) -> list[int]:
    return [ids] if isinstance(ids, int) else list(ids)


def plan_accept(amount: float | None) -> Planner:
    def plan(row: Row, ctx: Ctx) -> Planned:
        check_move(row["id"], Stage(row["stage"]), Stage.ACCEPTED, label=label(row))
        fields: dict[str, Any] = {"stage": Stage.ACCEPTED.value}
        if amount is not None:
            fields["amount"] = Decimal(str(amount))
        return Planned(row, fields, "accept", {"amount": amount})

    return plan


def plan_reject(reason: str, recycle_to: RecycleTo) -> Planner:
    if not reason.strip():
        raise BadInput("a rejection needs a reason (it goes back to the qualifying rep)")

    def plan(row: Row, ctx: Ctx) -> Planned:
        if row["stage"] != Stage.HANDED_OFF:
            why = f"only a handed-off lead can be rejected (it is {row['stage']})"
            raise ActionRefused(row["id"], why, label(row))
        target = Stage(recycle_to.value)
        fields: dict[str, Any] = {
            "stage": target.value,
            "sales_owner_id": None,
            "reason_code": "rejected",
            "reason": reason,
        }
        if target == Stage.QUALIFIED:
            fields |= {
                "next_action_due": ctx.now,
                "next_action_note": f"rejected by sales: {reason}",
            }
        else:
            fields |= {"resurface_on": ctx.now + timedelta(days=ctx.rules.incubation_days)}
        return Planned(row, fields, "reject", {"reason": reason, "recycle_to": target.value})

    return plan


def plan_outcome(outcome: SalesOutcome, amount: float | None) -> Planner:
    def plan(row: Row, ctx: Ctx) -> Planned:
        target = Stage(outcome.value)
        check_move(row["id"], Stage(row["stage"]), target, label=label(row))
        fields: dict[str, Any] = {"stage": target.value}
        if amount is not None:
            fields["amount"] = Decimal(str(amount))
        return Planned(row, fields, "outcome", {"outcome": outcome.value, "amount": amount})

    return plan


def accept(
    ids: int | Iterable[int], *, actor: str, amount: float | None = None, **kw: Any
) -> ActionResult:
    """Sales accepts hand-offs (optionally with the expected amount)."""
    return run("accept", _ids(ids), plan_accept(amount), actor=actor, kind=SALES, **kw)


def reject(
    ids: int | Iterable[int],
    *,
    actor: str,
    reason: str,
    recycle_to: RecycleTo | str = RecycleTo.QUALIFIED,
    **kw: Any,
) -> ActionResult:
    """Sales rejects hand-offs: back to qualified or incubating, with the reason."""
    plan = plan_reject(reason, RecycleTo(recycle_to))
    return run("reject", _ids(ids), plan, actor=actor, kind=SALES, **kw)


def record_outcome(
    ids: int | Iterable[int],
    *,
    actor: str,
    outcome: SalesOutcome | str,
    amount: float | None = None,
    **kw: Any,
) -> ActionResult:
    """Record won / lost / delayed (with the amount)."""
    plan = plan_outcome(SalesOutcome(outcome), amount)
    return run("outcome", _ids(ids), plan, actor=actor, kind=SALES, **kw)
