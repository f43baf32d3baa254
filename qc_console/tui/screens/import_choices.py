"""The import screen's source and campaign: what they say, and the campaign picker.

`s` cycles the source (from the file → each `Source` → from the file); `c` opens
`CampaignDialog`: type a campaign (`→` completes an existing one) or leave it empty for none.
A name no campaign has yet is marked "(new)": the import creates it. Names are data: always
rendered literally.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from qc_console.domain.codes import Source
from qc_console.importing import ImportOptions, ImportReport, ParsedFile
from qc_console.tui.dialogs._base import MUTED, Dialog, hint, literal

SOURCES: tuple[Source | None, ...] = (None, *Source)
"""The source cycle: None is "from the file"."""
CAMPAIGN_MAX = 200
"""Longest campaign name kept (the service cuts longer ones)."""
EXISTING_SHOWN = 8
"""Existing campaigns listed in the picker."""


def next_source(current: Source | None) -> Source | None:
    """The source after `current` in the cycle."""
    return SOURCES[(SOURCES.index(current) + 1) % len(SOURCES)]


def campaign_name(typed: str) -> str | None:
    """The campaign a typed name means (None: no campaign)."""
    return typed.strip()[:CAMPAIGN_MAX] or None


def existing(name: str, campaigns: Sequence[str]) -> str | None:
    """The campaign called `name` (case aside, as the import matches them), if there is one."""
    key = name.strip().casefold()
    return next((c for c in campaigns if c.casefold() == key), None)


def _columns(parsed: ParsedFile, field: str) -> list[str]:
    return [header for header, f in parsed.mapping if f == field]


def source_part(parsed: ParsedFile, options: ImportOptions) -> Content:
    """`trade_show`, or where the file's own source comes from."""
    if options.source is not None:
        return Content.styled(options.source.value, "bold")
    default = parsed.default_source.value
    columns = _columns(parsed, "source")
    if not columns:
        return Content.assemble((default, "bold"), (" (from the file's format)", MUTED))
    return Content.assemble(
        "from the file ",
        ("(column '", MUTED),
        literal(columns[0], width=40, style="bold"),
        (f"', else {default})", MUTED),
    )


def campaign_part(
    parsed: ParsedFile, options: ImportOptions, campaigns: Sequence[str], new: str = "new"
) -> Content:
    """`'Expo 2026' (new)`, `'Expo 2026'`, the file's column, or none."""
    if options.campaign:
        found = existing(options.campaign, campaigns)
        shown = Content.assemble("'", literal(found or options.campaign, width=60), "'")
        if found is None:
            return Content.assemble(shown.stylize("bold"), (f" ({new})", "bold $success"))
        return shown.stylize("bold")
    columns = _columns(parsed, "campaign")
    if columns:
        column = literal(columns[0], width=40, style="bold")
        return Content.assemble("from the file ", ("(column '", MUTED), column, ("')", MUTED))
    return Content("none")


def tags_content(
    count: int,
    parsed: ParsedFile,
    options: ImportOptions,
    campaigns: Sequence[str],
    new: str = "new",
) -> Content:
    """`12 new lead(s) → source trade_show, campaign 'Expo 2026' (new)`; `new` is what a
    campaign not in `campaigns` is called ("created" after the import)."""
    return Content.assemble(
        (f"{count:,} new lead(s)", "bold"),
        " → source ",
        source_part(parsed, options),
        ", campaign ",
        campaign_part(parsed, options, campaigns, new),
    )


def summary_tags(
    report: ImportReport, parsed: ParsedFile, options: ImportOptions, campaigns: Sequence[str]
) -> Content:
    """`tags_content` after the import: a campaign it created is said to be "created"."""
    made = {name.casefold() for name in report.campaigns_created}
    name = options.campaign or ""
    known = campaigns if name.casefold() in made else (*campaigns, name)
    return tags_content(report.counts.new, parsed, options, known, "created")


class CampaignDialog(Dialog[str | None]):
    """Pick or name the import's campaign; dismisses with the name ('' for none), or None."""

    DEFAULT_CSS = """
    CampaignDialog #campaign-name { width: 1fr; }
    CampaignDialog #campaign-check { height: auto; margin-top: 1; }
    CampaignDialog #campaign-list { height: auto; margin-top: 1; }
    """
    AUTO_FOCUS = "#campaign-name"

    def __init__(self, current: str | None, campaigns: Sequence[str]) -> None:
        super().__init__()
        self.current = current or ""
        self.campaigns = list(campaigns)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Campaign of the new leads"
            with Horizontal(classes="row"):
                yield Label("Campaign", classes="label")
                yield Input(
                    value=self.current,
                    placeholder="a campaign, or empty for none",
                    suggester=SuggestFromList(self.campaigns, case_sensitive=False),
                    compact=True,
                    max_length=CAMPAIGN_MAX,
                    id="campaign-name",
                )
            yield Static(id="campaign-check")
            yield Static(id="campaign-list")
            yield Static(
                hint(("→", "complete"), ("enter", "use"), ("ctrl+u", "clear"), ("esc", "cancel")),
                classes="hint",
            )

    def on_mount(self) -> None:
        self._check(self.current)

    @on(Input.Changed, "#campaign-name")
    def _changed(self, event: Input.Changed) -> None:
        self._check(event.value)

    def _check(self, typed: str) -> None:
        """Say what enter would do, and list the existing campaigns that match."""
        name = campaign_name(typed)
        found = existing(name, self.campaigns) if name else None
        key = (name or "").casefold()
        matches = [c for c in self.campaigns if key in c.casefold()]
        if name is None:
            text = Content.styled("none: the new leads keep the file's campaign, if any", MUTED)
        elif found is None:
            text = Content.assemble(
                ("(new) ", "bold $success"),
                literal(name, width=40, style="bold"),
                (" is created by the import", MUTED),
            )
            completes = next((c for c in matches if c.casefold().startswith(key)), None)
            if completes is not None:
                text += Content.assemble(
                    ("  (→ ", MUTED), literal(completes, width=30), (")", MUTED)
                )
        else:
            text = Content.assemble(("existing ", MUTED), literal(found, width=60, style="bold"))
        self.query_one("#campaign-check", Static).update(text)
        self.query_one("#campaign-list", Static).update(self._listing(matches))

    def _listing(self, matches: list[str]) -> Content:
        if not self.campaigns:
            return Content.styled("no campaigns yet", MUTED)
        if not matches:
            return Content.styled("no existing campaign matches", MUTED)
        lines = [literal(name, width=66) for name in matches[:EXISTING_SHOWN]]
        if len(matches) > EXISTING_SHOWN:
            lines.append(Content.styled(f"… and {len(matches) - EXISTING_SHOWN} more", MUTED))
        title = Content.styled(
            "existing campaigns" + (" matching" if len(matches) < len(self.campaigns) else ""),
            MUTED,
        )
        return Content("\n").join([title, *lines])

    @on(Input.Submitted, "#campaign-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = campaign_name(event.value)
        found = existing(name, self.campaigns) if name else None
        self.dismiss(found or name or "")  # an existing campaign keeps its own spelling
