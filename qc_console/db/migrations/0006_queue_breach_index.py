"""The queue's speed-to-lead class, per owner, in its order.

The first page walks one index range per (owner, stage) and class (services/queue.py). The
breach class (raw, untouched, oldest first) had no owner-leading index: SQLite walked every
owner's breaches, and PostgreSQL chose a bitmap AND with the owner index (15 ms at 1M leads).
"""


def up(migrator, db):  # type: ignore[no-untyped-def]
    migrator.migrate(
        migrator.add_index("lead", ("owner_id", "stage", "touch_count", "created_at"), False),
    )
