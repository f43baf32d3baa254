"""Plain-text output: data printed literally but safely, and aligned tables.

Lead data is user data: control characters (an ANSI escape, a newline, a bidi override) are
printed escaped (`\\x1b`), so a lead's name can neither colour the terminal nor break a row.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from qc_console.domain.priority import MARKERS
from qc_console.domain.stages import Stage
from qc_console.domain.values import LeadView, QueueCounts
from qc_console.domain.when import utc_to_local

_BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ESCAPED = frozenset({"Cc", "Cs", "Zl", "Zp"})


def clean(text: str) -> str:
    """`text` with control characters written as escapes (`\\x1b`, `\\n`, `\\u202e`)."""
    if text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if unicodedata.category(ch) in _ESCAPED or code in _BIDI:
            out.append(repr(ch)[1:-1] if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def cell_width(text: str) -> int:
    """Terminal columns `text` takes (wide CJK characters count two, combining marks none)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """`text` cut to `width` columns (with `…` when cut)."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def render(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> list[str]:
    """Rows as lines with aligned columns (two spaces apart); `right`: right-aligned columns.

    Cells must already be clean (see `clean`) and cut to size (see `fit`).
    """
    widths = [cell_width(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = []
    for row in (headers, *rows):
        cells = []
        for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (width - cell_width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


def age(delta: timedelta) -> str:
    """A short duration: `12m`, `5h`, `3d`."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // (24 * 60)}d"


def local(value: datetime | None) -> str:
    return utc_to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


QUEUE_HEADERS = ("", "id", "name", "company", "source", "stage", "touches", "due", "in stage")


def queue_rows(leads: Sequence[LeadView], *, now: datetime, cadence: int) -> list[list[str]]:
    """One table row per lead; `now` is naive UTC."""
    rows = []
    for lead in leads:
        stage = str(lead.stage) + (f"/{lead.rating}" if lead.rating else "")
        if lead.stage == Stage.INCUBATING:
            due = f"↺ {local(lead.resurface_on)}" if lead.resurface_on else ""
        else:
            due = local(lead.next_action_due)
        rows.append(
            [
                MARKERS[lead.priority],
                str(lead.id),
                fit(clean(lead.name), 26),
                fit(clean(lead.company), 22),
                str(lead.source),
                stage,
                f"{lead.touch_count}/{cadence}",
                due,
                age(now - lead.stage_entered_at),
            ]
        )
    return rows


def counts_line(c: QueueCounts) -> str:
    return (
        f"overdue {c.overdue} · due today {c.due_today} · new {c.new_untouched} · "
        f"resurfacing {c.resurfacing} · open {c.total_open}"
    )
