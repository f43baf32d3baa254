"""Fixtures for the console's Pilot tests: ann's queue on a real temp database."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.services._rows import utcnow
from tests.tui.factory import Queue, build_queue


@pytest.fixture
def keymap_file(tmp_path: Path) -> Path:
    """An empty keymap file, so tests never read the developer's own keymap."""
    path = tmp_path / "keymap.toml"
    path.write_text("[keymap]\n", encoding="utf-8")
    return path


@pytest.fixture
def queue(people: str) -> Queue:
    """ann's queue, built relative to the real clock (the app runs on the real clock)."""
    return build_queue(utcnow())
