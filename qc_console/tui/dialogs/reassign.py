"""`R`: give leads to another rep or the pool — digits pick, letters filter (as hand-off)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qc_console.tui.dialogs._base import MUTED
from qc_console.tui.dialogs.hand_off import HandOffDialog

POOL = "(the pool)"
"""How the dialog names the unassigned pool."""


@dataclass(frozen=True)
class ReassignTarget:
    """A line of the dialog: what it shows and whom it means (None: the pool)."""

    label: str
    rep: str | None


def reassign_targets(
    actor: str,
    supervisor: bool,
    qc_reps: list[str],
    sales_reps: list[str],
    *,
    hand_offs: bool = False,
) -> list[ReassignTarget]:
    """Whom `actor` may give leads to (DESIGN.md §1 People): a supervisor any QC rep, the pool,
    and — for hand-offs nobody accepted — another sales rep; a rep takes a lead or releases it.
    With `hand_offs` (the leads are waiting hand-offs) the sales reps come first."""
    if not supervisor:
        return [ReassignTarget(POOL, None), ReassignTarget(f"{actor} (take it)", actor)]
    qc = [ReassignTarget(name, name) for name in qc_reps] + [ReassignTarget(POOL, None)]
    sales = [ReassignTarget(f"{name} (sales: hand-offs only)", name) for name in sales_reps]
    return sales + qc if hand_offs else qc + sales


class ReassignDialog(HandOffDialog):
    """The hand-off picker over `reassign_targets`; dismisses with the chosen line's label."""

    def __init__(self, lead_label: str, targets: list[ReassignTarget]) -> None:
        super().__init__(lead_label, [t.label for t in targets], None)

    def on_mount(self) -> None:
        self.query_one(".dialog").border_title = "Reassign to"
        super().on_mount()

    def _refresh(self) -> None:
        super()._refresh()
        if not self._shown:
            options = self.query_one(OptionList)
            options.clear_options()
            options.add_option(Option(Content.styled("nobody matches", MUTED), disabled=True))
