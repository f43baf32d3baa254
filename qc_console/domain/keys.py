"""Dedup keys: the normalised email, else the normalised phone.

Phone keys are E.164-like (`+14155550100`) whenever the number's country is known: written
with `+` or `00`, or a national number of the default country. The default country is
`DEFAULT_CALLING_CODE` ("1": the US and the rest of the North American Numbering Plan), so
"+1 415 555 0100", "(415) 555-0100", "415.555.0100" and "1-415-555-0100" share one key.
Other national forms (a 7-digit local number, "020 7946 0958") are kept as their digits.
For another home country pass `calling_code` (e.g. "44": a leading trunk 0 becomes +44).
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_NON_DIGITS = re.compile(r"\D")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

DEFAULT_CALLING_CODE = "1"
"""The country whose national numbers get its `+code` prefix in phone keys (1: US/NANP)."""


def email_key(email: str) -> str:
    """Email trimmed (non-breaking spaces included) and lower-cased; '' when absent."""
    return _SPACES.sub("", email or "").lower()


def phone_key(phone: str, calling_code: str = DEFAULT_CALLING_CODE) -> str:
    """The number as `+<country><number>` when its country is known, else its digits;
    '' when fewer than 6 digits (not a usable phone)."""
    raw = _SPACES.sub("", phone or "")
    digits = _NON_DIGITS.sub("", raw)
    if len(digits) < 6:
        return ""
    if raw.startswith("00"):
        return "+" + digits[2:]
    if raw.startswith("+"):
        return "+" + digits
    if calling_code == "1":
        # NANP: area code and exchange start with 2-9; an 11-digit form starts with the 1.
        if len(digits) == 10 and digits[0] >= "2":
            return "+1" + digits
        if len(digits) == 11 and digits[0] == "1" and digits[1] >= "2":
            return "+" + digits
        return digits
    if digits[0] == "0" and digits[1:2] != "0":  # a trunk 0: 020 7946 0958 in the UK
        return "+" + calling_code + digits[1:]
    return digits


def is_valid_email(email: str) -> bool:
    return bool(EMAIL_RE.match(email_key(email)))
