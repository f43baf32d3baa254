"""Weekly rollups of the event log for refinery analytics, and their watermark."""

import peewee as pw


def up(migrator, db):  # type: ignore[no-untyped-def]
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class AnalyticsRollup(Base):
        dim = pw.CharField(max_length=12)
        dim_value = pw.CharField(max_length=64)
        metric = pw.CharField(max_length=16)
        week = pw.DateField()
        a = pw.CharField(max_length=24, default="")
        b = pw.IntegerField(default=0)
        n = pw.IntegerField(default=0)
        amount = pw.FloatField(default=0)

        class Meta:
            table_name = "analytics_rollup"
            indexes = ((("dim", "dim_value", "metric", "week", "a", "b"), True),)

    class AnalyticsState(Base):
        key = pw.CharField(max_length=32, primary_key=True)
        value = pw.BigIntegerField(default=0)

        class Meta:
            table_name = "analytics_state"

    db.create_tables([AnalyticsRollup, AnalyticsState])
