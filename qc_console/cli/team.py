"""`qc-console team …`: team mode on PostgreSQL (logins, roles, row-level security)."""

from __future__ import annotations

import sys

import click

from qc_console.cli._common import Env, fail, pass_env
from qc_console.cli.options import env_options, guard, open_plain
from qc_console.cli.table import clean
from qc_console.db.database import db
from qc_console.db.schema import migrate
from qc_console.domain.codes import Role
from qc_console.services import reps
from qc_console.services import team as team_service


def _open(env: Env) -> None:
    if not team_service.is_team_url(env.db_url):
        fail("team mode needs a PostgreSQL database: pass --db postgresql://ADMIN@HOST/DB", code=2)
    open_plain(env)


@click.group("team")
def team() -> None:
    """Team mode on PostgreSQL: one login per person; the database enforces who sees what.

    \b
    As the admin login (owns the database, has CREATEROLE):
      qc-console --db postgresql://qc_admin@HOST/qc team init
      qc-console --db postgresql://qc_admin@HOST/qc team add-rep ann --role rep --password-stdin
    Then each person: QC_DATABASE_URL=postgresql://ann@HOST/qc qc-console
    """


@team.command("init")
@env_options
@pass_env
@guard
def team_init(env: Env) -> None:
    """Create or upgrade the schema, then the group roles, grants and row-level security.

    Safe to rerun; rerun it after every `qc-console init` that applied a migration."""
    _open(env)
    with db.connection_context():
        applied = migrate()
        done = team_service.set_up_team()
    if applied:
        click.echo(f"applied {', '.join(applied)}")
    click.echo(f"granted: {', '.join(done.granted)}")
    click.echo(f"row-level security: {', '.join(done.secured)}")
    if done.ungranted:
        click.echo(f"warning: no team grants for {', '.join(done.ungranted)}", err=True)
    click.echo("team mode is set up: add people with `qc-console team add-rep NAME --role ROLE`")


@team.command("add-rep")
@click.argument("name")
@click.option(
    "--role", type=click.Choice([r.value for r in Role], case_sensitive=False), required=True
)
@click.option("--email", default="")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the login's password from stdin (prompted when stdin is a terminal).",
)
@env_options
@pass_env
@guard
def team_add_rep(env: Env, name: str, role: str, email: str, password_stdin: bool) -> None:
    """Create NAME's database login, its rep row and its role's grants.

    Without --password-stdin the login gets no password (set one later by rerunning this,
    or authenticate it another way, e.g. a client certificate)."""
    password = _read_password() if password_stdin else None
    _open(env)
    with db.connection_context():
        added = team_service.add_rep_login(name, role, password=password, email=email)
    login = "created login" if added.login_created else "login exists"
    rep = "added rep" if added.rep_created else "rep exists"
    secret = ", password set" if added.password_set else ", no password"
    click.echo(f"{clean(added.rep.name)} ({added.rep.role}): {login}, {rep}{secret}")


@team.command("whoami")
@env_options
@pass_env
@guard
def team_whoami(env: Env) -> None:
    """The database login you connect as, and the rep it acts as."""
    _open(env)
    with db.connection_context():
        login = team_service.whoami()
        rep = reps.get_rep(login)
    if rep is None:
        click.echo(
            f"{clean(login)}: no rep of that name (`qc-console team add-rep {clean(login)}`)"
        )
    else:
        click.echo(f"{clean(login)} ({rep.role}{'' if rep.active else ', inactive'})")


def _read_password() -> str:
    if sys.stdin.isatty():
        value = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        fail("an empty password: give one on stdin, or leave out --password-stdin", code=2)
    return str(value)


COMMANDS = [team]
