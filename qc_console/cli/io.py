"""`import` and `export`: files in, files out.

`import` reads and checks the file before it opens the database, so an unusable file (empty,
binary, unrecognisable) writes nothing, not even a new database. Its summary line is the only
thing on stdout; notices, rejected rows and progress go to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from qc_console.cli._common import Env, fail, pass_env
from qc_console.cli.options import env_options, guard
from qc_console.db.database import db
from qc_console.domain.codes import Source
from qc_console.domain.filters import GRAMMAR, parse_filter
from qc_console.domain.stages import Stage
from qc_console.domain.values import QueueFilter
from qc_console.importing import ImportOptions, ImportReport, ParsedFile, UnusableFile, read_file
from qc_console.importing.reader import DELIMITER_NAMES
from qc_console.services.bulk_import import run_import
from qc_console.services.export import FORMATS, export_leads

SHOW_REJECTS = 20
"""Rejected rows listed on the terminal (all of them are in the rejects file)."""


def _choice(values: list[str]) -> click.Choice[str]:
    return click.Choice(values, case_sensitive=False)


class _Progress:
    """Progress on stderr: a line per step when asked (scripts, tests), a live line on a tty."""

    def __init__(self, lines: bool) -> None:
        self.lines = lines
        self.live = not lines and sys.stderr.isatty()
        self.last = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        text = f"{phase} {done}/{total}"
        if text == self.last:
            return
        self.last = text
        if self.lines:
            click.echo(f"progress: {text}", err=True)
        elif self.live:
            click.echo(f"\r{text}   ", err=True, nl=False)

    def end(self) -> None:
        if self.live and self.last:
            click.echo("\r" + " " * (len(self.last) + 3) + "\r", err=True, nl=False)


def _say(text: str) -> None:
    click.echo(text, err=True)


def _describe(parsed: ParsedFile) -> None:
    delimiter = DELIMITER_NAMES.get(parsed.delimiter, repr(parsed.delimiter))
    _say(f"format: {parsed.format_label} ({parsed.encoding}, {delimiter}-separated)")
    _say("columns: " + ", ".join(f"{h} → {f}" for h, f in parsed.mapping))
    if parsed.unmapped:
        _say("not imported: " + ", ".join(parsed.unmapped))


def _show(report: ImportReport) -> None:
    for notice in report.notices:
        _say(notice)
    for err in report.errors[:SHOW_REJECTS]:
        where = f" {err.column}" if err.column else ""
        _say(f"rejected: record {err.record} (line {err.line}){where}: {err.reason}")
    if len(report.errors) > SHOW_REJECTS:
        _say(f"… and {len(report.errors) - SHOW_REJECTS} more rejected")
    if report.rejects_path:
        _say(f"rejected rows written to {report.rejects_path}")


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--source", type=_choice([s.value for s in Source]),
              help="Source of every new lead (default: the file's source column, else the "
                   "format's).")  # fmt: skip
@click.option("--campaign", metavar="NAME", help="Campaign of every new lead (created if new).")
@click.option("--owner", metavar="REP", help="Give every new lead to this rep.")
@click.option("--assign", type=_choice(["round-robin", "pool"]),
              help="round-robin: spread new leads over the active QC reps; pool (default): "
                   "leave them unowned.")  # fmt: skip
@click.option("--map", "map_spec", metavar='"COL=field,…"',
              help="Say which column holds what (email, phone, first_name, last_name, name, "
                   "company, title, country, source, campaign, status, rating, notes, note, "
                   "date, ignore …); needed for files of no known format.")  # fmt: skip
@click.option(
    "--allow-unsubscribed",
    is_flag=True,
    help="Import a Mailchimp unsubscribed/cleaned export as do-not-contact leads.",
)
@click.option("--dry-run", is_flag=True, help="Check and count; write nothing.")
@click.option("--progress", "progress_lines", is_flag=True,
              help="Print progress lines on stderr.")  # fmt: skip
@env_options
@pass_env
@guard
def import_(
    env: Env,
    file: Path,
    source: str | None,
    campaign: str | None,
    owner: str | None,
    assign: str | None,
    map_spec: str | None,
    allow_unsubscribed: bool,
    dry_run: bool,
    progress_lines: bool,
) -> None:
    """Import leads from FILE (Salesforce, HubSpot, Marketo, Pardot, Mailchimp, Eventbrite,
    badge scans, web forms; English, German, French, Spanish, Italian headers).

    A person already here (same email, else same phone) gets a touch instead of a new lead.
    Prints `rows N, new N, merged N, rejected N`; rejected rows go to FILE.rejects.csv.
    Exit 2 when the file cannot be used at all (nothing is written then).
    """
    if owner and assign == "round-robin":
        fail("choose --owner or --assign round-robin, not both", code=2)
    options = ImportOptions(
        source=Source(source.lower()) if source else None,
        campaign=campaign,
        owner=owner,
        round_robin=assign == "round-robin",
        map_spec=map_spec,
        allow_unsubscribed=allow_unsubscribed,
        dry_run=dry_run,
    )
    progress = _Progress(progress_lines)
    try:
        parsed = read_file(
            file, map_spec=map_spec, allow_unsubscribed=allow_unsubscribed, progress=progress
        )
    except UnusableFile as exc:
        progress.end()
        fail(f"{file}: {exc}", code=2)
    _describe(parsed)
    if parsed.records == 0:
        progress.end()
        click.echo("no data rows")
        return
    backend = env.backend()
    with db.connection_context():
        report = run_import(
            parsed, actor=backend.actor, options=options, progress=progress, rules=backend.rules
        )
    progress.end()
    _show(report)
    if report.already:
        click.echo(report.already)
    elif dry_run:
        _say("dry run: nothing written")
    click.echo(report.counts.summary())


@click.command("export", epilog="\b\nFilter expressions (without one: every lead):\n" + GRAMMAR)
@click.option("--format", "fmt", type=_choice(list(FORMATS)), default="jsonl", show_default=True,
              help="jsonl or csv: every field; salesforce: a Lead import CSV for Salesforce's "
                   "Data Import Wizard / Data Loader (hand-offs by default).")  # fmt: skip
@click.option("--filter", "filter_text", metavar="EXPR", help="Only leads matching EXPR.")
@click.option("--stage", "stages", multiple=True, type=_choice([s.value for s in Stage]),
              help="Only leads in this stage (repeatable).")  # fmt: skip
@click.option("--owner", metavar="REP", help="Only this rep's leads.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: stdout).")  # fmt: skip
@env_options
@pass_env
@guard
def export(
    env: Env,
    fmt: str,
    filter_text: str | None,
    stages: tuple[str, ...],
    owner: str | None,
    output: Path | None,
) -> None:
    """Export leads as JSON lines, CSV, or a Salesforce lead-import CSV."""
    f = parse_filter(filter_text) if filter_text else None
    if stages or owner:
        f = f or QueueFilter()
        f = QueueFilter(
            view=f.view,
            stages=tuple(dict.fromkeys(f.stages + tuple(Stage(s.lower()) for s in stages))),
            ratings=f.ratings,
            sources=f.sources,
            text=f.text,
            due_today=f.due_today,
            overdue=f.overdue,
            owner=owner or f.owner,
            include_pool=f.include_pool if not owner else False,
            ids=f.ids,
        )
    if fmt == "salesforce" and f is None:
        f = QueueFilter(stages=(Stage.HANDED_OFF,))
        _say("exporting the hand-offs (stage handed_off); use --stage or --filter for others")
    env.backend(rep_required=False)
    with db.connection_context():
        if output is None:
            count = _export(sys.stdout, fmt, f)
        else:
            # Excel opens a UTF-8 CSV correctly only with a BOM; Salesforce accepts either.
            encoding = "utf-8-sig" if fmt != "jsonl" else "utf-8"
            try:
                fh = output.open("w", newline="" if fmt != "jsonl" else None, encoding=encoding)
            except OSError as exc:  # a directory, a missing folder, no permission
                fail(f"cannot write {output}: {exc.strerror or exc}", code=2)
            with fh:
                count = _export(fh, fmt, f)
    _say(f"exported {count} lead(s)" + (f" to {output}" if output else ""))


def _export(out: TextIO, fmt: str, f: QueueFilter | None) -> int:
    return export_leads(out, fmt=fmt, f=f)


COMMANDS: list[click.Command] = [import_, export]
