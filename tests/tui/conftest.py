"""Fixtures for the console's Pilot tests: ann's queue on a real temp database."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from qc_console.services._rows import utcnow
from qc_console.services.queue import local_day_end
from tests.tui.factory import Queue, build_queue
from tests.tui.import_helpers import DATA


@pytest.fixture
def keymap_file(tmp_path: Path) -> Path:
    """An empty keymap file, so tests never read the developer's own keymap."""
    path = tmp_path / "keymap.toml"
    path.write_text("[keymap]\n", encoding="utf-8")
    return path


MIDNIGHT_MARGIN = timedelta(minutes=10)
"""A test started closer than this to the local midnight could see "due today" turn into
"overdue" under it (the app runs on the real clock): it is skipped, not flaky."""


@pytest.fixture
def queue(people: str) -> Queue:
    """ann's queue, built relative to the real clock (the app runs on the real clock)."""
    now = utcnow()
    if local_day_end(now) - now < MIDNIGHT_MARGIN:
        pytest.skip("the local day ends in under 10 minutes: 'due today' would not hold")
    return build_queue(now)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A copy of the import test files (tests/data/import), free to be written next to."""
    target = tmp_path / "files"
    shutil.copytree(DATA, target)
    return target
