"""`connected`: each backend call on its own connection (connections are per thread; the
UI calls from worker threads), with SQLite's "database is locked" turned into `Busy`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from peewee import OperationalError

from qc_console.db.database import db
from qc_console.domain.errors import Busy

P = ParamSpec("P")
T = TypeVar("T")


def connected(method: Callable[P, T]) -> Callable[P, T]:
    @wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            with db.connection_context():
                return method(*args, **kwargs)
        except OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise Busy() from exc
            raise

    return wrapper
