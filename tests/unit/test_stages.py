"""The stage machine against the table of DESIGN.md §1, written out here independently."""

from __future__ import annotations

import itertools

import pytest

from qc_console.domain.errors import InvalidMove
from qc_console.domain.stages import (
    CLOSED,
    MOVES,
    OPEN,
    QC_OPEN,
    SALES_OPEN,
    Stage,
    can_move,
    check_move,
    why_not,
)

# DESIGN.md §1 "Allowed moves", transcribed from the text (not from MOVES):
DESIGN_TABLE: dict[str, set[str]] = {
    "raw": {"qualified", "incubating", "purged"},
    "qualified": {"qualified", "incubating", "handed_off", "purged"},
    "incubating": {"raw", "qualified", "purged"},
    # accepted; or rejected by sales → qualified or incubating
    "handed_off": {"accepted", "qualified", "incubating"},
    "accepted": {"won", "lost", "delayed"},
    "delayed": {"won", "lost", "incubating"},
    "lost": {"incubating"},
    "won": set(),
    "purged": set(),  # only by undo
}
STAGES = ["raw", "qualified", "incubating", "handed_off", "accepted", "won", "lost", "delayed"]
STAGES.append("purged")
PAIRS = list(itertools.product(STAGES, STAGES))


def test_the_stages_are_the_designs() -> None:
    assert {s.value for s in Stage} == set(STAGES) == set(DESIGN_TABLE)
    assert set(MOVES) == set(Stage)


@pytest.mark.parametrize(("src", "dst"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_is_allowed_exactly_when_the_design_says(src: str, dst: str) -> None:
    allowed = dst in DESIGN_TABLE[src]
    assert can_move(Stage(src), Stage(dst)) is allowed
    if allowed:
        check_move(7, Stage(src), Stage(dst))  # does not raise
    else:
        with pytest.raises(InvalidMove) as caught:
            check_move(7, Stage(src), Stage(dst), label="Zoë Ng")
        err = caught.value
        message = str(err)
        assert "#7" in message and "Zoë Ng" in message
        assert f"{src} → {dst}" in message
        assert (err.lead_id, err.from_stage, err.to_stage) == (7, src, dst)
        assert err.why and err.why in message


@pytest.mark.parametrize(
    ("src", "dst", "reason"),
    [
        ("raw", "handed_off", "qualified before"),
        ("handed_off", "purged", "accept or reject"),
        ("incubating", "incubating", "already incubating"),
        ("purged", "raw", "only by undo"),
        ("won", "incubating", "closed"),
        ("accepted", "qualified", "can move to delayed, lost, won"),  # what is possible
    ],
)
def test_refusals_say_why(src: str, dst: str, reason: str) -> None:
    assert reason in why_not(Stage(src), Stage(dst))


def test_open_and_closed_sets() -> None:
    assert {s.value for s in QC_OPEN} == {"raw", "qualified", "incubating"}
    assert {s.value for s in SALES_OPEN} == {"handed_off", "accepted", "delayed"}
    assert OPEN == QC_OPEN | SALES_OPEN
    assert {s.value for s in CLOSED} == {"won", "lost", "purged"}
    assert not OPEN & CLOSED and OPEN | CLOSED == set(Stage)
