"""What the import screen's Pilot tests share: the sample files, opening one on the screen,
waiting for its workers, and the database as the export writes it."""

from __future__ import annotations

import io
import json
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input

from qc_console.services.facade import ServiceBackend
from qc_console.tui.screens.import_file import ImportScreen

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Let workers finish, except the folder tree's loader (it runs as long as the tree)."""
    for _ in range(rounds):
        busy = [w for w in pilot.app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:  # (an empty list would mean every worker)
            await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()


def leads(backend: ServiceBackend) -> list[dict[str, object]]:
    """Every lead in the database, as the export writes it."""
    out = io.StringIO()
    backend.export_leads(out, "jsonl")
    return [json.loads(line) for line in out.getvalue().splitlines()]


def emails(backend: ServiceBackend) -> set[str]:
    return {str(lead["email"]).lower() for lead in leads(backend)}


async def open_file(pilot: Pilot[None], path: Path) -> None:
    await pilot.press("I")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ImportScreen)
    field = pilot.app.screen.query_one("#import-path", Input)
    field.value = str(path)
    field.focus()
    await pilot.press("enter")
    await settle(pilot)
