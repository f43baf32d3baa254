"""`f` on a report screen: which source, campaign, rep and weeks the figures cover."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
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


def _row(label: str, field: Widget) -> Horizontal:
    return Horizontal(Label(label), field, classes="row")


def _pick(names: list[str], value: str | None, prompt: str, ident: str) -> Select[str]:
    """A choice among `names` (shown literally), `prompt` when none is chosen."""
    return Select(
        [(Text(n), n) for n in names],
        value=value if value in names else Select.NULL,
        prompt=prompt,
        id=ident,
        compact=True,
    )


def _field(value: str, placeholder: str, ident: str) -> Input:
    return Input(value, placeholder=placeholder, id=ident, compact=True)


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
            sources = [s.value for s in Source]
            yield _row("Source", _pick(sources, c.source, "every source", "source"))
            campaign = _pick(self.campaign_names, c.campaign, "every campaign", "campaign")
            yield _row("Campaign", campaign)
            yield _row("Rep", _pick(self.rep_names, c.rep, "every rep", "rep"))
            start = c.start.isoformat() if c.start else ""
            yield _row("From", _field(start, "2026-03-02 or 2026-W10", "start"))
            yield _row("To", _field(c.end.isoformat() if c.end else "", "(this week)", "end"))
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
