"""Importing a contact file: new leads, touches on the people we already have, rejects explained.

One file is one transaction and one batch (so the importing rep can undo it): a crash leaves no
trace of the file and a re-run does the whole import. A completed import is recorded with the
file's content hash, so importing the same file again adds nothing.

For a screen: `preview_import` (format, mapping, first rows, would-be counts), then
`import_file(..., progress=callback)`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import JOIN

from qc_console.db.database import db, is_postgres, reading
from qc_console.db.models import Batch, ImportRun, Rep
from qc_console.domain.codes import Role
from qc_console.domain.errors import BadInput, DomainError, NotAllowed
from qc_console.domain.settings import DEFAULT_RULES, Rules
from qc_console.importing import (
    ImportCounts,
    ImportOptions,
    ImportPreview,
    ImportReport,
    ParsedFile,
    Progress,
    read_file,
)
from qc_console.importing.parse import gc_paused
from qc_console.importing.rejects import write_rejects
from qc_console.services import import_write as w
from qc_console.services._rows import Names, utcnow
from qc_console.services._runner import resolve_actor
from qc_console.services.import_apply import ImportWriter
from qc_console.services.import_plan import plan_rows

DEFAULT_OPTIONS = ImportOptions()
IMPORT_LOCK = 0x51C0_1A9B
"""PostgreSQL advisory lock key held by a running import."""


def preview_import(
    path: str | Path, *, actor: str, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportPreview:
    """Read the file and plan it without writing: what the import screen shows first.

    Raises:
        UnusableFile: the file cannot be imported at all (the message says what was found).
    """
    parsed = read_file(
        path, map_spec=options.map_spec, allow_unsubscribed=options.allow_unsubscribed
    )
    report = run_import(parsed, actor=actor, options=replace(options, dry_run=True))
    return ImportPreview(parsed=parsed, report=report, first_rows=parsed.rows[:10])


def import_file(
    path: str | Path,
    *,
    actor: str,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
    now: datetime | None = None,
    rules: Rules = DEFAULT_RULES,
) -> ImportReport:
    """Read, validate and import the file at `path` (see `run_import`)."""
    parsed = read_file(
        path,
        map_spec=options.map_spec,
        allow_unsubscribed=options.allow_unsubscribed,
        progress=progress,
    )
    return run_import(parsed, actor=actor, options=options, progress=progress, now=now, rules=rules)


def run_import(
    parsed: ParsedFile,
    *,
    actor: str,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
    now: datetime | None = None,
    rules: Rules = DEFAULT_RULES,
) -> ImportReport:
    """Import an already-read file in one transaction (with `options.dry_run`: plan only).

    Rejected rows go to `FILE.rejects.csv` (written before the commit, so a crash cannot leave
    an import without its rejects file).

    Raises:
        NotAllowed: the actor is a sales rep.
        BadInput: an owner that cannot own qualifying leads, or both --owner and round-robin.
    """
    with gc_paused():
        return _run(parsed, actor, options, progress, now or utcnow(), rules)


def _run(
    parsed: ParsedFile,
    actor: str,
    options: ImportOptions,
    progress: Progress | None,
    now: datetime,
    rules: Rules,
) -> ImportReport:
    notices = list(parsed.notices)
    if parsed.records == 0:
        return _report(parsed, ImportCounts(0, 0, 0, 0, 0, parsed.skipped), options, notices)
    with reading() if options.dry_run else db.atomic():
        names = Names()
        rep = resolve_actor(names, actor)
        if rep.role == Role.SALES:
            raise NotAllowed(f"{rep.name} (sales) cannot import qualifying leads")
        owners = _owners(names, options)
        if is_postgres() and not options.dry_run:
            # One import at a time, so two files naming the same new person cannot both create
            # it (SQLite's IMMEDIATE transaction already holds the whole database).
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
        previous = _previous(parsed.sha256)
        if previous is not None:
            counts = ImportCounts(0, 0, 0, 0)
            return _report(parsed, counts, options, [], already=previous, errors=())
        plan = plan_rows(
            parsed.rows,
            lambda keys: w.lookup("email_key", keys),
            lambda keys: w.lookup("phone_key", keys),
        )
        counts = ImportCounts(
            rows=parsed.records,
            new=plan.new,
            merged=plan.merged,
            rejected=len(parsed.errors),
            do_not_contact=plan.do_not_contact,
            skipped=parsed.skipped,
        )
        touches = sum(len(g.touches) for g in plan.groups)
        if options.dry_run:
            return _report(parsed, counts, options, notices, touches=touches)
        writer = ImportWriter(parsed, options, rep, now, rules, progress)
        writer.start(json.dumps(_options_json(options), sort_keys=True))
        new_ids, merged_ids, touches = writer.write(plan, owners)
        ImportRun.update(
            rows=counts.rows,
            new=counts.new,
            merged=counts.merged,
            rejected=counts.rejected,
            do_not_contact=counts.do_not_contact,
            skipped=counts.skipped,
            size=parsed.size,
        ).where(ImportRun.id == writer.run_id).execute()
        try:
            rejects = write_rejects(parsed)
        except OSError as exc:  # rolls the import back: no import without its rejects file
            raise DomainError(
                f"cannot write the rejects file next to {parsed.path}: "
                f"{exc.strerror or exc}; nothing was imported"
            ) from None
    if writer.campaigns_created:
        notices.append("campaign(s) created: " + ", ".join(writer.campaigns_created))
    return _report(
        parsed,
        counts,
        options,
        notices,
        batch_id=writer.batch_id if new_ids or merged_ids else None,
        run_id=writer.run_id,
        rejects_path=str(rejects) if rejects else None,
        new_ids=tuple(new_ids),
        merged_ids=tuple(merged_ids),
        touches=touches,
        campaigns_created=tuple(writer.campaigns_created),
    )


def _owners(names: Names, options: ImportOptions) -> list[int | None]:
    """Who gets the new leads: one rep, the active QC reps in turn, or the pool (None)."""
    if options.owner and options.round_robin:
        raise BadInput("choose --owner or --assign round-robin, not both")
    if options.owner:
        rep = names.rep_by_name(options.owner)
        if rep.role == Role.SALES or not rep.active:
            why = "a sales rep" if rep.role == Role.SALES else "inactive"
            raise BadInput(f"{rep.name} cannot own qualifying leads ({why})")
        return [rep.id]
    if options.round_robin:
        reps = sorted(
            (r for r in names.reps.values() if r.active and r.role == Role.REP),
            key=lambda r: r.name,
        )
        if not reps:
            raise BadInput("round-robin needs at least one active QC rep")
        return [r.id for r in reps]
    return [None]


def _previous(sha256: str) -> str | None:
    """When and by whom this content was imported (and not undone since), if it was."""
    run = (
        ImportRun.select(ImportRun.id, ImportRun.file_name, ImportRun.at, Rep.name)
        .join(Batch, JOIN.LEFT_OUTER, on=(ImportRun.batch == Batch.id))
        .switch(ImportRun)
        .join(Rep, JOIN.LEFT_OUTER, on=(ImportRun.actor == Rep.id))
        .where((ImportRun.file_hash == sha256) & Batch.undone_at.is_null())
        .order_by(ImportRun.id.desc())
        .tuples()
        .first()
    )
    if run is None:
        return None
    run_id, file_name, at, who = run
    at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    return (
        f"{file_name} was already imported on {at:%Y-%m-%d %H:%M} UTC by {who or 'someone'} "
        f"(import #{run_id}): nothing added"
    )


def _options_json(options: ImportOptions) -> dict[str, Any]:
    return {
        "source": options.source.value if options.source else None,
        "campaign": options.campaign,
        "owner": options.owner,
        "round_robin": options.round_robin,
        "map": options.map_spec,
        "allow_unsubscribed": options.allow_unsubscribed,
    }


def _report(
    parsed: ParsedFile,
    counts: ImportCounts,
    options: ImportOptions,
    notices: list[str],
    **kw: Any,
) -> ImportReport:
    kw.setdefault("errors", parsed.errors)
    return ImportReport(
        file=parsed.name,
        format_label=parsed.format_label,
        counts=counts,
        notices=tuple(notices),
        dry_run=options.dry_run,
        **kw,
    )
