"""What the import screen says about a file: preview, failure and summary as literal `Content`.

Everything here comes from a file (headers, cells, names) and is rendered literally.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from qc_console.importing import ImportOptions, ImportPreview, ImportReport, RowError
from qc_console.importing.peek import FileColumns
from qc_console.tui.dialogs._base import KEY, MUTED, literal
from qc_console.tui.screens.import_choices import campaign_part, source_part, tags_content

FIRST_ROWS = 5
"""Valid rows shown in the preview."""
REJECTS_SHOWN = 500
"""Rejected rows loaded into the table (all of them are in the rejects file)."""

Part = str | tuple[str, str] | Content


def _line(label: str, *value: Part) -> Content:
    return Content.assemble((f"{label:<11}", "bold"), *value, "\n")


def _kb(size: int) -> str:
    return f"{size / 1024:,.1f} kB" if size < 1024 * 1024 else f"{size / 1048576:,.1f} MB"


def owner_label(options: ImportOptions, actor: str) -> str:
    if options.round_robin:
        return "round robin over the active QC reps"
    if options.owner:
        return f"{options.owner}" + (" (you)" if options.owner == actor else "")
    return "the shared pool"


def preview_content(
    preview: ImportPreview, options: ImportOptions, actor: str, campaigns: Sequence[str] = ()
) -> Content:
    """Format, reading notes, owner, source, campaign, mapping, would-be counts, first rows
    (`campaigns`: the existing ones, to mark a new name)."""
    p, r = preview.parsed, preview.report
    c = r.counts
    parts: list[Content] = [
        _line("File", literal(p.name), f" · {_kb(p.size)} · {p.records:,} record(s)"),
        _line("Format", literal(p.format_label)),
        _line("Reading", f"{p.encoding}, {_delimiter(p.delimiter)}-separated"),
    ]
    for notice in p.notices:
        parts.append(_line("", ("• ", MUTED), literal(notice)))
    if p.mailchimp_status:
        parts.append(
            _line(
                "Mailchimp",
                (f"{p.mailchimp_status} export: every contact becomes do-not-contact", "bold"),
            )
        )
    parts.append(_line("Owner", owner_label(options, actor), ("   (a: change)", MUTED)))
    parts.append(_line("Source", source_part(p, options), ("   (s: change)", MUTED)))
    parts.append(_line("Campaign", campaign_part(p, options, campaigns), ("   (c: change)", MUTED)))
    parts.append(Content("\n"))
    parts.append(_line("Mapping", ("column → field", MUTED), ("   (m: change)", MUTED)))
    for header, field in p.mapping:
        parts.append(_line("", literal(header, width=36), " → ", (field, "bold")))
    if p.unmapped:
        parts.append(_line("", ("not imported: ", MUTED), literal(", ".join(p.unmapped))))
    parts.append(Content("\n"))
    if r.already:
        parts.append(_line("Already", (r.already, "bold $warning")))
    parts.append(_line("Would add", (c.summary(), "bold")))
    parts.append(
        _line(
            "",
            (f"{c.new:,} new lead(s), {c.merged:,} row(s) merged as touches into leads ", MUTED),
            (f"already here or earlier in the file; {c.rejected:,} rejected", MUTED),
        )
    )
    if not r.already:
        parts.append(_line("", tags_content(c.new, p, options, campaigns)))
    if preview.first_rows:
        parts.append(Content("\n"))
        parts.append(_line("First rows", ("record · name · email · phone · company", MUTED)))
        for row in preview.first_rows[:FIRST_ROWS]:
            name = f"{row.first_name} {row.last_name}".strip()
            text = " · ".join(x for x in (name, row.email, row.phone, row.company) if x)
            parts.append(_line("", f"{row.record:>6}  ", literal(text, width=90)))
    if r.errors:
        parts.append(Content("\n"))
        parts.append(_rejects_title(r.errors, done=False))
    return Content("").join(parts)


def failure_content(message: str, columns: FileColumns | None) -> Content:
    """Why the file cannot be imported as it is, and what the user can do."""
    parts = [_line("Cannot", (message, "bold $error"))]
    if columns is not None and columns.mailchimp_status:
        parts.append(_line("", ("d", KEY), " import them anyway, as do-not-contact (never queued)"))
    if columns is not None and columns.headers:
        parts.append(_line("", ("m", KEY), " map the columns yourself"))
    parts.append(_line("", ("o", KEY), " choose another file"))
    return Content("").join(parts)


def summary_content(report: ImportReport, tags: Content | None = None) -> Content:
    """What the import did (`tags`: what the new leads were tagged with)."""
    c = report.counts
    parts = [_line("Imported", literal(report.file), " · ", literal(report.format_label))]
    if report.already:
        parts.append(_line("", (report.already, "bold $warning")))
    parts.append(_line("Result", (c.summary(), "bold")))
    if tags is not None and not report.already:
        parts.append(_line("", tags))
    parts.append(_line("", f"{report.touches:,} touch(es) added to existing leads"))
    for notice in report.notices:
        parts.append(_line("", ("• ", MUTED), literal(notice)))
    if report.rejects_path:
        parts.append(_line("Rejects", literal(report.rejects_path)))
        parts.append(
            _line("", ("fix them there and import that file again (it imports cleanly)", MUTED))
        )
    if report.batch_id is not None:
        parts.append(_line("Undo", ("u", KEY), " here (or in the queue, next) undoes the import"))
    if report.errors:
        parts.append(Content("\n"))
        parts.append(_rejects_title(report.errors, done=True))
    return Content("").join(parts)


def _rejects_title(errors: tuple[RowError, ...], *, done: bool) -> Content:
    shown = min(len(errors), REJECTS_SHOWN)
    more = f" (the first {shown:,} below)" if shown < len(errors) else " (below)"
    verb = "were" if done else "would be"
    return _line("Rejected", (f"{len(errors):,} row(s) {verb} rejected{more}", "bold $warning"))


def _delimiter(d: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(d, repr(d))
