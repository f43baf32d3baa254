"""Big seeds: copies of a planned block of leads, made inside the database.

Planning is pure Python (~60 µs a lead), so a 1M-lead seed plans a block (`seed.BLOCK` leads)
and copies it with `INSERT … SELECT` (C speed in SQLite and PostgreSQL). A copy keeps every
time, owner, stage and amount of its original, so the weekly volumes are the block's times
the number of copies (log-log elasticities and lags unchanged); its ids are moved past the
block's (leads, touches, events, batches and the foreign keys between them, and the touch id
inside an undoable touch event's data); its email gets `+k` before the `@` (k = the copy's
number) and its phone the number the planner would give a lead of its id (`people._phone`),
so dedup keys stay unique. Copy k of a block of n leads holds ids `first + k * n …`.
"""

from __future__ import annotations

from dataclasses import dataclass

from qc_console.db.database import db, is_postgres
from qc_console.db.models import Batch, Lead, LeadEvent, Touch
from qc_console.services.seed.data import SampleData

_TOUCH_KEY = "'\"touch_id\": '"


@dataclass(frozen=True)
class Block:
    """The planned block: its first ids and how many rows of each table it holds."""

    lead: int
    leads: int
    touch: int
    touches: int
    event: int
    events: int
    batch: int
    batches: int


def copy_block(block: Block, k: int, size: int, data: SampleData) -> tuple[int, int]:
    """Copy number `k` (≥ 1) of the block's first `size` leads; returns (touches, events)
    inserted. Runs in the caller's transaction."""
    pg = is_postgres()
    lead_off = k * block.leads
    last_lead = block.lead + size - 1
    t_off, e_off, b_off = k * block.touches, k * block.events, k * block.batches
    partial = size < block.leads
    leads_of = f" AND lead_id <= {last_lead}" if partial else ""
    cur = db.cursor()

    def run(sql: str) -> int:
        cur.execute(sql)
        return max(cur.rowcount, 0)

    b_last = block.batch + block.batches - 1
    if partial:
        row = db.execute_sql(
            f"SELECT MAX(batch_id) FROM lead_event WHERE id >= {block.event}"
            f" AND id < {block.event + block.events}{leads_of}"
        ).fetchone()
        b_last = int(row[0]) if row and row[0] is not None else block.batch - 1
    new_id = f"(id + {lead_off})"
    lead_sql = {
        "id": new_id,
        "email": _tag("email", k, pg),
        "email_key": _tag("email_key", k, pg),
        "phone": f"CASE WHEN phone = '' THEN '' ELSE {_phone_sql(new_id, data, pg)} END",
        "phone_key": (
            f"CASE WHEN phone_key = '' THEN '' ELSE "
            f"REPLACE({_phone_sql(new_id, data, pg)}, ' ', '') END"
        ),
    }
    run(_insert(Lead, lead_sql) + f" WHERE id >= {block.lead} AND id <= {last_lead} ORDER BY id")
    run(
        _insert(Batch, {"id": f"id + {b_off}"})
        + f" WHERE id >= {block.batch} AND id <= {b_last} ORDER BY id"
    )
    touches = run(
        _insert(Touch, {"id": f"id + {t_off}", "lead_id": f"lead_id + {lead_off}"})
        + f" WHERE id >= {block.touch} AND id < {block.touch + block.touches}{leads_of}"
        " ORDER BY id"
    )
    if pg:
        shifted = _shift_touch_id(t_off)
    else:  # 3× less CPU than the same in SQL, which copies the ~650-byte text three times
        db.connection().create_function(_SHIFT, 2, _shift, deterministic=True)
        shifted = f"{_SHIFT}(data, {t_off})"
    event_sql = {
        "id": f"id + {e_off}",
        "lead_id": f"lead_id + {lead_off}",
        "batch_id": f"batch_id + {b_off}",
        # only undoable touch events (those with a batch) name their touch: see seed.events
        "data": f"CASE WHEN kind = 'touch' AND batch_id IS NOT NULL THEN {shifted} ELSE data END",
    }
    events = run(
        _insert(LeadEvent, event_sql)
        + f" WHERE id >= {block.event} AND id < {block.event + block.events}{leads_of}"
        " ORDER BY id"
    )
    return touches, events


def black_hole_ids(ids: dict[int, str], block: Block, leads: int) -> dict[int, str]:
    """The black holes of the block (id → kind) and of every copy of it among `leads`."""
    out: dict[int, str] = {}
    for k in range(-(-leads // block.leads)):
        size = min(block.leads, leads - k * block.leads)
        for lead_id, kind in ids.items():
            if lead_id - block.lead < size:
                out[lead_id + k * block.leads] = kind
    return dict(sorted(out.items()))


def _insert(model: type, changed: dict[str, str]) -> str:
    columns = [f.column_name for f in model._meta.sorted_fields]  # type: ignore[attr-defined]
    table = model._meta.table_name  # type: ignore[attr-defined]
    values = ", ".join(changed.get(c, c) for c in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {table}"


def _tag(column: str, k: int, pg: bool) -> str:
    """`column` with `+k` before its `@` (unchanged without one)."""
    at = f"{'STRPOS' if pg else 'INSTR'}({column}, '@')"
    return (
        f"CASE WHEN {at} > 0 THEN SUBSTR({column}, 1, {at} - 1) || '+{k}' || "
        f"SUBSTR({column}, {at}) ELSE {column} END"
    )


def _phone_sql(lead_id: str, data: SampleData, pg: bool) -> str:
    """SQL for `people._phone(country's template, lead_id)`, by the lead's country."""
    number = f"((CAST(1000003 AS BIGINT) * {lead_id}) % 1000000000)"
    if pg:
        nine = f"LPAD(CAST({number} AS TEXT), 9, '0')"
    else:
        nine = f"PRINTF('%09d', {number})"
    digits = f"({nine} || {nine})"
    cases = []
    for country in data.countries:
        parts, pos, i, template = [], 0, 0, country.phone
        text = ""
        while i < len(template):
            if template[i] == "{":
                if text:
                    parts.append("'" + text.replace("'", "''") + "'")
                    text = ""
                size = int(template[i + 2])
                parts.append(f"SUBSTR({digits}, {pos + 1}, {size})")
                pos += size
                i += 4
            else:
                text += template[i]
                i += 1
        if text:
            parts.append("'" + text.replace("'", "''") + "'")
        cases.append(f"WHEN '{country.code}' THEN {' || '.join(parts)}")
    return f"CASE country {' '.join(cases)} ELSE phone END"


_SHIFT = "qc_seed_shift_touch"


def _shift(data: str, offset: int) -> str:
    """SQLite function: a touch event's data with its `"touch_id": N` moved by `offset` (the
    key comes once, near the end: `…, "touch_id": N, "version": V}`)."""
    i = data.rfind('"touch_id": ') + 12
    j = data.find(",", i)
    return f"{data[:i]}{int(data[i:j]) + offset}{data[j:]}"


def _shift_touch_id(offset: int) -> str:
    """`_shift` in PostgreSQL's SQL."""
    start = f"(STRPOS(data, {_TOUCH_KEY}) + 12)"
    rest = f"SUBSTR(data, {start})"
    comma = f"STRPOS({rest}, ',')"
    tid = f"CAST(SUBSTR({rest}, 1, {comma} - 1) AS INTEGER)"
    return (
        f"SUBSTR(data, 1, {start} - 1) || CAST({tid} + {offset} AS TEXT) || SUBSTR({rest}, {comma})"
    )
