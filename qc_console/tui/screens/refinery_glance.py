"""The refinery at a glance: one card per stage, side by side in the order leads flow, each
with this week's entries, their change, the stock at week end and a sparkline of entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

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
SHORT = {
    "handed_off": "handed",
    "incubating": "incub",
    "qualified": "qualif",
    "accepted": "accept",
    "delayed": "delay",
}
"""Labels that fit an 8-cell card (80 columns)."""
SPARK_WEEKS = 26


def _signed(value: float | None) -> Text:
    if value is None:
        return Text("-", style="dim")
    style = "green" if value > 0.05 else "red" if value < -0.05 else ""
    return Text(f"{value:+.0f}%", style=style)


class StageCard(Vertical):
    """One stage: entered this week, vs last week, 4w vs 4w, stock, conversion to the next
    stage, median time in it, and a sparkline of entries (the `Legend` names the lines)."""

    DEFAULT_CSS = """
    StageCard {
        width: 1fr;
        height: auto;
        padding: 0 0 0 1;
        border-left: vkey $panel-lighten-2;
    }
    StageCard .name { text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    StageCard .figures { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    StageCard Sparkline { height: 1; }
    """

    def __init__(self, stage: str) -> None:
        super().__init__(id=f"card-{stage}")
        self.stage = stage

    def compose(self) -> ComposeResult:
        yield Static(self.stage, classes="name")
        yield Static("", classes="figures")
        yield Sparkline([], summary_function=max)

    def on_resize(self) -> None:
        wide = self.size.width >= 11
        label = self.stage.replace("_", " ") if wide else SHORT.get(self.stage, self.stage)
        self.query_one(".name", Static).update(Text(label))

    def show(self, s: StageVolume, conv: float | None, median: str) -> None:
        lines = Text(no_wrap=True, overflow="ellipsis")
        lines.append(f"{s.entered:,}\n", style="bold")
        lines.append_text(_signed(s.entered_wow_pct))
        lines.append("\n")
        lines.append_text(_signed(s.entered_4w_pct))
        lines.append(f"\n{s.stock:,}\n")
        lines.append(f"{conv:.0f}%\n" if conv is not None else "-\n", style="" if conv else "dim")
        lines.append(short_span(median), style="" if median != "-" else "dim")
        self.query_one(".figures", Static).update(lines)
        self.query_one(Sparkline).data = [float(w.entered) for w in s.weeks[-SPARK_WEEKS:]]


def short_span(label: str) -> str:
    """`14d-21d` → `14-21d` (fits a narrow card)."""
    return label.replace("d-", "-") if label.count("d") == 2 else label


class Legend(Vertical):
    """What each line of the cards means."""

    DEFAULT_CSS = """
    Legend { width: 8; height: auto; color: $text-muted; padding: 0 0 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(
            Text("stage\nentered\nvs wk\n4w/4w\nstock\n→ next\nmedian\n26 wks", no_wrap=True)
        )


class RefineryGlance(Horizontal):
    """The nine stage cards."""

    DEFAULT_CSS = """
    RefineryGlance {
        height: auto;
        padding: 0 0 1 0;
    }
    """

    def compose(self) -> ComposeResult:
        yield Legend()
        for stage in STAGES:
            yield StageCard(stage)

    def show(
        self,
        volumes: VolumesReport,
        conversion: dict[str, float | None],
        velocity: VelocityReport | None,
    ) -> None:
        medians = {v.stage: v.median_label for v in velocity.stages} if velocity else {}
        for s in volumes.stages:
            if s.stage in STAGES:
                self.query_one(f"#card-{s.stage}", StageCard).show(
                    s, conversion.get(s.stage), medians.get(s.stage, "-")
                )
