"""Bad input (hypothesis): filter expressions and date prompts either parse or say why in one
line (`BadInput`), and a typed date can be stored as UTC and shown again in any time zone."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from qc_console.domain.errors import BadInput
from qc_console.domain.filters import FLAGS, KEYS, format_filter, parse_filter
from qc_console.domain.when import local_to_utc, parse_when, utc_to_local
from tests.robustness.fuzzing import FUZZ, ZONES, local_zone, typed

# --- filter expressions ------------------------------------------------------------------

VALUES = ["raw", "Qualified", "handed-off", "high", "trade_show", "ann", "*", "yes", "no",
          "today", "overdue", "due", "new", "all", "1,2", "3-1", "10-20", "0", "9" * 30,
          '"acme corp"', "'", '"', "\\", ",", ",,", "=", "", " "]  # fmt: skip
term = st.one_of(
    st.tuples(
        st.sampled_from([*KEYS, *FLAGS, "STAGE", "bogus", ""]),
        st.sampled_from(["=", ""]),
        st.one_of(st.sampled_from(VALUES), typed),
    ).map("".join),  # fmt: skip
    typed,
)
expressions = st.one_of(typed, st.lists(term, max_size=6).map(" ".join))


@FUZZ
@given(expressions)
def test_a_filter_expression_parses_or_says_why(text: str) -> None:
    try:
        f = parse_filter(text)
    except BadInput as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert parse_filter(format_filter(f)) == f


# --- date prompts ------------------------------------------------------------------------

dates = st.one_of(
    typed,
    st.tuples(
        st.sampled_from(["", "+", "-", " "]),
        st.integers(0, 99999).map(str),
        st.sampled_from(["d", "w", "m", "h", "y", " d", ""]),
    ).map("".join),  # fmt: skip
    st.sampled_from(
        [
            "today",
            "TOMORROW",
            "tmr",
            "mo",
            "m",
            "sunday",
            "sun.",
            "0001-01-01",
            "9999-12-31",
            "9999-12-31 23:59",
            "2026-02-30",
            "2026-13-01",
            "12/31",
            "2/29",
            "0/0",
            "2026-12-01T25:00",
            "2026-12-01 14:30",
        ]
    ),  # fmt: skip
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M")
    ),
)


@FUZZ
@given(dates, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.sampled_from(ZONES))  # fmt: skip
def test_a_date_prompt_gives_a_storable_time_or_says_why(text: str, today: date, zone: str) -> None:
    """What the CLI and the dialogs do with a typed date: parse it, store it as UTC, show it
    again in local time — in any time zone."""
    with local_zone(zone):
        try:
            when = parse_when(text, today=today)
        except BadInput as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        assert utc_to_local(local_to_utc(when)) == when
