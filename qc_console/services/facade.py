"""`ServiceBackend`: the one object the UI and CLI call. Each call opens and closes its own
connection (connections are per thread; the UI calls from worker threads)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TextIO

from qc_console.db.database import db, hold_open, is_postgres, open_database
from qc_console.db.schema import migrate, schema_status
from qc_console.domain.codes import Channel, Outcome, Role
from qc_console.domain.settings import DEFAULT_RULES, Rules
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
from qc_console.domain.when import local_to_utc, utc_to_local  # noqa: F401 (re-exported)
from qc_console.importing import ImportOptions, ImportPreview, ImportReport, Progress
from qc_console.importing.peek import FileColumns, peek_file
from qc_console.services import (
    _runner,
    bulk_import,
    dispositions,
    export,
    leads,
    queue,
    reps,
    sales,
    team,
    touches,
    undo,
)
from qc_console.services._connected import connected
from qc_console.services.facade_supervisor import SupervisorViews


def open_backend(
    url: str,
    actor: str | None = None,
    *,
    rules: Rules = DEFAULT_RULES,
    upgrade: bool = True,
    on_upgrade: Callable[[list[str]], None] | None = None,
) -> ServiceBackend:
    """Open the database at `url`, bring its schema up to date, and bind `actor`; without one,
    the acting rep is the database login (`current_user`, PostgreSQL team mode).

    `on_upgrade` hears the migrations about to run on a database that already had a schema
    (rebuilding an index of a 1M-lead file takes seconds: say so before, not after)."""
    open_database(url)
    if upgrade:
        with db.connection_context():
            status = schema_status()
            todo = [name for name, applied in status if not applied]
            if todo:
                if on_upgrade is not None and len(todo) < len(status):
                    on_upgrade(todo)
                migrate()
    if actor is None and is_postgres():
        with db.connection_context():
            actor = team.whoami()
    return ServiceBackend(actor or "", rules=rules)


class ServiceBackend(SupervisorViews):
    """The services bound to one acting rep and the rules in force."""

    def __init__(self, actor: str, *, rules: Rules = DEFAULT_RULES) -> None:
        self.actor = actor
        self.rules = rules

    def hold_open(self) -> None:
        """For a long-running process (the console): keep an idle connection so that closing
        each call's connection does not checkpoint the WAL (see `db.database.hold_open`)."""
        hold_open()

    # --- who and what -------------------------------------------------------------------
    @connected
    def whoami(self) -> RepView:
        rep = reps.get_rep(self.actor)
        if rep is None:
            from qc_console.domain.errors import RepNotFound

            raise RepNotFound(self.actor)
        return rep

    @connected
    def reps(self, role: Role | None = None) -> list[RepView]:
        return reps.list_reps(role, active_only=True)

    @connected
    def campaigns(self) -> list[str]:
        """Campaign names, for the add-lead dialog."""
        return reps.list_campaigns()

    @connected
    def last_hand_off_target(self) -> str | None:
        """The sales rep this rep handed a lead to last (the hand-off dialog's default)."""
        return leads.last_hand_off_target(actor=self.actor)

    # --- reading ------------------------------------------------------------------------
    @connected
    def queue_page(self, f: QueueFilter, offset: int = 0, limit: int = 100) -> QueuePage:
        return queue.queue_page(f, actor=self.actor, offset=offset, limit=limit, rules=self.rules)

    @connected
    def queue_counts(self, f: QueueFilter) -> QueueCounts:
        return queue.queue_counts(f, actor=self.actor, rules=self.rules)

    @connected
    def queue_ids(self, f: QueueFilter) -> list[int]:
        return queue.queue_ids(f, actor=self.actor, rules=self.rules)

    @connected
    def lead_detail(self, lead_id: int) -> LeadDetail:
        return leads.lead_detail(lead_id)

    @connected
    def change_token(self) -> int:
        return queue.change_token()

    @connected
    def changed_since(self, token: int, ids: list[int] | None = None) -> list[int]:
        return queue.changed_since(token, ids)

    # --- acting -------------------------------------------------------------------------
    def _kw(self, expected: Mapping[int, int] | None, skip_refused: bool) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "rules": self.rules,
            "expected": expected,
            "skip_refused": skip_refused,
        }

    @connected
    def qualify(
        self,
        ids: Iterable[int],
        rating: str,
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return dispositions.qualify(ids, rating=rating, **self._kw(expected, skip_refused))

    @connected
    def hand_off(
        self,
        ids: Iterable[int],
        to: str,
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return dispositions.hand_off(ids, to=to, **self._kw(expected, skip_refused))

    @connected
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
        return dispositions.incubate(
            ids, until=until, reason=reason, **self._kw(expected, skip_refused)
        )

    @connected
    def purge(
        self,
        ids: Iterable[int],
        reason: str,
        note: str = "",
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return dispositions.purge(ids, reason=reason, note=note, **self._kw(expected, skip_refused))

    @connected
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
    ) -> ActionResult:
        return touches.log_touch(
            ids,
            channel=channel,
            outcome=outcome,
            note=note,
            next_due=next_due,
            next_note=next_note,
            **self._kw(expected, skip_refused),
        )

    @connected
    def set_next_action(
        self,
        ids: Iterable[int],
        due: datetime,
        note: str = "",
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return dispositions.set_next_action(
            ids, due=due, note=note, **self._kw(expected, skip_refused)
        )

    @connected
    def reassign(
        self,
        ids: Iterable[int],
        to: str | None | list[str | None],
        *,
        weights: Mapping[str, int] | None = None,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return dispositions.reassign(
            ids, to=to, weights=weights, **self._kw(expected, skip_refused)
        )

    @connected
    def accept(
        self,
        ids: Iterable[int],
        amount: float | None = None,
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return sales.accept(ids, amount=amount, **self._kw(expected, skip_refused))

    @connected
    def reject(
        self,
        ids: Iterable[int],
        reason: str,
        recycle_to: str = "qualified",
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return sales.reject(
            ids, reason=reason, recycle_to=recycle_to, **self._kw(expected, skip_refused)
        )

    @connected
    def record_outcome(
        self,
        ids: Iterable[int],
        outcome: str,
        amount: float | None = None,
        *,
        expected: Mapping[int, int] | None = None,
        skip_refused: bool = False,
    ) -> ActionResult:
        return sales.record_outcome(
            ids, outcome=outcome, amount=amount, **self._kw(expected, skip_refused)
        )

    @connected
    def resurface_due(self) -> ActionResult:
        return dispositions.resurface_due(actor=self.actor, rules=self.rules)

    @connected
    def claim_next(self) -> ActionResult:
        return leads.claim_next(actor=self.actor, rules=self.rules)

    @connected
    def create_lead(self, new: NewLead) -> ActionResult:
        return leads.create_lead(new, actor=self.actor, rules=self.rules)

    @connected
    def undo(self) -> UndoResult:
        return undo.undo_last(actor=self.actor)

    @connected
    def preview(self, action: str, ids: Iterable[int], options: dict[str, Any]) -> BulkPreview:
        if action == "touch":  # touches.py builds on dispositions: its planner is not in PLANNERS
            plan = touches.plan_touch(
                Channel(options["channel"]),
                Outcome(options["outcome"]),
                options.get("note", ""),
                next_due=options.get("next_due"),
                next_note=options.get("next_note", ""),
            )
            return _runner.preview("touch", ids, plan, actor=self.actor, kind=_runner.TOUCH)
        return dispositions.preview_bulk(action, ids, actor=self.actor, options=options)

    # --- files in and out (services/bulk_import.py, services/export.py) -----------------
    @connected
    def preview_import(self, path: str, options: ImportOptions | None = None) -> ImportPreview:
        """Format, mapping, first rows and would-be counts of a file; writes nothing.
        Raises `UnusableFile` (a `BadInput`) when the file cannot be imported at all."""
        return bulk_import.preview_import(
            path, actor=self.actor, options=options or ImportOptions()
        )

    def import_columns(self, path: str) -> FileColumns:
        """A file's columns with sample values and their current fields (the mapping
        editor); no database. Raises `UnusableFile` when the file cannot be read."""
        return peek_file(path)

    @connected
    def import_file(
        self, path: str, options: ImportOptions | None = None, progress: Progress | None = None
    ) -> ImportReport:
        """Import a file in one transaction; `progress(phase, done, total)` is called from
        the calling (worker) thread."""
        return bulk_import.import_file(
            path,
            actor=self.actor,
            options=options or ImportOptions(),
            progress=progress,
            rules=self.rules,
        )

    @connected
    def export_leads(self, out: TextIO, fmt: str = "jsonl", f: QueueFilter | None = None) -> int:
        """Write leads (all, or those `f` selects) to `out` as jsonl, csv or salesforce."""
        return export.export_leads(out, fmt=fmt, f=f)
