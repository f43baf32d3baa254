"""Snapshots of the import screen: the preview of a known export (with a rejected row) and the
mapping editor of an unknown one. The files are read from a temp folder by relative name, so
no machine-specific path is on screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input

from tests.snapshots.snap_app import make_snap_app, then

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, people: str) -> Path:
    for name in ("salesforce_dataloader_extract.csv", "unknown_columns.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def settle(pilot: Pilot[None]) -> None:
    """Workers done, except the folder tree's loader (it runs as long as the tree)."""
    for _ in range(3):
        busy = [w for w in pilot.app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()


def open_file(name: str):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        field = pilot.app.screen.query_one("#import-path", Input)
        field.cursor_blink = False
        field.value = name
        await pilot.press("enter")
        await settle(pilot)

    return run


@pytest.mark.usefixtures("here")
def test_import_preview(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app()
    run = then(open_file("salesforce_dataloader_extract.csv"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=run)


@pytest.mark.usefixtures("here")
def test_import_mapping_editor(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_snap_app()
    run = then(open_file("unknown_columns.csv"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=run)
