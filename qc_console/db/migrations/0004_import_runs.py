"""Imported files: one row per completed import, so the same file is not imported twice."""

import peewee as pw


def up(migrator, db):  # type: ignore[no-untyped-def]
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Rep(Base):
        class Meta:
            table_name = "rep"

    class Batch(Base):
        class Meta:
            table_name = "batch"

    class ImportRun(Base):
        file_name = pw.TextField()
        file_hash = pw.CharField(max_length=64, index=True)
        size = pw.BigIntegerField(default=0)
        format = pw.CharField(max_length=40)
        actor = pw.ForeignKeyField(Rep, null=True, backref="+")
        batch = pw.ForeignKeyField(Batch, null=True, backref="+")
        at = pw.DateTimeField()
        rows = pw.IntegerField(default=0)
        new = pw.IntegerField(default=0)
        merged = pw.IntegerField(default=0)
        rejected = pw.IntegerField(default=0)
        do_not_contact = pw.IntegerField(default=0)
        skipped = pw.IntegerField(default=0)
        options = pw.TextField(default="{}")

        class Meta:
            table_name = "import_run"

    db.create_tables([ImportRun])
