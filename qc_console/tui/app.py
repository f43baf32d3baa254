"""`QCConsoleApp`: the rep's full-screen console (queue, lead detail, help, dialogs)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import Notification, Notify
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widgets import Input, TextArea

from qc_console.domain.priority import Clock
from qc_console.tui import render
from qc_console.tui.backend import Backend
from qc_console.tui.commands import ConsoleCommands
from qc_console.tui.keymap import check_keymap, default_keymap_path, load_keymap

ACTION_TOAST_SECONDS = 4.0
"""How long the toast after an action stays (the next action replaces it sooner)."""

TimingHook = Callable[[str, str, float], None]
"""Called with (event, detail, perf_counter()) at points the benchmark measures."""


SUPERVISOR_KEY = Binding(
    "s",
    "supervisor",
    "Supervisor",
    tooltip="Queue aging, black holes, rebalancing, any rep's queue",
    priority=True,  # before widgets' keys; a screen binding `s` itself keeps it (check_action)
    id="app.supervisor",
)
"""Bound only once the actor is known to be a supervisor: reps never see it (nor its help)."""


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class QCConsoleApp(App[None]):
    """The console for one acting rep. Screens get the backend from the app."""

    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    TITLE = "qc-console"
    COMMANDS = App.COMMANDS | {ConsoleCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q", "quit", "Quit", tooltip="Leave the console", priority=True, id="app.quit"
        ),
        Binding(
            "question_mark",
            "help",
            "Help",
            tooltip="Every key of this screen",
            key_display="?",
            id="app.help",
        ),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        now: Callable[[], datetime] | None = None,
        keymap_path: Path | None = None,
        keymap: Mapping[str, str] | None = None,
        theme: str | None = None,
        poll_seconds: float = 2.0,
        page_size: int = 200,
        timing: TimingHook | None = None,
        save_theme: Callable[[str], object] | None = None,
    ) -> None:
        """
        Args:
            backend: the services bound to the acting rep.
            now: the clock (naive UTC); tests and snapshots pass a fixed one.
            keymap_path: the user's keymap TOML (default: keymap.toml in the config dir).
            keymap: overrides from the settings file (the keymap file wins over these).
            theme: a Textual theme name.
            poll_seconds: how often to look for changes made by others (0: never).
            page_size: rows fetched per page of the queue.
            timing: the benchmark's hook.
            save_theme: called with the theme's name when the user picks another one, so
                the choice persists (the CLI writes it to the settings file).
        """
        super().__init__()
        self.backend = backend
        self.now: Callable[[], datetime] = now or _utcnow
        self.keymap_path = keymap_path
        self.settings_keymap = dict(keymap or {})
        self.poll_seconds = poll_seconds
        self.page_size = page_size
        self.timing = timing
        self.save_theme = save_theme
        self.actor_name = backend.actor
        self.actor_role: str | None = None
        """The acting rep's role, once `whoami` has answered (gates the supervisor's keys)."""
        self.keymap_problems: list[str] = []
        self._palette: tuple[str, render.Palette] | None = None
        self._last_toast: Notification | None = None
        if theme:
            try:
                self.theme = theme
            except Exception:  # an unknown theme name: keep the default, say so once mounted
                self.keymap_problems.append(f"unknown theme {theme!r}; using the default")

    def get_default_screen(self) -> Screen[object]:
        from qc_console.tui.screens.queue import QueueScreen

        return QueueScreen()

    def on_mount(self) -> None:
        if self.save_theme is not None:
            self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._apply_keymap()
        self._load_role()
        for problem in self.keymap_problems:
            self.notify(problem, title="Keymap", severity="error", timeout=12, markup=False)

    def _theme_changed(self, theme: Theme) -> None:
        if self.save_theme is None:
            return
        try:
            self.save_theme(theme.name)
        except Exception as exc:  # an unwritable config file must not break the console
            self.notify(f"theme not saved: {exc}", severity="warning", markup=False)

    # --- shared helpers ------------------------------------------------------------------
    def clock(self) -> Clock:
        return render.make_clock(self.now(), self.backend.rules)

    def palette(self) -> render.Palette:
        """Row colours from the theme (computing the theme's variables is slow: cached)."""
        if self._palette is None or self._palette[0] != self.theme:
            self._palette = (self.theme, render.Palette.from_variables(self.get_css_variables()))
        return self._palette[1]

    def toast(self, message: str) -> None:
        """Say what an action did (literal text), replacing the previous action's toast.

        Working the queue means a toast per key; stacked, they would cover the rows and every
        new one re-mounts the whole stack. Warnings and errors still go through `notify`.
        """
        last = self._last_toast
        if last is not None and last in self._notifications:
            # Textual has no public way to withdraw one notification.
            self._unnotify(last, refresh=False)
        toast = Notification(message, "", "information", ACTION_TOAST_SECONDS, markup=False)
        self._last_toast = toast
        self.post_message(Notify(toast))

    def mark(self, event: str, detail: str = "") -> None:
        """Report a timing point to the benchmark's hook (no-op otherwise)."""
        if self.timing is not None:
            self.timing(event, detail, time.perf_counter())

    def show_error(self, error: BaseException | None) -> None:
        """An unexpected failure: a dialog with what went wrong, never a traceback on screen."""
        from qc_console.tui.dialogs import ErrorDialog

        self.log.error("worker failed", error=repr(error))
        kind = type(error).__name__ if error is not None else "Error"
        body = f"{kind}: {error}\n\nThe step did not complete; the details are in the log."
        self.push_screen(ErrorDialog("Something went wrong", body))

    @work(thread=True, exit_on_error=False, group="role")
    def _load_role(self) -> None:
        try:
            role = str(self.backend.whoami().role)
        except Exception:  # an unknown actor: the queue says so; no supervisor keys
            return
        self.call_from_thread(self._set_role, role)

    def _set_role(self, role: str) -> None:
        self.actor_role = role
        if role == "supervisor":
            # Textual has no public way to add a priority binding with an id at run time.
            self._bindings.key_to_bindings.setdefault(SUPERVISOR_KEY.key, []).append(SUPERVISOR_KEY)
            self.refresh_bindings()

    # --- keys ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "supervisor":
            if self.actor_role != "supervisor" or isinstance(self.screen, ModalScreen):
                return False
            from qc_console.tui.screens.supervisor import SupervisorScreen

            if any(isinstance(s, SupervisorScreen) for s in self.screen_stack):
                return False  # already open (under a drill-down: escape goes back to it)
            from qc_console.tui.screens.queue import QueueScreen

            own = SUPERVISOR_KEY.key in self.screen._bindings.key_to_bindings
            if own and not isinstance(self.screen, QueueScreen):
                return False  # the queue's sort is on `o` too; another screen's `s` wins there
            # A priority key: never steal an `s` typed into a field.
            return not isinstance(self.focused, Input | TextArea)
        return True

    def action_supervisor(self) -> None:
        from qc_console.tui.screens.supervisor import SupervisorScreen

        self.push_screen(SupervisorScreen())

    def binding_ids(self) -> set[str]:
        """Every binding id a keymap may name (screens, widgets and dialogs)."""
        from textual.dom import DOMNode

        from qc_console.tui import dialogs
        from qc_console.tui.screens.help import HelpScreen
        from qc_console.tui.screens.import_file import ImportScreen
        from qc_console.tui.screens.import_mapping import MappingTable
        from qc_console.tui.screens.lead_detail import LeadDetailScreen
        from qc_console.tui.screens.queue import QueueScreen
        from qc_console.tui.screens.supervisor import SupervisorScreen
        from qc_console.tui.screens.supervisor_dialogs import RebalanceDialog
        from qc_console.tui.screens.supervisor_drill import DrillDownQueue
        from qc_console.tui.widgets.lead_table import LeadTable

        classes: list[type[DOMNode]] = [
            QCConsoleApp,
            QueueScreen,
            SupervisorScreen,
            DrillDownQueue,
            RebalanceDialog,
            LeadDetailScreen,
            HelpScreen,
            LeadTable,
            ImportScreen,
            MappingTable,
        ]
        from qc_console.tui.screens.report_base import report_screen_classes

        classes += report_screen_classes()
        for name in dialogs.__all__:
            obj = getattr(dialogs, name)
            if isinstance(obj, type) and issubclass(obj, DOMNode):
                classes.append(obj)
        ids: set[str] = {"app.supervisor"}
        for cls in classes:
            for _key, binding in cls._merge_bindings():
                if binding.id:
                    ids.add(binding.id)
        return ids

    def _apply_keymap(self) -> None:
        known = self.binding_ids()
        keymap: dict[str, str] = {}
        if self.settings_keymap:
            found = check_keymap(self.settings_keymap, known, "settings [keymap]")
            keymap.update(found.keymap)
            self.keymap_problems.extend(found.problems)
        path = self.keymap_path or default_keymap_path()
        found = load_keymap(path, known, required=self.keymap_path is not None)
        keymap.update(found.keymap)
        self.keymap_problems.extend(found.problems)
        if keymap:
            self.set_keymap(keymap)

    def action_help(self) -> None:
        from qc_console.tui.keyhelp import key_entries
        from qc_console.tui.screens.help import NOTES, HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        title = {
            "queue": "Queue",
            "detail": "Lead detail",
            "supervisor": "Supervisor",
            "refinery": "Refinery",
            "forecast": "Forecast",
            "reps-report": "Reps",
            "campaigns-report": "Campaigns",
        }.get(screen.id or "", "this screen")
        notes = getattr(screen, "HELP_NOTES", None) or NOTES
        self.push_screen(HelpScreen(title, key_entries(screen), notes))
