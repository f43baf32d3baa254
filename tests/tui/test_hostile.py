"""Data is never markup: hostile names show literally on every screen, dialog and toast."""

from __future__ import annotations

from pathlib import Path

from qc_console.tui.dialogs import RatingDialog
from qc_console.tui.render import clean
from tests.tui.factory import HOSTILE, HOSTILE_NOTE, Queue
from tests.tui.helpers import make_app, press, screen_text, settle, table, toasts


async def test_hostile_lead_shows_literally_everywhere(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]x[/] [@click=app.quit]hi[/]" in text  # queue
        assert "Foo [/x] Bar" in text
        assert "call [ back [red]now[/]" in text

        t = table(app)
        t.move_cursor(row=t.get_row_index(str(queue["hostile"])))
        await press(pilot, "enter")  # detail
        text = screen_text(app)
        assert "[bold]x[/]" in text and "[@click=app.quit]hi[/]" in text
        assert "\\x1b[31mred\\x1b[0m" in text  # the ANSI escape is shown, not obeyed
        assert HOSTILE_NOTE in text  # touch note and next action

        await press(pilot, "q")  # a dialog
        assert isinstance(app.screen, RatingDialog)
        assert "[bold]x[/] [@click=app.quit]hi[/]" in screen_text(app)
        await press(pilot, "l")  # a toast
        assert any("[bold]x[/] [@click=app.quit]hi[/]" in m for m in toasts(app))
        assert app.is_running  # the action link did not quit the app


def test_control_characters_are_escaped() -> None:
    assert clean(HOSTILE["title"]) == "\\x1b[31mred\\x1b[0m"
    assert clean("a\nb\tc\u202ed") == "a\\nb\\tc\\u202ed"
    assert clean("a\nb", multiline=True) == "a\nb"
