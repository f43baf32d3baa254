"""Team mode on PostgreSQL: set it up, add a person's login, and ask the database who we are.

In team mode identity is the database's: each person connects as their own login, and the rep
a console acts as is the `Rep` row named like `current_user` (see `qc_console.db.team`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import PeeweeException, fn

from qc_console.db import team as team_db
from qc_console.db.database import db, is_postgres
from qc_console.db.models import Rep
from qc_console.domain.codes import Role
from qc_console.domain.errors import BadInput, NotAllowed
from qc_console.domain.values import RepView
from qc_console.services import reps
from qc_console.services._rows import rep_view

TEAM_SCHEMES = ("postgresql://", "postgres://", "postgresext://")
INSUFFICIENT_PRIVILEGE = "42501"


def is_team_url(url: str) -> bool:
    """A PostgreSQL URL: identity comes from the login, never from `--rep`/`QC_REP`."""
    return url.startswith(TEAM_SCHEMES)


@dataclass(frozen=True)
class AddedLogin:
    """A rep with a login: whether the login and the `Rep` row are new."""

    rep: RepView
    login_created: bool
    rep_created: bool
    password_set: bool


def _require_postgres() -> None:
    if not is_postgres():
        raise BadInput(
            "team mode needs a PostgreSQL database (postgresql://…); a SQLite file has one user"
        )


def _refused(exc: PeeweeException, what: str) -> NotAllowed | None:
    """A privilege error as a clear refusal naming the login; None for any other error."""
    cause = getattr(exc, "orig", None)
    if getattr(cause, "pgcode", None) != INSUFFICIENT_PRIVILEGE:
        return None
    detail = str(exc).strip().splitlines()[0]
    return NotAllowed(
        f"login {whoami()!r} cannot {what} ({detail}): use the login that owns the database's"
        " tables and has CREATEROLE (or a superuser)"
    )


def set_up_team() -> team_db.Setup:
    """Create the group roles, grants and row-level-security policies; rerun after upgrades."""
    _require_postgres()
    try:
        with db.atomic():
            return team_db.set_up()
    except PeeweeException as exc:
        refused = _refused(exc, "set up team mode")
        if refused is None:
            raise
        raise refused from None


def is_set_up() -> bool:
    """Whether team mode's roles and policies were set up in this database."""
    return team_db.is_set_up()


def check_login_name(name: str) -> str:
    name = name.strip()
    if not team_db.LOGIN_NAME.match(name):
        raise BadInput(
            f"{name!r} cannot be a login: use lower-case letters, digits, '_', '.' or '-'"
            " (at most 63, starting with a letter or '_')"
        )
    if name.startswith("pg_") or name in team_db.GROUPS.values() or name == "public":
        raise BadInput(f"{name!r} is reserved by PostgreSQL or by qc-console")
    return name


def add_rep_login(
    name: str,
    role: Role | str,
    *,
    password: str | None = None,
    email: str = "",
    now: datetime | None = None,
) -> AddedLogin:
    """Create `name`'s login (member of its role's group only) and its `Rep` row, in one
    transaction. An existing login or rep of the same name is reused, so this also sets a
    new password or repairs a half-done setup; a rep with another role is refused."""
    _require_postgres()
    name = check_login_name(name)
    try:
        role = Role(role)
    except ValueError:
        raise BadInput(f"role must be one of {', '.join(r.value for r in Role)}") from None
    try:
        with db.atomic():
            if not team_db.is_set_up():
                raise BadInput("team mode is not set up here: run `qc-console team init` first")
            rep = Rep.get_or_none(Rep.name == name)
            clash = Rep.get_or_none(fn.LOWER(Rep.name) == name) if rep is None else None
            if clash is not None:
                raise BadInput(f"a rep named {clash.name!r} exists: logins are lower case")
            if rep is not None and rep.role != role.value:
                raise BadInput(f"{name} is already a {rep.role}, not a {role.value}")
            created = team_db.create_login(name, role.value, password)
            view = (
                rep_view(rep) if rep is not None else reps.add_rep(name, role, email=email, now=now)
            )
    except PeeweeException as exc:
        refused = _refused(exc, f"add the login {name!r}")
        if refused is None:
            raise
        raise refused from None
    return AddedLogin(view, created, rep is None, password is not None)


def require_report_reader() -> None:
    """The refinery reports cover every rep's work, so in team mode they are the supervisors'
    (as in the console): a rep's or sales login gets a clear refusal instead of the
    database's "permission denied" on the rollup (or figures silently cut down by row-level
    security). A login without a rep row (the admin who owns the tables) and SQLite pass."""
    if not is_postgres():
        return
    login = team_db.current_login()
    rep = Rep.get_or_none(Rep.name == login)
    if rep is not None and rep.role != Role.SUPERVISOR.value:
        raise NotAllowed(
            f"{login} ({rep.role}) cannot read the refinery reports: they cover every rep's"
            " work, so they are for supervisors"
        )


def whoami() -> str:
    """The database login this connection acts as (`current_user`)."""
    _require_postgres()
    return team_db.current_login()
