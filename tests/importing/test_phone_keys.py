"""The same US number typed nationally or with +1 is the same person (default country: US)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.db.models import Lead, Touch
from qc_console.domain.keys import phone_key
from qc_console.services.bulk_import import import_file
from tests.conftest import NOW

US_FORMS = ["+1 415 555 0100", "(415) 555-0100", "415.555.0100", "1-415-555-0100", "0014155550100"]


@pytest.mark.parametrize("typed", US_FORMS)
def test_us_national_and_international_forms_share_a_key(typed: str) -> None:
    assert phone_key(typed) == "+14155550100"


def test_another_home_country_turns_its_trunk_zero_into_the_code() -> None:
    assert phone_key("020 7946 0958", calling_code="44") == phone_key("+44 20 7946 0958")
    assert phone_key("020 7946 0958") == "02079460958"  # not a US number: digits kept


@pytest.mark.usefixtures("people")
def test_rows_without_email_merge_on_any_form_of_the_phone(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "First Name,Last Name,Phone\n"
        "Dana,Whitfield,+1 415 555 0100\n"
        "Dana,Whitfield,(415) 555-0100\n"
        "Dana,W.,415.555.0100\n",
        encoding="utf-8",
    )
    report = import_file(path, actor="ann", now=NOW)
    assert (report.counts.new, report.counts.merged) == (1, 2)
    (dana,) = Lead.select()
    assert dana.phone_key == "+14155550100"
    assert Touch.select().where(Touch.lead == dana.id).count() == 2
