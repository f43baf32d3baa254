"""PostgreSQL: drop the foreign keys of `lead_event.actor_id` and `lead_event.batch_id`.

PostgreSQL checks a foreign key with a trigger per inserted row, one lookup query each: a bulk
action's 10,000 events spent ~35 ms per key on them, a tenth of a bulk reassign
(bench/RESULTS.md, Bulk). Neither key guards anything a real writer could break: reps are
deactivated and batches marked undone, never deleted; the one writer (`services._apply.write`)
takes both ids from rows it read or inserted in the same transaction; team mode's policies make
every login write itself as the actor. `doctor` reports an event naming no batch or no rep.
`lead_event.lead_id` keeps its key (and ON DELETE CASCADE). SQLite keeps both keys: its
checks are an in-process lookup, and dropping one would rebuild the whole event table.
"""

import peewee

EVENT_REFERENCES = ("actor_id", "batch_id")


def up(migrator, db):  # type: ignore[no-untyped-def]
    if not isinstance(db, peewee.PostgresqlDatabase):
        return
    rows = db.execute_sql(
        "SELECT c.conname FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)"
        " WHERE c.contype = 'f' AND c.conrelid = 'lead_event'::regclass"
        " AND array_length(c.conkey, 1) = 1 AND a.attname = ANY(%s)",
        (list(EVENT_REFERENCES),),
    ).fetchall()
    for (name,) in rows:
        db.execute_sql(f'ALTER TABLE "lead_event" DROP CONSTRAINT "{name}"')
