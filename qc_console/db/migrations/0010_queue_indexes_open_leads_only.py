"""The queue's seven lead indexes hold open leads only (partial indexes).

Nine leads in ten end won, lost or purged; no queue, aging or black-hole query reads them. As
full indexes every purge or close moved a lead inside each of the seven (a delete and an insert
in a 1M-entry tree); partial, it only leaves them, and they are a tenth of the size: a bulk
purge of 10,000 leads and the seed's index build both got faster (bench/RESULTS.md). The WHERE
text is `db.models.OPEN_LEADS`, word for word (SQLite matches it literally).
"""

OPEN_LEADS = "stage IN ('raw', 'qualified', 'incubating', 'handed_off', 'accepted', 'delayed')"
INDEXES = (
    ("owner_id", "stage", "next_action_due"),
    ("owner_id", "stage", "rating_rank", "stage_entered_at"),
    ("owner_id", "stage", "resurface_on"),
    ("owner_id", "stage", "touch_count", "created_at"),
    ("stage", "touch_count", "created_at"),
    ("sales_owner_id", "stage"),
    ("stage", "stage_entered_at"),
)


def up(migrator, db):  # type: ignore[no-untyped-def]
    for columns in INDEXES:
        name = "lead_" + "_".join(columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
        db.execute_sql(f'CREATE INDEX "{name}" ON "lead" ({quoted}) WHERE {OPEN_LEADS}')
