"""Recompute `lead.phone_key` with the country code (`domain.keys.phone_key`).

Keys were the bare digits, so "(415) 555-0100" and "+1 415 555 0100" never matched; new keys
carry the country ("+14155550100"). Without this, a file imported after the upgrade would not
find the leads stored before it. Only keys that change are written.
"""

from qc_console.domain.keys import phone_key

CHUNK = 5000


def up(migrator, db):  # type: ignore[no-untyped-def]
    p = db.param
    cursor = db.execute_sql("SELECT id, phone, phone_key FROM lead WHERE phone <> '' ORDER BY id")
    changes = [
        (new, lead_id)
        for lead_id, phone, old in cursor.fetchall()
        if (new := phone_key(phone)) != old
    ]
    sql = f"UPDATE lead SET phone_key = {p} WHERE id = {p}"
    for start in range(0, len(changes), CHUNK):
        for params in changes[start : start + CHUNK]:
            db.execute_sql(sql, params)
