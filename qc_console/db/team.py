"""Team mode on PostgreSQL: group roles, grants and row-level-security policies (SQL only).

Each person connects as their own login; the login's name is the `rep.name` it acts as. Three
NOLOGIN group roles carry the privileges: `qc_rep`, `qc_supervisor`, `qc_sales`. The policies
say in the database what DESIGN.md §1 People says (the services check the same first, with
clearer messages):

- rep: reads and changes its own leads and the pool (`owner_id IS NULL`), their touches and
  events; may only keep a lead or release it to the pool.
- sales: reads and changes the leads handed to it (`sales_owner_id`), and the lead it changed
  last until someone else changes it (so its own event, e.g. after a rejection, and its undo
  work); may not set `owner_id`.
- supervisor: everything.
- everyone: `lead_event` is insert-only (no UPDATE/DELETE grant at all) and every new event,
  touch, batch and lead change names the login itself as actor; batches are readable by all
  and updatable (size, undone_at) by their own actor only; so are import runs (QC logins:
  readable by all, so a file is not imported twice; counts updatable by their actor);
  `rep` and `campaign` are readable.

Duplicates: a rep cannot see another rep's lead (nor its keys in `lead_key`), so `create_lead`
asks the SECURITY DEFINER function `qc_lead_with_key` (it returns only an id), and a trigger
refuses a duplicate INSERT by a rep's login (e.g. an import) that the rep could not see.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from peewee import __exception_wrapper__

from qc_console.db.database import db, is_postgres
from qc_console.db.event_clock import settled

GROUPS = {"rep": "qc_rep", "supervisor": "qc_supervisor", "sales": "qc_sales"}
"""Rep role → the group role its login is a member of."""
ALL = ", ".join(GROUPS.values())
QC = "qc_rep, qc_supervisor"
LOGIN_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")
"""Login names: lower case, so the name in a URL, `current_user` and `rep.name` agree."""
ME = "(SELECT qc_rep_id())"
"""The acting rep's id, evaluated once per statement (an InitPlan, not once per row)."""
VISIBLE = "EXISTS (SELECT 1 FROM lead l WHERE l.id = {table}.lead_id)"
"""The row's lead is visible to the login (the lead's own policies apply inside)."""

GRANTS: dict[str, list[str]] = {
    "rep": [f"GRANT SELECT ON rep TO {ALL}"],
    "campaign": [
        f"GRANT SELECT ON campaign TO {ALL}",
        "GRANT INSERT, UPDATE ON campaign TO qc_supervisor",
    ],
    "lead": [
        f"GRANT SELECT, INSERT, UPDATE ON lead TO {QC}",
        "GRANT SELECT ON lead TO qc_sales",  # + UPDATE of every column but owner_id, below
    ],
    "touch": [f"GRANT SELECT, INSERT, DELETE ON touch TO {ALL}"],  # undo deletes its touches
    "lead_event": [f"GRANT SELECT, INSERT ON lead_event TO {ALL}"],  # insert-only
    "batch": [
        f"GRANT SELECT, INSERT ON batch TO {ALL}",
        f"GRANT UPDATE (size, undone_at) ON batch TO {ALL}",  # _apply.write, undo_last
    ],
    "import_run": [
        f"GRANT SELECT, INSERT ON import_run TO {QC}",
        # the counts, written when the import is done (services.bulk_import)
        "GRANT UPDATE (rows, new, merged, rejected, do_not_contact, skipped, size)"
        f" ON import_run TO {QC}",
    ],
    # The rollups fold in *every* event: a login that sees only some of them must not write.
    "analytics_rollup": [
        "GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_rollup TO qc_supervisor"
    ],
    "analytics_state": ["GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_state TO qc_supervisor"],
    "schema_version": [f"GRANT SELECT ON schema_version TO {ALL}"],
    "lead_key": [f"GRANT SELECT ON lead_key TO {QC}"],  # written by its triggers only
}
"""Table → its grants. A table missing here gets no privileges: `set_up` reports it."""

POLICIES: dict[str, list[str]] = {
    "lead": [
        "CREATE POLICY qc_supervisor ON lead TO qc_supervisor USING (true) WITH CHECK (true)",
        f"CREATE POLICY qc_rep_read ON lead FOR SELECT TO qc_rep"
        f" USING (owner_id IS NULL OR owner_id = {ME})",
        f"CREATE POLICY qc_rep_insert ON lead FOR INSERT TO qc_rep"
        f" WITH CHECK ((owner_id IS NULL OR owner_id = {ME}) AND updated_by_id = {ME})",
        f"CREATE POLICY qc_rep_update ON lead FOR UPDATE TO qc_rep"
        f" USING (owner_id IS NULL OR owner_id = {ME})"
        f" WITH CHECK ((owner_id IS NULL OR owner_id = {ME}) AND updated_by_id = {ME})",
        f"CREATE POLICY qc_sales_read ON lead FOR SELECT TO qc_sales"
        f" USING (sales_owner_id = {ME} OR updated_by_id = {ME})",
        f"CREATE POLICY qc_sales_update ON lead FOR UPDATE TO qc_sales"
        f" USING (sales_owner_id = {ME} OR updated_by_id = {ME})"
        f" WITH CHECK ((sales_owner_id IS NULL OR sales_owner_id = {ME}) AND updated_by_id = {ME})",
    ],
    "touch": [
        "CREATE POLICY qc_supervisor ON touch TO qc_supervisor USING (true) WITH CHECK (true)",
        f"CREATE POLICY qc_read ON touch FOR SELECT TO qc_rep, qc_sales"
        f" USING ({VISIBLE.format(table='touch')})",
        f"CREATE POLICY qc_insert ON touch FOR INSERT TO qc_rep, qc_sales"
        f" WITH CHECK (rep_id = {ME} AND {VISIBLE.format(table='touch')})",
        f"CREATE POLICY qc_delete ON touch FOR DELETE TO qc_rep, qc_sales"
        f" USING (rep_id = {ME} AND {VISIBLE.format(table='touch')})",
    ],
    "lead_event": [
        "CREATE POLICY qc_supervisor_read ON lead_event FOR SELECT TO qc_supervisor USING (true)",
        f"CREATE POLICY qc_supervisor_insert ON lead_event FOR INSERT TO qc_supervisor"
        f" WITH CHECK (actor_id = {ME})",
        f"CREATE POLICY qc_read ON lead_event FOR SELECT TO qc_rep, qc_sales"
        f" USING ({VISIBLE.format(table='lead_event')})",
        f"CREATE POLICY qc_insert ON lead_event FOR INSERT TO qc_rep, qc_sales"
        f" WITH CHECK (actor_id = {ME} AND {VISIBLE.format(table='lead_event')})",
    ],
    "lead_key": [  # a rep reads the keys of the leads it sees (`qc_lead_with_key`: any lead)
        "CREATE POLICY qc_supervisor ON lead_key FOR SELECT TO qc_supervisor USING (true)",
        f"CREATE POLICY qc_read ON lead_key FOR SELECT TO qc_rep"
        f" USING ({VISIBLE.format(table='lead_key')})",
    ],
    "import_run": [  # every run is readable: the same file is not imported twice
        f"CREATE POLICY qc_read ON import_run FOR SELECT TO {QC} USING (true)",
        f"CREATE POLICY qc_insert ON import_run FOR INSERT TO {QC} WITH CHECK (actor_id = {ME})",
        f"CREATE POLICY qc_update ON import_run FOR UPDATE TO {QC}"
        f" USING (actor_id = {ME}) WITH CHECK (actor_id = {ME})",
    ],
    "batch": [
        f"CREATE POLICY qc_read ON batch FOR SELECT TO {ALL} USING (true)",
        f"CREATE POLICY qc_insert ON batch FOR INSERT TO {ALL} WITH CHECK (actor_id = {ME})",
        f"CREATE POLICY qc_update ON batch FOR UPDATE TO {ALL}"
        f" USING (actor_id = {ME}) WITH CHECK (actor_id = {ME})",
    ],
}

FUNCTIONS = """
CREATE OR REPLACE FUNCTION qc_rep_id() RETURNS integer
LANGUAGE sql STABLE AS $$ SELECT id FROM rep WHERE name = current_user $$;

CREATE OR REPLACE FUNCTION qc_lead_with_key(p_kind text, p_key text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF p_key IS NULL OR p_key = '' THEN
        RETURN NULL;
    ELSIF p_kind IN ('email', 'phone') THEN  -- lead_key: migration 0013
        RETURN (SELECT min(lead_id) FROM lead_key WHERE kind = p_kind AND value = p_key);
    END IF;
    RAISE EXCEPTION 'qc_lead_with_key: kind must be email or phone, not %', p_kind;
END $$;
REVOKE ALL ON FUNCTION qc_lead_with_key(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION qc_lead_with_key(text, text) TO {all};

CREATE OR REPLACE FUNCTION qc_last_event_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT COALESCE(max(id), 0) FROM lead_event  -- one probe of the primary key's index
$$;
REVOKE ALL ON FUNCTION qc_last_event_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION qc_last_event_id() TO {all};

CREATE OR REPLACE FUNCTION qc_left_view(p_since bigint, p_upto bigint) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    -- Leads whose events in (p_since, p_upto] took them out of the calling login's sight:
    -- a rep's lead (or a pool lead) given to someone else, a sales rep's hand-off moved to
    -- another; row-level security hides those events, yet the console must drop the row.
    WITH me AS (SELECT id, role FROM rep WHERE name = session_user),
    ev AS (
        SELECT lead_id, data::jsonb -> 'before' AS b FROM lead_event
        WHERE id > p_since AND id <= p_upto
    )
    SELECT DISTINCT ev.lead_id FROM ev, me
    WHERE (me.role = 'rep' AND ev.b ? 'owner_id'
           AND (jsonb_typeof(ev.b -> 'owner_id') = 'null' OR (ev.b ->> 'owner_id')::int = me.id))
       OR (me.role = 'sales' AND ev.b ? 'sales_owner_id'
           AND (ev.b ->> 'sales_owner_id')::int = me.id)
$$;
REVOKE ALL ON FUNCTION qc_left_view(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION qc_left_view(bigint, bigint) TO {all};

CREATE OR REPLACE FUNCTION qc_lock_event_log() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    LOCK TABLE lead_event IN SHARE MODE;  -- held until the caller's transaction ends
END $$;
REVOKE ALL ON FUNCTION qc_lock_event_log() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION qc_lock_event_log() TO qc_supervisor;

CREATE OR REPLACE FUNCTION qc_lead_no_hidden_duplicate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    hit integer;
BEGIN
    IF pg_has_role('qc_supervisor', 'MEMBER') OR NOT pg_has_role('qc_rep', 'MEMBER') THEN
        RETURN NEW;  -- supervisors and the admin see every lead: the services' check suffices
    END IF;
    IF NEW.email_key <> '' THEN
        hit := qc_lead_with_key('email', NEW.email_key);
    ELSIF NEW.phone_key <> '' THEN
        hit := qc_lead_with_key('phone', NEW.phone_key);
    END IF;
    IF hit IS NOT NULL THEN
        RAISE EXCEPTION 'lead #% already has this email or phone', hit
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS qc_lead_no_hidden_duplicate ON lead;
CREATE TRIGGER qc_lead_no_hidden_duplicate BEFORE INSERT ON lead
    FOR EACH ROW EXECUTE FUNCTION qc_lead_no_hidden_duplicate();
"""

GROUPS_SQL = """
DO $$
DECLARE
    g text;
BEGIN
    FOREACH g IN ARRAY ARRAY['qc_rep', 'qc_supervisor', 'qc_sales'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', g);
        END IF;
    END LOOP;
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());  -- PG < 15
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO qc_rep, qc_supervisor, qc_sales',
                   current_database());
END $$;
"""


@dataclass(frozen=True)
class Setup:
    """What `set_up` did: tables granted, tables with row-level security, tables left out."""

    granted: tuple[str, ...]
    secured: tuple[str, ...]
    ungranted: tuple[str, ...]


def _sql(sql: str, params: tuple[Any, ...] | None = None) -> Any:
    """Run `sql` on the connection; without params `%` needs no escaping (psycopg formats
    every query given parameters, even an empty tuple)."""
    with __exception_wrapper__:  # psycopg2 errors as peewee's, like every other query
        cursor = db.cursor()
        cursor.execute(sql, params)
    return cursor


def _tables(schema: str) -> set[str]:
    rows = _sql("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()
    return {r[0] for r in rows}


def set_up() -> Setup:
    """Create the group roles, grants, functions and policies (idempotent: rerun it after
    every schema upgrade). Runs in the caller's transaction, as the tables' owner with
    CREATEROLE (or a superuser)."""
    schema = _sql("SELECT current_schema()").fetchone()[0]
    tables = _tables(schema)
    _sql(GROUPS_SQL)
    _sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {_ident(schema)} FROM {ALL}")
    _sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {_ident(schema)} FROM {ALL}")
    granted = sorted(t for t in GRANTS if t in tables)
    for table in granted:
        for grant in GRANTS[table]:
            _sql(grant)
    columns = [
        r[0]
        for r in _sql(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = 'lead' AND column_name <> 'owner_id'"
            " ORDER BY ordinal_position",
            (schema,),
        ).fetchall()
    ]
    _sql(f"GRANT UPDATE ({', '.join(_ident(c) for c in columns)}) ON lead TO qc_sales")
    _sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {_ident(schema)} TO {ALL}")
    _sql(FUNCTIONS.format(schema=_ident(schema), all=ALL))
    for table, policies in POLICIES.items():
        for (name,) in _sql(
            "SELECT policyname FROM pg_policies WHERE schemaname = %s AND tablename = %s",
            (schema, table),
        ).fetchall():
            _sql(f"DROP POLICY {_ident(name)} ON {_ident(table)}")
        _sql(f"ALTER TABLE {_ident(table)} ENABLE ROW LEVEL SECURITY")
        for policy in policies:
            _sql(policy)
    ungranted = sorted(tables - set(GRANTS))
    return Setup(tuple(granted), tuple(POLICIES), tuple(ungranted))


def is_set_up(function: str = "qc_lead_with_key(text,text)") -> bool:
    """Whether team mode's `function` exists in this database."""
    if not is_postgres():
        return False
    return bool(_sql("SELECT to_regprocedure(%s) IS NOT NULL", (function,)).fetchone()[0])


def lock_event_log() -> None:
    """SHARE-lock `lead_event` until the transaction ends: waits for in-flight writers and
    holds off new events (analytics refresh). LOCK … IN SHARE MODE needs UPDATE, DELETE or
    TRUNCATE on the table, which no login has on the insert-only log in team mode: there a
    SECURITY DEFINER function takes the lock (EXECUTE granted to supervisors)."""
    if is_set_up("qc_lock_event_log()"):
        _sql("SELECT qc_lock_event_log()")
    else:
        _sql("LOCK TABLE lead_event IN SHARE MODE")


_tokens: WeakKeyDictionary[Any, tuple[int, int]] = WeakKeyDictionary()
"""Per database (one URL, so one login): (newest event id seen, the token handed out)."""
_tokens_lock = threading.Lock()


def change_token() -> int:
    """A number that grows whenever a lead this login can see changes (PostgreSQL).

    `max(lead_event.id)` under row-level security checks the policies row after row back to
    the newest event the login may see (a rep of a big team: many ms per poll). Instead the
    newest id overall comes from a SECURITY DEFINER function (one index probe), and only the
    events since the last poll are checked for one the login can see: the token moves to the
    newest id then, and stays put for changes the login cannot see (no needless refresh).
    Without team mode (no policies) it is the plain, already cheap `max(id)`. Either is read
    only while no transaction writing events is in flight (`event_clock.settled`); while one
    is, the token stays where it was (the refresh comes at the next poll)."""
    team = is_set_up("qc_left_view(bigint,bigint)")
    key = db.obj
    with _tokens_lock:
        seen, token = _tokens.get(key, (-1, -1))
    found = settled(lambda: _newest(team), wait=seen == -1)
    newest = seen if found is None else found
    if not team or seen == -1:
        token = newest
    elif newest != seen:
        if newest < seen:  # the log went back (a restore): tell the console
            token = newest
        elif _sql(  # row-level security applies: only events the login can see count …
            "SELECT EXISTS (SELECT 1 FROM lead_event WHERE id > %s AND id <= %s)"
            " OR EXISTS (SELECT 1 FROM qc_left_view(%s, %s))",  # … and leads it lost sight of
            (seen, newest, seen, newest),
        ).fetchone()[0]:
            token = newest
    with _tokens_lock:
        _tokens[key] = (newest, token)
    return token


def _newest(team: bool) -> int:
    sql = "SELECT qc_last_event_id()" if team else "SELECT COALESCE(max(id), 0) FROM lead_event"
    return int(_sql(sql).fetchone()[0])


def left_view(since: int) -> list[int]:
    """Ids of leads that events after `since` took out of this login's sight (team mode;
    elsewhere nothing leaves anyone's sight): the console drops them."""
    if not is_set_up("qc_left_view(bigint,bigint)"):
        return []
    rows = _sql("SELECT qc_left_view(%s, %s)", (since, 2**63 - 1)).fetchall()
    return [int(r[0]) for r in rows]


def current_login() -> str:
    """The database login this connection acts as."""
    return str(_sql("SELECT current_user").fetchone()[0])


def login_exists(name: str) -> bool:
    return _sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def create_login(name: str, role: str, password: str | None) -> bool:
    """Create the login `name` (unless it exists), set its password when given, and make it a
    member of `role`'s group only. Returns whether the login was created."""
    group = GROUPS[role]
    created = not login_exists(name)
    if created:
        _sql(f"CREATE ROLE {_ident(name)} LOGIN")
    if password is not None:
        _sql(f"ALTER ROLE {_ident(name)} PASSWORD %s", (_encrypt(password, name),))
    for other in GROUPS.values():
        if other != group:
            _sql(f"REVOKE {other} FROM {_ident(name)}")
    _sql(f"GRANT {group} TO {_ident(name)}")
    return created


def _encrypt(password: str, user: str) -> str:
    """The password hashed by libpq as the server wants it (scram-sha-256), so it never
    reaches the server, or its log, in clear."""
    from psycopg2.extensions import encrypt_password

    return str(encrypt_password(password, user, db.connection()))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
