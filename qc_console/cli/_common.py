"""What every command shares: settings, opening the backend, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

import click
from pydantic import ValidationError

from qc_console.config import Settings
from qc_console.domain.errors import BadInput, DomainError
from qc_console.services.facade import ServiceBackend, open_backend

F = TypeVar("F", bound=Callable[..., Any])


class Env:
    """The options given before the subcommand (`--db`, `--rep`)."""

    def __init__(self, db: str | None, rep: str | None) -> None:
        try:
            settings = Settings()
        except ValidationError as exc:
            fail(f"bad settings: {exc.errors()[0]['msg']}", code=2)
        self.db_url = db or settings.database_url
        self.rep = rep or settings.rep

    def backend(self, *, rep_required: bool = True) -> ServiceBackend:
        if rep_required and not self.rep:
            fail("no acting rep: pass --rep NAME or set QC_REP (see `qc-console rep list`)", code=2)
        try:
            return open_backend(self.db_url, self.rep or "")
        except ValueError as exc:
            fail(str(exc), code=2)
        except Exception as exc:  # the database cannot be opened: say which and why
            fail(f"cannot open database {self.db_url}: {exc}", code=2)


def fail(message: str, *, code: int = 1) -> NoReturn:
    click.echo(f"qc-console: {message}", err=True)
    sys.exit(code)


def friendly(func: F) -> F:
    """Domain errors become one line on stderr: exit 2 for bad input, 1 for a refused action."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BadInput as exc:
            fail(str(exc), code=2)
        except DomainError as exc:
            fail(str(exc), code=1)

    return wrapper  # type: ignore[return-value]


pass_env = click.make_pass_decorator(Env)
