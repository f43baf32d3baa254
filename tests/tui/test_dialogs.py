"""Pilot tests of the disposition dialogs in isolation: the keys a rep presses, what comes back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

from qc_console.domain.codes import Channel, Outcome, PurgeReason
from qc_console.domain.stages import Rating
from qc_console.tui.dialogs import (
    HandOffDialog,
    IncubateChoice,
    IncubateDialog,
    NextActionChoice,
    NextActionDialog,
    PurgeChoice,
    PurgeDialog,
    RatingDialog,
    TouchChoice,
    TouchDialog,
)

TODAY = date(2026, 3, 4)
"""A Wednesday."""
NINE = datetime(2026, 3, 4, 9, 0)
NO_RESULT = object()


def at_nine(days: int) -> datetime:
    return NINE + timedelta(days=days)


class Host(App[None]):
    """Pushes one dialog and records what it dismisses with."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)

    @property
    def result(self) -> Any:
        assert len(self.results) <= 1
        return self.results[0] if self.results else NO_RESULT


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def run(dialog: Screen[Any], *keys: str, size: tuple[int, int] = (80, 24)) -> Host:
    """Press `keys` in `dialog`; the returned host has the result (or NO_RESULT)."""
    app = Host(dialog)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        app.shown = screen_text(app)  # type: ignore[attr-defined]
        app.still_open = app.screen is dialog  # type: ignore[attr-defined]
    return app


# --- rating -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "rating"), [("l", Rating.LOW), ("m", Rating.MEDIUM), ("h", Rating.HIGH)]
)
async def test_rating_one_key_picks(key: str, rating: Rating) -> None:
    app = await run(RatingDialog("Ann Lee"), key)
    assert app.result == rating


async def test_rating_prompt_is_one_line_and_escape_cancels() -> None:
    app = await run(RatingDialog("Ann Lee · Acme"), "x")
    assert app.result is NO_RESULT and app.still_open
    assert "Qualify Ann Lee · Acme: l low · m medium · h high" in app.shown
    assert (await run(RatingDialog("Ann Lee"), "escape")).result is None


# --- hand off ---------------------------------------------------------------------------


async def test_hand_off_enter_takes_the_default() -> None:
    app = await run(HandOffDialog("Ann Lee", ["sam", "tia"], "tia"), "enter")
    assert app.result == "tia"


async def test_hand_off_without_default_enter_takes_the_first() -> None:
    app = await run(HandOffDialog("Ann Lee", ["sam", "tia"], None), "enter")
    assert app.result == "sam"


async def test_hand_off_digit_picks_and_reps_are_numbered() -> None:
    dialog = HandOffDialog("37 leads", ["sam", "tia", "uma"], "tia")
    app = await run(dialog, "3")
    assert app.result == "uma"
    shown = (await run(HandOffDialog("37 leads", ["sam", "tia"], "tia"))).shown
    assert "1 sam" in shown and "2 tia  last used" in shown and "37 leads" in shown


async def test_hand_off_arrows_then_enter() -> None:
    app = await run(HandOffDialog("x", ["sam", "tia", "uma"], "sam"), "down", "down", "enter")
    assert app.result == "uma"


async def test_hand_off_type_to_filter_renumbers() -> None:
    names = [f"{n}" for n in "abe bea cat dan eve fay gus hal ian jon kai kay".split()]
    app = await run(HandOffDialog("x", names, None), "k", "a")
    assert "type to filter" not in app.shown and "filter: ka" in app.shown
    assert "1 kai" in app.shown and "2 kay" in app.shown and "abe" not in app.shown
    assert (await run(HandOffDialog("x", names, None), "k", "a", "y", "1")).result == "kay"
    again = await run(HandOffDialog("x", names, None), "k", "a", "y", "backspace", "2")
    assert again.result == "kay"


async def test_hand_off_more_than_nine_says_type_to_filter() -> None:
    names = [f"rep{c}" for c in "abcdefghijkl"]
    app = await run(HandOffDialog("x", names, None))
    assert "type to filter" in app.shown and "9 repi" in app.shown


async def test_hand_off_escape_cancels() -> None:
    assert (await run(HandOffDialog("x", ["sam"], "sam"), "escape")).result is None


# --- incubate ---------------------------------------------------------------------------


async def test_incubate_enter_takes_the_default_days() -> None:
    app = await run(IncubateDialog("Ann Lee", 30, TODAY), "enter")
    assert app.result == IncubateChoice(until=at_nine(30), reason="")


async def test_incubate_shows_the_resolved_date_live() -> None:
    app = await run(IncubateDialog("Ann Lee", 30, TODAY), *"+2w")
    assert "→ Wed 18 Mar 2026 · in 14 days" in app.shown and app.result is NO_RESULT
    default = await run(IncubateDialog("Ann Lee", 30, TODAY))
    assert "→ Fri 03 Apr 2026 · in 30 days" in default.shown


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        ("45", at_nine(47)),  # 45 days is a Saturday: follow-ups move to the Monday
        ("+2w", at_nine(14)),
        ("mon", at_nine(5)),
        ("2026-12-01", datetime(2026, 12, 1, 9)),
    ],
)
async def test_incubate_reads_days_weeks_weekdays_and_dates(typed: str, until: datetime) -> None:
    app = await run(IncubateDialog("x", 30, TODAY), *typed, "tab", *"Q3", "enter")
    assert app.result == IncubateChoice(until=until, reason="Q3")


async def test_incubate_bad_date_shows_error_and_stays_open() -> None:
    app = await run(IncubateDialog("x", 30, TODAY), *"soon", "enter")
    assert app.result is NO_RESULT and app.still_open
    assert "cannot read 'soon' as a date" in app.shown
    past = await run(IncubateDialog("x", 30, TODAY), *"2026-03-01", "enter")
    assert past.result is NO_RESULT and "is in the past" in past.shown
    fixed = await run(IncubateDialog("x", 30, TODAY), *"soon", "enter", "ctrl+u", *"7", "enter")
    assert fixed.result == IncubateChoice(until=at_nine(7), reason="")


async def test_incubate_escape_cancels() -> None:
    assert (await run(IncubateDialog("x", 30, TODAY), "escape")).result is None


# --- purge ------------------------------------------------------------------------------


async def test_purge_digit_purges_at_once() -> None:
    app = await run(PurgeDialog("Ann Lee"), "3")
    assert app.result == PurgeChoice(PurgeReason.NO_BUDGET, "")


async def test_purge_lists_the_reasons_numbered() -> None:
    shown = (await run(PurgeDialog("Ann Lee"))).shown
    assert "1 duplicate" in shown and "6 unreachable after cadence" in shown
    assert "8 other (say why)" in shown


async def test_purge_other_needs_a_note() -> None:
    app = await run(PurgeDialog("x"), "8", "enter")
    assert app.result is NO_RESULT and app.still_open and "say why" in app.shown
    done = await run(PurgeDialog("x"), "8", *"moved", "enter")
    assert done.result == PurgeChoice(PurgeReason.OTHER, "moved")


async def test_purge_arrows_and_an_optional_note() -> None:
    app = await run(PurgeDialog("x"), "down", "down", "enter")
    assert app.result == PurgeChoice(PurgeReason.NO_BUDGET, "")
    noted = await run(PurgeDialog("x"), "down", "tab", *"Acme", "enter")
    assert noted.result == PurgeChoice(PurgeReason.BAD_DATA, "Acme")


async def test_purge_escape_cancels() -> None:
    assert (await run(PurgeDialog("x"), "escape")).result is None


# --- touch ------------------------------------------------------------------------------


async def test_touch_call_no_answer_accepts_the_offered_next_action() -> None:
    app = await run(TouchDialog("Ann Lee", 3, 6, TODAY), "c", "n", "enter", "enter")
    assert app.result == TouchChoice(
        Channel.CALL, Outcome.NO_ANSWER, "", next_due=at_nine(2), next_note="call again"
    )


async def test_touch_with_note_and_own_next_action() -> None:
    keys = ["e", "r", *"price", "enter", *"mon", "tab", *"send", "enter"]
    app = await run(TouchDialog("x", 0, 6, TODAY), *keys)
    assert app.result == TouchChoice(Channel.EMAIL, Outcome.REPLIED, "price", at_nine(5), "send")


async def test_touch_empty_next_date_keeps_none() -> None:
    app = await run(TouchDialog("x", 0, 6, TODAY), "c", "c", "enter", "backspace", "enter")
    assert app.result == TouchChoice(Channel.CALL, Outcome.CONNECTED, "", None, "")
    declined = await run(TouchDialog("x", 0, 6, TODAY), "c", "x", "enter", "enter")
    assert declined.result == TouchChoice(Channel.CALL, Outcome.NOT_INTERESTED, "", None, "")


async def test_touch_shows_keys_and_backspace_goes_back() -> None:
    app = await run(TouchDialog("x", 0, 6, TODAY))
    assert "c call" in app.shown and "v voicemail" in app.shown and "n no answer" in app.shown
    assert "x not interested" in app.shown
    back = await run(TouchDialog("x", 0, 6, TODAY), "c", "backspace", "v", "v", "enter", "enter")
    assert back.result.channel == Channel.VOICEMAIL
    assert back.result.outcome == Outcome.LEFT_VOICEMAIL


async def test_touch_letters_before_the_note_are_keys_not_text() -> None:
    app = Host(TouchDialog("x", 0, 6, TODAY))
    async with app.run_test() as pilot:
        await pilot.press("q", "c", "z", "n")
        note = app.dialog.query_one("#note", Input)
        assert note.value == "" and note.has_focus and app.screen is app.dialog


async def test_touch_ladder_and_cadence_warning() -> None:
    early = await run(TouchDialog("x", 3, 6, TODAY))
    assert "touch 4 of 6" in early.shown and "consider incubating" not in early.shown
    last = await run(TouchDialog("x", 5, 6, TODAY))
    assert "touch 6 of 6" in last.shown and "6/6: consider incubating" in last.shown


async def test_touch_bad_next_date_stays_open() -> None:
    app = await run(TouchDialog("x", 0, 6, TODAY), "c", "n", "enter", *"whenever", "enter")
    assert app.result is NO_RESULT and app.still_open
    assert "cannot read 'whenever'" in app.shown


async def test_touch_escape_cancels_at_any_step() -> None:
    assert (await run(TouchDialog("x", 0, 6, TODAY), "escape")).result is None
    assert (await run(TouchDialog("x", 0, 6, TODAY), "c", "n", "escape")).result is None


# --- next action ------------------------------------------------------------------------


async def test_next_action_date_then_note() -> None:
    app = await run(NextActionDialog("x", TODAY), *"+3d", "enter", *"call", "enter")
    assert app.result == NextActionChoice(due=at_nine(5), note="call")  # +3d is a Saturday


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("tomorrow", at_nine(1)),
        ("mon", at_nine(5)),
        ("2026-04-01 14:30", datetime(2026, 4, 1, 14, 30)),
    ],
)
async def test_next_action_forms(typed: str, due: datetime) -> None:
    app = await run(NextActionDialog("x", TODAY), *typed, "enter", "enter")
    assert app.result == NextActionChoice(due=due, note="")


async def test_next_action_hours_count_from_now_and_show_live() -> None:
    now = datetime(2026, 3, 4, 15, 10)
    dialog = NextActionDialog("x", TODAY, now=now)
    app = await run(dialog, *"+4h")
    assert "→ Wed 04 Mar 2026 19:10 · today" in app.shown
    done = await run(NextActionDialog("x", TODAY, now=now), *"+4h", "enter", "enter")
    assert done.result == NextActionChoice(due=datetime(2026, 3, 4, 19, 10), note="")


async def test_next_action_needs_a_readable_date() -> None:
    empty = await run(NextActionDialog("x", TODAY), "enter")
    assert empty.result is NO_RESULT and "a date is needed" in empty.shown
    bad = await run(NextActionDialog("x", TODAY), *"later", "enter")
    assert bad.still_open and "cannot read 'later'" in bad.shown
    assert (await run(NextActionDialog("x", TODAY), "escape")).result is None
