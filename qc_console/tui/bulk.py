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

from qc_console.domain.errors import DomainError
from qc_console.domain.values import ActionResult, BulkPreview
from qc_console.tui.dialogs import BulkPreviewDialog
from qc_console.tui.messages import ActionRefused

if TYPE_CHECKING:
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

    # --- hooks ---------------------------------------------------------------------------
    def selected_ids(self) -> tuple[int, ...]:
        """The selection (bulk actions act on it when it is not empty)."""
        return ()

    def bulk_started(self, action: str, count: int) -> None:
        """A big batch is running: show that it is."""
        verb = action.replace("_", " ")
        self.notify(f"{verb}: {count:,} leads…", markup=False, timeout=3)

    def after_bulk(self, message: BulkDone) -> None:
        """Show the result of a bulk action (patch or reload rows, clear the selection)."""
