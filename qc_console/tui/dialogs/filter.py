"""`/`: filter the queue — text, stages, ratings, sources, due today, overdue, the view and,
for a supervisor, whose leads (their own and the pool, or every rep's)."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, SelectionList, Static

from qc_console.domain.codes import Source
from qc_console.domain.filters import ALL_OWNERS
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import QueueFilter, QueueView
from qc_console.tui.dialogs._base import Dialog, hint
from qc_console.tui.render import SOURCE_LABELS, STAGE_LABELS

E = TypeVar("E", bound=StrEnum)

VIEW_LABELS: dict[QueueView, str] = {
    QueueView.DUE: "due",
    QueueView.NEW: "new",
    QueueView.INCUBATING: "incubating",
    QueueView.ALL_OPEN: "all open",
}
RATING_LABELS: dict[Rating, str] = {Rating.HIGH: "high", Rating.MEDIUM: "medium", Rating.LOW: "low"}
WHOSE_LABELS: dict[str, str] = {"mine": "mine and the pool", "every": "every rep's and the pool"}


class FilterDialog(Dialog[QueueFilter | None]):
    """`tab` moves, `space` toggles, `enter` applies from anywhere, `ctrl+r` clears the form.
    With `whose` (a supervisor's own queue) a row picks whose leads; fields the dialog does not
    show (owner, pool, ids) are kept from `current`."""

    DEFAULT_CSS = """
    FilterDialog > .dialog {
        width: 76;
    }
    FilterDialog .lists {
        height: auto;
        margin-top: 1;
    }
    FilterDialog .column {
        height: auto;
        width: auto;
        margin-right: 1;
    }
    FilterDialog .column Label {
        color: $text-muted;
        padding-left: 1;
    }
    FilterDialog SelectionList {
        height: auto;
        width: auto;
        min-width: 16;
        padding: 0;
        border: round $border-blurred;
        background: $surface;
        &:focus {
            border: round $border;
        }
    }
    FilterDialog Checkbox, FilterDialog RadioSet > RadioButton {
        width: auto;
        margin-right: 2;
    }
    FilterDialog SelectionList > .option-list--option-highlighted {
        background: transparent;
        text-style: none;
    }
    FilterDialog RadioSet {
        layout: horizontal;
        width: 1fr;
        height: auto;
    }
    FilterDialog .flags {
        height: auto;
        margin-top: 1;
    }
    """
    AUTO_FOCUS = "#text"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", show=False, priority=True, id="filter.apply"),
        Binding("ctrl+r", "clear", "Clear all", show=False, id="filter.clear"),
    ]

    def __init__(self, current: QueueFilter, *, whose: bool = False) -> None:
        super().__init__()
        self.current = current
        self.whose = whose

    def compose(self) -> ComposeResult:
        cur = self.current
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Filter the queue"
            with Horizontal(classes="row"):
                yield Label("Text", classes="label")
                yield Input(
                    cur.text, placeholder="name, company or email contains", compact=True, id="text"
                )
            with Horizontal(classes="lists"):
                with Vertical(classes="column"):
                    yield Label("Stage")
                    yield SelectionList[Stage](
                        *((STAGE_LABELS[s], s, s in cur.stages) for s in Stage), id="stages"
                    )
                with Vertical(classes="column"):
                    yield Label("Rating")
                    yield SelectionList[Rating](
                        *((label, r, r in cur.ratings) for r, label in RATING_LABELS.items()),
                        id="ratings",
                    )
                with Vertical(classes="column"):
                    yield Label("Source")
                    yield SelectionList[Source](
                        *((SOURCE_LABELS[s], s, s in cur.sources) for s in Source), id="sources"
                    )
            with Horizontal(classes="row flags"):
                yield Label("Due", classes="label")
                yield Checkbox("due today", cur.due_today, compact=True, id="due-today")
                yield Checkbox("overdue", cur.overdue, compact=True, id="overdue")
            with Horizontal(classes="row"):
                yield Label("View", classes="label")
                with RadioSet(compact=True, id="view"):
                    for view, label in VIEW_LABELS.items():
                        yield RadioButton(label, view == cur.view, compact=True, name=view.value)
            if self.whose:
                every = cur.owner == ALL_OWNERS
                with Horizontal(classes="row"):
                    yield Label("Whose", classes="label")
                    with RadioSet(compact=True, id="whose"):
                        for name, label in WHOSE_LABELS.items():
                            on = every == (name == "every")
                            yield RadioButton(label, on, compact=True, name=name)
            yield Static(
                hint(
                    ("enter", "apply"),
                    ("tab", "move"),
                    ("space", "toggle"),
                    ("ctrl+r", "clear all"),
                    ("esc", "cancel"),
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        # A RadioSet starts its cursor on the first button; start it on the pressed one.
        for radios in self.query(RadioSet):
            radios._selected = radios.pressed_index  # noqa: SLF001 - no public setter (Textual 8)

    def _view(self) -> QueueView:
        pressed = self.query_one("#view", RadioSet).pressed_button
        if pressed is None or not pressed.name:
            return self.current.view
        return QueueView(pressed.name)

    def _picked(self, selector: str, order: tuple[E, ...]) -> tuple[E, ...]:
        """What is ticked in a list, in the list's order."""
        ticked = set(self.query_one(selector, SelectionList).selected)
        return tuple(value for value in order if value in ticked)

    def _owner(self) -> tuple[str | None, bool]:
        """(owner, include_pool): as the Whose row says, else as they were."""
        if not self.whose:
            return self.current.owner, self.current.include_pool
        pressed = self.query_one("#whose", RadioSet).pressed_button
        every = pressed is not None and pressed.name == "every"
        return (ALL_OWNERS if every else None), True

    def action_apply(self) -> None:
        owner, include_pool = self._owner()
        self.dismiss(
            replace(
                self.current,
                owner=owner,
                include_pool=include_pool,
                text=self.query_one("#text", Input).value.strip(),
                stages=self._picked("#stages", tuple(Stage)),
                ratings=self._picked("#ratings", tuple(RATING_LABELS)),
                sources=self._picked("#sources", tuple(Source)),
                due_today=self.query_one("#due-today", Checkbox).value,
                overdue=self.query_one("#overdue", Checkbox).value,
                view=self._view(),
            )
        )

    def action_clear(self) -> None:
        """Empty every filter in the form (the view, a tab rather than a filter, stays)."""
        self.query_one("#text", Input).value = ""
        for selection in self.query(SelectionList):
            selection.deselect_all()
        for box in self.query(Checkbox):
            box.value = False
