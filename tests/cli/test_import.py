"""`qc-console import` by a rep on both engines (on PostgreSQL through the rep's own login)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import QC


def test_a_rep_imports_a_file_once(center: QC, tmp_path: Path) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text(
        "First Name,Last Name,Email,Company\n"
        "Ada,One,ada@example.com,Co\nBea,Two,bea@example.com,Co\nbroken,row,,\n",
        encoding="utf-8",
    )
    result = center.ok("import", str(csv), rep="ann")
    assert result.stdout.splitlines()[-1] == "rows 3, new 2, merged 0, rejected 1"
    queue = center.ok("queue", rep="ann").stdout
    assert "Ada One" in queue and "Bea Two" in queue
    before = center.dump()
    again = center.ok("import", str(csv), rep="bob")  # bob sees the run, not ann's leads
    assert "already imported" in again.stdout and "by ann" in again.stdout
    assert again.stdout.splitlines()[-1] == "rows 0, new 0, merged 0, rejected 0"
    assert center.dump() == before
