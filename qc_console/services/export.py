"""Exporting leads: JSON lines, CSV (DESIGN.md §3 fields) and a Salesforce lead-import CSV.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
neutralised with a leading apostrophe. Leads stream in id order from one read transaction, so a
million leads never sit in memory.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from peewee import Expression

from qc_console.db.database import reading
from qc_console.db.models import Lead
from qc_console.domain.errors import BadInput
from qc_console.domain.values import QueueFilter
from qc_console.services._rows import Names, Row, _normalise
from qc_console.services.queue import ALL, _filters, queue_clock

FORMATS = ("jsonl", "csv", "salesforce")
FIELDS = (
    "id", "email", "phone", "first_name", "last_name", "company", "title", "country", "source",
    "campaign", "stage", "rating", "owner", "sales_owner", "touch_count", "first_touch_at",
    "last_touch_at", "next_action_due", "next_action_note", "resurface_on", "reason", "amount",
    "do_not_contact", "created_at", "stage_entered_at", "updated_at", "notes",
)  # fmt: skip
"""One record per lead (DESIGN.md §3 plus the rest a CRM needs)."""

SALESFORCE_FIELDS = (
    "FirstName", "LastName", "Email", "Phone", "Company", "Title", "Country", "LeadSource",
    "Status", "Rating", "Description",
)  # fmt: skip
"""Lead API names the Data Import Wizard and Data Loader map automatically."""
SF_SOURCE = {
    "trade_show": "Trade Show",
    "web_download": "Web",
    "campaign_inquiry": "Advertisement",
    "sales_prospecting": "Other",
    "referral": "External Referral",
    "other": "Other",
}
SF_STATUS = {
    "raw": "Open - Not Contacted",
    "won": "Closed - Converted",
    "lost": "Closed - Not Converted",
    "purged": "Closed - Not Converted",
}
SF_RATING = {"high": "Hot", "medium": "Warm", "low": "Cold"}
NOT_PROVIDED = "[not provided]"
"""Salesforce's own filler for the required LastName/Company (as Web-to-Lead uses)."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 ().\-/]*$")
"""A phone number or a number: a spreadsheet can compute nothing harmful from it, and a CRM
must get "+49 89 1234" as it is, not "'+49 89 1234"."""
CHUNK = 2000


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs (OWASP CSV injection): a leading
    = + - @ tab or CR gets an apostrophe, unless the cell is only a phone number or number."""
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def record(row: Row, names: Names) -> dict[str, Any]:
    """One lead as the export's plain record (UTC timestamps with a Z)."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        if name == "owner":
            value: Any = names.rep_name(row["owner_id"])
        elif name == "sales_owner":
            value = names.rep_name(row["sales_owner_id"])
        elif name == "campaign":
            value = names.campaigns.get(row["campaign_id"]) if row["campaign_id"] else None
        elif name == "reason":
            value = row["reason"] or row["reason_code"]
        else:
            value = row[name]
        if isinstance(value, datetime):
            value = _stamp(value)
        elif isinstance(value, Decimal):
            value = float(value)
        elif name == "do_not_contact":
            value = bool(value)
        out[name] = value
    return out


def _where(f: QueueFilter | None, names: Names) -> Expression | None:
    """Every lead by default; the filter's keys narrow it (owner= one rep's, pool=no owned)."""
    if f is None:
        return None
    conds: list[Expression] = []
    extra = _filters(f, queue_clock())
    if extra is not None:
        conds.append(extra)
    if f.owner and f.owner != ALL:
        mine = Lead.owner == names.rep_by_name(f.owner).id
        conds.append(mine | Lead.owner.is_null() if f.include_pool else mine)
    elif not f.include_pool:
        conds.append(Lead.owner.is_null(False))
    if not conds:
        return None
    out = conds[0]
    for cond in conds[1:]:
        out = out & cond
    return out


def _rows(f: QueueFilter | None, names: Names) -> Iterator[Row]:
    where = _where(f, names)
    last = 0
    while True:
        query = Lead.select().where(Lead.id > last)
        if where is not None:
            query = query.where(where)
        chunk = list(query.order_by(Lead.id).limit(CHUNK).dicts())
        if not chunk:
            return
        for row in chunk:
            yield _normalise(row)
        last = chunk[-1]["id"]


def salesforce_record(rec: dict[str, Any]) -> dict[str, str]:
    """A lead as a Salesforce Lead import row (LastName and Company are required there)."""
    lines = [f"From the qualifying center (qc-console lead #{rec['id']}), stage {rec['stage']}"
             + (f", rated {rec['rating']}" if rec["rating"] else "") + "."]  # fmt: skip
    if rec["sales_owner"]:
        lines.append(f"Handed off to {rec['sales_owner']} by {rec['owner'] or 'the pool'}.")
    touched = f", last {rec['last_touch_at'][:10]}" if rec["last_touch_at"] else ""
    lines.append(f"Touches: {rec['touch_count']}{touched}.")
    if rec["campaign"]:
        lines.append(f"Campaign: {rec['campaign']}.")
    if rec["do_not_contact"]:
        lines.append("DO NOT CONTACT.")
    if rec["notes"]:
        lines.append(rec["notes"])
    return {
        "FirstName": rec["first_name"] or "",
        "LastName": rec["last_name"] or NOT_PROVIDED,
        "Email": rec["email"] or "",
        "Phone": rec["phone"] or "",
        "Company": rec["company"] or NOT_PROVIDED,
        "Title": rec["title"] or "",
        "Country": rec["country"] or "",
        "LeadSource": SF_SOURCE.get(rec["source"], "Other"),
        "Status": SF_STATUS.get(rec["stage"], "Working - Contacted"),
        "Rating": SF_RATING.get(rec["rating"] or "", ""),
        "Description": "\n".join(lines)[:32000],
    }


def export_leads(out: TextIO, *, fmt: str = "jsonl", f: QueueFilter | None = None) -> int:
    """Write the leads matching `f` (all leads when None) to `out`; returns how many.

    Raises:
        BadInput: an unknown format, or an owner in the filter who does not exist.
    """
    if fmt not in FORMATS:
        raise BadInput(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")
    count = 0
    with reading():
        names = Names()
        writer: Any = None
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow(FIELDS)
        elif fmt == "salesforce":
            writer = csv.writer(out)
            writer.writerow(SALESFORCE_FIELDS)
        for row in _rows(f, names):
            rec = record(row, names)
            if fmt == "jsonl":
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            elif fmt == "csv":
                writer.writerow([_cell(rec[k]) for k in FIELDS])
            else:
                sf = salesforce_record(rec)
                writer.writerow([neutralise(sf[k]) for k in SALESFORCE_FIELDS])
            count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))
