"""Pilot tests of the add-lead, filter, confirm and error dialogs, and of hostile text in all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Select

from qc_console.domain.codes import Source
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import NewLead, QueueFilter, QueueView
from qc_console.tui.dialogs import (
    AddLeadDialog,
    ConfirmDialog,
    ErrorDialog,
    FilterDialog,
    HandOffDialog,
    IncubateDialog,
    NextActionDialog,
    PurgeDialog,
    RatingDialog,
    TouchDialog,
)
from tests.tui.test_dialogs import NO_RESULT, TODAY, Host, run, screen_text

SOURCES = [s.value for s in Source]
CAMPAIGNS = ["Spring promo", "Expo 2026"]


def add_lead() -> AddLeadDialog:
    return AddLeadDialog(SOURCES, CAMPAIGNS)


# --- add a lead -------------------------------------------------------------------------


async def test_add_lead_prospecting_entry_starts_qualified_high() -> None:
    keys = [*"Ann", "tab", *"Lee", "tab", *"a@b.io", "tab", "tab", *"Acme", "enter"]
    app = await run(add_lead(), *keys)
    assert app.result == NewLead(
        first_name="Ann",
        last_name="Lee",
        email="a@b.io",
        company="Acme",
        source=Source.SALES_PROSPECTING,
        stage=Stage.QUALIFIED,
        rating=Rating.HIGH,
    )


async def test_add_lead_needs_email_or_phone() -> None:
    app = await run(add_lead(), *"Ann", "enter")
    assert app.result is NO_RESULT and app.still_open
    assert "a lead needs an email or a phone number" in app.shown
    phone_only = await run(add_lead(), "tab", "tab", "tab", *"020 7946", "enter")
    assert phone_only.result.phone == "020 7946" and phone_only.result.email == ""


async def test_add_lead_invalid_email_is_shown_inline() -> None:
    app = await run(add_lead(), "tab", "tab", *"ann@acme", "enter")
    assert app.result is NO_RESULT and "email 'ann@acme' is not a valid address" in app.shown
    short = await run(add_lead(), "tab", "tab", "tab", *"123", "enter")
    assert "at least 6 digits" in short.shown


async def test_add_lead_rating_follows_source_until_chosen() -> None:
    app = Host(add_lead())
    async with app.run_test() as pilot:
        dialog = app.dialog
        source, rating = dialog.query_one("#source", Select), dialog.query_one("#rating", Select)
        source.value = Source.TRADE_SHOW
        await pilot.pause()
        assert rating.value is Select.NULL
        source.value = Source.SALES_PROSPECTING
        await pilot.pause()
        assert rating.value == Rating.HIGH
        rating.value = Rating.LOW  # the rep's own choice sticks
        await pilot.pause()
        source.value = Source.REFERRAL
        await pilot.pause()
        assert rating.value == Rating.LOW
        source.value = Source.TRADE_SHOW
        rating.value = Select.NULL
        await pilot.pause()
        await pilot.press("tab", "tab", *"b@x.io", "enter")
        await pilot.pause()
    assert app.result.stage == Stage.RAW and app.result.rating is None
    assert app.result.source == Source.TRADE_SHOW


async def test_add_lead_campaign_by_keyboard() -> None:
    # From email: phone, company, title, source, campaign; enter opens it, down picks the first.
    keys = ["tab", "tab", *"a@b.io", "tab", "tab", "tab", "tab", "tab"]
    app = Host(add_lead())
    async with app.run_test() as pilot:
        await pilot.press(*keys, "enter", "down", "enter")
        await pilot.pause()
        app.dialog.action_save()
        await pilot.pause()
    assert app.result.campaign == "Spring promo"


async def test_add_lead_escape_cancels() -> None:
    assert (await run(add_lead(), *"Ann", "escape")).result is None


# --- filter -----------------------------------------------------------------------------


async def test_filter_text_and_stage_then_enter() -> None:
    current = QueueFilter(owner="ann", ids=(1, 2))
    keys = [*"acme", "tab", "space", "down", "space", "tab", "down", "down", "space", "enter"]
    app = await run(FilterDialog(current), *keys, size=(100, 40))
    assert app.result == QueueFilter(
        text="acme",
        stages=(Stage.RAW, Stage.QUALIFIED),
        ratings=(Rating.LOW,),
        owner="ann",
        ids=(1, 2),
    )


async def test_filter_due_flags_and_view() -> None:
    # text → stages → ratings → sources → due today → overdue → view (on "all open")
    keys = ["tab"] * 4 + ["space", "tab", "space", "tab", "left", "left", "space", "enter"]
    app = await run(FilterDialog(QueueFilter()), *keys, size=(100, 40))
    assert app.result == QueueFilter(due_today=True, overdue=True, view=QueueView.NEW)


async def test_filter_shows_current_and_clear_all_empties_it() -> None:
    current = QueueFilter(
        text="acme", stages=(Stage.RAW,), sources=(Source.REFERRAL,), overdue=True,
        view=QueueView.DUE, owner="ann",
    )  # fmt: skip
    kept = await run(FilterDialog(current), "enter")
    assert kept.result == current
    cleared = await run(FilterDialog(current), "ctrl+r", "enter")
    assert cleared.result == QueueFilter(view=QueueView.DUE, owner="ann")


async def test_filter_whose_row_picks_every_reps_leads_and_back() -> None:
    # shift+tab from the text goes round to the last row, Whose
    every = await run(
        FilterDialog(QueueFilter(), whose=True), "shift+tab", "right", "space", "enter"
    )
    assert every.result == QueueFilter(owner="*")
    mine = await run(
        FilterDialog(QueueFilter(owner="*"), whose=True), "shift+tab", "left", "space", "enter"
    )
    assert mine.result == QueueFilter()
    kept = await run(FilterDialog(QueueFilter(owner="ann"), whose=False), "enter")
    assert kept.result == QueueFilter(owner="ann")  # no row: whose leads stay as they were


async def test_filter_escape_cancels() -> None:
    assert (await run(FilterDialog(QueueFilter()), *"x", "escape")).result is None


# --- confirm and error ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "answer"), [("y", True), ("enter", True), ("n", False), ("escape", False)]
)
async def test_confirm(key: str, answer: bool) -> None:
    app = await run(ConfirmDialog("Purge 37 leads?", "They leave the queue."), key)
    assert app.result is answer


async def test_error_dialog_closes_with_enter_or_escape() -> None:
    for key in ("enter", "escape"):
        app = await run(ErrorDialog("OperationalError", "database is locked"), key)
        assert app.result is None and not app.still_open


# --- hostile text is shown literally everywhere -----------------------------------------

HOSTILE = "[bold]x[/] [/x] [@click=app.quit]hi[/] \x1b[31mRED"
SHOWN = "[bold]x[/] [/x] [@click=app.quit]hi[/] \\x1b[31mRED"
"""How HOSTILE must appear: brackets kept, the escape character made visible."""

DIALOGS: dict[str, Callable[[], Screen[Any]]] = {
    "rating": lambda: RatingDialog(HOSTILE),
    "hand_off": lambda: HandOffDialog(HOSTILE, [HOSTILE, "sam"], HOSTILE),
    "incubate": lambda: IncubateDialog(HOSTILE, 30, TODAY),
    "purge": lambda: PurgeDialog(HOSTILE),
    "touch": lambda: TouchDialog(HOSTILE, 0, 6, TODAY),
    "next_action": lambda: NextActionDialog(HOSTILE, TODAY),
    "confirm": lambda: ConfirmDialog(HOSTILE, HOSTILE),
    "error": lambda: ErrorDialog(HOSTILE, HOSTILE),
}


@pytest.mark.parametrize("name", DIALOGS)
async def test_hostile_text_is_literal(name: str) -> None:
    app = await run(DIALOGS[name](), size=(200, 60))
    assert app.still_open  # the [@click=app.quit] link did nothing
    assert SHOWN in app.shown
    assert "\x1b" not in app.shown
    if name in ("confirm", "error"):  # the title too
        assert app.shown.count(SHOWN) == 2


async def test_hostile_label_is_cut_not_wrapped_at_80_columns() -> None:
    app = await run(RatingDialog(HOSTILE * 3))
    line = next(line for line in app.shown.splitlines() if "Qualify" in line)
    assert "[bold]x[/] [/x] [@click" in line and "…" in line and "h high" in line


async def test_hostile_campaign_names_are_literal_in_add_lead() -> None:
    app = Host(AddLeadDialog(SOURCES, [HOSTILE]))
    async with app.run_test(size=(120, 40)) as pilot:
        app.dialog.query_one("#campaign", Select).value = HOSTILE
        await pilot.pause()
        assert SHOWN in screen_text(app)
        app.dialog.action_save()  # no email yet: stays open, the email field gets the focus
        await pilot.press(*"a@b.io", "enter")
        await pilot.pause()
    assert app.result.campaign == HOSTILE
