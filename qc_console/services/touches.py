"""Logging a touch: one attempt to reach the person, kept in step with the lead's counters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from qc_console.domain.codes import Channel, Outcome
from qc_console.domain.errors import ActionRefused, BadInput
from qc_console.domain.stages import OPEN, Stage
from qc_console.domain.values import ActionResult
from qc_console.services._apply import Planned
from qc_console.services._rows import Row, label
from qc_console.services._runner import TOUCH, Ctx, Planner, run
from qc_console.services.dispositions import _claim

E = TypeVar("E", bound=Enum)


def plan_touch(
    channel: Channel,
    outcome: Outcome,
    note: str,
    at: datetime | None = None,
    next_due: datetime | None = None,
    next_note: str = "",
) -> Planner:
    def plan(row: Row, ctx: Ctx) -> Planned:
        stage = Stage(row["stage"])
        if stage not in OPEN:
            raise ActionRefused(row["id"], f"is {stage}: closed leads take no touches", label(row))
        if row["do_not_contact"] and channel not in (Channel.EVENT, Channel.WEB):
            raise ActionRefused(row["id"], "is marked do-not-contact", label(row))
        when = at or ctx.now
        voicemail = channel == Channel.VOICEMAIL or outcome == Outcome.LEFT_VOICEMAIL
        first = row["first_touch_at"]
        last = row["last_touch_at"]
        fields: dict[str, Any] = {
            "touch_count": row["touch_count"] + 1,
            "voicemail_count": row["voicemail_count"] + (1 if voicemail else 0),
            "first_touch_at": when if first is None or when < first else first,
            "last_touch_at": when if last is None or when > last else last,
        }
        if next_due is not None and stage != Stage.INCUBATING:
            fields |= {"next_action_due": next_due, "next_action_note": next_note}
        fields |= _claim(row, ctx)
        touch = {
            "rep": ctx.actor.id,
            "at": when,
            "channel": channel.value,
            "outcome": outcome.value,
            "note": note,
        }
        data = {"channel": channel.value, "outcome": outcome.value, "note": note}
        return Planned(row, fields, "touch", data, touch=touch)

    return plan


def log_touch(
    ids: int | Iterable[int],
    *,
    channel: Channel | str,
    outcome: Outcome | str,
    actor: str,
    note: str = "",
    at: datetime | None = None,
    next_due: datetime | None = None,
    next_note: str = "",
    **kw: Any,
) -> ActionResult:
    """Record an attempt to reach the lead, optionally setting the next action with it."""
    plan = plan_touch(
        _enum(Channel, channel), _enum(Outcome, outcome), note, at, next_due, next_note
    )
    return run("touch", [ids] if isinstance(ids, int) else ids, plan, actor=actor, kind=TOUCH, **kw)


def _enum(kind: type[E], value: object) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
        raise BadInput(f"{kind.__name__.lower()} must be one of {allowed}, not {value!r}") from None
