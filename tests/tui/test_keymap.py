"""A user keymap rebinds keys; a bad one is reported and the console still starts."""

from __future__ import annotations

from pathlib import Path

from qc_console.services.facade import ServiceBackend
from qc_console.tui.app import QCConsoleApp
from qc_console.tui.keymap import valid_key
from qc_console.tui.screens.help import HelpScreen
from qc_console.tui.screens.queue import QueueScreen
from tests.tui.factory import Queue
from tests.tui.helpers import SIZE, make_app, press, rating_prompt, screen_text, settle, toasts


async def test_keymap_file_rebinds_qualify(queue: Queue, tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text('[keymap]\n"queue.qualify" = "Q"\n', encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "q")
        assert not rating_prompt(app).is_open  # q no longer qualifies
        await press(pilot, "Q")
        assert rating_prompt(app).is_open
        await press(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Q " in screen_text(app)


async def test_bad_keymap_is_reported_and_the_app_starts(queue: Queue, tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text('[keymap]\n"queue.nope" = "x"\n"queue.purge" = "ctrl+"\n', encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problems = [m for m in toasts(app) if str(path) in m]
        assert any("'queue.nope'" in m and "no such key binding" in m for m in problems)
        assert any("'queue.purge'" in m and "is not a key" in m for m in problems)
        await press(pilot, "p")  # the default key still works
        assert not isinstance(app.screen, QueueScreen)


async def test_unreadable_keymap_file(queue: Queue, tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text("[keymap\n", encoding="utf-8")
    app = QCConsoleApp(ServiceBackend("ann"), keymap_path=path, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(str(path) in m and "cannot be read" in m for m in toasts(app))
        assert isinstance(app.screen, QueueScreen)


def test_valid_keys() -> None:
    assert all(valid_key(k) for k in ("Q", "ctrl+q", "f5", "question_mark", "?", "shift+tab"))
    assert not any(valid_key(k) for k in ("", "ctrl+", "bogus_key_name", "hyperctrl+x"))
