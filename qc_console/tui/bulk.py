"""Bulk dispositions: a preview of what the action does to the selection, then one run.

The flow after the action's one prompt: the preview is fetched in a worker, shown in
`BulkPreviewDialog`; on `enter` the leads that can take the move run in one worker call with
`skip_refused=True` (one transaction, one undo batch). The screen's hooks show progress and
the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.screen import Screen

from qc_console.domain.codes import Role
from qc_console.domain.errors import DomainError
from qc_console.domain.values import ActionResult, BulkPreview
from qc_console.tui.dialogs import BulkPreviewDialog
from qc_console.tui.dialogs.reassign import ReassignDialog, reassign_targets
from qc_console.tui.messages import ActionRefused

if TYPE_CHECKING:
    from qc_console.tui.actions import Act, Target
    from qc_console.tui.backend import Backend

BulkCall = Callable[["Backend", list[int]], ActionResult]
"""The action over some ids, with `skip_refused=True`."""

BIG_BATCH = 300
"""From this many leads on, a run shows its progress (the table's loading state)."""


@dataclass
class BulkPreviewed(Message, bubble=False):
    """The preview of a bulk action arrived: show it."""

    action: str
    title: str
    preview: BulkPreview
    call: BulkCall


@dataclass
class BulkDone(Message, bubble=False):
    """A bulk action committed."""

    action: str
    result: ActionResult
    lead_ids: tuple[int, ...]


class BulkActions(Screen[Any]):
    """The bulk half of `LeadActionsScreen` (it supplies `backend`, `busy` and the hooks)."""

    backend: Backend
    busy: bool

    def start_bulk(
        self,
        action: str,
        title: str,
        ids: tuple[int, ...],
        options: dict[str, Any],
        call: BulkCall,
    ) -> None:
        """Preview `action` over `ids` (in a worker), then ask before running it."""
        if self.busy:
            self.notify("still saving the last action…", severity="warning", markup=False)
            return
        self._preview(action, title, ids, options, call)

    @work(thread=True, exit_on_error=False, group="prepare")
    def _preview(
        self,
        action: str,
        title: str,
        ids: tuple[int, ...],
        options: dict[str, Any],
        call: BulkCall,
    ) -> None:
        try:
            preview = self.backend.preview(action, ids, options)
        except DomainError as exc:
            self.post_message(ActionRefused(action, exc, ids))
            return
        self.post_message(BulkPreviewed(action, title, preview, call))

    def on_bulk_previewed(self, message: BulkPreviewed) -> None:
        eligible = message.preview.eligible

        def done(go: bool | None) -> None:
            if go and eligible:
                self._run_bulk(message.action, eligible, message.call)

        self.app.push_screen(BulkPreviewDialog(message.title, message.preview), done)

    def _run_bulk(self, action: str, ids: tuple[int, ...], call: BulkCall) -> None:
        if self.busy:
            self.notify("still saving the last action…", severity="warning", markup=False)
            return
        self.busy = True
        if len(ids) >= BIG_BATCH:
            self.bulk_started(action, len(ids))
        self._write_bulk(action, ids, call)

    @work(thread=True, exit_on_error=False, group="write")
    def _write_bulk(self, action: str, ids: tuple[int, ...], call: BulkCall) -> None:
        try:
            result = call(self.backend, list(ids))
        except DomainError as exc:
            self.post_message(ActionRefused(action, exc, ids))
        else:
            self.post_message(BulkDone(action, result, ids))

    def on_bulk_done(self, message: BulkDone) -> None:
        self.busy = False
        self.after_bulk(message)
        self.notify(message.result.message, markup=False)

    # --- reassign (`R`) -------------------------------------------------------------------
    def action_reassign(self) -> None:
        """Give the lead (or the selection, after a preview) to a rep or the pool."""
        if (target := self._one_prompt()) is not None:
            self._prepare_reassign(target)

    @work(thread=True, exit_on_error=False, group="prepare")
    def _prepare_reassign(self, target: Target) -> None:
        try:
            me = self.backend.whoami()
            boss = me.role == Role.SUPERVISOR
            reps = [r for r in self.backend.reps() if r.active] if boss else []
        except DomainError as exc:
            ids = target.ids or tuple(v.id for v in target.leads)
            self.post_message(ActionRefused("reassign", exc, ids))
            return
        qc = [r.name for r in reps if r.role in (Role.REP, Role.SUPERVISOR)]
        sales = [r.name for r in reps if r.role == Role.SALES]
        handed = "handed_off"
        hand_offs = getattr(getattr(self, "filter", None), "owner", None) == "*" + handed or (
            bool(target.leads) and all(v.stage == handed for v in target.leads)
        )
        targets = reassign_targets(me.name, boss, qc, sales, hand_offs=hand_offs)
        whom = {t.label: t.rep for t in targets}

        def done(label: str | None) -> None:
            if label is None or label not in whom:
                return
            to = whom[label]
            act: Act = lambda b, ids, exp, skip: b.reassign(  # noqa: E731
                ids, to, expected=exp, skip_refused=skip
            )
            self._go("reassign", target, f"Reassign to {to or 'the pool'}", {"to": to}, act)

        def open_dialog() -> None:  # widgets are made on the main thread
            self.app.push_screen(ReassignDialog(target.label, targets), done)

        self.app.call_from_thread(open_dialog)

    # --- hooks ---------------------------------------------------------------------------
    def _one_prompt(self) -> Target | None:
        """The selection, else the lead(s) under the cursor (LeadActionsScreen)."""
        raise NotImplementedError

    def _go(
        self, action: str, target: Target, title: str, options: dict[str, Any], act: Act
    ) -> None:
        """Run `act` on the lead(s), or preview it on the selection first (LeadActionsScreen)."""
        raise NotImplementedError

    def selected_ids(self) -> tuple[int, ...]:
        """The selection (bulk actions act on it when it is not empty)."""
        return ()

    def bulk_started(self, action: str, count: int) -> None:
        """A big batch is running: show that it is."""
        verb = action.replace("_", " ")
        self.notify(f"{verb}: {count:,} leads…", markup=False, timeout=3)

    def after_bulk(self, message: BulkDone) -> None:
        """Show the result of a bulk action (patch or reload rows, clear the selection)."""
