"""Snapshot of the bulk preview dialog (fixed data, 80×24 and 140×45).

Update only after looking at the report: `pytest tests/snapshots --snapshot-update`.
"""

from __future__ import annotations

from qc_console.domain.stages import Stage
from qc_console.domain.values import BulkPreview, Skipped
from qc_console.tui.dialogs import BulkPreviewDialog
from tests.snapshots.test_snap_dialogs import HOSTILE, Snap, shot

PREVIEW = BulkPreview(
    action="hand_off",
    total=37,
    by_stage={"raw": 20, "qualified": 12, "incubating": 5},
    eligible=tuple(range(100, 112)),
    skipped=(
        *(
            Skipped(
                i, f"Lead {i} · Acme", Stage.RAW, "must be qualified before it is handed to sales"
            )
            for i in range(1, 4)
        ),
        Skipped(40, HOSTILE, Stage.INCUBATING, "cannot hand off: [red]incubating[/]"),
    ),
)


def test_bulk_preview(snap_compare: Snap) -> None:
    assert shot(snap_compare, BulkPreviewDialog("Hand off to sam", PREVIEW))


def test_bulk_preview_at_140x45(snap_compare: Snap) -> None:
    assert shot(snap_compare, BulkPreviewDialog("Hand off to sam", PREVIEW), size=(140, 45))


def test_bulk_preview_nothing_eligible(snap_compare: Snap) -> None:
    preview = BulkPreview("qualify", 1, {"purged": 1}, (), (Skipped(7, "Al", Stage.PURGED, "x"),))
    assert shot(snap_compare, BulkPreviewDialog("Qualify high", preview))
