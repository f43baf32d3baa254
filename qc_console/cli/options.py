"""What the engine's commands share: `--db`/`--rep` after the subcommand, one-line errors for
database failures too, and opening the database without an acting rep."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
import peewee

from qc_console.cli._common import Env, fail, friendly
from qc_console.db.database import open_database

F = TypeVar("F", bound=Callable[..., Any])


def _override(attr: str) -> Callable[[click.Context, click.Parameter, str | None], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        env = ctx.find_object(Env)
        if value is not None and env is not None:
            setattr(env, attr, value)

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
    return click.option(
        "--db",
        "_db",
        metavar="URL",
        expose_value=False,
        callback=_override("db_url"),
        help="Database URL (same as `qc-console --db URL …`).",
    )(func)


def given(env: Env, key: str) -> bool:
    """Whether the user chose `key` for this run (a flag anywhere, or a `QC_*` variable),
    rather than the config file or the default."""
    origin = env.loaded.origin.get(key, "default")
    return origin == "flag" or origin.startswith("env ")


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
