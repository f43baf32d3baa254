"""Which dispositions a lead can take now, how they are named, and their keys.

Pure rules shared by the queue, the lead detail and the command palette: no widgets, no calls.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from qc_console.domain.stages import OPEN, Stage, allowed_targets, why_not
from qc_console.domain.values import LeadView

MOVES: dict[str, Stage] = {
    "qualify": Stage.QUALIFIED,
    "hand_off": Stage.HANDED_OFF,
    "incubate": Stage.INCUBATING,
    "purge": Stage.PURGED,
}
"""Dispositions that are stage moves (legal per `allowed_targets`)."""

LEAD_ACTIONS = frozenset({*MOVES, "touch", "next_action", "reassign"})
"""Actions on the lead under the cursor (or the selection)."""
REASSIGNABLE = frozenset({Stage.RAW, Stage.QUALIFIED, Stage.INCUBATING, Stage.HANDED_OFF})
"""Stages whose owner can change: QC work, and hand-offs nobody accepted (to another sales rep,
by a supervisor: the service checks who and to whom)."""


def lead_label(lead: LeadView) -> str:
    """How a dialog or toast names a lead (plain text: dialogs show it literally)."""
    company = f" · {lead.company}" if lead.company else ""
    return f"#{lead.id} {lead.name}{company}"


def refusal(action: str, lead: LeadView) -> str | None:
    """Why `action` cannot be applied to `lead` now, or None when it can."""
    stage = lead.stage
    if action in MOVES:
        target = MOVES[action]
        if target not in allowed_targets(stage):
            return f"#{lead.id}: cannot {action.replace('_', ' ')}: {why_not(stage, target)}"
        if action == "hand_off" and lead.do_not_contact:
            return f"#{lead.id}: cannot hand off: the lead is marked do-not-contact"
        return None
    if action == "reassign" and stage not in REASSIGNABLE:
        worked = "sales works it" if stage in OPEN else "closed leads keep their owner"
        return f"#{lead.id}: cannot reassign: it is {stage} ({worked})"
    if action == "touch" and stage not in OPEN:
        return f"#{lead.id}: is {stage}: closed leads take no touches"
    if action == "next_action":
        if stage == Stage.INCUBATING:
            return f"#{lead.id}: is incubating: it comes back on its resurface date"
        if stage not in OPEN:
            return f"#{lead.id}: is {stage}: closed leads take no next action"
    return None


def _b(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, tooltip=tooltip, show=show, id=f"queue.{action}")


def _lead_binding(
    key: str, action: str, description: str, tooltip: str, *, show: bool = True
) -> list[Binding]:
    """The key, plus a hidden twin on the same key (and id, so a keymap moves both) that says
    why when the key is dimmed: Textual does not run an action whose check returns None."""
    return [
        _b(key, action, description, tooltip, show=show),
        Binding(key, f"explain('{action}')", show=False, id=f"queue.{action}"),
    ]


DISPOSITION_BINDINGS: list[BindingType] = [
    *_lead_binding("q", "qualify", "Qualify", "Rate the lead: then l (low), m (medium), h (high)"),
    *_lead_binding("h", "hand_off", "Hand off", "Give a qualified lead to a sales rep"),
    *_lead_binding("i", "incubate", "Incubate", "Park the lead until a date, with a reason"),
    *_lead_binding("p", "purge", "Purge", "Remove the lead from work with a reason code"),
    *_lead_binding("t", "touch", "Touch", "Log a call, email… and set the next action"),
    *_lead_binding("n", "next_action", "Next", "Set the next action and when it is due"),
    *_lead_binding(
        "R",
        "reassign",
        "Reassign",
        "Give the lead(s) to another rep or the pool",
        show=False,
    ),
    _b("u", "undo", "Undo", "Undo your last action (says what it undid)"),
    _b("a", "add_lead", "Add", "Add a lead by hand", show=False),
]
