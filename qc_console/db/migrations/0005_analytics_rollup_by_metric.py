"""Analytics: read the rollup by metric across every value of a grouping (per-rep and
per-campaign reports scan only the metric they show)."""


def up(migrator, db):  # type: ignore[no-untyped-def]
    migrator.migrate(
        migrator.add_index(
            "analytics_rollup", ("dim", "metric", "a", "dim_value", "week", "b"), False
        ),
    )
