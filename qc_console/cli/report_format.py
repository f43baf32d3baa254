"""How `qc-console report` prints: an aligned table for people, JSON and CSV for scripts.

Names in the figures (reps, campaigns) are user data: table cells are printed cleaned of
control characters (cli.table.clean) and CSV text cells cannot start a spreadsheet formula.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from datetime import date, datetime
from typing import Any

import click

from qc_console.cli.table import cell_width, clean, render

Table = tuple[list[str], list[list[Any]]]
"""(headers, rows) of one printed table."""


def to_jsonable(value: Any) -> Any:
    """Dataclasses (with their computed properties), dates and dicts as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attr in vars(type(value)).items():
            if isinstance(attr, property) and not name.startswith("_"):
                out[name] = to_jsonable(getattr(value, name))
        return out
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def csv_safe(cell: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def text(cell: Any) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, float):
        return f"{cell:,.2f}" if abs(cell) >= 1000 else f"{cell:g}"
    if isinstance(cell, date):
        return cell.isoformat()
    return clean(str(cell))


def _numeric(cell: Any) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def render_table(headers: list[str], rows: list[list[Any]]) -> str:
    """Aligned columns under a rule; numeric columns right-aligned."""
    right = [i for i in range(len(headers)) if rows and all(
        _numeric(r[i]) or r[i] is None for r in rows
    ) and any(_numeric(r[i]) for r in rows)]  # fmt: skip
    cells = [[text(c) for c in r] for r in rows]
    lines = render([clean(h) for h in headers], cells, right=right)
    widths = [cell_width(h) for h in headers]
    for row in cells:
        widths = [max(w, cell_width(c)) for w, c in zip(widths, row, strict=True)]
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([lines[0], rule, *lines[1:]])


def emit(fmt: str, payload: Any, table: Table, csv_table: Table | None = None) -> None:
    """Print `payload` as JSON, or `table` (`csv_table` for CSV when given) as text or CSV."""
    if fmt == "json":
        data = payload if isinstance(payload, dict) else to_jsonable(payload)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        headers, rows = csv_table or table
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[csv_safe(c) for c in r] for r in rows])
    else:
        click.echo(render_table(*table))
