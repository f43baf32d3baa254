"""The calls the console makes, as a Protocol (implemented by `services.facade.ServiceBackend`).

The UI types its backend as this Protocol, so `tui` never imports `services` or `db`; tests may
hand in any object with these methods. Every method blocks (it runs SQL): call it only from a
thread worker. Times are naive UTC; `DomainError`s carry a message a user can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from qc_console.domain.codes import Role
from qc_console.domain.settings import Rules
from qc_console.domain.values import (
    ActionResult,
    BulkPreview,
    LeadDetail,
    NewLead,
    QueueCounts,
    QueueFilter,
    QueuePage,
    RepView,
    UndoResult,
)

if TYPE_CHECKING:  # types only: the UI never imports services at run time
    from qc_console.services.analytics.aging import AgingReport
    from qc_console.services.supervision import LostLead


class Backend(Protocol):
    """The services bound to one acting rep."""

    actor: str
    """The acting rep's name."""
    rules: Rules
    """The rules in force (cadence target, speed-to-lead SLA, incubation days)."""

    # --- who and what ---------------------------------------------------------------------
    def whoami(self) -> RepView: ...

    def reps(self, role: Role | None = None) -> list[RepView]:
        """Active reps, optionally of one role."""
        ...

    def campaigns(self) -> list[str]:
        """Campaign names (the add-lead dialog offers them)."""
        ...

    def last_hand_off_target(self) -> str | None:
        """The sales rep the actor handed a lead to last."""
        ...

    # --- reading --------------------------------------------------------------------------
    def queue_page(self, f: QueueFilter, offset: int = 0, limit: int = 100) -> QueuePage:
        """One page of the queue in priority order (paged in SQL)."""
        ...

    def queue_counts(self, f: QueueFilter) -> QueueCounts: ...

    def queue_ids(self, f: QueueFilter) -> list[int]:
        """Every id matching the filter, in queue order (select-all across pages)."""
        ...

    def lead_detail(self, lead_id: int) -> LeadDetail: ...

    def change_token(self) -> int:
        """A number that grows whenever any lead changes."""
        ...

    def changed_since(self, token: int, ids: list[int] | None = None) -> list[int]:
        """Ids of leads changed after `token` (restricted to `ids` when given)."""
        ...

    # --- the supervisor's console ----------------------------------------------------------
    def aging(self, now: datetime | None = None) -> AgingReport:
        """Open leads per rep and the pool (`rep` None) by time in stage, plus the SLA columns."""
        ...

    def aging_cell_ids(self, rep: str | None, cell: str, now: datetime | None = None) -> list[int]:
        """The leads behind one aging cell (a bucket label or an SLA column name)."""
        ...

    def black_holes(self, now: datetime | None = None) -> list[LostLead]:
        """Open leads nobody is working, oldest first."""
        ...

    def reassign_plan(
        self, ids: Iterable[int], to: list[str | None], weights: Mapping[str, int] | None = None
    ) -> tuple[dict[str | None, int], int]:
        """A reassign's dry run: leads per target, and how many would be left out."""
        ...

    # --- acting: each returns the changed leads as they now stand -----------------------------
    def qualify(
        self,
        ids: Iterable[int],
        rating: str,
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult: ...

    def hand_off(
        self,
        ids: Iterable[int],
        to: str,
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult: ...

    def incubate(
        self,
        ids: Iterable[int],
        until: datetime,
        reason: str = "",
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        """`until` is UTC."""
        ...

    def purge(
        self,
        ids: Iterable[int],
        reason: str,
        note: str = "",
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult: ...

    def log_touch(
        self,
        ids: Iterable[int],
        channel: str,
        outcome: str,
        note: str = "",
        *,
        next_due: datetime | None = None,
        next_note: str = "",
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult: ...

    def set_next_action(
        self,
        ids: Iterable[int],
        due: datetime,
        note: str = "",
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult: ...

    def reassign(
        self,
        ids: Iterable[int],
        to: str | None | list[str | None],
        *,
        weights: Mapping[str, int] | None = None,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult: ...

    def claim_next(self) -> ActionResult:
        """Take the most urgent lead from the shared pool."""
        ...

    def create_lead(self, new: NewLead) -> ActionResult: ...

    def undo(self) -> UndoResult:
        """Revert the actor's last batch (or raise saying which leads changed since)."""
        ...

    def preview(self, action: str, ids: Iterable[int], options: dict[str, Any]) -> BulkPreview:
        """What a bulk action would do (the selection's preview dialog)."""
        ...
