"""Campaigns carry a cost; leads remember when they resurfaced; an index for queue aging."""

import peewee as pw


def up(migrator, db):  # type: ignore[no-untyped-def]
    migrator.migrate(
        migrator.add_column(
            "campaign", "cost", pw.DecimalField(max_digits=14, decimal_places=2, default=0)
        ),
        migrator.add_column("lead", "resurfaced_at", pw.DateTimeField(null=True)),
        migrator.add_index("lead", ("stage", "stage_entered_at"), False),
    )
