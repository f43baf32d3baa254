"""The UI never imports the ORM (STYLE.md §2): checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys


def test_tui_does_not_import_peewee_or_db() -> None:
    code = (
        "import sys\n"
        "import qc_console.tui.app, qc_console.tui.screens.queue\n"
        "import qc_console.tui.screens.lead_detail\n"
        "import qc_console.tui.screens.help, qc_console.tui.dialogs\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('peewee', 'playhouse')"
        " or m.startswith(('qc_console.db', 'qc_console.services')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
