"""The filter expression language of `--filter`."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qc_console.domain.codes import Source
from qc_console.domain.errors import BadInput
from qc_console.domain.filters import ALL_OWNERS, format_filter, parse_filter, parse_ids
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import QueueFilter, QueueView

E = TypeVar("E", bound=StrEnum)


def test_every_key_at_once() -> None:
    f = parse_filter(
        'stage=raw,qualified rating=HIGH source=trade-show owner=ann text="acme corp" '
        "due=today view=new ids=1,2,5-7"
    )
    assert f == QueueFilter(
        view=QueueView.NEW,
        stages=(Stage.RAW, Stage.QUALIFIED),
        ratings=(Rating.HIGH,),
        sources=(Source.TRADE_SHOW,),
        text="acme corp",
        due_today=True,
        owner="ann",
        include_pool=False,
        ids=(1, 2, 5, 6, 7),
    )


def test_blank_is_the_whole_queue() -> None:
    assert parse_filter("") == QueueFilter()
    assert parse_filter("   ") == QueueFilter()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("overdue", QueueFilter(overdue=True)),
        ("today", QueueFilter(due_today=True)),
        ("due=overdue", QueueFilter(overdue=True)),
        ("owner=*", QueueFilter(owner=ALL_OWNERS, include_pool=False)),
        ("owner=bob pool=yes", QueueFilter(owner="bob", include_pool=True)),
        ("pool=no", QueueFilter(include_pool=False)),
        ("stage=raw stage=raw,qualified", QueueFilter(stages=(Stage.RAW, Stage.QUALIFIED))),
        ('text="O\'Brien"', QueueFilter(text="O'Brien")),
        ('text="say \\"hi\\""', QueueFilter(text='say "hi"')),
        ("text=a=b", QueueFilter(text="a=b")),
        ("ids=3", QueueFilter(ids=(3,))),
    ],
)
def test_forms(text: str, expected: QueueFilter) -> None:
    assert parse_filter(text) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("stge=raw", ["'stge'", "stage", "rating"]),
        ("stage=rawx", ["'rawx'", "raw", "qualified", "purged"]),
        ("rating=hot", ["'hot'", "low", "medium", "high"]),
        ("source=web", ["'web'", "trade_show", "referral"]),
        ("view=later", ["'later'", "due", "incubating"]),
        ("acme", ["'acme'", 'text="acme corp"']),
        ("text=acme corp", ["'corp'"]),
        ('text="acme', ["quotation"]),
        ("stage=", ["stage needs a value"]),
        ("owner=", ["owner needs a value"]),
        ("owner=ann owner=bob", ["owner given twice"]),
        ("pool=maybe", ["'maybe'", "yes", "no"]),
        ("today overdue", ["view=due"]),
        ("ids=1,x", ["'x'"]),
        ("ids=0", ["'0'"]),
        ("ids=9-3", ["'9-3'"]),
        ("ids=1-999999999", ["too many"]),
        ("ids=99999999999999999999", ["'99999999999999999999'"]),
    ],
)
def test_refusals_name_the_token_and_what_works(text: str, names: list[str]) -> None:
    with pytest.raises(BadInput) as err:
        parse_filter(text)
    for name in names:
        assert name in str(err.value)


def test_ids_accept_commas_spaces_and_ranges_keeping_order() -> None:
    assert parse_ids("3, 1 2-4,3") == (3, 1, 2, 4)


def test_unicode_digits_are_not_ids() -> None:
    with pytest.raises(BadInput):
        parse_ids("١٢")


@given(st.text(max_size=60))
def test_junk_raises_nothing_but_bad_input(text: str) -> None:
    try:
        assert isinstance(parse_filter(text), QueueFilter)
    except BadInput as exc:
        assert str(exc)


TOKENS = st.sampled_from(
    [
        "stage=",
        "rating=",
        "source=",
        "owner=",
        "pool=",
        "text=",
        "due=",
        "view=",
        "ids=",
        "today",
        "overdue",
        "raw",
        "high",
        "referral",
        "*",
        ",",
        " ",
        '"',
        "'",
        "1",
        "-",
        "\\",
        "=",
        "\x1b",
    ]
)


@given(st.lists(TOKENS, max_size=12).map("".join))
def test_near_misses_raise_nothing_but_bad_input(text: str) -> None:
    try:
        parse_filter(text)
    except BadInput:
        pass


def _enum_tuple(enum: type[E]) -> st.SearchStrategy[tuple[E, ...]]:
    return st.lists(st.sampled_from(list(enum)), unique=True, max_size=3).map(tuple)


filters = st.builds(
    QueueFilter,
    view=st.sampled_from(list(QueueView)),
    stages=_enum_tuple(Stage),
    ratings=_enum_tuple(Rating),
    sources=_enum_tuple(Source),
    text=st.text(max_size=20).filter(lambda t: t == t.strip()),  # the queue strips text
    due_today=st.booleans(),
    overdue=st.just(False),
    owner=st.one_of(
        st.none(), st.just(ALL_OWNERS), st.text(min_size=1, max_size=10).map(str.strip).filter(bool)
    ),
    include_pool=st.booleans(),
    ids=st.lists(st.integers(1, 10**12), unique=True, max_size=4).map(tuple),
)


@given(filters)
def test_format_then_parse_gives_the_filter_back(f: QueueFilter) -> None:
    assert parse_filter(format_filter(f)) == f


def test_owner_star_is_the_services_all_owners() -> None:
    from qc_console.services.queue import ALL

    assert parse_filter("owner=*").owner == ALL
