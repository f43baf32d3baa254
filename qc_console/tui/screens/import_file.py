"""The import screen: pick a file, see what it holds and what would happen, import it.

Pick a file in the path field (`→` completes names) or the folder tree (`tab` to reach it),
read the preview (format, reading notes, mapping, would-be counts, first rows, rejected rows
with their reasons), change the mapping (`m`), the owner (`a`), the source (`s`) or the
campaign (`c`) of the new leads, `enter` imports with a progress bar, then the summary (rejects
file, `u` undo). `o` picks another file, keeping the owner, source and campaign chosen.
Leaving refreshes the queue.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, DirectoryTree, Input, ProgressBar, Static

from qc_console.domain.errors import DomainError
from qc_console.importing import ImportOptions, ImportPreview, ImportReport, RowError
from qc_console.tui.render import clean
from qc_console.tui.screens.import_choices import CampaignDialog, next_source, summary_tags
from qc_console.tui.screens.import_mapping import MappingDialog
from qc_console.tui.screens.import_parts import (
    ImportBackend,
    ImportFinished,
    ImportProgressed,
    PathSuggester,
    PreviewFailed,
    PreviewLoaded,
    Undone,
    typed_path,
)
from qc_console.tui.screens.import_view import (
    REJECTS_SHOWN,
    failure_content,
    preview_content,
    summary_content,
)
from qc_console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from qc_console.importing.peek import FileColumns

OWNER_CYCLE = ("pool", "me", "round_robin")


class ImportScreen(Screen[ImportReport | None]):
    """Import one file; dismisses with the report of a committed import (else None)."""

    DEFAULT_CSS = """
    ImportScreen #import-title { padding: 0 1; height: 1; }
    ImportScreen #import-path { margin: 0 1; }
    ImportScreen #import-body { height: 1fr; }
    ImportScreen #import-tree { width: 40; border-right: vkey $panel; }
    ImportScreen #import-preview { width: 1fr; padding: 0 1; }
    ImportScreen #import-summary { height: auto; }
    ImportScreen #import-progress { margin: 1 0 0 0; }
    ImportScreen #import-rejects { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "run", "Import", tooltip="Import the file as previewed", id="import.run"),
        Binding("m", "map", "Map columns", tooltip="Assign the file's columns", id="import.map"),
        Binding("a", "assign", "Owner", tooltip="Who gets the new leads", id="import.assign"),
        Binding("s", "source", "Source", tooltip="Source of the new leads", id="import.source"),
        Binding(
            "c", "campaign", "Campaign", tooltip="Campaign of the new leads", id="import.campaign"
        ),
        Binding(
            "d",
            "allow_dnc",
            "Import as DNC",
            tooltip="Import an unsubscribed/cleaned Mailchimp export as do-not-contact",
            id="import.allow_dnc",
        ),
        Binding("o", "pick", "Other file", tooltip="Choose another file", id="import.pick"),
        Binding("u", "undo", "Undo import", tooltip="Undo this import", id="import.undo"),
        Binding("escape", "close", "Back", tooltip="Back to the queue", id="import.close"),
    ]

    phase: reactive[str] = reactive("pick", bindings=True)
    """pick → loading → preview | failed → running → done."""

    def __init__(self, start: str | Path | None = None) -> None:
        super().__init__(id="import")
        self.start = Path(start) if start is not None else Path.cwd()
        self.path = ""
        self.options = ImportOptions()
        self.preview: ImportPreview | None = None
        self.columns: FileColumns | None = None
        self.report: ImportReport | None = None
        self.campaigns: tuple[str, ...] = ()
        """The existing campaigns (loaded with each preview)."""
        self.undone = False

    @property
    def backend(self) -> ImportBackend:
        return cast(ImportBackend, getattr(self.app, "backend"))  # noqa: B009

    def compose(self) -> ComposeResult:
        yield Static(Text("Import a file", style="bold"), id="import-title")
        yield Input(
            value=str(self.start) + os.sep if self.start.is_dir() else str(self.start),
            placeholder="path to a .csv / .tsv / .txt export (→ completes, enter previews)",
            suggester=PathSuggester(),
            select_on_focus=False,
            id="import-path",
        )
        with Horizontal(id="import-body"):
            root = self.start if self.start.is_dir() else self.start.parent
            yield DirectoryTree(root, id="import-tree")
            with VerticalScroll(id="import-preview"):
                yield Static(
                    Text("Type a path and press enter, or tab to the folder tree."),
                    id="import-summary",
                )
                # A determinate bar from the start: an indeterminate one animates (and keeps the
                # loop busy) even while hidden.
                yield ProgressBar(total=1, id="import-progress", show_eta=False)
                yield Static(id="import-phase")
                yield DataTable(id="import-rejects", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.query_one("#import-phase").display = False
        rejects = self.query_one("#import-rejects", DataTable)
        rejects.add_columns("record", "line", "column", "why rejected")
        rejects.display = False
        self.query_one("#import-path", Input).focus()

    # --- keys ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        phase = self.phase
        typing = isinstance(self.focused, Input | DirectoryTree)
        if action == "run":
            return phase == "preview" and not typing and not self._already()
        if action == "map":
            return (phase == "preview" or (phase == "failed" and self.columns is not None)) and (
                not typing
            )
        if action in ("assign", "source", "campaign"):
            return phase == "preview" and not typing
        if action == "allow_dnc":
            mailchimp = self.columns is not None and bool(self.columns.mailchimp_status)
            return phase == "failed" and mailchimp and not self.options.allow_unsubscribed
        if action == "pick":
            return phase in ("preview", "failed", "done") and not typing
        if action == "undo":
            return phase == "done" and not self.undone and self._batch() is not None
        if action == "close":
            return phase != "running"
        return True

    def _already(self) -> bool:
        return self.preview is not None and self.preview.report.already is not None

    def _batch(self) -> int | None:
        return self.report.batch_id if self.report is not None else None

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        path = typed_path(event.value)
        if Path(path).is_dir():
            self.query_one(DirectoryTree).path = path
            self.query_one(DirectoryTree).focus()
            return
        self._open(path, self._for_another_file())

    @on(DirectoryTree.FileSelected, "#import-tree")
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#import-path", Input).value = str(event.path)
        self._open(str(event.path), self._for_another_file())

    def _for_another_file(self) -> ImportOptions:
        """The next file keeps who gets the leads, their source and campaign (a show's badge
        scans often come in several files); its column mapping and consent to import
        unsubscribed rows are its own."""
        return replace(self.options, map_spec=None, allow_unsubscribed=False, dry_run=False)

    def _open(self, path: str, options: ImportOptions) -> None:
        if self.phase == "running" or not path:
            return
        path = str(Path(path).expanduser().absolute())
        self.path, self.options = path, options
        self.phase = "loading"
        self._say(Text(f"Reading {clean(path)} …"))
        self._show_rejects(())
        self._load_preview(path, options)

    def action_map(self) -> None:
        if self.columns is None or self.columns.path != self.path:
            self._load_columns(self.path)
        else:
            self._edit_mapping(self.columns)

    def _edit_mapping(self, columns: FileColumns) -> None:
        def mapped(spec: str | None) -> None:
            if spec is not None:
                self._open(self.path, replace(self.options, map_spec=spec))

        self.app.push_screen(MappingDialog(columns), mapped)

    def action_assign(self) -> None:
        o = self.options
        now = "round_robin" if o.round_robin else ("me" if o.owner else "pool")
        after = OWNER_CYCLE[(OWNER_CYCLE.index(now) + 1) % len(OWNER_CYCLE)]
        self._open(
            self.path,
            replace(
                o,
                owner=self.backend.actor if after == "me" else None,
                round_robin=after == "round_robin",
            ),
        )

    def action_source(self) -> None:
        self._choose(replace(self.options, source=next_source(self.options.source)))

    def action_campaign(self) -> None:
        def chosen(name: str | None) -> None:
            if name is not None and self.phase == "preview":
                self._choose(replace(self.options, campaign=name or None))

        self.app.push_screen(CampaignDialog(self.options.campaign, self.campaigns), chosen)

    def _choose(self, options: ImportOptions) -> None:
        """Source and campaign change no count: the preview is redrawn, not re-read."""
        self.options = options
        if self.preview is not None:
            self._say(preview_content(self.preview, options, self.backend.actor, self.campaigns))

    def action_allow_dnc(self) -> None:
        self._open(self.path, replace(self.options, allow_unsubscribed=True))

    def action_pick(self) -> None:
        self.phase = "pick"
        self.query_one("#import-tree").display = True
        self.query_one("#import-progress").display = False
        self.query_one("#import-phase").display = False
        self.query_one("#import-path", Input).focus()

    def action_run(self) -> None:
        if self.phase != "preview":
            return
        self.phase = "running"
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=1, progress=0)
        bar.display = True
        phase = self.query_one("#import-phase", Static)
        phase.update(Text("starting…"))
        phase.display = True
        self._run_import(self.path, self.options)

    def action_undo(self) -> None:
        if self._batch() is not None and not self.undone:
            self._undo()

    def action_close(self) -> None:
        self.dismiss(self.report)  # the queue reloads after any committed import (undone too)

    # --- workers (the only callers of the backend) -----------------------------------------
    @work(thread=True, exit_on_error=False, group="import-preview", exclusive=True)
    def _load_preview(self, path: str, options: ImportOptions) -> None:
        try:
            preview = self.backend.preview_import(path, options)
        except DomainError as exc:
            self.post_message(PreviewFailed(str(exc), self._peek(path)))
            return
        self.post_message(PreviewLoaded(options, preview, tuple(self.backend.campaigns())))

    @work(thread=True, exit_on_error=False, group="import-preview", exclusive=True)
    def _load_columns(self, path: str) -> None:
        columns = self._peek(path)
        if columns is not None:
            self.app.call_from_thread(self._columns_ready, columns)

    def _peek(self, path: str) -> FileColumns | None:
        try:
            return self.backend.import_columns(path)
        except DomainError:
            return None

    @work(thread=True, exit_on_error=False, group="import-run")
    def _run_import(self, path: str, options: ImportOptions) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.post_message(ImportProgressed(phase, done, total))

        try:
            report = self.backend.import_file(path, options, progress)
        except DomainError as exc:
            self.post_message(ImportFinished(None, str(exc)))
            return
        except Exception as exc:  # shown, not raised: the screen must leave `running`
            self.post_message(ImportFinished(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(ImportFinished(report))

    @work(thread=True, exit_on_error=False, group="import-undo")
    def _undo(self) -> None:
        try:
            message = self.backend.undo().message
        except DomainError as exc:
            message = f"not undone: {exc}"
            self.post_message(Undone(message))
            return
        self.undone = True
        self.post_message(Undone(message))

    # --- results ---------------------------------------------------------------------------
    def _columns_ready(self, columns: FileColumns) -> None:
        self.columns = columns
        self._edit_mapping(columns)

    def on_preview_loaded(self, message: PreviewLoaded) -> None:
        self.preview, self.options = message.preview, message.options
        self.campaigns = message.campaigns
        self.phase = "preview"
        self.query_one("#import-tree").display = False
        self._say(
            preview_content(message.preview, self.options, self.backend.actor, self.campaigns)
        )
        self._show_rejects(message.preview.report.errors)
        self.query_one("#import-preview").focus()
        if message.preview.report.already:
            self.notify(message.preview.report.already, severity="warning", markup=False)

    def on_preview_failed(self, message: PreviewFailed) -> None:
        self.preview, self.columns = None, message.columns
        self.phase = "failed"
        self.query_one("#import-tree").display = False
        self._say(failure_content(message.message, message.columns))
        self.query_one("#import-preview").focus()
        columns = message.columns
        unknown = columns is not None and not columns.format_label and columns.headers
        if unknown and columns is not None and self.options.map_spec is None:
            self._edit_mapping(columns)  # no format recognised: the user maps the columns

    def on_import_progressed(self, message: ImportProgressed) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        self.query_one("#import-phase", Static).update(
            Text(f"{message.phase} {message.done:,} / {message.total:,} rows")
        )

    def on_import_finished(self, message: ImportFinished) -> None:
        self.query_one("#import-progress").display = False
        self.query_one("#import-phase").display = False
        if message.report is None:
            self.phase = "preview"
            self.notify(f"not imported: {message.error}", severity="error", markup=False)
            return
        self.report = message.report
        self.phase = "done"
        tags = None
        if self.preview is not None:
            tags = summary_tags(message.report, self.preview.parsed, self.options, self.campaigns)
        self._say(summary_content(message.report, tags))
        self._show_rejects(message.report.errors)
        self.app.notify(message.report.counts.summary(), markup=False)

    def on_undone(self, message: Undone) -> None:
        self.refresh_bindings()
        self.notify(message.message, markup=False, severity="information")

    def _say(self, content: object) -> None:
        self.query_one("#import-summary", Static).update(content)  # type: ignore[arg-type]

    def _show_rejects(self, errors: tuple[RowError, ...]) -> None:
        table = self.query_one("#import-rejects", DataTable)
        table.clear()
        for e in errors[:REJECTS_SHOWN]:
            table.add_row(
                Text(str(e.record)), Text(str(e.line)), Text(clean(e.column)), Text(clean(e.reason))
            )
        table.display = bool(errors)
