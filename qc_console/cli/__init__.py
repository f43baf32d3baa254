"""The `qc-console` command. Only the commands that open the UI import `qc_console.tui`."""

from __future__ import annotations

import sys

import click

from qc_console import __version__
from qc_console.cli._common import Env
from qc_console.malloc import keep_freed_memory


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database URL (default: $QC_DATABASE_URL, else a SQLite file in your data dir).",
)
@click.option("--rep", metavar="NAME", help="Act as this rep (default: $QC_REP).")
@click.version_option(__version__, prog_name="qc-console")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, rep: str | None) -> None:
    """qc-console: a keyboard-first work queue for qualifying-center reps.

    Start with `qc-console demo`.
    """
    ctx.obj = Env(db_url, rep)
    if ctx.invoked_subcommand is None:
        from qc_console.cli.run import open_console

        open_console(ctx.obj)


def _register() -> None:
    from qc_console.cli import admin, engine, io, reports, run, serve, team

    for module in (admin, engine, io, reports, run, serve, team):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    keep_freed_memory()  # before any big allocation: see qc_console/malloc.py
    for arg in sys.argv[1:]:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes a non-UTF-8 terminal sent: no database stores them
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            click.echo(f"qc-console: argument {shown!r} is not UTF-8 text", err=True)
            sys.exit(2)
    cli(prog_name="qc-console")
