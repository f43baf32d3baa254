"""Moving through the queue, the detail screen and back, views, sort, help and the palette."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.tui.screens.help import HelpScreen
from qc_console.tui.screens.lead_detail import LeadDetailScreen
from qc_console.tui.screens.queue import QueueScreen
from tests.tui.factory import Queue
from tests.tui.helpers import SIZE, make_app, press, queue_screen, screen_text, settle, table


async def test_queue_opens_in_priority_order_with_counts(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = table(app).ids()
        # SLA breach first, then overdue, due today (fresh lead and Tom), resurfaced, the rest
        assert ids[:2] == [queue["breach"], queue["overdue"]]
        assert ids.index(queue["today"]) < ids.index(queue["resurfaced"])
        assert queue["bobs"] not in ids  # bob's lead is not in ann's queue
        assert queue["pool"] in ids  # the shared pool is
        text = screen_text(app)
        assert "2 overdue" in text and "2 due today" in text and "1 resurfacing" in text
        assert "Dana Ortiz" in text and "1h over" in text  # the speed-to-lead clock


async def test_cursor_keys_move(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        last = t.row_count - 1
        await press(pilot, "j", "j")
        assert t.cursor_row == 2
        await press(pilot, "k")
        assert t.cursor_row == 1
        await press(pilot, "down")
        assert t.cursor_row == 2
        await press(pilot, "G")
        assert t.cursor_row == last
        await press(pilot, "g")
        assert t.cursor_row == 0
        await press(pilot, "pagedown")
        assert t.cursor_row == last  # fewer rows than a page
        await press(pilot, "pageup")
        assert t.cursor_row == 0
        current = queue_screen(app).current
        assert current is not None and current.id == t.ids()[0]


async def test_enter_opens_detail_and_escape_returns_to_the_same_row(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        await press(pilot, "j", "j", "j")
        lead_id = t.current_id
        await press(pilot, "enter")
        assert isinstance(app.screen, LeadDetailScreen)
        assert app.screen.lead_id == lead_id
        text = screen_text(app)
        assert "Touches (" in text and "History (" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueScreen)
        assert t.cursor_row == 3 and t.current_id == lead_id


async def test_brackets_walk_the_queue_order_from_the_detail(
    queue: Queue, keymap_file: Path
) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        order = table(app).ids()
        await press(pilot, "enter")
        detail = app.screen
        assert isinstance(detail, LeadDetailScreen)
        await press(pilot, "]")
        assert detail.lead_id == order[1]
        await press(pilot, "]")
        assert detail.lead_id == order[2]
        assert detail.detail is not None and detail.detail.lead.id == order[2]
        await press(pilot, "[")
        assert detail.lead_id == order[1]
        await press(pilot, "[", "[")  # past the first: stays, says so
        assert detail.lead_id == order[0]
        assert any("first loaded lead" in str(n.message) for n in app._notifications)
        await press(pilot, "escape")
        assert table(app).current_id == order[0]


async def test_views_switch_with_digits_and_tab(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        assert set(table(app).ids()) == {queue["resurfaced"], queue["parked"]}
        await press(pilot, "2")
        assert set(table(app).ids()) == {queue["breach"], queue["fresh"]}
        await press(pilot, "1")
        due = set(table(app).ids())
        assert {queue["breach"], queue["overdue"], queue["today"], queue["resurfaced"]} <= due
        assert queue["parked"] not in due and queue["later"] not in due
        await press(pilot, "tab")
        assert queue_screen(app).filter.view == "new"
        await press(pilot, "shift+tab", "shift+tab")
        assert queue_screen(app).filter.view == "all"
        assert "4 All open" in screen_text(app)


async def test_sort_cycles_columns_and_reverses(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        await press(pilot, "s")  # by name
        names = [v.name.lower() for v in t.leads]
        assert names == sorted(names)
        assert "sorted by name" in screen_text(app)
        await press(pilot, "S")
        assert [v.name.lower() for v in t.leads] == sorted(names, reverse=True)
        for _ in range(8):  # round the cycle back to the queue's own order
            await pilot.press("s")
        await press(pilot, "S")
        assert queue_screen(app).sort == "priority"
        assert t.ids()[0] == queue["breach"]


async def test_help_lists_the_keys_of_the_screen(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        await press(pilot, "pagedown")  # the list is longer than the screen: it scrolls
        text += screen_text(app)
        for words in (
            "Qualify",
            "Reassign",
            "Hand off",
            "Incubate",
            "Purge",
            "Touch",
            "Undo",
            "Filter",
            "Claim",
            "Due view",
            "Sort",
            "loaded rows only",
            "Quit",
        ):
            assert words in text, words
        await press(pilot, "escape")
        await press(pilot, "enter")
        await press(pilot, "question_mark")
        text = screen_text(app)
        assert "Keys — Lead detail" in text and "Next lead" in text


async def test_palette_lists_actions_and_runs_them(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await pilot.press(*"incubating view")
        await settle(pilot)
        assert "Queue: Incubating view" in screen_text(app)
        await press(pilot, "enter")
        await settle(pilot)
        assert queue_screen(app).filter.view == "incubating"


async def test_refresh_reloads_and_keeps_the_cursor(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j")
        lead_id = table(app).current_id
        await press(pilot, "r")
        assert table(app).current_id == lead_id


async def test_empty_queue_says_how_to_get_leads(people: str, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Your queue is empty" in text
        assert "qc-console import" in text and "claim" in text
        assert "Qualify" not in text  # no lead: the lead keys are hidden


async def test_pages_load_as_the_cursor_nears_the_end(people: str, keymap_file: Path) -> None:
    from qc_console.domain.values import NewLead
    from qc_console.services import leads

    for i in range(45):
        leads.create_lead(NewLead(first_name=f"P{i:02}", email=f"p{i}@x.example"), actor="ann")
    app = make_app(keymap_file, page_size=20)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        assert t.row_count == 20 and queue_screen(app).has_more
        await press(pilot, "G")
        assert t.row_count == 40
        await press(pilot, "G")
        assert t.row_count == 45 and not queue_screen(app).has_more
        assert len(set(t.ids())) == 45


async def test_ctrl_q_quits(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_theme_change_recolours_rows(queue: Queue, keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.palette()
        app.theme = "nord"
        await settle(pilot)
        assert app.palette() != before
        assert table(app).ctx.palette == app.palette()


async def test_the_chosen_theme_is_saved_and_used_next_time(
    queue: Queue, keymap_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qc_console.cli.run import _save_theme
    from qc_console.config import load_settings

    monkeypatch.setenv("QC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("QC_THEME", raising=False)
    app = make_app(keymap_file, save_theme=_save_theme)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert load_settings().settings.theme == "nord"
    again = make_app(keymap_file, theme=load_settings().settings.theme)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
