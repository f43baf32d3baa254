"""`q` in the queue asks inline (a line over the footer): one key answers, nothing else acts."""

from __future__ import annotations

from pathlib import Path

from qc_console.services.facade import ServiceBackend
from qc_console.tui.screens.queue import QueueScreen
from tests.tui.factory import Queue
from tests.tui.helpers import (
    SIZE,
    make_app,
    press,
    rating_prompt,
    row_text,
    screen_text,
    settle,
    table,
    toasts,
)


def stage_and_rating(lead_id: int) -> tuple[str, str | None]:
    got = ServiceBackend("ann").lead_detail(lead_id).lead
    return str(got.stage), None if got.rating is None else str(got.rating)


async def test_q_asks_on_one_line_and_other_keys_wait(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "q")
        assert isinstance(app.screen, QueueScreen)  # no modal: the queue stays on screen
        bottom = screen_text(app).splitlines()[-1]
        assert bottom.startswith(f" Qualify #{queue['breach']} Dana Ortiz")
        assert "l low · m medium · h high" in bottom
        await press(pilot, "p", "j", "x")  # purge, cursor down, a stray key: all ignored
        assert isinstance(app.screen, QueueScreen) and rating_prompt(app).is_open
        assert table(app).current_id == queue["breach"]
        await press(pilot, "m")
        assert stage_and_rating(queue["breach"]) == ("qualified", "medium")
        assert not rating_prompt(app).is_open
        assert "Qualify #" not in screen_text(app)  # the footer is back
        assert table(app).current_id != queue["breach"]  # moved on to the next lead
        assert any("→ qualified (medium)" in m for m in toasts(app))


async def test_escape_cancels_the_prompt(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "q", "escape")
        assert not rating_prompt(app).is_open
        assert stage_and_rating(queue["breach"]) == ("raw", None)
        assert "raw" in row_text(app, queue["breach"])
        await press(pilot, "h")  # keys act again: hand off is refused for a raw lead
        assert any("must be qualified" in m for m in toasts(app))


async def test_keymap_rebinds_the_prompt_keys(queue: Queue, tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text('[keymap]\n"rating.low" = "1"\n', encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "q")
        assert "1 low · m medium · h high" in screen_text(app)
        await press(pilot, "l")  # the old key no longer answers
        assert rating_prompt(app).is_open
        await press(pilot, "1")
        assert stage_and_rating(queue["breach"]) == ("qualified", "low")


async def test_hostile_label_is_literal_in_the_prompt(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        t = table(app)
        t.move_cursor(row=t.get_row_index(str(queue["hostile"])))
        await press(pilot, "q")
        bottom = screen_text(app).splitlines()[-1]
        assert "[bold]x[/] [@click=app.quit]hi[/]" in bottom
        assert app.is_running
