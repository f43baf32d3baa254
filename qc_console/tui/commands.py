"""The command palette (`ctrl+p`): every key of the current screen, by name, plus the screens."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from qc_console.tui.dispositions import LEAD_ACTIONS
from qc_console.tui.keyhelp import key_entries

Command = tuple[str, str, Callable[[], Any]]
REPORT_SCREENS = (
    ("refinery", "refinery", "volumes per stage and week, conversion, velocity, value"),
    ("forecast", "forecast", "lags, elasticities, projected hand-offs and pipeline, what-if"),
    ("reps", "reps report", "per QC rep: work, hand-offs, accepted %, won $"),
    ("campaigns", "campaigns report", "per campaign: funnel, won $, cost per step"),
)
"""The supervisor's analytics screens (screens/report_base.py): name, title, help."""


def _open_report(app: Any, name: str) -> None:
    from qc_console.tui.screens.report_base import open_report

    open_report(app, name)


class ConsoleCommands(Provider):
    """Actions and views of the screen the palette was opened over."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        app = self.app
        out: list[Command] = []
        for entry in key_entries(screen):
            action = entry.action
            if action == "supervisor":
                continue  # listed below as a screen, for supervisors only
            if not entry.enabled and action in LEAD_ACTIONS:
                action = f"explain('{action}')"  # says why instead of doing nothing
            help_text = f"{entry.keys}  {entry.tooltip}".strip()
            if not entry.enabled:
                help_text += "  (not available now)"
            out.append(
                (
                    f"{entry.group}: {entry.description}",
                    help_text,
                    partial(app.run_action, action, screen),
                )
            )
        out.append(
            (
                "Screen: keys (help)",
                "?  every key of this screen",
                partial(app.run_action, "app.help"),
            )
        )
        if not any(e.action == "import_file" for e in key_entries(screen)):
            out.append(
                (
                    "Screen: import a file",
                    "I (in the queue)  CRM, marketing, event and form exports",
                    partial(_open_import, app),
                )
            )
        if getattr(app, "actor_role", None) == "supervisor":
            out.append(
                (
                    "Screen: supervisor's console",
                    "s  queue aging, black holes, rebalancing, any rep's queue",
                    partial(app.run_action, "app.supervisor"),
                )
            )
            out += [
                (f"Screen: {title}", help_text, partial(_open_report, app, name))
                for name, title, help_text in REPORT_SCREENS
            ]
        return out

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)


def _open_import(app: Any) -> None:
    from qc_console.tui.screens.import_file import ImportScreen

    if not isinstance(app.screen, ImportScreen):
        app.push_screen(ImportScreen())
