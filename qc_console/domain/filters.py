"""Filter expressions: the small language of `--filter` (and of the queue's `/` filter).

Terms are separated by spaces; a key takes one or more values separated by commas; quote a
value that holds spaces. Keys and enumerated values are case-insensitive, and `-` and `_` are
interchangeable in enumerated values (`trade-show` = `trade_show`)::

    stage=raw,qualified     raw qualified incubating handed_off accepted won lost delayed purged
    rating=high,medium      low medium high
    source=referral         trade_show web_download campaign_inquiry sales_prospecting
                            referral other
    owner=ann               that rep's leads only; owner=* every rep's leads (supervisors)
    pool=yes|no             include unowned leads (default: yes without owner=, no with it)
    text="acme corp"        name, company or email contains the text
    due=today|overdue       next action due later today / already overdue
    today  overdue          short for due=today / due=overdue
    view=due|new|incubating|all   the queue's tabs (default all)
    ids=1,2,10-20           only these leads

Terms combine with AND; the values of one key combine with OR.
Example: `stage=raw,qualified rating=high source=trade_show text="acme corp" overdue`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from qc_console.domain.codes import Source
from qc_console.domain.errors import BadInput
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import QueueFilter, QueueView

ALL_OWNERS = "*"
"""`owner=*`: every rep's leads (supervisors)."""
HANDED_OFF_OWNER = "*handed_off"
"""Every hand-off waiting for sales, whoever handed it off (supervisors' drill-downs)."""

GRAMMAR = (
    __doc__.split("::", 1)[1].split("Terms combine", 1)[0].strip("\n")
    if __doc__  # python -OO drops docstrings
    else "  see qc_console/domain/filters.py"
)
"""The table of keys above, for `--help` texts."""

E = TypeVar("E", bound=StrEnum)
KEYS = ("stage", "rating", "source", "owner", "pool", "text", "due", "view", "ids")
FLAGS = {"today": ("due", "today"), "overdue": ("due", "overdue")}
_YES = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
MAX_ID = 2**63 - 1
MAX_IDS = 100_000
_ID_PART = re.compile(r"^([0-9]+)(?:-([0-9]+))?$", re.ASCII)


def parse_filter(text: str) -> QueueFilter:
    """The `QueueFilter` a filter expression describes (an empty one for blank text).

    Raises:
        BadInput: naming the term that cannot be used and the keys or values that can.
    """
    try:
        tokens = shlex.split(text)
    except ValueError as exc:  # an unbalanced quote or a trailing backslash
        raise BadInput(f"cannot read filter {text!r}: {exc}") from None
    lists: dict[str, list[str]] = {}
    single: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        key = key.strip().lower()
        if not sep:
            if key not in FLAGS:
                raise BadInput(
                    f"unknown filter word {token!r}: use key=value with a key among "
                    f"{', '.join(KEYS)}, or the words {', '.join(FLAGS)} "
                    '(quote text with spaces: text="acme corp")'
                )
            key, value = FLAGS[key]
        if key not in KEYS:
            raise BadInput(
                f"unknown filter key {key!r} in {token!r}: use {', '.join(KEYS)} "
                f"(or the words {', '.join(FLAGS)})"
            )
        if key in ("text", "owner", "pool", "view"):
            if not value.strip():
                raise BadInput(f"{key} needs a value in {token!r}")
            if key in single and single[key] != value:
                raise BadInput(f"{key} given twice ({single[key]!r} and {value!r})")
            single[key] = value
            continue
        parts = [p for p in value.split(",") if p.strip()]
        if not parts:
            raise BadInput(f"{key} needs a value in {token!r}")
        lists.setdefault(key, []).extend(parts)
    return _build(lists, single)


def _build(lists: dict[str, list[str]], single: dict[str, str]) -> QueueFilter:
    due = set(_choose(QueueDue, "due", lists.get("due", ())))
    if len(due) > 1:
        raise BadInput("due=today and due=overdue exclude each other: use view=due for both")
    owner = single["owner"].strip() if "owner" in single else None
    include_pool = owner is None
    if "pool" in single:
        word = single["pool"].strip().lower()
        if word not in _YES:
            raise BadInput(f"unknown pool {single['pool']!r}: use yes or no")
        include_pool = _YES[word]
    view = QueueView.ALL_OPEN
    if "view" in single:
        view = _choose(QueueView, "view", [single["view"]])[0]
    return QueueFilter(
        view=view,
        stages=_choose(Stage, "stage", lists.get("stage", ())),
        ratings=_choose(Rating, "rating", lists.get("rating", ())),
        sources=_choose(Source, "source", lists.get("source", ())),
        text=single.get("text", ""),
        due_today=QueueDue.TODAY in due,
        overdue=QueueDue.OVERDUE in due,
        owner=owner,
        include_pool=include_pool,
        ids=parse_ids(",".join(lists["ids"])) if "ids" in lists else (),
    )


class QueueDue(StrEnum):
    TODAY = "today"
    OVERDUE = "overdue"


def _choose(enum: type[E], key: str, values: Iterable[str]) -> tuple[E, ...]:
    out: list[E] = []
    for raw in values:
        word = raw.strip().lower().replace("-", "_")
        try:
            member = enum(word)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise BadInput(f"unknown {key} {raw.strip()!r}: use {allowed}") from None
        if member not in out:
            out.append(member)
    return tuple(out)


def parse_ids(text: str) -> tuple[int, ...]:
    """Lead ids from `1,2,3`, `1 2 3` or ranges `10-20` (duplicates dropped, order kept).

    Raises:
        BadInput: naming the part that is not an id or a range.
    """
    out: dict[int, None] = {}
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        m = _ID_PART.match(part)
        if m is None:
            raise BadInput(f"{part!r} is not a lead id (use 1,2,3 or a range 10-20)")
        low = int(m.group(1))
        high = int(m.group(2)) if m.group(2) else low
        if low < 1 or high > MAX_ID or high < low:
            raise BadInput(f"{part!r} is not a lead id or an ascending range of ids")
        if len(out) + high - low + 1 > MAX_IDS:
            raise BadInput(f"too many ids (more than {MAX_IDS:,}): use --filter instead")
        out.update(dict.fromkeys(range(low, high + 1)))
    if not out:
        raise BadInput("no lead ids given (use 1,2,3 or a range 10-20)")
    return tuple(out)


def format_filter(f: QueueFilter) -> str:
    """The filter expression of `f` (`parse_filter(format_filter(f)) == f`)."""
    terms: list[str] = []
    if f.view != QueueView.ALL_OPEN:
        terms.append(f"view={f.view.value}")
    for key, values in (("stage", f.stages), ("rating", f.ratings), ("source", f.sources)):
        if values:
            terms.append(f"{key}={','.join(v.value for v in values)}")
    if f.owner is not None:
        terms.append(f"owner={shlex.quote(f.owner)}")
    if f.include_pool != (f.owner is None):
        terms.append(f"pool={'yes' if f.include_pool else 'no'}")
    if f.text:
        terms.append(f"text={shlex.quote(f.text)}")
    if f.due_today:
        terms.append("today")
    if f.overdue:
        terms.append("overdue")
    if f.ids:
        terms.append(f"ids={','.join(map(str, f.ids))}")
    return " ".join(terms)
