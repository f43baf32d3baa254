"""Queries over open leads, in the form the queue's partial indexes need.

The seven queue indexes of `lead` hold open leads only (`db.models.OPEN_LEADS`, migration
0010). SQLite's planner reads a partial index only when the query's WHERE holds the index's
predicate word for word; these helpers add it.
"""

from __future__ import annotations

from peewee import OP, SQL, Expression

from qc_console.db.database import is_postgres
from qc_console.db.models import OPEN_LEADS, Lead

_OPEN_COLUMN, _IN, _OPEN_VALUES = OPEN_LEADS.partition(" IN ")
if (_OPEN_COLUMN, _IN) != ("stage", " IN "):
    raise RuntimeError("models.OPEN_LEADS changed shape: update services.open_leads.open_leads")


def open_leads() -> Expression:
    """`models.OPEN_LEADS` (the WHERE of the queue's partial indexes) on `Lead`, values literal.

    SQLite uses a partial index only when the query's WHERE holds that very term as an AND
    term: `stage IN (?, …)` with bound values or `stage = 'raw'` do not count."""
    return Expression(Lead.stage, OP.IN, SQL(_OPEN_VALUES))


def open_only(where: Expression) -> Expression:
    """`where` (a condition already restricted to open stages) with `open_leads()` ANDed in,
    so SQLite may answer it from the partial indexes. Left out on PostgreSQL: it proves the
    index's predicate from the stage terms itself (psycopg2 sends them as literals), and a
    second stage term makes it multiply their selectivities (see `queue_sql._part_predicates`)."""
    return where if is_postgres() else where & open_leads()
