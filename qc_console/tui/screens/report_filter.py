"""`f` on a report screen: which source, campaign, rep and weeks the figures cover."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from qc_console.domain.codes import Source
from qc_console.tui.dialogs._base import Dialog, hint, show_error
from qc_console.tui.screens.report_base import ReportScope

POOL = "(pool)"
"""The rep filter value for leads nobody owns."""


def parse_week(text: str) -> date | None:
    """A date (`2026-03-02`) or an ISO week (`2026-W10`, its Monday); blank is None.

    Raises:
        ValueError: neither.
    """
    text = text.strip()
    if not text:
        return None
    if "W" in text.upper():
        return datetime.strptime(text.upper() + "-1", "%G-W%V-%u").date()
    return date.fromisoformat(text)


class ReportFilterDialog(Dialog[ReportScope | None]):
    """`tab` moves, `enter` opens a list or applies, `ctrl+r` clears every field."""

    DEFAULT_CSS = """
    ReportFilterDialog > .dialog {
        width: 64;
    }
    ReportFilterDialog .row {
        height: 1;
    }
    ReportFilterDialog .row {
        margin-top: 1;
    }
    ReportFilterDialog .row Label {
        width: 10;
        color: $text-muted;
    }
    ReportFilterDialog Select, ReportFilterDialog Input {
        width: 1fr;
    }
    ReportFilterDialog Input.-textual-compact, ReportFilterDialog Select.-textual-compact {
        background: $panel;
    }
    ReportFilterDialog #apply {
        margin-top: 1;
        width: 100%;
    }
    """
    AUTO_FOCUS = "#source"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "clear", "Clear", show=False, id="report_filter.clear"),
    ]

    def __init__(self, current: ReportScope, reps: list[str], campaigns: list[str]) -> None:
        super().__init__()
        self.current = current
        self.rep_names = [*reps, POOL]
        self.campaign_names = campaigns

    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Filter the figures"
            with Horizontal(classes="row"):
                yield Label("Source")
                yield Select(
                    [(Text(s.value), s.value) for s in Source],
                    value=c.source or Select.NULL,
                    prompt="every source",
                    id="source",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Campaign")
                yield Select(
                    [(Text(name), name) for name in self.campaign_names],
                    value=c.campaign if c.campaign in self.campaign_names else Select.NULL,
                    prompt="every campaign",
                    id="campaign",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Rep")
                yield Select(
                    [(Text(name), name) for name in self.rep_names],
                    value=c.rep if c.rep in self.rep_names else Select.NULL,
                    prompt="every rep",
                    id="rep",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("From")
                yield Input(
                    c.start.isoformat() if c.start else "",
                    placeholder="2026-03-02 or 2026-W10",
                    id="start",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("To")
                yield Input(
                    c.end.isoformat() if c.end else "",
                    placeholder="(this week)",
                    id="end",
                    compact=True,
                )
            yield Static("", classes="error", id="error")
            yield Button("Apply", id="apply", variant="primary", compact=True)
            yield Static(
                hint(
                    ("tab", "next"),
                    ("enter", "open / apply"),
                    ("ctrl+r", "clear"),
                    ("esc", "cancel"),
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        show_error(self.query_one("#error", Static), "")

    def _picked(self, widget_id: str) -> str | None:
        value = self.query_one(widget_id, Select).value
        return value if isinstance(value, str) else None

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        try:
            start = parse_week(self.query_one("#start", Input).value)
            end = parse_week(self.query_one("#end", Input).value)
        except ValueError:
            show_error(
                self.query_one("#error", Static),
                "Dates: 2026-03-02 or an ISO week like 2026-W10.",
            )
            return
        if start and end and start > end:
            show_error(self.query_one("#error", Static), "From is after To.")
            return
        self.dismiss(
            ReportScope(
                source=self._picked("#source"),
                campaign=self._picked("#campaign"),
                rep=self._picked("#rep"),
                start=start,
                end=end,
            )
        )

    def action_clear(self) -> None:
        for select in self.query(Select):
            select.clear()
        for field in self.query(Input):
            field.value = ""
