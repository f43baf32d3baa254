"""The import screen driven from the keyboard: a known export, an unknown one mapped by hand,
a file with rejects, a refused Mailchimp export; the database checked through the backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.services.facade import ServiceBackend
from qc_console.tui.screens.import_file import ImportScreen
from qc_console.tui.screens.import_mapping import MappingDialog, MappingTable
from qc_console.tui.screens.import_parts import ImportProgressed
from tests.tui.helpers import SIZE, make_app, screen_text, table
from tests.tui.import_helpers import emails, leads, open_file, settle


@pytest.mark.usefixtures("people")
async def test_known_export_previews_then_imports_and_the_queue_shows_it(
    keymap_file: Path, files: Path
) -> None:
    backend = ServiceBackend("ann")
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / "salesforce_dataloader_extract.csv")
        text = screen_text(app)
        assert "Salesforce Data Loader export (API names)" in text
        assert "rows 7, new 6, merged 0, rejected 1, do-not-contact 1" in text
        assert "LastName → last_name" in text
        assert "no email and no usable phone (phone 'n/a' has too few digits)" in text
        assert not leads(backend)  # a preview writes nothing
        await pilot.press("enter")
        await settle(pilot, 5)
        screen = app.screen
        assert isinstance(screen, ImportScreen) and screen.phase == "done"
        assert "salesforce_dataloader_extract.csv.rejects.csv" in screen_text(app)
        assert (files / "salesforce_dataloader_extract.csv.rejects.csv").exists()
        assert "nadia.haddad@cedarclinics.lb" in emails(backend)
        await pilot.press("escape")
        await settle(pilot, 5)
        assert not isinstance(app.screen, ImportScreen)
        names = {lead.name for lead in table(app).leads}
        assert "Nadia Haddad" in names  # the queue reloaded


@pytest.mark.usefixtures("people")
async def test_unknown_columns_are_mapped_with_the_keyboard(keymap_file: Path, files: Path) -> None:
    backend = ServiceBackend("ann")
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / "unknown_columns.csv")
        assert isinstance(app.screen, MappingDialog)  # no format recognised: map it
        # Kontakt → name, Mail Addr → email, Tel. → phone (Firmenname was recognised)
        await pilot.press("n", "down", "e", "down", "p")
        assert app.screen.query_one(MappingTable).fields == ["name", "email", "phone", "company"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert "rows 3, new 3, merged 0, rejected 0" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, 5)
    found = {(x["first_name"], x["last_name"], x["email"], x["company"]) for x in leads(backend)}
    assert found == {
        ("Ada", "Lovelace", "ada@analytical-engines.co.uk", "Analytical Engines"),
        ("Grace", "Hopper", "grace@cobol-systems.com", "COBOL Systems"),
        ("Alan", "Turing", "", "Bletchley Consulting"),  # phone only
    }


@pytest.mark.usefixtures("people")
async def test_the_mapping_needs_an_email_or_phone_column(keymap_file: Path, files: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / "unknown_columns.csv")
        await pilot.press("enter")  # nothing mapped to email/phone yet: refused, stays open
        await pilot.pause()
        assert isinstance(app.screen, MappingDialog)
        assert "map at least one column to email, phone or mobile" in screen_text(app)


@pytest.mark.usefixtures("people")
async def test_an_import_is_undone_from_the_summary(keymap_file: Path, files: Path) -> None:
    backend = ServiceBackend("ann")
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / "hubspot_contacts_default_view.csv")
        await pilot.press("enter")
        await settle(pilot, 5)
        assert {x["stage"] for x in leads(backend)} == {"raw", "qualified"}
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen) and app.screen.undone
    # an imported lead cannot be un-created (its audit trail stays): it is retired
    assert {x["stage"] for x in leads(backend)} == {"purged"}


@pytest.mark.usefixtures("people")
async def test_an_unsubscribed_mailchimp_export_is_refused_until_imported_as_dnc(
    keymap_file: Path, files: Path
) -> None:
    backend = ServiceBackend("ann")
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, files / "unsubscribed_members_export_8f3a2c91d0.csv")
        assert "they must not be contacted" in screen_text(app)
        await pilot.press("enter")  # nothing to import yet
        await settle(pilot)
        assert not emails(backend)
        await pilot.press("d")
        await settle(pilot)
        assert "every contact becomes do-not-contact" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, 5)
    imported = leads(backend)
    assert imported and all(x["do_not_contact"] for x in imported)


@pytest.mark.usefixtures("people")
async def test_the_palette_opens_the_import_screen(keymap_file: Path) -> None:
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"import")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)


@pytest.mark.usefixtures("people")
async def test_a_larger_file_reports_progress_while_it_imports(
    keymap_file: Path, tmp_path: Path
) -> None:
    from tests.importing.gen import write_file

    path = tmp_path / "generated.csv"
    write_file(path, 5000)
    seen: list[object] = []
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        await open_file(pilot, path)
        await pilot.press("enter")
        await settle(pilot, 5)
        assert isinstance(app.screen, ImportScreen) and app.screen.phase == "done"
    phases = {m.phase for m in seen if isinstance(m, ImportProgressed)}
    assert phases == {"checking", "writing"}


@pytest.mark.usefixtures("people")
async def test_a_file_imported_before_is_said_so_and_not_imported_again(
    keymap_file: Path, files: Path
) -> None:
    backend = ServiceBackend("ann")
    path = files / "marketo_leads_export.csv"
    backend.import_file(str(path))
    before = leads(backend)
    app = make_app(keymap_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_file(pilot, path)
        assert "was already imported on" in screen_text(app)
        await pilot.press("enter")  # refused: nothing to add
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen) and app.screen.phase == "preview"
    assert leads(backend) == before


def test_a_path_typed_after_the_prefilled_folder_starts_over() -> None:
    from qc_console.tui.screens.import_parts import typed_path

    assert typed_path("/work/main//tmp/a.csv") == "/tmp/a.csv"
    assert typed_path("/work/main/~/a.csv") == str(Path.home() / "a.csv")
    assert typed_path("  files/a.csv ") == "files/a.csv"
