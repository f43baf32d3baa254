"""What every command shares: settings, opening the backend, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

import click
from peewee import PeeweeException

from qc_console.config import Loaded, Settings, SettingsError, load_settings
from qc_console.domain.errors import BadInput, DomainError
from qc_console.services.facade import ServiceBackend, open_backend
from qc_console.services.team import is_team_url

F = TypeVar("F", bound=Callable[..., Any])


class Env:
    """The options given before the subcommand (`--db`, `--rep`)."""

    def __init__(self, db: str | None, rep: str | None) -> None:
        self._flags = {"database_url": db, "rep": rep}
        self._loaded: Loaded | None = None

    @property
    def loaded(self) -> Loaded:
        """Settings are read on first use, so `--help` works even with a broken config file."""
        if self._loaded is None:
            try:
                self._loaded = load_settings(**self._flags)
            except SettingsError as exc:
                fail(str(exc), code=2)
        return self._loaded

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    @property
    def db_url(self) -> str:
        return self.settings.database_url

    @db_url.setter
    def db_url(self, value: str) -> None:
        self._flags["database_url"] = value
        self._loaded = None

    @property
    def rep(self) -> str | None:
        return self.settings.rep

    @rep.setter
    def rep(self, value: str | None) -> None:
        self._flags["rep"] = value
        self._loaded = None

    def backend(self, *, rep_required: bool = True) -> ServiceBackend:
        actor: str | None = self.rep or ""
        if is_team_url(self.db_url):  # team mode: you act as your database login
            if self.rep:
                where = self.loaded.origin.get("rep", "?").replace("flag", "--rep")
                fail(
                    f"--rep/QC_REP cannot be used with PostgreSQL (set by {where}):"
                    " you act as your database login, the user in the URL",
                    code=2,
                )
            actor = None
        elif rep_required and not self.rep:
            fail("no acting rep: pass --rep NAME or set QC_REP (see `qc-console rep list`)", code=2)
        try:
            return open_backend(
                self.db_url, actor, rules=self.settings.rules(), on_upgrade=_say_upgrading
            )
        except ValueError as exc:
            fail(str(exc), code=2)
        except Exception as exc:  # the database cannot be opened: say which and why
            fail(f"cannot open database {self.db_url}: {exc}", code=2)


def fail(message: str, *, code: int = 1) -> NoReturn:
    click.echo(f"qc-console: {message.rstrip()}", err=True)  # psycopg2 messages end in "\n"
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
        except PeeweeException as exc:  # e.g. a server gone away: one line, no traceback
            fail(f"database error: {exc}", code=1)

    return wrapper  # type: ignore[return-value]


pass_env = click.make_pass_decorator(Env)


def _say_upgrading(migrations: list[str]) -> None:
    click.echo(
        f"upgrading the database schema ({', '.join(migrations)}); a big database takes a while",
        err=True,
    )
