"""Finding leads by duplicate key: the normalised email (`email_key`) or phone (`phone_key`).

SQLite looks them up in indexes on `lead`. PostgreSQL in the table `lead_key` (kind, value,
lead_id), which triggers keep in step with every lead written (migration 0013): there, each
index on `lead` takes a new entry whenever a disposition rewrites a row, and these two had
nothing to do with any disposition. Team mode: a rep's login reads the keys of the leads it
sees; `lead_with_key` finds any lead (a hidden one is a duplicate too).
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import chunked

from qc_console.db import team
from qc_console.db.database import db, is_postgres

TABLE = "lead_key"
"""PostgreSQL only; no model: only triggers write it, only the lookups here read it."""
COLUMNS = {"email": "email_key", "phone": "phone_key"}
"""Key kind → its column on `lead`."""
CHUNK = 2000


def oldest_leads(
    kind: str, values: Iterable[str], *, leave_out: tuple[str, str] | None = None
) -> dict[str, int]:
    """Key value → the oldest lead (smallest id) holding it, for each of `values` some lead
    holds; `leave_out` (stage, reason): leads in that stage for that reason do not count."""
    column = COLUMNS[kind]
    pg = is_postgres()
    mark = "%s" if pg else "?"
    skip, skip_args = "", []
    if leave_out is not None:
        skip, skip_args = f" AND NOT (l.stage = {mark} AND l.reason = {mark})", list(leave_out)
    out: dict[str, int] = {}
    for chunk in chunked(sorted(set(values) - {""}), CHUNK):
        if pg:
            sql = (
                'SELECT k.value, MIN(k.lead_id) FROM lead_key k JOIN "lead" l ON l.id = k.lead_id'
                f" WHERE k.kind = %s AND k.value = ANY(%s){skip} GROUP BY k.value"
            )
            args = [kind, chunk, *skip_args]
        else:
            marks = ", ".join("?" * len(chunk))
            sql = (
                f'SELECT l.{column}, MIN(l.id) FROM "lead" l WHERE l.{column} IN ({marks}){skip}'
                f" GROUP BY l.{column}"
            )
            args = [*chunk, *skip_args]
        for value, lead_id in db.execute_sql(sql, args).fetchall():
            out[value] = int(lead_id)
    return out


def oldest_lead(kind: str, value: str) -> int | None:
    """The oldest lead holding `value` as its `kind` key, if any."""
    return oldest_leads(kind, [value]).get(value)


def lead_with_key(kind: str, value: str) -> int | None:
    """The oldest lead whose `kind` key is `value`, including leads that row-level security
    hides from this login (team mode: through `qc_lead_with_key`, which returns only an id):
    a duplicate must be found all the same."""
    if team.is_set_up():
        hit = db.execute_sql("SELECT qc_lead_with_key(%s, %s)", (kind, value)).fetchone()[0]
        return int(hit) if hit is not None else None
    return oldest_lead(kind, value)


def out_of_step() -> list[int]:
    """PostgreSQL: ids of leads whose keys in `lead_key` differ from their own (a key missing,
    or one the lead does not hold); SQLite has nothing to be out of step."""
    if not is_postgres():
        return []
    sql = """
        SELECT DISTINCT COALESCE(w.lead_id, k.lead_id) FROM (
            SELECT 'email' AS kind, email_key AS value, id AS lead_id FROM "lead"
            WHERE email_key <> ''
            UNION ALL
            SELECT 'phone', phone_key, id FROM "lead" WHERE phone_key <> ''
        ) w
        FULL JOIN lead_key k ON k.kind = w.kind AND k.value = w.value AND k.lead_id = w.lead_id
        WHERE w.lead_id IS NULL OR k.lead_id IS NULL
    """
    return [int(lead_id) for (lead_id,) in db.execute_sql(sql).fetchall()]
