"""Drop `lead_event.actor_id`'s index: nothing looks events up by actor any more.

Its one reader, the rep's last hand-off target (`leads.last_hand_off_target`), now finds the
rep's last hand-off batch by `batch (actor_id, id)`. Every event written (7M in a 1M-lead
seed, 10,000 in a bulk action) kept the index up to date for nothing (bench/RESULTS.md).
Reps are deactivated, never deleted, so no foreign-key check needs it either.
"""


def up(migrator, db):  # type: ignore[no-untyped-def]
    migrator.migrate(migrator.drop_index("lead_event", "lead_event_actor_id"))
