"""The schema the migrations build is the schema the models describe."""

from __future__ import annotations

import pytest

from qc_console.db import lead_keys
from qc_console.db.database import db, is_postgres
from qc_console.db.models import ALL_MODELS, Lead
from qc_console.db.models import KEYS_APART_ON_POSTGRES as APART
from qc_console.db.schema import latest_name, pending, schema_status

Schema = dict[str, dict[str, object]]


def schema_of() -> Schema:
    """Tables → their columns (name → nullable) and indexes (columns, unique, partial), from the
    DB."""
    out: Schema = {}
    for table in sorted(db.get_tables()):
        columns = {c.name: c.null for c in db.get_columns(table)}
        indexes = {
            (tuple(ix.columns), ix.unique, " WHERE " in (ix.sql or "").upper())
            for ix in db.get_indexes(table)
        }
        out[table] = {"columns": columns, "indexes": indexes}
    return out


def schema_of_models() -> Schema:
    """As the models say; on PostgreSQL the lead's duplicate keys have no index on `lead`."""
    out: Schema = {}
    for model in ALL_MODELS:
        meta = model._meta
        columns = {f.column_name: (f.null and not f.primary_key) for f in meta.sorted_fields}
        indexes = {
            (tuple(f.column_name for f in ix._expressions), bool(ix._unique), ix._where is not None)
            for ix in meta.fields_to_index()
            if not (is_postgres() and model is Lead and ix._expressions[0].column_name in APART)
        }
        out[meta.table_name] = {"columns": columns, "indexes": indexes}
    return out


def primary_key(table: str) -> tuple[str, ...]:
    model = next(m for m in ALL_MODELS if m._meta.table_name == table)
    return tuple(f.column_name for f in model._meta.get_primary_keys())


@pytest.mark.usefixtures("migrated")
def test_the_migrated_schema_matches_the_models() -> None:
    assert pending() == [] and schema_status()[-1] == (latest_name(), True)
    found = schema_of()
    apart = {lead_keys.TABLE} if is_postgres() else set()  # kept by triggers, no model
    assert set(found) == {m._meta.table_name for m in ALL_MODELS} | {"schema_version"} | apart
    for table, expected in schema_of_models().items():
        assert found[table]["columns"] == expected["columns"], f"columns of {table}"
        # the database may add its own primary-key index; every model index must exist
        assert expected["indexes"] <= found[table]["indexes"], f"indexes of {table}"
        extra = found[table]["indexes"] - expected["indexes"]
        assert {cols for cols, _, _ in extra} <= {primary_key(table)}, f"extra indexes on {table}"
