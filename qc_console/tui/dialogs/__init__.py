"""The console's modal dialogs: each returns its result through `dismiss` (None = cancelled).

Every dialog takes labels and names as data and shows them literally. Those about one lead take
a `lead_label`, which may as well describe a selection (`"37 leads"`).
"""

from __future__ import annotations

from qc_console.tui.dialogs.add_lead import AddLeadDialog
from qc_console.tui.dialogs.bulk_preview import BulkPreviewDialog
from qc_console.tui.dialogs.choices import (
    IncubateChoice,
    NextActionChoice,
    PurgeChoice,
    TouchChoice,
)
from qc_console.tui.dialogs.confirm import ConfirmDialog, ErrorDialog
from qc_console.tui.dialogs.filter import FilterDialog
from qc_console.tui.dialogs.hand_off import HandOffDialog
from qc_console.tui.dialogs.incubate import IncubateDialog
from qc_console.tui.dialogs.next_action import NextActionDialog
from qc_console.tui.dialogs.purge import PurgeDialog
from qc_console.tui.dialogs.rating import RatingDialog
from qc_console.tui.dialogs.touch import TouchDialog

__all__ = [
    "AddLeadDialog",
    "BulkPreviewDialog",
    "ConfirmDialog",
    "ErrorDialog",
    "FilterDialog",
    "HandOffDialog",
    "IncubateChoice",
    "IncubateDialog",
    "NextActionChoice",
    "NextActionDialog",
    "PurgeChoice",
    "PurgeDialog",
    "RatingDialog",
    "TouchChoice",
    "TouchDialog",
]
