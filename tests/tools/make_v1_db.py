"""Build tests/data/v1.sqlite: a database made by the first schema version (0001_initial only),
with a few reps, campaigns, leads, touches, batches and events.

The rows are written with plain SQL in the columns of that version (today's models have columns
the file must not have). The data is internally consistent — every lead's stage is the last
event's `to_stage`, `version` is its event count + 1, touch counters match the touch rows — so
the migration test can also run services on it afterwards.

Run from the repository root:  python tests/tools/make_v1_db.py [PATH]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qc_console.db.database import close_database, db, open_database
from qc_console.db.schema import migrate

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "v1.sqlite"

REPS = [
    # id, name, role, email, active, created_at
    (1, "ann", "rep", "ann@qc.example", 1, "2025-01-06 09:00:00"),
    (2, "bob", "rep", "", 1, "2025-01-06 09:00:00"),
    (3, "sue", "supervisor", "sue@qc.example", 1, "2025-01-06 09:00:00"),
    (4, "sam", "sales", "", 1, "2025-01-06 09:00:00"),
    (5, "old", "rep", "", 0, "2025-01-06 09:00:00"),
]
CAMPAIGNS = [
    # id, name, source, starts_on, created_at
    (1, "Spring Expo 2025", "trade_show", "2025-03-01", "2025-02-01 10:00:00"),
    (2, "Whitepaper: Zero Trust", "web_download", None, "2025-02-03 10:00:00"),
]
C = "2025-03-03 14:00:00"  # when the leads were created
LEAD_DEFAULTS: dict[str, object] = {
    **dict.fromkeys(("first_name", "last_name", "email", "email_key", "phone", "phone_key"), ""),
    **dict.fromkeys(("company", "title", "country", "notes", "next_action_note"), ""),
    **dict.fromkeys(("reason_code", "reason"), ""),
    **dict.fromkeys(("campaign_id", "rating", "owner_id", "sales_owner_id", "amount"), None),
    **dict.fromkeys(("next_action_due", "resurface_on", "first_touch_at", "last_touch_at"), None),
    **dict.fromkeys(("rating_rank", "touch_count", "voicemail_count", "do_not_contact"), 0),
    "created_at": C,
}
LEADS: list[dict[str, object]] = [
    {
        "id": 1, "first_name": "Zoë", "last_name": "Ng", "email": "Zoe.Ng@Example.com",
        "email_key": "zoe.ng@example.com", "company": "Acme", "title": "CTO", "country": "NZ",
        "source": "trade_show", "campaign_id": 1, "stage": "raw", "owner_id": 1,
        "next_action_due": "2025-03-03 14:15:00", "next_action_note": "first touch",
        "stage_entered_at": C, "updated_at": C, "updated_by_id": 3, "version": 2,
    },
    {
        "id": 2, "first_name": "太郎", "last_name": "山田", "phone": "+81 3 1234 5678",
        "phone_key": "+81312345678", "company": "山田商事", "country": "JP",
        "notes": "met at booth 12", "source": "trade_show", "campaign_id": 1,
        "stage": "qualified", "rating": "high", "rating_rank": 3, "owner_id": 2,
        "next_action_due": "2025-03-06 09:00:00", "next_action_note": "send pricing",
        "touch_count": 2, "voicemail_count": 1, "first_touch_at": "2025-03-03 15:00:00",
        "last_touch_at": "2025-03-04 10:30:00", "stage_entered_at": "2025-03-04 11:00:00",
        "updated_at": "2025-03-04 11:00:00", "updated_by_id": 2, "version": 5,
    },
    {
        "id": 3, "first_name": "Łukasz", "last_name": "Nowak", "email": "lukasz@example.pl",
        "email_key": "lukasz@example.pl", "company": "Nowak sp. z o.o.", "country": "PL",
        "source": "web_download", "campaign_id": 2, "stage": "incubating", "owner_id": 1,
        "resurface_on": "2025-06-01 09:00:00", "reason_code": "incubate",
        "reason": "budget next quarter", "touch_count": 1,
        "first_touch_at": "2025-03-04 09:00:00", "last_touch_at": "2025-03-04 09:00:00",
        "stage_entered_at": "2025-03-04 09:05:00", "updated_at": "2025-03-04 09:05:00",
        "updated_by_id": 1, "version": 4,
    },
    {
        "id": 4, "first_name": "Eve", "last_name": "Hostile", "email": "eve@example.com",
        "email_key": "eve@example.com", "company": "[bold red]ACME[/]",
        "title": '=HYPERLINK("http://x")', "notes": "\x1b[31mred\x1b[0m", "source": "referral",
        "stage": "handed_off", "rating": "medium", "rating_rank": 2, "owner_id": 1,
        "sales_owner_id": 4, "stage_entered_at": "2025-03-05 12:00:00",
        "updated_at": "2025-03-05 12:00:00", "updated_by_id": 1, "version": 4,
    },
    {
        "id": 5, "first_name": "Dan", "last_name": "Lee", "email": "dan@example.com",
        "email_key": "dan@example.com", "company": "Lee & Co", "country": "US",
        "source": "sales_prospecting", "stage": "accepted", "rating": "high", "rating_rank": 3,
        "owner_id": 1, "sales_owner_id": 4, "amount": 12500.5,
        "stage_entered_at": "2025-03-06 16:00:00", "updated_at": "2025-03-06 16:00:00",
        "updated_by_id": 4, "version": 4,
    },
    {
        "id": 6, "first_name": "Pat", "last_name": "Gone", "email": "pat@example.com",
        "email_key": "pat@example.com", "source": "other", "stage": "purged", "owner_id": 2,
        "reason_code": "do_not_contact", "reason": "asked to be removed", "do_not_contact": 1,
        "stage_entered_at": "2025-03-03 16:00:00", "updated_at": "2025-03-03 16:00:00",
        "updated_by_id": 2, "version": 3,
    },
]  # fmt: skip
TOUCHES = [
    # id, lead, rep, at, channel, outcome, note
    (1, 2, 2, "2025-03-03 15:00:00", "voicemail", "left_voicemail", ""),
    (2, 2, 2, "2025-03-04 10:30:00", "call", "connected", "wants pricing"),
    (3, 3, 1, "2025-03-04 09:00:00", "email", "replied", "not before June"),
]
BATCHES = [
    # id, actor, at, action, size, undone_at, undo_of
    (1, 3, C, "create", 6, None, None),
    (2, 2, "2025-03-03 15:00:00", "touch", 1, None, None),
    (3, 2, "2025-03-04 10:30:00", "touch", 1, None, None),
    (4, 2, "2025-03-04 11:00:00", "qualify", 1, None, None),
    (5, 1, "2025-03-04 09:00:00", "touch", 1, None, None),
    (6, 1, "2025-03-04 09:05:00", "incubate", 1, None, None),
    (7, 1, "2025-03-05 11:00:00", "qualify", 1, None, None),
    (8, 1, "2025-03-05 12:00:00", "hand_off", 1, None, None),
    (9, 4, "2025-03-06 16:00:00", "accept", 1, None, None),
    (10, 2, "2025-03-03 16:00:00", "purge", 1, None, None),
    (11, 1, "2025-03-06 10:00:00", "hand_off", 1, None, None),
]


def _data(extra: dict, before: dict, after: dict, version: int, at: str, by: int) -> str:
    """Event data as the services write it: what changed, before and after, and the version."""
    prior = {"updated_at": before.pop("at"), "updated_by_id": before.pop("by")}
    before = {**before, **prior, "version": version - 1}
    after = {**after, "updated_at": at, "updated_by_id": by}
    return json.dumps(
        {**extra, "before": before, "after": after, "version": version},
        ensure_ascii=False,
        sort_keys=True,
    )


def _event(
    eid: int, lead: int, by: int, at: str, kind: str, move: tuple[str, str], batch: int,
    version: int, before: dict, after: dict, extra: dict | None = None,
) -> tuple:  # fmt: skip
    if move[0] != move[1]:
        before = {**before, "stage": move[0]}
        after = {**after, "stage": move[1], "stage_entered_at": at}
    data = _data(extra or {}, before, after, version, at, by)
    return (eid, lead, by, at, kind, move[0], move[1], data, batch)


def _created(eid: int, lead: int, stage: str, source: str) -> tuple:
    stamp = {"at": C, "by": 3}
    extra = {"created": True, "source": source}
    return _event(eid, lead, 3, C, "create", (stage, stage), 1, 2, stamp, {}, extra)


T1, T2, T3 = "2025-03-03 15:00:00", "2025-03-04 10:30:00", "2025-03-04 11:00:00"
FIRST_DUE = {"next_action_due": "2025-03-03 14:15:00", "next_action_note": "first touch"}
NO_DUE = {"next_action_due": None, "next_action_note": ""}
EVENTS = [
    _created(1, 1, "raw", "trade_show"),
    _created(2, 2, "raw", "trade_show"),
    _created(3, 3, "raw", "web_download"),
    _created(4, 4, "raw", "referral"),
    _created(5, 5, "qualified", "sales_prospecting"),
    _created(6, 6, "raw", "other"),
    _event(
        7, 2, 2, T1, "touch", ("raw", "raw"), 2, 3,
        {"touch_count": 0, "voicemail_count": 0, "first_touch_at": None,
         "last_touch_at": None, "at": C, "by": 3},
        {"touch_count": 1, "voicemail_count": 1, "first_touch_at": T1, "last_touch_at": T1},
        {"channel": "voicemail", "outcome": "left_voicemail", "note": "", "touch_id": 1},
    ),
    _event(
        8, 2, 2, T2, "touch", ("raw", "raw"), 3, 4,
        {"touch_count": 1, "voicemail_count": 1, "first_touch_at": T1, "last_touch_at": T1,
         **FIRST_DUE, "at": T1, "by": 2},
        {"touch_count": 2, "voicemail_count": 1, "first_touch_at": T1, "last_touch_at": T2,
         "next_action_due": "2025-03-06 09:00:00", "next_action_note": "send pricing"},
        {"channel": "call", "outcome": "connected", "note": "wants pricing", "touch_id": 2},
    ),
    _event(
        9, 2, 2, T3, "qualify", ("raw", "qualified"), 4, 5,
        {"rating": None, "rating_rank": 0, "resurface_on": None, "stage_entered_at": C,
         "at": T2, "by": 2},
        {"rating": "high", "rating_rank": 3, "resurface_on": None},
        {"rating": "high"},
    ),
    _event(
        10, 3, 1, "2025-03-04 09:00:00", "touch", ("raw", "raw"), 5, 3,
        {"touch_count": 0, "voicemail_count": 0, "first_touch_at": None,
         "last_touch_at": None, "at": C, "by": 3},
        {"touch_count": 1, "voicemail_count": 0, "first_touch_at": "2025-03-04 09:00:00",
         "last_touch_at": "2025-03-04 09:00:00"},
        {"channel": "email", "outcome": "replied", "note": "not before June", "touch_id": 3},
    ),
    _event(
        11, 3, 1, "2025-03-04 09:05:00", "incubate", ("raw", "incubating"), 6, 4,
        {"resurface_on": None, **FIRST_DUE, "reason": "", "reason_code": "",
         "sales_owner_id": None, "stage_entered_at": C, "at": "2025-03-04 09:00:00", "by": 1},
        {"resurface_on": "2025-06-01 09:00:00", **NO_DUE, "reason": "budget next quarter",
         "reason_code": "incubate", "sales_owner_id": None},
        {"until": "2025-06-01 09:00:00", "reason": "budget next quarter"},
    ),
    _event(
        12, 4, 1, "2025-03-05 11:00:00", "qualify", ("raw", "qualified"), 7, 3,
        {"rating": None, "rating_rank": 0, "resurface_on": None, "stage_entered_at": C,
         "at": C, "by": 3},
        {"rating": "medium", "rating_rank": 2, "resurface_on": None},
        {"rating": "medium"},
    ),
    _event(
        13, 4, 1, "2025-03-05 12:00:00", "hand_off", ("qualified", "handed_off"), 8, 4,
        {"sales_owner_id": None, **FIRST_DUE, "reason": "", "reason_code": "",
         "stage_entered_at": "2025-03-05 11:00:00", "at": "2025-03-05 11:00:00", "by": 1},
        {"sales_owner_id": 4, **NO_DUE, "reason": "", "reason_code": ""},
        {"to": "sam"},
    ),
    _event(
        14, 5, 1, "2025-03-06 10:00:00", "hand_off", ("qualified", "handed_off"), 11, 3,
        {"sales_owner_id": None, "next_action_due": "2025-03-04 14:00:00",
         "next_action_note": "first touch", "reason": "", "reason_code": "",
         "stage_entered_at": C, "at": C, "by": 3},
        {"sales_owner_id": 4, **NO_DUE, "reason": "", "reason_code": ""},
        {"to": "sam"},
    ),
    _event(
        15, 5, 4, "2025-03-06 16:00:00", "accept", ("handed_off", "accepted"), 9, 4,
        {"amount": None, "stage_entered_at": "2025-03-06 10:00:00",
         "at": "2025-03-06 10:00:00", "by": 1},
        {"amount": "12500.5"},
        {"amount": 12500.5},
    ),
    _event(
        16, 6, 2, "2025-03-03 16:00:00", "purge", ("raw", "purged"), 10, 3,
        {"reason_code": "", "reason": "", **FIRST_DUE, "resurface_on": None,
         "do_not_contact": False, "stage_entered_at": C, "at": C, "by": 3},
        {"reason_code": "do_not_contact", "reason": "asked to be removed", **NO_DUE,
         "resurface_on": None, "do_not_contact": True},
        {"code": "do_not_contact", "note": "asked to be removed"},
    ),
]  # fmt: skip


def _insert(table: str, columns: str, rows: list[tuple]) -> None:
    marks = ", ".join("?" * len(rows[0]))
    for row in rows:
        db.execute_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row)


def build(path: Path) -> None:
    path.unlink(missing_ok=True)
    open_database(f"sqlite:///{path}")
    db.connect()
    assert migrate(target="0001_initial") == ["0001_initial"]
    with db.atomic():
        _insert("rep", "id, name, role, email, active, created_at", REPS)
        _insert("campaign", "id, name, source, starts_on, created_at", CAMPAIGNS)
        for lead in LEADS:
            row = LEAD_DEFAULTS | lead
            _insert("lead", ", ".join(row), [tuple(row.values())])
        _insert("touch", "id, lead_id, rep_id, at, channel, outcome, note", TOUCHES)
        _insert("batch", "id, actor_id, at, action, size, undone_at, undo_of", BATCHES)
        _insert(
            "lead_event",
            "id, lead_id, actor_id, at, kind, from_stage, to_stage, data, batch_id",
            EVENTS,
        )
    db.execute_sql("UPDATE schema_version SET applied = '2025-01-06 08:00:00'")  # deterministic
    # A self-contained, compact file: no -wal/-shm beside it, small pages.
    db.execute_sql("PRAGMA journal_mode=DELETE")
    db.execute_sql("PRAGMA page_size=1024")
    db.execute_sql("VACUUM")
    close_database()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    build(target)
    print(f"wrote {target} ({target.stat().st_size} bytes)")
