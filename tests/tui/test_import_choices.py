"""The import screen's source (`s`) and campaign (`c`): what the preview and the summary say,
and what the imported leads carry (checked through the backend's export)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from qc_console.importing import ImportOptions
from qc_console.services.facade import ServiceBackend
from qc_console.tui.screens.import_choices import CampaignDialog
from qc_console.tui.screens.import_file import ImportScreen
from tests.tui.helpers import SIZE, make_app, screen_text
from tests.tui.import_helpers import leads, open_file, settle

BADGES = "badge_scans_packexpo_2026.csv"
"""Badge scans: no source column (the format says trade_show), no campaign column."""


def by_email(backend: ServiceBackend) -> dict[str, dict[str, object]]:
    return {str(x["email"]): x for x in leads(backend) if x["email"]}


async def pick_campaign(pilot: Pilot[None], *keys: str) -> None:
    """`c`, then type or press `keys` in the campaign field (`enter` not included)."""
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CampaignDialog)
    await pilot.press(*keys)
    await pilot.pause()


async def import_now(pilot: Pilot[None]) -> None:
    await pilot.press("enter")
    await settle(pilot, 5)
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen) and screen.phase == "done"


@pytest.mark.usefixtures("people")
async def test_a_chosen_source_and_a_new_campaign_tag_the_new_leads(
    keymap_file: Path, files: Path
) -> None:
    backend = ServiceBackend("ann")
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / BADGES)
        text = screen_text(app)
        assert "5 new lead(s) → source trade_show (from the file's format), campaign none" in text
        # from the file → trade_show → web_download → campaign_inquiry → sales_prospecting
        # → referral
        await pilot.press(*"sssss")
        await pick_campaign(pilot, *"Expo 2026")
        assert "(new) Expo 2026 is created by the import" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "5 new lead(s) → source referral, campaign 'Expo 2026' (new)" in text
        assert not leads(backend)  # choosing writes nothing
        await import_now(pilot)
        assert "5 new lead(s) → source referral, campaign 'Expo 2026' (created)" in screen_text(app)
        imported = by_email(backend)
        assert {(x["source"], x["campaign"]) for x in imported.values()} == {
            ("referral", "Expo 2026")
        }
        assert backend.campaigns() == ["Expo 2026"]
        await pilot.press("u")  # undo as before: the new leads are retired
        await settle(pilot)
    assert {x["stage"] for x in leads(backend)} == {"purged"}


@pytest.mark.usefixtures("people")
async def test_an_existing_campaign_is_offered_and_reused(keymap_file: Path, files: Path) -> None:
    backend = ServiceBackend("ann")
    backend.import_file(
        str(files / "marketo_leads_export.csv"), ImportOptions(campaign="MedTech Expo booth")
    )
    assert backend.campaigns() == ["MedTech Expo booth"]
    before = set(by_email(backend))
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / BADGES)
        await pick_campaign(pilot, *"medt")
        text = screen_text(app)
        assert "(→ MedTech Expo booth)" in text  # offered as you type
        assert "existing campaigns" in text
        await pilot.press("right")  # take the suggestion
        field = app.screen.query_one("#campaign-name", Input)
        assert field.value == "MedTech Expo booth"
        assert "existing MedTech Expo booth" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Campaign   'MedTech Expo booth'   (c: change)" in text
        assert "(new)" not in text
        await import_now(pilot)
    assert backend.campaigns() == ["MedTech Expo booth"]  # reused, not duplicated
    new = {e: x for e, x in by_email(backend).items() if e not in before}
    assert new and {(x["source"], x["campaign"]) for x in new.values()} == {
        ("trade_show", "MedTech Expo booth")
    }


@pytest.mark.usefixtures("people")
async def test_a_differently_cased_name_is_the_existing_campaign(
    keymap_file: Path, files: Path
) -> None:
    backend = ServiceBackend("ann")
    backend.import_file(str(files / "marketo_leads_export.csv"), ImportOptions(campaign="Expo"))
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / BADGES)
        await pick_campaign(pilot, *"  EXPO ", "enter")
        assert "campaign 'Expo'" in screen_text(app)
        screen = app.screen
        assert isinstance(screen, ImportScreen) and screen.options.campaign == "Expo"
        await import_now(pilot)
    assert backend.campaigns() == ["Expo"]


@pytest.mark.usefixtures("people")
async def test_the_defaults_keep_the_files_own_source_and_no_campaign(
    keymap_file: Path, files: Path
) -> None:
    backend = ServiceBackend("ann")
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / "salesforce_dataloader_extract.csv")
        text = screen_text(app)
        assert "Source     from the file (column 'LeadSource', else other)" in text
        assert "Campaign   none" in text
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        assert (screen.options.source, screen.options.campaign) == (None, None)
        # a full turn of `s` comes back to the file's own source; esc in the picker keeps none
        await pilot.press(*"s" * 7)
        await pick_campaign(pilot, *"Spring", "escape")
        assert screen.options == ImportOptions()
        await import_now(pilot)
    imported = by_email(backend)
    assert imported["nadia.haddad@cedarclinics.lb"]["source"] == "web_download"  # "Web"
    assert imported["bjorn.lindqvist@nordkap.se"]["source"] == "trade_show"  # "Trade Show"
    assert {x["campaign"] for x in imported.values()} == {None}
    assert backend.campaigns() == []


@pytest.mark.usefixtures("people")
async def test_a_campaign_name_is_shown_as_typed_and_can_be_cleared(
    keymap_file: Path, files: Path
) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / BADGES)
        await pick_campaign(pilot, *"[bold]Expo[/]", "enter")
        assert "campaign '[bold]Expo[/]' (new)" in screen_text(app)  # data, not markup
        await pick_campaign(pilot, "ctrl+u", "enter")
        screen = app.screen
        assert isinstance(screen, ImportScreen) and screen.options.campaign is None
        assert "campaign none" in screen_text(app)


@pytest.mark.usefixtures("people")
async def test_another_file_keeps_the_chosen_source_and_campaign(
    keymap_file: Path, files: Path
) -> None:
    """Badge scans of one show often come in several files: `o`, the next file, and its
    preview still says where the leads come from and which campaign they join."""
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / BADGES)
        await pilot.press("s")  # from the file → trade_show
        await pick_campaign(pilot, *"Expo 2026")
        await pilot.press("enter")
        await pilot.pause()
        assert "source trade_show, campaign 'Expo 2026' (new)" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        field = app.screen.query_one("#import-path", Input)
        field.value = str(files / "marketo_leads_export.csv")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "marketo_leads_export.csv" in text
        assert "→ source trade_show, campaign 'Expo 2026' (new)" in text


@pytest.mark.usefixtures("people")
async def test_a_supervisors_s_on_the_import_screen_changes_the_source(
    keymap_file: Path, files: Path
) -> None:
    """Everywhere else a supervisor's `s` opens the supervisor's console; on the import screen
    it is the screen's own key (it opened the console instead, found in a terminal)."""
    app = make_app(keymap_file, "sue")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Supervisor" in screen_text(app)  # sue's queue offers it
        await open_file(pilot, files / BADGES)
        assert "s Source" in screen_text(app) and "Supervisor" not in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        assert "source trade_show, campaign none" in screen_text(app)
        assert "(from the file's format)" not in screen_text(app)
