"""Stages of the lead refinery, ratings, and the one table of allowed moves."""

from __future__ import annotations

from enum import StrEnum

from qc_console.domain.errors import InvalidMove


class Stage(StrEnum):
    """Where a lead stands in the refinery. Values are stored in the database."""

    RAW = "raw"
    QUALIFIED = "qualified"
    INCUBATING = "incubating"
    HANDED_OFF = "handed_off"
    ACCEPTED = "accepted"
    WON = "won"
    LOST = "lost"
    DELAYED = "delayed"
    PURGED = "purged"


class Rating(StrEnum):
    """How good a qualified lead is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


RATING_RANK: dict[Rating | None, int] = {None: 0, Rating.LOW: 1, Rating.MEDIUM: 2, Rating.HIGH: 3}
"""Sort weight of a rating; stored beside the rating so the queue can order by an index."""

S = Stage
MOVES: dict[Stage, frozenset[Stage]] = {
    S.RAW: frozenset({S.QUALIFIED, S.INCUBATING, S.PURGED}),
    S.QUALIFIED: frozenset({S.QUALIFIED, S.INCUBATING, S.HANDED_OFF, S.PURGED}),
    S.INCUBATING: frozenset({S.RAW, S.QUALIFIED, S.PURGED}),
    # Rejected by sales is a move back to qualified or incubating ("recycled, never lost").
    S.HANDED_OFF: frozenset({S.ACCEPTED, S.QUALIFIED, S.INCUBATING}),
    S.ACCEPTED: frozenset({S.WON, S.LOST, S.DELAYED}),
    S.DELAYED: frozenset({S.WON, S.LOST, S.INCUBATING}),
    S.LOST: frozenset({S.INCUBATING}),
    S.WON: frozenset(),
    S.PURGED: frozenset(),  # only undo brings a purged lead back
}
"""The allowed moves of DESIGN.md section 1; anything else is refused."""

QC_OPEN: frozenset[Stage] = frozenset({S.RAW, S.QUALIFIED, S.INCUBATING})
"""Stages worked in the qualifying center's queue."""

SALES_OPEN: frozenset[Stage] = frozenset({S.HANDED_OFF, S.ACCEPTED, S.DELAYED})
"""Stages worked by sales."""

OPEN: frozenset[Stage] = QC_OPEN | SALES_OPEN
"""Every stage in which a lead still needs someone to act."""

CLOSED: frozenset[Stage] = frozenset({S.WON, S.LOST, S.PURGED})

_WHY: dict[tuple[Stage, Stage], str] = {
    (S.RAW, S.HANDED_OFF): "a lead must be qualified before it is handed to sales",
    (S.INCUBATING, S.HANDED_OFF): "qualify the lead again before handing it off",
    (S.RAW, S.ACCEPTED): "only a handed-off lead can be accepted by sales",
    (S.QUALIFIED, S.ACCEPTED): "only a handed-off lead can be accepted by sales",
    (S.HANDED_OFF, S.PURGED): "sales must accept or reject a hand-off first",
    (S.INCUBATING, S.INCUBATING): "the lead is already incubating",
}


def allowed_targets(stage: Stage) -> frozenset[Stage]:
    """The stages a lead in `stage` may move to."""
    return MOVES[stage]


def can_move(from_stage: Stage, to_stage: Stage) -> bool:
    """True when the table allows the move."""
    return to_stage in MOVES[from_stage]


def why_not(from_stage: Stage, to_stage: Stage) -> str:
    """A human reason a move is refused."""
    if (from_stage, to_stage) in _WHY:
        return _WHY[(from_stage, to_stage)]
    if from_stage == S.PURGED:
        return "a purged lead comes back only by undo"
    if from_stage in CLOSED:
        return f"the lead is closed ({from_stage})"
    allowed = ", ".join(sorted(MOVES[from_stage])) or "nothing"
    return f"from {from_stage} a lead can move to {allowed}"


def check_move(lead_id: int, from_stage: Stage, to_stage: Stage, *, label: str = "") -> None:
    """Raise `InvalidMove` naming the lead, both stages and why, unless the move is allowed."""
    if not can_move(from_stage, to_stage):
        raise InvalidMove(lead_id, from_stage, to_stage, why_not(from_stage, to_stage), label)
