"""What the engine's commands share: `--db`/`--rep` after the subcommand, one-line errors for
database failures too, and opening the database without an acting rep."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
import peewee

from qc_console.cli._common import Env, fail, friendly
from qc_console.db.database import open_database

F = TypeVar("F", bound=Callable[..., Any])

DB_GIVEN = "qc_console.db_given"
"""`ctx.meta` key: `--db` was given after the subcommand."""


def _override(attr: str) -> Callable[[click.Context, click.Parameter, str | None], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is None:
            return
        env = ctx.find_object(Env)
        if env is not None:
            setattr(env, attr, value)
        if attr == "db_url":
            ctx.meta[DB_GIVEN] = True

    return callback


def env_options(func: F) -> F:
    """`--db URL` and `--rep NAME` after the subcommand (they override the top group's)."""
    func = click.option(
        "--rep",
        "_rep",
        metavar="NAME",
        expose_value=False,
        callback=_override("rep"),
        help="Act as this rep (same as `qc-console --rep NAME …`).",
    )(func)
    return click.option(  # type: ignore[no-any-return]
        "--db",
        "_db",
        metavar="URL",
        expose_value=False,
        callback=_override("db_url"),
        help="Database URL (same as `qc-console --db URL …`).",
    )(func)


def db_given(ctx: click.Context) -> bool:
    """Whether the user named a database (`--db` anywhere, or `QC_DATABASE_URL`)."""
    root = ctx.find_root()
    if root.params.get("db_url") or ctx.meta.get(DB_GIVEN):
        return True
    return any(key.upper() == "QC_DATABASE_URL" for key in os.environ)


def guard(func: F) -> F:
    """`friendly`, and a database failure (locked, unreachable, corrupt) is one line too."""
    inner = friendly(func)

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return inner(*args, **kwargs)
        except peewee.PeeweeException as exc:
            fail(f"database error: {str(exc).strip() or type(exc).__name__}", code=1)

    return wrapper  # type: ignore[return-value]


def open_plain(env: Env) -> None:
    """Bind the database without migrating it and without an acting rep (`init`)."""
    try:
        open_database(env.db_url)
    except ValueError as exc:
        fail(str(exc), code=2)
    except Exception as exc:  # e.g. a directory that cannot be created
        fail(f"cannot open database {env.db_url}: {exc}", code=2)
