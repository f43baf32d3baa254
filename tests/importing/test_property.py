"""Property: any shuffle of a file's rows, with any rows repeated, gives the same final leads
(and touches) as the rows once each."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qc_console.db.database import close_database, db
from qc_console.db.models import Lead, Touch
from qc_console.services import reps
from qc_console.services.bulk_import import import_file
from qc_console.services.facade import open_backend
from tests.conftest import NOW

HEADERS = ["Email", "Phone", "First Name", "Last Name", "Company", "Lead Status", "Created Date"]
emails = st.sampled_from(
    ["ann@x.io", " ANN@X.IO ", "bo@y.org", "Bo@Y.org", "cy@z.net", "", "", "not-an-email"]
)
phones = st.sampled_from(["", "", "+44 20 5555 0101", "+44 20 5555 0102", "12"])
row = st.tuples(
    emails,
    phones,
    st.sampled_from(["Ann", "Bo", "Cy", ""]),
    st.sampled_from(["Ng", "Li", ""]),
    st.sampled_from(["Acme", "Beta GmbH", ""]),
    st.sampled_from(["New", "Qualified", "MQL", ""]),
    st.sampled_from(["2026-02-01 10:00", "2026-02-03 09:30", "", "31/31/2026"]),
)


@st.composite
def shuffled_with_repeats(draw: st.DrawFn) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    rows = draw(st.lists(row, min_size=1, max_size=8, unique=True))
    extra = draw(st.lists(st.sampled_from(rows), max_size=6))
    return rows, draw(st.permutations(rows + extra))


def final_leads(rows: list[tuple[str, ...]], folder: Path) -> list[tuple[object, ...]]:
    folder.mkdir()
    path = folder / "leads.csv"  # the same name: touch notes name the file
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        out.writerows(rows)
    open_backend(f"sqlite:///{folder / 'qc.sqlite'}", "ann")
    try:
        with db.connection_context():
            reps.add_rep("ann", "rep", now=NOW)
            import_file(path, actor="ann", now=NOW)
            leads = Lead.select(
                Lead.email_key, Lead.phone_key, Lead.email, Lead.first_name, Lead.last_name,
                Lead.company, Lead.stage, Lead.rating, Lead.notes, Lead.touch_count,
                Lead.first_touch_at, Lead.last_touch_at,
            ).tuples()  # fmt: skip
            touches = Touch.select(Touch.lead, Touch.at, Touch.channel, Touch.note).tuples()
            by_id = dict(Lead.select(Lead.id, Lead.email_key).tuples())
            return sorted(map(tuple, leads)) + sorted(
                (by_id[t[0]], *t[1:]) for t in touches
            )  # fmt: skip
    finally:
        close_database()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shuffled_with_repeats())
def test_shuffled_and_repeated_rows_give_the_same_leads(
    files: tuple[list[tuple[str, ...]], list[tuple[str, ...]]],
) -> None:
    once, shuffled = files
    with tempfile.TemporaryDirectory() as tmp:
        assert final_leads(shuffled, Path(tmp) / "a") == final_leads(once, Path(tmp) / "b")
