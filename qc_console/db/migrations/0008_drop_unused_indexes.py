"""Drop three indexes no query uses: `lead_event (to_stage, at)`, `touch.rep_id` and
`lead.updated_by_id`.

No service, report or check filters or sorts on those columns (reps are deactivated, never
deleted, so no foreign-key check looks them up either). At 1M leads they were a third of the
seed's index build (`lead_event (to_stage, at)` alone ~50 MB per 200k leads), and every insert
kept them up to date for nothing (bench/RESULTS.md, Engine).
"""

UNUSED = (
    ("lead_event", "lead_event_to_stage_at"),
    ("touch", "touch_rep_id"),
    ("lead", "lead_updated_by_id"),
)


def up(migrator, db):  # type: ignore[no-untyped-def]
    migrator.migrate(*(migrator.drop_index(table, name) for table, name in UNUSED))
