"""Keeping the data healthy: `doctor` and `backup`."""

from __future__ import annotations

from pathlib import Path

import click

from qc_console.cli._common import Env, friendly, pass_env


@click.command()
@click.option("--ignore-black-holes", is_flag=True, help="Exit 0 when only black holes are found.")
@pass_env
@friendly
def doctor(env: Env, ignore_black_holes: bool) -> None:
    """Check integrity: events replay to each lead's state, counters match touch rows, no
    orphans, and every open lead has an owner and a next action or a resurface date.

    Exit 0 when all is well, 1 when a problem is found."""
    from qc_console.db.database import db
    from qc_console.services.integrity import check_integrity

    env.backend(rep_required=False)
    with db.connection_context():
        report = check_integrity()
    click.echo(f"leads {report.leads}, events {report.events}, touches {report.touches}")
    for title, findings in (("ERROR", report.errors), ("black hole", report.black_holes)):
        for f in findings:
            ids = ", ".join(f"#{i}" for i in f.lead_ids)
            more = f" …{f.count - len(f.lead_ids)} more" if f.count > len(f.lead_ids) else ""
            click.echo(f"{title}: {f.kind}: {f.count} ({f.detail}) {ids}{more}".rstrip())
    if report.ok and not report.black_holes:
        click.echo("ok")
    bad = not report.ok or (report.black_holes and not ignore_black_holes)
    raise SystemExit(1 if bad else 0)


@click.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@pass_env
@friendly
def backup(env: Env, path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (safe while reps work)."""
    from qc_console.db.database import db
    from qc_console.services.backup import backup_to

    env.backend(rep_required=False)
    with db.connection_context():
        out = backup_to(path)
    click.echo(f"backed up to {out}")


COMMANDS = [doctor, backup]


@click.command("config")
@pass_env
def config_cmd(env: Env) -> None:
    """Print the effective settings and where each came from."""
    loaded = env.loaded
    click.echo(f"# config file: {loaded.path}{'' if loaded.path.exists() else ' (not present)'}")
    for key, value in loaded.settings.model_dump().items():
        click.echo(f"{key} = {value!r}    # {loaded.origin[key]}")


COMMANDS.append(config_cmd)
