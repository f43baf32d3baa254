"""`qc-console report …` on both engines; in team mode the reports are the supervisors'."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import QC

REPORTS = [
    "aging",
    "refinery",
    "conversion",
    "velocity",
    "value",
    "touch-depth",
    "reps",
    "campaigns",
    "forecast",
    "digest",
]


@pytest.fixture
def worked(center: QC) -> QC:
    """ann touched two leads and handed one to sam, who accepted it at 5,000; bob has one."""
    ann, raw = center.add("Ann1"), center.add("Raw1", "--stage", "raw")
    center.add("Bob1", rep="bob")
    center.ok(
        "act", "touch", "--channel", "call", "--outcome", "connected",
        "--ids", f"{ann},{raw}", rep="ann",
    )  # fmt: skip
    center.ok("act", "hand-off", "--to", "sam", "--ids", str(ann), rep="ann")
    center.ok("act", "accept", "--ids", str(ann), "--amount", "5000", rep="sam")
    return center


def test_a_supervisor_reads_every_report(worked: QC) -> None:
    # on SQLite reports need no acting rep; on PostgreSQL sue's login reads every lead
    reader = "sue" if worked.on_pg else None
    for name in REPORTS:
        result = worked("report", name, rep=reader)
        assert result.exit_code == 0, f"{name}: {result.output}"
        assert result.stdout.strip(), name
    reps = json.loads(worked.ok("report", "reps", "--format", "json", rep=reader).stdout)
    ann = next(row for row in reps["rows"] if row["rep"] == "ann")
    assert (ann["touches"], ann["hand_offs"], ann["accepted"]) == (2, 1, 1)


@pytest.mark.parametrize("person", ["ann", "sam"])
@pytest.mark.parametrize("name", ["aging", "reps"])
def test_a_reps_or_sales_login_is_refused_in_one_line(worked: QC, person: str, name: str) -> None:
    if not worked.on_pg:
        pytest.skip("PostgreSQL only: a SQLite file has one user, who reads every report")
    result = worked("report", name, rep=person)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert "cannot read the refinery reports" in result.stderr
    assert result.stdout == ""
