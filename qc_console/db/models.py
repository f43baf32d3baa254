"""Peewee models: fields and indexes only, never business rules. Timestamps are naive UTC.

A foreign key with `index=False` is served by a composite index of its model that starts with
its column (migration 0007 dropped the duplicates), or is never looked up (`lead.updated_by`,
`touch.rep`: migration 0008 dropped their unused indexes; `lead_event.actor`: 0011).
"""

from __future__ import annotations

import peewee as pw

from qc_console.db.database import db


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class Rep(BaseModel):
    name = pw.CharField(max_length=120, unique=True)
    role = pw.CharField(max_length=16)
    email = pw.CharField(max_length=254, default="")
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField()

    class Meta:
        table_name = "rep"


class Campaign(BaseModel):
    name = pw.CharField(max_length=200, unique=True)
    source = pw.CharField(max_length=32)
    starts_on = pw.DateField(null=True)
    cost = pw.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_at = pw.DateTimeField()

    class Meta:
        table_name = "campaign"


class Lead(BaseModel):
    first_name = pw.TextField(default="")
    last_name = pw.TextField(default="")
    email = pw.TextField(default="")
    email_key = pw.TextField(default="", index=True)  # SQLite; see KEYS_APART_ON_POSTGRES
    phone = pw.TextField(default="")
    phone_key = pw.TextField(default="", index=True)
    company = pw.TextField(default="")
    title = pw.TextField(default="")
    country = pw.TextField(default="")
    notes = pw.TextField(default="")
    source = pw.CharField(max_length=32)
    campaign = pw.ForeignKeyField(Campaign, null=True, backref="leads", on_delete="SET NULL")
    stage = pw.CharField(max_length=16)
    rating = pw.CharField(max_length=8, null=True)
    rating_rank = pw.SmallIntegerField(default=0)
    owner = pw.ForeignKeyField(Rep, null=True, backref="leads", index=False)
    sales_owner = pw.ForeignKeyField(Rep, null=True, backref="sales_leads", index=False)
    next_action_due = pw.DateTimeField(null=True)
    next_action_note = pw.TextField(default="")
    resurface_on = pw.DateTimeField(null=True)
    resurfaced_at = pw.DateTimeField(null=True)
    reason_code = pw.CharField(max_length=32, default="")
    reason = pw.TextField(default="")
    amount = pw.DecimalField(max_digits=14, decimal_places=2, null=True)
    touch_count = pw.IntegerField(default=0)
    voicemail_count = pw.IntegerField(default=0)
    first_touch_at = pw.DateTimeField(null=True)
    last_touch_at = pw.DateTimeField(null=True)
    do_not_contact = pw.BooleanField(default=False)
    created_at = pw.DateTimeField()
    stage_entered_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()
    updated_by = pw.ForeignKeyField(Rep, null=True, backref="+", index=False)
    version = pw.IntegerField(default=1)

    class Meta:
        table_name = "lead"
        # The queue's indexes hold open leads only (`OPEN_LEADS`, migration 0010): see below.


OPEN_LEADS = "stage IN ('raw', 'qualified', 'incubating', 'handed_off', 'accepted', 'delayed')"
"""The WHERE of the queue's partial indexes: leads still in the refinery (`domain.stages.OPEN`).

Nine leads in ten end won, lost or purged, and no queue, aging or black-hole query looks at them,
so these indexes leave them out: a purge or a close removes a lead from each instead of moving
it, and they are a tenth of the size (bench/RESULTS.md, Bulk). SQLite uses a partial index only
when the query's WHERE holds this very term, so queries over open leads add `open_leads()`
(services/open_leads.py) word for word; migration 0010 writes the same text.
"""

KEYS_APART_ON_POSTGRES = ("email_key", "phone_key")
"""Lead columns indexed on SQLite only: PostgreSQL finds leads by them in the table `lead_key`,
kept by triggers, so that a disposition's UPDATE does not rewrite two more index entries per
lead (migration 0013, `db.lead_keys`)."""

QUEUE_INDEXES = (
    ("owner", "stage", "next_action_due"),
    ("owner", "stage", "rating_rank", "stage_entered_at"),
    ("owner", "stage", "resurface_on"),
    ("owner", "stage", "touch_count", "created_at"),
    ("stage", "touch_count", "created_at"),
    ("sales_owner", "stage"),
    ("stage", "stage_entered_at"),
)
for _fields in QUEUE_INDEXES:
    Lead.add_index(Lead.index(*(getattr(Lead, f) for f in _fields)).where(pw.SQL(OPEN_LEADS)))


class Touch(BaseModel):
    lead = pw.ForeignKeyField(Lead, backref="touches", on_delete="CASCADE", index=False)
    rep = pw.ForeignKeyField(Rep, null=True, backref="+", index=False)
    at = pw.DateTimeField()
    channel = pw.CharField(max_length=16)
    outcome = pw.CharField(max_length=24)
    note = pw.TextField(default="")

    class Meta:
        table_name = "touch"
        indexes = ((("lead", "at"), False),)


class Batch(BaseModel):
    """One user action (single or bulk): the unit of undo."""

    actor = pw.ForeignKeyField(Rep, null=True, backref="+", index=False)
    at = pw.DateTimeField()
    action = pw.CharField(max_length=32)
    size = pw.IntegerField(default=0)
    undone_at = pw.DateTimeField(null=True)
    undo_of = pw.IntegerField(null=True)

    class Meta:
        table_name = "batch"
        indexes = ((("actor", "id"), False),)


class LeadEvent(BaseModel):
    """Append-only audit trail: nothing updates or deletes a row.

    On PostgreSQL `actor` and `batch` carry no foreign-key constraint (migration 0012: a
    trigger per event each; `doctor` checks them instead); `lead` keeps its own."""

    lead = pw.ForeignKeyField(Lead, backref="events", on_delete="CASCADE", index=False)
    actor = pw.ForeignKeyField(Rep, null=True, backref="+", index=False)  # 0011: unused
    at = pw.DateTimeField()
    kind = pw.CharField(max_length=24)
    from_stage = pw.CharField(max_length=16, null=True)
    to_stage = pw.CharField(max_length=16, null=True)
    data = pw.TextField(default="{}")
    batch = pw.ForeignKeyField(Batch, null=True, backref="events")

    class Meta:
        table_name = "lead_event"
        indexes = ((("lead", "id"), False),)


class AnalyticsRollup(BaseModel):
    """Weekly sums of facts replayed from the event log (services.analytics keeps it in step).

    One row per grouping (`dim` '*', 'source', 'campaign' or 'rep' with its `dim_value`),
    metric, ISO week and sub-keys `a`, `b`; `n` counts, `amount` sums money.
    """

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
        indexes = (
            (("dim", "dim_value", "metric", "week", "a", "b"), True),
            (("dim", "metric", "a", "dim_value", "week", "b"), False),
        )


class AnalyticsState(BaseModel):
    """Small key/value state of the rollups (the last event id folded in)."""

    key = pw.CharField(max_length=32, primary_key=True)
    value = pw.BigIntegerField(default=0)

    class Meta:
        table_name = "analytics_state"


class ImportRun(BaseModel):
    """One completed import of a file (by content hash): the same file is not imported twice."""

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


ALL_MODELS = [
    Rep,
    Campaign,
    Lead,
    Touch,
    Batch,
    LeadEvent,
    AnalyticsRollup,
    AnalyticsState,
    ImportRun,
]
