"""The engine's commands: init, seed, demo, rep add|list, add, queue, act."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from qc_console.cli._common import Env, fail, pass_env
from qc_console.cli.act import act
from qc_console.cli.options import env_options, given, guard, open_plain
from qc_console.cli.table import QUEUE_HEADERS, clean, counts_line, queue_rows, render
from qc_console.config import APP_NAME
from qc_console.db.database import db
from qc_console.db.models import Lead
from qc_console.db.schema import migrate
from qc_console.domain.codes import Role, Source
from qc_console.domain.errors import BadInput
from qc_console.domain.filters import GRAMMAR, parse_filter
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import NewLead, QueueFilter
from qc_console.services import reps
from qc_console.services.facade import ServiceBackend
from qc_console.services.team import is_set_up as team_set_up
from qc_console.services.team import is_team_url

DEMO_REP = "demo"


def _choice(*values: str) -> click.Choice[str]:
    return click.Choice([str(v) for v in values], case_sensitive=False)


@click.command("init")
@env_options
@pass_env
@guard
def init(env: Env) -> None:
    """Create the database, or upgrade its schema."""
    open_plain(env)
    with db.connection_context():
        applied = migrate()
        team = bool(applied) and team_set_up()
    click.echo(f"applied {', '.join(applied)}" if applied else "schema up to date")
    if team:
        click.echo("team mode: now run `qc-console team init` to renew the grants and policies")


@click.command("seed")
@click.option("--leads", type=click.IntRange(min=1), default=3000, show_default=True)
@click.option("--seed", "seed", type=int, default=7, show_default=True, help="Random seed.")
@env_options
@pass_env
@guard
def seed(env: Env, leads: int, seed: int) -> None:
    """Fill an empty database with realistic, deterministic demo data."""
    env.backend(rep_required=False)
    try:
        _seed(leads, seed)
    except ImportError as exc:
        fail(f"demo data is not available: {exc}")


def _seed(leads: int, seed: int, *, err: bool = False) -> None:
    """Seed through `services.seed` (raises ImportError while that package does not exist)."""
    from qc_console.services.seed import seed_demo

    with db.connection_context():
        r = seed_demo(leads=leads, seed=seed)
    click.echo(
        f"seeded {r.leads:,} leads, {r.touches:,} touches, {r.events:,} events, "
        f"{r.reps} reps, {r.campaigns} campaigns in {r.seconds:.1f} s",
        err=err,
    )


def demo_db_url() -> str:
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir(APP_NAME)) / 'demo.sqlite'}"


@click.command("demo")
@env_options
@pass_env
@guard
def demo(env: Env) -> None:
    """Open the console on a demo database (built on first use, apart from your real data)."""
    rep = env.rep if given(env, "rep") else None
    if not given(env, "database_url"):
        env.db_url = demo_db_url()  # never the real database named in the config file
    if is_team_url(env.db_url):  # the demo acts as its demo rep; team mode has logins
        fail(
            "demo needs a SQLite file: on PostgreSQL run `qc-console seed`, then connect as"
            " a rep's login (`qc-console team add-rep`)",
            code=2,
        )
    env.backend(rep_required=False)
    with db.connection_context():
        if not Lead.select().exists():
            click.echo(f"building the demo database {env.db_url} …", err=True)
            try:
                _seed(3000, 7, err=True)
            except ImportError as exc:
                click.echo(f"qc-console: no demo data yet ({exc})", err=True)
        if rep is None and reps.get_rep(DEMO_REP) is None:
            reps.add_rep(DEMO_REP, Role.REP)
    env.rep = rep or DEMO_REP
    if sys.stdout.isatty() and sys.stdin.isatty():
        try:
            import qc_console.tui.app  # noqa: F401
        except ImportError:
            pass  # no UI yet: the queue as a table
        else:
            from qc_console.cli.run import open_console

            open_console(env)
            return
    print_queue(env.backend(), QueueFilter(), limit=50, offset=0)


@click.group("rep")
def rep() -> None:
    """The people who work the refinery."""


@rep.command("add")
@click.argument("name")
@click.option("--role", type=_choice(*Role), required=True)
@click.option("--email", default="")
@env_options
@pass_env
@guard
def rep_add(env: Env, name: str, role: str, email: str) -> None:
    """Add a QC rep, a supervisor or a sales rep."""
    env.backend(rep_required=False)
    with db.connection_context():
        added = reps.add_rep(name, role, email=email)
    click.echo(f"added {clean(added.name)} ({added.role})")


@rep.command("list")
@env_options
@pass_env
@guard
def rep_list(env: Env) -> None:
    """One rep a line: name, role (and `inactive`)."""
    env.backend(rep_required=False)
    with db.connection_context():
        people = reps.list_reps()
    rows = [[clean(p.name), str(p.role), "" if p.active else "inactive"] for p in people]
    for line in render(("name", "role", ""), rows)[1:]:
        click.echo(line)


@click.command("add")
@click.option("--first", "first", required=True, help="First name.")
@click.option("--last", "last", required=True, help="Last name.")
@click.option("--email", default="", help="Email (an email or a phone is needed).")
@click.option("--phone", default="")
@click.option("--company", required=True)
@click.option("--title", default="")
@click.option("--source", type=_choice(*Source), default=Source.SALES_PROSPECTING.value)
@click.option("--campaign", metavar="NAME")
@click.option("--rating", type=_choice(*Rating), help="Default: high for a qualified lead.")
@click.option("--stage", type=_choice(Stage.RAW, Stage.QUALIFIED), default=Stage.QUALIFIED.value)
@click.option("--owner", metavar="REP", help="Default: the acting rep.")
@env_options
@pass_env
@guard
def add(
    env: Env,
    first: str,
    last: str,
    email: str,
    phone: str,
    company: str,
    title: str,
    source: str,
    campaign: str | None,
    rating: str | None,
    stage: str,
    owner: str | None,
) -> None:
    """Create a lead by hand; prints its id."""
    if rating is None and stage == Stage.QUALIFIED:
        rating = Rating.HIGH.value
    new = NewLead(
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        company=company,
        title=title,
        source=Source(source),
        campaign=campaign,
        stage=Stage(stage),
        rating=Rating(rating) if rating else None,
        owner=owner,
    )
    result = env.backend().create_lead(new)
    click.echo(f"{clean(result.message)} (batch {result.batch_id})", err=True)
    click.echo(result.leads[0].id)


@click.command("queue", epilog="\b\nFilter expressions:\n" + GRAMMAR)
@click.option("--filter", "filter_text", metavar="EXPR", help="Only leads matching EXPR.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@env_options
@pass_env
@guard
def queue(env: Env, filter_text: str | None, limit: int, offset: int) -> None:
    """Print the acting rep's queue in priority order."""
    try:
        f = parse_filter(filter_text or "")
    except BadInput as exc:
        fail(f"--filter: {exc}", code=2)
    print_queue(env.backend(), f, limit=limit, offset=offset)


def print_queue(backend: ServiceBackend, f: QueueFilter, *, limit: int, offset: int) -> None:
    """The queue page as an aligned table, with the counts above and paging below."""
    page = backend.queue_page(f, offset=offset, limit=limit)
    click.echo(counts_line(backend.queue_counts(f)))
    if not page.rows:
        click.echo("no leads in this queue" + (" page" if offset else ""))
        return
    rows = queue_rows(
        page.rows, now=datetime.now(UTC).replace(tzinfo=None), cadence=backend.rules.cadence_target
    )
    for line in render(QUEUE_HEADERS, rows, right=(1, 6)):
        click.echo(line)
    if page.has_more:
        click.echo(f"more: --offset {offset + limit}")


COMMANDS: list[click.Command] = [init, seed, demo, rep, add, queue, act]
