"""Dedup keys: the normalised email, else the normalised phone."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_key(email: str) -> str:
    """Email trimmed (non-breaking spaces included) and lower-cased; '' when absent."""
    return _SPACES.sub("", email or "").lower()


def phone_key(phone: str) -> str:
    """Digits only, a leading + kept; '' when fewer than 6 digits (not a usable phone)."""
    raw = _SPACES.sub("", phone or "")
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 6:
        return ""
    if raw.startswith("00"):
        return "+" + digits[2:]
    return ("+" if raw.startswith("+") else "") + digits


def is_valid_email(email: str) -> bool:
    return bool(EMAIL_RE.match(email_key(email)))
