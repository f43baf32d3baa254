"""The dispositions, shared by the queue and the lead detail screen.

`LeadActionsScreen` holds the disposition keys, decides which are legal for the lead under the
cursor (`check_action`: hidden without a lead, dimmed when the stage forbids it; pressing a
dimmed key says why), opens the one dialog each action needs, and runs the backend call in a
thread worker. Subclasses say which leads an action targets and what to do with the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.actions import SkipAction
from textual.binding import BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from qc_console.domain.codes import Role, Source
from qc_console.domain.errors import DomainError, StaleLead
from qc_console.domain.values import ActionResult, LeadView, NewLead, UndoResult
from qc_console.domain.when import local_to_utc, utc_to_local
from qc_console.tui.bulk import BulkActions
from qc_console.tui.dialogs import (
    AddLeadDialog,
    HandOffDialog,
    IncubateDialog,
    NextActionDialog,
    PurgeDialog,
    RatingDialog,
    TouchDialog,
)
from qc_console.tui.dispositions import (
    DISPOSITION_BINDINGS,
    LEAD_ACTIONS,
    lead_label,
    refusal,
)
from qc_console.tui.messages import ActionDone, ActionRefused, StaleRow

if TYPE_CHECKING:
    from qc_console.tui.app import QCConsoleApp
    from qc_console.tui.backend import Backend
    from qc_console.tui.dialogs.choices import (
        IncubateChoice,
        NextActionChoice,
        PurgeChoice,
        TouchChoice,
    )

Call = Callable[["Backend", list[int], Mapping[int, int]], ActionResult | UndoResult]
"""A backend call for some leads with the versions the user saw."""
Act = Callable[["Backend", list[int], "Mapping[int, int] | None", bool], ActionResult]
"""A disposition: ids, the versions seen (None for a selection), skip_refused."""


@dataclass(frozen=True)
class Target:
    """What a disposition acts on: the lead(s) under the cursor, or the selection's ids."""

    leads: tuple[LeadView, ...]
    ids: tuple[int, ...]
    label: str


class LeadActionsScreen(BulkActions):
    """A screen whose keys act on leads. Subclasses implement the four hooks at the bottom."""

    BINDINGS: ClassVar[list[BindingType]] = DISPOSITION_BINDINGS

    # repaint=False: a reactive on a screen repaints the whole screen when it changes (a full
    # recomposite on every cursor move and every write); nothing the screen draws uses these.
    current: reactive[LeadView | None] = reactive(None, bindings=True, repaint=False)
    """The lead under the cursor; the footer shows only the keys legal for its stage."""
    busy: reactive[bool] = reactive(False, repaint=False)
    """A write is running: dispositions wait (no double submit). Not a bindings refresh: the
    footer would flicker for the ~10 ms a write takes, and each redraw costs more than that."""

    @property
    def console(self) -> QCConsoleApp:
        return self.app  # type: ignore[return-value]

    @property
    def backend(self) -> Backend:
        return self.console.backend

    def local_today(self) -> date:
        return self.local_now().date()

    def local_now(self) -> datetime:
        """The app's clock as the rep's local time (what dialogs resolve `+4h` against)."""
        return utc_to_local(self.console.now())

    # --- which keys are legal ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LEAD_ACTIONS:
            if self.selected_ids():
                return True  # a selection: the preview says which leads cannot take it
            targets = self.target_leads()
            if not targets:
                return False
            if len(targets) > 1:
                return True  # a selection: the preview says which leads cannot take it
            return None if refusal(action, targets[0]) else True
        return True

    def action_explain(self, action: str) -> None:
        """Say why a dimmed key does nothing."""
        targets = self.target_leads()
        if self.busy:
            self.notify("still saving the last action…", severity="warning", markup=False)
        elif not targets:
            self.notify("no lead under the cursor", severity="warning", markup=False)
        elif why := refusal(action, targets[0]):
            self.notify(why, severity="warning", markup=False)
        else:
            raise SkipAction()

    # --- the dispositions ----------------------------------------------------------------
    def _one_prompt(self) -> Target | None:
        if ids := self.selected_ids():
            return Target((), ids, f"{len(ids):,} leads")
        targets = tuple(self.target_leads())
        if not targets:
            return None
        label = lead_label(targets[0]) if len(targets) == 1 else f"{len(targets)} leads"
        return Target(targets, (), label)

    def _go(
        self, action: str, target: Target, title: str, options: dict[str, Any], act: Act
    ) -> None:
        """Run `act` on the lead(s) under the cursor, or preview it on the selection first."""
        if target.ids:
            self.start_bulk(
                action, title, target.ids, options, lambda b, ids: act(b, ids, None, True)
            )
        else:
            self.run_call(action, target.leads, lambda b, ids, exp: act(b, ids, exp, False))

    def action_qualify(self) -> None:
        if (target := self._one_prompt()) is None:
            return

        def done(rating: object) -> None:
            if rating is not None:
                r = str(rating)
                self._go(
                    "qualify",
                    target,
                    f"Qualify {r}",
                    {"rating": r},
                    lambda b, ids, exp, skip: b.qualify(ids, r, expected=exp, skip_refused=skip),
                )

        self.ask_rating(target.label, done)

    def action_hand_off(self) -> None:
        if (target := self._one_prompt()) is not None:
            self._prepare_hand_off(target)

    @work(thread=True, exit_on_error=False, group="prepare")
    def _prepare_hand_off(self, target: Target) -> None:
        try:
            reps = [r.name for r in self.backend.reps(Role.SALES)]
            default = self.backend.last_hand_off_target()
        except DomainError as exc:
            ids = target.ids or tuple(v.id for v in target.leads)
            self.post_message(ActionRefused("hand_off", exc, ids))
            return

        def done(to: str | None) -> None:
            if to:
                self._go(
                    "hand_off",
                    target,
                    f"Hand off to {to}",
                    {"to": to},
                    lambda b, ids, exp, skip: b.hand_off(ids, to, expected=exp, skip_refused=skip),
                )

        def open_dialog() -> None:  # widgets are made on the main thread
            self.app.push_screen(HandOffDialog(target.label, reps, default), done)

        self.app.call_from_thread(open_dialog)

    def action_incubate(self) -> None:
        if (target := self._one_prompt()) is None:
            return

        def done(choice: IncubateChoice | None) -> None:
            if choice is not None:
                until = local_to_utc(choice.until)
                self._go(
                    "incubate",
                    target,
                    f"Incubate until {choice.until:%Y-%m-%d}",
                    {"until": until, "reason": choice.reason},
                    lambda b, ids, exp, skip: b.incubate(
                        ids, until, choice.reason, expected=exp, skip_refused=skip
                    ),
                )

        days = self.backend.rules.incubation_days
        dialog = IncubateDialog(target.label, days, self.local_today(), now=self.local_now())
        self.app.push_screen(dialog, done)

    def action_purge(self) -> None:
        if (target := self._one_prompt()) is None:
            return

        def done(choice: PurgeChoice | None) -> None:
            if choice is not None:
                reason = choice.reason.value
                self._go(
                    "purge",
                    target,
                    f"Purge ({reason})",
                    {"reason": reason, "note": choice.note},
                    lambda b, ids, exp, skip: b.purge(
                        ids, reason, choice.note, expected=exp, skip_refused=skip
                    ),
                )

        self.app.push_screen(PurgeDialog(target.label), done)

    def action_touch(self) -> None:
        if (target := self._one_prompt()) is None:
            return

        def done(choice: TouchChoice | None) -> None:
            if choice is None:
                return
            due = local_to_utc(choice.next_due) if choice.next_due else None
            options = {
                "channel": choice.channel.value,
                "outcome": choice.outcome.value,
                "note": choice.note,
                "next_due": due,
                "next_note": choice.next_note,
            }
            self._go(
                "touch",
                target,
                f"Log a touch ({choice.channel.value}, {choice.outcome.value})",
                options,
                lambda b, ids, exp, skip: b.log_touch(
                    ids,
                    choice.channel.value,
                    choice.outcome.value,
                    choice.note,
                    next_due=due,
                    next_note=choice.next_note,
                    expected=exp,
                    skip_refused=skip,
                ),
            )

        leads = target.leads
        count = leads[0].touch_count if len(leads) == 1 else 0
        cadence = self.backend.rules.cadence_target
        dialog = TouchDialog(target.label, count, cadence, self.local_today(), now=self.local_now())
        self.app.push_screen(dialog, done)

    def action_next_action(self) -> None:
        if (target := self._one_prompt()) is None:
            return

        def done(choice: NextActionChoice | None) -> None:
            if choice is not None:
                due = local_to_utc(choice.due)
                self._go(
                    "next_action",
                    target,
                    f"Next action due {choice.due:%Y-%m-%d %H:%M}",
                    {"due": due, "note": choice.note},
                    lambda b, ids, exp, skip: b.set_next_action(
                        ids, due, choice.note, expected=exp, skip_refused=skip
                    ),
                )

        dialog = NextActionDialog(target.label, self.local_today(), now=self.local_now())
        self.app.push_screen(dialog, done)

    def action_undo(self) -> None:
        self.run_call("undo", (), lambda b, ids, exp: b.undo())

    def action_add_lead(self) -> None:
        self._prepare_add()

    @work(thread=True, exit_on_error=False, group="prepare")
    def _prepare_add(self) -> None:
        try:
            campaigns = self.backend.campaigns()
        except DomainError as exc:
            self.post_message(ActionRefused("create", exc, ()))
            return

        def done(new: NewLead | None) -> None:
            if new is not None:
                self.run_call("create", (), lambda b, ids, exp: b.create_lead(new))

        sources = [s.value for s in Source]

        def open_dialog() -> None:
            self.app.push_screen(AddLeadDialog(sources, campaigns), done)

        self.app.call_from_thread(open_dialog)

    # --- running a call ------------------------------------------------------------------
    def run_call(self, action: str, leads: tuple[LeadView, ...], call: Call) -> None:
        """Run a write in a worker; the result comes back as a message."""
        if self.busy:
            self.notify("still saving the last action…", severity="warning", markup=False)
            return
        self.busy = True
        self.console.mark("action.start", action)
        self._write(action, leads, call)

    @work(thread=True, exit_on_error=False, group="write")
    def _write(self, action: str, leads: tuple[LeadView, ...], call: Call) -> None:
        ids = [lead.id for lead in leads]
        expected = {lead.id: lead.version for lead in leads}
        try:
            result = call(self.backend, ids, expected)
        except StaleLead as exc:
            shown = next((v for v in leads if v.id == exc.lead_id), None)
            self.post_message(StaleRow(exc, lead_label(shown) if shown else f"#{exc.lead_id}"))
        except DomainError as exc:
            self.post_message(ActionRefused(action, exc, tuple(ids)))
        else:
            self.post_message(ActionDone(action, result, tuple(ids)))

    def on_action_done(self, message: ActionDone) -> None:
        self.busy = False
        self.console.mark("action.committed", message.action)
        self.after_action(message)
        # The toast follows the repaint of the row: mounting it reflows the screen, which
        # would otherwise hold back the row the rep is waiting for.
        self.call_after_refresh(self._painted, message)

    def _painted(self, message: ActionDone) -> None:
        self.console.mark("action.painted", message.action)
        self.console.toast(message.result.message)

    def on_action_refused(self, message: ActionRefused) -> None:
        self.busy = False
        self.notify(str(message.error), severity="warning", markup=False)

    def on_stale_row(self, message: StaleRow) -> None:
        self.busy = False
        exc = message.error
        when = utc_to_local(exc.at).strftime("%H:%M") if exc.at else "just now"
        self.notify(
            f"{message.label} was changed by {exc.by or 'someone'} at {when} — reloaded",
            severity="warning",
            markup=False,
        )
        self.reload_leads((exc.lead_id,))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected error (not a DomainError) in any worker opens the error dialog."""
        if event.state == WorkerState.ERROR:
            if event.worker.group == "write":
                self.busy = False
            self.console.show_error(event.worker.error)

    # --- hooks for subclasses ------------------------------------------------------------
    def target_leads(self) -> list[LeadView]:
        """The leads an action applies to: the selection, else the lead under the cursor."""
        return [self.current] if self.current is not None else []

    def after_action(self, message: ActionDone) -> None:
        """Show the result of a committed action (patch rows, move on)."""

    def reload_leads(self, ids: tuple[int, ...]) -> None:
        """Fetch these leads again (after a stale write)."""

    def ask_rating(self, label: str, done: Callable[[object], None]) -> None:
        """Ask for the rating of `q` (`done` gets it, or None): a dialog unless overridden."""
        self.app.push_screen(RatingDialog(label), done)
