"""How `act` picks its leads (`--ids`/`--filter`), previews (`--dry-run`) and reports."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Any

import click

from qc_console.cli._common import fail
from qc_console.cli.options import env_options
from qc_console.cli.table import clean
from qc_console.db.database import db
from qc_console.domain.errors import BadInput
from qc_console.domain.filters import parse_filter, parse_ids
from qc_console.domain.values import ActionResult, BulkPreview, QueueFilter, UndoResult
from qc_console.domain.when import local_to_utc, parse_when
from qc_console.services.facade import ServiceBackend


@dataclass(frozen=True)
class Targets:
    """Which leads (`--ids` or `--filter`) and how (`--dry-run`, `--skip-refused`)."""

    ids: tuple[int, ...] | None
    filter: QueueFilter | None
    dry_run: bool
    skip_refused: bool

    def resolve(self, backend: ServiceBackend) -> list[int]:
        if self.ids is not None:
            return list(self.ids)
        assert self.filter is not None
        return backend.queue_ids(self.filter)


def targets(func: Callable[..., Any]) -> Callable[..., Any]:
    """Adds --ids/--filter/--dry-run/--skip-refused (and --db/--rep); passes `targets`."""

    @wraps(func)
    def wrapper(
        *args: Any,
        ids_text: str | None,
        filter_text: str | None,
        dry_run: bool,
        skip_refused: bool,
        **kwargs: Any,
    ) -> Any:
        if (ids_text is None) == (filter_text is None):
            fail("give the leads with --ids 1,2,3 or --filter EXPR (one of them)", code=2)
        try:  # before the database is opened: bad input is exit 2 and touches nothing
            ids = parse_ids(ids_text) if ids_text is not None else None
            f = parse_filter(filter_text) if filter_text is not None else None
        except BadInput as exc:
            fail(f"{'--ids' if ids_text is not None else '--filter'}: {exc}", code=2)
        return func(*args, targets=Targets(ids, f, dry_run, skip_refused), **kwargs)

    for decorator in (
        click.option(
            "--skip-refused", is_flag=True, help="Act on the leads that can; list the rest."
        ),
        click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing."),
        click.option("--filter", "filter_text", metavar="EXPR", help="Leads matching EXPR."),
        click.option("--ids", "ids_text", metavar="1,2,3", help="Lead ids (ranges: 10-20)."),
        env_options,
    ):
        wrapper = decorator(wrapper)
    return wrapper


Do = Callable[[ServiceBackend, list[int], bool], ActionResult]
Preview = Callable[[ServiceBackend, list[int]], BulkPreview]


def perform(backend: ServiceBackend, t: Targets, verb: str, do: Do, preview: Preview) -> None:
    """Run (or preview) one action over the chosen leads and print what happened."""
    ids = t.resolve(backend)
    if not ids:
        click.echo("no leads match the filter: nothing to do")
        return
    if t.dry_run:
        refused = show_preview(verb, preview(backend, ids), t.skip_refused)
        if refused:
            sys.exit(1)
        return
    result = do(backend, ids, t.skip_refused)
    done(result)
    for skipped in result.skipped:
        click.echo(f"left out: {clean(skipped.why)}", err=True)


def done(result: ActionResult | UndoResult) -> None:
    """The service's one-line summary and its batch (the batch undone, for undo)."""
    batch = f" (batch {result.batch_id})" if result.batch_id is not None else ""
    if isinstance(result, UndoResult):
        batch = f" (batch {result.batch_id} undone)"
    click.echo(clean(result.message) + batch)


def show_preview(verb: str, p: BulkPreview, skip_refused: bool) -> bool:
    """Print the preview; True when the real action would be refused (all-or-nothing)."""
    can, cannot = len(p.eligible), len(p.skipped)
    click.echo(f"dry run: {verb} {p.total} lead(s): {can} can, {cannot} cannot")
    stages = ", ".join(f"{stage} {n}" for stage, n in sorted(p.by_stage.items()))
    click.echo(f"  by stage: {stages}")
    for skipped in p.skipped:
        click.echo(f"  cannot: {clean(skipped.why)}")
    refused = bool(p.skipped) and not skip_refused
    if refused:
        click.echo(
            "would be refused as a whole (all-or-nothing); "
            f"--skip-refused acts on the {can} other(s)"
        )
    click.echo("nothing was written (dry run)")
    return refused


def planned(action: str, options: dict[str, Any]) -> Preview:
    """A preview by the services' bulk planners."""
    return lambda backend, ids: backend.preview(action, ids, options)


def dry(service: Callable[..., ActionResult], action: str, **options: Any) -> Preview:
    """A preview by running a service with `dry_run` (actions without a bulk planner)."""

    def preview(backend: ServiceBackend, ids: list[int]) -> BulkPreview:
        with db.connection_context():
            result = service(
                ids,
                actor=backend.actor,
                rules=backend.rules,
                skip_refused=True,
                dry_run=True,
                **options,
            )
        stages = Counter(str(v.stage) for v in result.leads)
        stages.update(str(s.stage) for s in result.skipped)
        eligible = tuple(v.id for v in result.leads)
        return BulkPreview(action, len(ids), dict(stages), eligible, result.skipped)

    return preview


def when_utc(text: str) -> datetime:
    """What a rep typed (`+3d`, `tomorrow`, `2026-12-01 14:30`, local time) as naive UTC."""
    return local_to_utc(parse_when(text, today=date.today(), now_local=datetime.now()))
