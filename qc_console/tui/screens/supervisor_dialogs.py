"""The supervisor's rebalance dialog: pick reps (and whether to weight by open load)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from qc_console.tui.dialogs._base import Dialog, hint, literal, show_error


@dataclass(frozen=True)
class RebalanceChoice:
    reps: tuple[str, ...]
    weighted: bool


class RebalanceDialog(Dialog[RebalanceChoice | None]):
    """`space` picks or unpicks a rep, `w` toggles weighting by open load, `enter` goes on to
    the preview. `picked` start picked (the caller's usual choice: every QC rep but the
    leads' owner), so the common rebalance is `b`, `enter`, `y`."""

    DEFAULT_CSS = """
    RebalanceDialog SelectionList {
        height: auto;
        max-height: 14;
        background: $surface;
    }
    """
    AUTO_FOCUS = "SelectionList"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "go", "Preview", show=False, priority=True, id="rebalance.go"),
        Binding("w", "weigh", "Weighted", show=False, id="rebalance.weigh"),
    ]

    def __init__(
        self,
        what: str,
        count: int,
        reps: list[str],
        loads: dict[str, int],
        *,
        supervisors: frozenset[str] = frozenset(),
        picked: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.what = what
        self.count = count
        self.rep_names = reps
        self.loads = loads
        self.supervisors = supervisors
        self.picked = picked
        self.weighted = False

    def _label(self, name: str) -> Text:
        role = "supervisor, " if name in self.supervisors else ""
        return Text(f"{name}  ({role}{self.loads.get(name, 0)} open)")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = literal(f"Rebalance {self.count} lead(s)", width=60)
            yield Static(literal(self.what, width=66), classes="lead")
            yield SelectionList[str](
                *[(self._label(name), name, name in self.picked) for name in self.rep_names]
            )
            yield Static(self._weight_text(), id="weighted")
            yield Static("", classes="error", id="error")
            yield Static(
                hint(
                    ("space", "pick"),
                    ("w", "weight"),
                    ("enter", "preview"),
                    ("esc", "cancel"),
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        show_error(self.query_one("#error", Static), "")

    def _weight_text(self) -> str:
        if self.weighted:
            return "Round-robin weighted by open load: the least loaded rep first (w: plain)"
        return "Plain round-robin over the picked reps (w: weight by open load)"

    def action_weigh(self) -> None:
        self.weighted = not self.weighted
        self.query_one("#weighted", Static).update(self._weight_text())

    def action_go(self) -> None:
        picked = tuple(self.query_one(SelectionList).selected)
        if not picked:
            show_error(self.query_one("#error", Static), "Pick at least one rep (space).")
            return
        self.dismiss(RebalanceChoice(picked, self.weighted))
