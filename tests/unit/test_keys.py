"""Dedup keys: the same person typed differently gives the same key."""

from __future__ import annotations

import pytest

from qc_console.domain.keys import email_key, is_valid_email, phone_key


@pytest.mark.parametrize(
    "typed",
    [
        "ann@example.com",
        "Ann@Example.COM",
        "  ann@example.com  ",
        "\u00a0ann@example.com\u00a0",
        "ann@example.com\u202f",
        "\ufeffANN@example.com",
        "ann@exam\u200bple.com",
        "\tann@example.com\n",
    ],
)
def test_email_key(typed: str) -> None:
    assert email_key(typed) == "ann@example.com"


@pytest.mark.parametrize("empty", ["", "   ", "\u00a0", None])
def test_no_email_gives_an_empty_key(empty: str | None) -> None:
    assert email_key(empty) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "typed",
    [
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "+44-20-7946-0958",
        "\u00a0+44\u00a020\u00a07946\u00a00958\u00a0",
        "\u202f+44 (20) 7946.0958",
        "\ufeff+44 20 7946 0958",
        "\u200b0044 20 7946 0958",
    ],
)
def test_international_phone_forms_share_a_key(typed: str) -> None:
    assert phone_key(typed) == "+442079460958"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("(020) 7946-0958", "02079460958"),
        ("020 7946 0958 ", "02079460958"),
        ("555 1234", "5551234"),
        ("12345", ""),  # too short to be a phone
        ("n/a", ""),
        ("", ""),
    ],
)
def test_national_and_unusable_phones(typed: str, key: str) -> None:
    assert phone_key(typed) == key


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("ann@example.com", True),
        (" Ann@Example.COM\u00a0", True),
        ("ann@example", False),
        ("ann.example.com", False),
        ("ann@@example.com", False),
        ("", False),
    ],
)
def test_is_valid_email(typed: str, valid: bool) -> None:
    assert is_valid_email(typed) is valid
