"""The supervisor console's rebalance: pick reps (round-robin, optionally weighted by open
load), see how many leads each would get, confirm, reassign in one batch. A mixin of
`SupervisorScreen`, which supplies the backend, `refresh_data` and `_refused`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from qc_console.domain.errors import DomainError
from qc_console.tui.dialogs import ConfirmDialog
from qc_console.tui.screens.supervisor_dialogs import RebalanceChoice, RebalanceDialog
from qc_console.tui.screens.supervisor_drill import Cell

if TYPE_CHECKING:
    from qc_console.domain.values import RepView
    from qc_console.tui.app import QCConsoleApp
    from qc_console.tui.backend import Backend


class Rebalancing:
    """Rebalance a cell's leads; the screen mixing this in provides the attributes below."""

    if TYPE_CHECKING:  # declared for the type checker only: at run time the screen's own
        app: Any
        backend: Backend
        console: QCConsoleApp
        report: Any

        def notify(self, message: str, **kw: Any) -> None: ...
        def refresh_data(self) -> None: ...
        def _refused(self, exc: DomainError) -> None: ...

    def _loads(self) -> dict[str, int]:
        """Each rep's open leads, from the last report (the weights of a weighted rebalance)."""
        if self.report is None:
            return {}
        return {r.rep: sum(r.counts.values()) for r in self.report.rows if r.rep is not None}

    def _handoffs_only(self, cell: Cell) -> None:
        n = len(cell.ids) - len(cell.with_sales)
        self.notify(
            f"{cell.title}: {n} hand-off(s) waiting for sales, not QC work to rebalance."
            " enter opens them, then * and R give them to another sales rep.",
            markup=False,
            timeout=10,
        )

    def _ask_rebalance(
        self, cell: Cell, qc: list[RepView], loads: dict[str, int], owner: str | None
    ) -> None:
        """The dialog over `qc` (QC reps, then supervisors): the QC reps but `owner` (the
        leads' current owner, when the cell is one rep's) start picked."""
        if not cell.ids:
            self.notify(f"No leads in {cell.title}.", markup=False)
            return

        def picked(choice: RebalanceChoice | None) -> None:
            if choice is not None:
                weights = {r: loads.get(r, 0) for r in choice.reps} if choice.weighted else None
                self._preview(cell, list(choice.reps), weights)

        dialog = RebalanceDialog(
            cell.title,
            len(cell.ids),
            [r.name for r in qc],
            loads,
            supervisors=frozenset(r.name for r in qc if str(r.role) != "rep"),
            picked=frozenset(r.name for r in qc if str(r.role) == "rep" and r.name != owner),
        )
        self.app.push_screen(dialog, picked)

    @work(thread=True, exit_on_error=False, group="rebalance", exclusive=True)
    def _preview(self, cell: Cell, to: list[str], weights: dict[str, int] | None) -> None:
        try:
            per_rep, left_out = self.backend.reassign_plan(list(cell.ids), list(to), weights)
        except DomainError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._confirm, cell, to, weights, per_rep, left_out)

    def _confirm(
        self,
        cell: Cell,
        to: list[str],
        weights: dict[str, int] | None,
        per_rep: dict[str | None, int],
        left_out: int,
    ) -> None:
        lines = [f"{name}: {per_rep.get(name, 0)} lead(s)" for name in to]
        if left_out:
            lines.append(f"left out (sales' leads or not movable): {left_out}")
        how = "weighted by open load" if weights is not None else "round-robin"
        body = f"{cell.title}: {len(cell.ids)} lead(s), {how}\n\n" + "\n".join(lines)

        def answered(yes: bool | None) -> None:
            if yes:
                self._reassign(cell, to, weights)

        self.app.push_screen(ConfirmDialog("Reassign?", body), answered)

    @work(thread=True, exit_on_error=False, group="rebalance", exclusive=True)
    def _reassign(self, cell: Cell, to: list[str], weights: dict[str, int] | None) -> None:
        try:
            result = self.backend.reassign(
                list(cell.ids), list(to), weights=weights, skip_refused=True
            )
        except DomainError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._reassigned, result.message)

    def _reassigned(self, message: str) -> None:
        self.console.toast(message)
        self.refresh_data()
