"""Drop five single-column foreign-key indexes that a composite index starting with the same
column already serves (`lead_event (lead_id, id)`, `touch (lead_id, at)`, `batch (actor_id,
id)`, `lead (owner_id, stage, …)`, `lead (sales_owner_id, stage)`).

Every insert kept each of them up to date for nothing: at 1M leads they were ~20% of the
cost of writing a lead, touch, event or batch row. The queries that looked up those columns
use the composite indexes instead (bench/RESULTS.md, Engine).
"""

DUPLICATES = (
    ("lead_event", "lead_event_lead_id"),
    ("touch", "touch_lead_id"),
    ("batch", "batch_actor_id"),
    ("lead", "lead_owner_id"),
    ("lead", "lead_sales_owner_id"),
)


def up(migrator, db):  # type: ignore[no-untyped-def]
    migrator.migrate(*(migrator.drop_index(table, name) for table, name in DUPLICATES))
