"""The refinery at a glance: one row per stage in the order leads flow, with this week's
entries, their change, the stock at week end, conversion to the next stage, the median time
in the stage and a text sparkline of the weekly entries (as many weeks as fit, up to 26)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.widgets import DataTable

if TYPE_CHECKING:
    from qc_console.services.analytics.velocity import VelocityReport
    from qc_console.services.analytics.volumes import StageVolume, VolumesReport

STAGES = (
    "raw",
    "qualified",
    "incubating",
    "handed_off",
    "accepted",
    "won",
    "lost",
    "delayed",
    "purged",
)
SPARK_WEEKS = 26
MIN_SPARK = 6
"""Fewer weeks than this say nothing: the column is left out."""
MAX_STRETCH = 3
"""On a wide screen each week gets up to this many cells of sparkline."""
BLOCKS = "▁▂▃▄▅▆▇█"
COLUMNS = ("stage", "entered", "vs wk", "4w/4w", "stock", "stock vs wk", "→ next", "median", "p80")
WIDE_ONLY = ("stock vs wk", "p80")
"""Shown only when the full 26-week sparkline fits beside them."""


def signed(value: float | None) -> Text:
    """`+12%` green, `-8%` red, `-` dim when there is nothing to compare."""
    if value is None:
        return Text("-", style="dim", justify="right")
    style = "green" if value > 0.05 else "red" if value < -0.05 else ""
    return Text(f"{value:+.0f}%", style=style, justify="right")


def spark(values: list[int], stretch: int = 1) -> Text:
    """Block characters scaled to the row's own maximum (a zero is the lowest block), each
    week `stretch` cells wide."""
    top = max(values, default=0)
    if not top:
        return Text(BLOCKS[0] * len(values) * stretch, style="dim")
    return Text(
        "".join(BLOCKS[round(v / top * (len(BLOCKS) - 1))] * stretch for v in values),
        style="cyan",
    )


def _label(value: str) -> Text:
    return Text(value, justify="right", style="" if value != "-" else "dim")


@dataclass(frozen=True)
class StageRow:
    """What one row shows (kept so the table can be re-laid when its width changes)."""

    volume: StageVolume
    conversion: float | None
    median: str
    p80: str

    def cells(self) -> dict[str, Text]:
        s = self.volume
        conv = self.conversion
        return {
            "stage": Text(s.stage.replace("_", " "), style="bold"),
            "entered": Text(
                f"{s.entered:,}", style="bold" if s.entered else "dim", justify="right"
            ),
            "vs wk": signed(s.entered_wow_pct),
            "4w/4w": signed(s.entered_4w_pct),
            "stock": Text(f"{s.stock:,}", justify="right"),
            "stock vs wk": signed(s.stock_wow_pct),
            "→ next": _label(f"{conv:.0f}%" if conv is not None else "-"),
            "median": _label(self.median),
            "p80": _label(self.p80),
        }


@dataclass(frozen=True)
class Layout:
    columns: tuple[str, ...]
    weeks: int
    """Weeks of sparkline (0: no sparkline column)."""
    stretch: int


class RefineryGlance(DataTable[Text]):
    """The nine stages as rows; `enter` on one posts `RowSelected` (the screen drills)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.rows_shown: list[StageRow] = []
        self._laid_width = -1

    def show(
        self,
        volumes: VolumesReport,
        conversion: dict[str, float | None],
        velocity: VelocityReport | None,
    ) -> None:
        stays = {v.stage: v for v in velocity.stages} if velocity else {}
        by_stage = {s.stage: s for s in volumes.stages}
        self.rows_shown = [
            StageRow(
                by_stage[st],
                conversion.get(st),
                stays[st].median_label if st in stays else "-",
                stays[st].p80_label if st in stays else "-",
            )
            for st in STAGES
            if st in by_stage
        ]
        self._lay_out()

    def stage_at(self, row: int) -> str:
        return self.rows_shown[row].volume.stage

    def layout_for(self, width: int) -> Layout:
        """Which columns and how much sparkline fit in `width` cells."""
        body = [r.cells() for r in self.rows_shown]
        pad = 2 * self.cell_padding

        def used(columns: tuple[str, ...]) -> int:
            return sum(max(len(c), *(row[c].cell_len for row in body)) + pad for c in columns)

        history = min((len(r.volume.weeks) for r in self.rows_shown), default=0)
        wide = COLUMNS
        narrow = tuple(c for c in COLUMNS if c not in WIDE_ONLY)
        for columns in (wide, narrow):
            room = width - used(columns) - pad - 1  # 1: a vertical scrollbar should one appear
            weeks = min(SPARK_WEEKS, room, history)
            if columns is wide and weeks < min(SPARK_WEEKS, history):
                continue
            if weeks < MIN_SPARK:
                return Layout(columns, 0, 1)
            return Layout(columns, weeks, max(1, min(MAX_STRETCH, room // weeks)))
        raise AssertionError("unreachable")

    def _lay_out(self) -> None:
        self._laid_width = self.size.width
        row = self.cursor_row
        self.clear(columns=True)
        if not self.rows_shown:
            return
        lay = self.layout_for(self.size.width)
        for title in lay.columns:
            self.add_column(Text(title, justify="left" if title == "stage" else "right"))
        if lay.weeks:
            long = f"last {lay.weeks} weeks"
            fits = len(long) <= lay.weeks * lay.stretch
            self.add_column(Text(long if fits else f"{lay.weeks} wks"))
        for r in self.rows_shown:
            cells = r.cells()
            shown = [cells[c] for c in lay.columns]
            if lay.weeks:
                entries = [w.entered for w in r.volume.weeks[-lay.weeks :]]
                shown.append(spark(entries, lay.stretch))
            self.add_row(*shown, key=r.volume.stage)
        self.move_cursor(row=min(row, len(self.rows_shown) - 1), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if self.rows_shown and event.size.width != self._laid_width:
            self._lay_out()
