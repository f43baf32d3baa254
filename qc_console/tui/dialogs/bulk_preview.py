"""What a bulk action is about to do: how many leads, by stage, and which are left out and why.

`enter` confirms (True), `escape` cancels. Lead labels and reasons are data, shown literally.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from qc_console.domain.values import BulkPreview, Skipped
from qc_console.tui.dialogs._base import MUTED, Dialog, hint, literal

SHOW_LEFT_OUT = 200
"""At most this many left-out leads are listed (the count says how many there are)."""


def _n(count: int, word: str = "lead") -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def stage_line(preview: BulkPreview) -> Content:
    """`raw 20 · working 12 · incubating 5`, biggest first."""
    parts: list[str | tuple[str, str]] = []
    ordered = sorted(preview.by_stage.items(), key=lambda kv: (-kv[1], kv[0]))
    for i, (stage, n) in enumerate(ordered):
        if i:
            parts.append((" · ", MUTED))
        parts.extend([(stage, ""), (f" {n:,}", "bold")])
    return Content.assemble(*parts)


def reason(s: Skipped) -> str:
    """Why a lead is left out, without the `lead #7 (Name): ` the line already shows."""
    prefix = f"lead #{s.lead_id} ({s.label}): "
    return s.why[len(prefix) :] if s.why.startswith(prefix) else s.why


class BulkPreviewDialog(Dialog[bool]):
    """The preview of one bulk action; `enter` → True (run it), `escape` → False."""

    DEFAULT_CSS = """
    BulkPreviewDialog > .dialog {
        width: 80;
    }
    BulkPreviewDialog #left-out {
        height: auto;
        max-height: 12;
        margin-top: 1;
    }
    BulkPreviewDialog #eligible {
        text-style: bold;
        margin-top: 1;
    }
    """
    CANCEL = False
    AUTO_FOCUS = "#left-out"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Confirm", show=False, id="bulk.confirm"),
    ]

    def __init__(self, title: str, preview: BulkPreview) -> None:
        """`title` says the action and its choice (`Qualify high`)."""
        super().__init__()
        self.title_text = title
        self.preview = preview

    def compose(self) -> ComposeResult:
        p = self.preview
        eligible = len(p.eligible)
        with Vertical(classes="dialog") as frame:
            frame.border_title = literal(f"{self.title_text} — {_n(p.total)}", width=70)
            yield Static(
                Content.assemble(("Selected by stage: ", MUTED), stage_line(p)), id="by-stage"
            )
            if eligible:
                yield Static(f"{_n(eligible)} will change", id="eligible")
            else:
                yield Static("None of these leads can take this action", id="eligible")
            with VerticalScroll(id="left-out") as left_out:
                left_out.display = bool(p.skipped)
                if p.skipped:
                    yield Static(
                        Content.styled(f"{_n(len(p.skipped))} left out:", "$warning"),
                        id="left-out-title",
                    )
                    for s in p.skipped[:SHOW_LEFT_OUT]:
                        yield Static(
                            Content.assemble(
                                literal(f"#{s.lead_id} {s.label}", width=34),
                                (f"  {s.stage}: ", MUTED),
                                literal(reason(s)),
                            ),
                            classes="skipped",
                        )
                    if len(p.skipped) > SHOW_LEFT_OUT:
                        more = len(p.skipped) - SHOW_LEFT_OUT
                        yield Static(Content.styled(f"… and {more:,} more", MUTED))
            if eligible:
                yield Static(hint(("enter", "confirm"), ("esc", "cancel")), classes="hint")
            else:
                yield Static(hint(("enter/esc", "close")), classes="hint")

    def action_confirm(self) -> None:
        self.dismiss(bool(self.preview.eligible))
