"""Safe text for the screen: lead data never becomes markup, control characters stay visible.

Everything from the database, a file, an exception or the user's config is data. These helpers
turn it into `rich.text.Text` (never a markup string) and hold the look of priorities, stages,
due dates and the speed-to-lead clock, so the queue and the detail screen agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from rich.text import Text

from qc_console.domain.codes import Source
from qc_console.domain.priority import MARKERS, Clock, Priority, classify
from qc_console.domain.settings import Rules
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import LeadView
from qc_console.domain.when import utc_to_local

# C0/C1 controls and the bidi overrides/isolates that can reorder what follows them on screen.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: object, *, multiline: bool = False) -> str:
    """`value` as a string with every control character shown escaped (`\\x1b`, `\\n`).

    With `multiline`, newlines are kept (notes in the detail screen); tabs become spaces.
    """
    text = "" if value is None else str(value)
    if multiline:
        return "\n".join(
            _CONTROL.sub(_escape, line.replace("\t", "    ")) for line in text.split("\n")
        )
    return _CONTROL.sub(_escape, text)


def plain(value: object, style: str = "", *, width: int | None = None) -> Text:
    """One line of data as `Text` (literal: brackets stay brackets), cut to `width` with `…`."""
    text = Text(clean(value), style=style, no_wrap=True, overflow="ellipsis", end="")
    if width is not None and text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    return text


def wrapping(value: object, style: str = "") -> Text:
    """One value of data as `Text` that may wrap (the detail's fields)."""
    return Text(clean(value), style=style, end="", overflow="fold")


def para(value: object, style: str = "") -> Text:
    """Several lines of data (notes) as `Text`."""
    return Text(clean(value, multiline=True), style=style, end="")


def join(*parts: Text | str, sep: str = " ") -> Text:
    """Pieces (already safe `Text`, or literal strings of our own) joined into one `Text`."""
    out = Text(end="")
    for i, part in enumerate(p for p in parts if p):
        if i:
            out.append(sep)
        out.append(part if isinstance(part, Text) else Text(part))
    return out


# --- colours -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    """Styles taken from the theme, so overdue is the theme's error colour in every theme."""

    error: str = "red"
    warning: str = "yellow"
    accent: str = "cyan"
    success: str = "green"
    muted: str = "dim"

    @classmethod
    def from_variables(cls, variables: Mapping[str, str]) -> Palette:
        def pick(name: str, default: str) -> str:
            value = variables.get(name, "")
            return value if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else default

        return cls(
            error=pick("error", cls.error),
            warning=pick("warning", cls.warning),
            accent=pick("primary", cls.accent),  # the theme's accent is often its warning
            success=pick("success", cls.success),
        )


DEFAULT_PALETTE = Palette()


# --- the clock ---------------------------------------------------------------------------


def local_day_end(now: datetime) -> datetime:
    """The end of the local day containing `now` (naive UTC in and out)."""
    local = now.replace(tzinfo=UTC).astimezone()
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
    return end.astimezone(UTC).replace(tzinfo=None)


def make_clock(now: datetime, rules: Rules) -> Clock:
    """The instants priorities compare against (the same rules the queue's SQL uses)."""
    return Clock.at(now, day_end=local_day_end(now), speed_to_lead=rules.speed_to_lead)


def priority_of(lead: LeadView, clock: Clock) -> Priority:
    """The lead's priority class now (results of actions carry no class of their own)."""
    return classify(
        stage=lead.stage,
        touch_count=lead.touch_count,
        created_at=lead.created_at,
        next_action_due=lead.next_action_due,
        resurface_on=lead.resurface_on,
        clock=clock,
    )


# --- values ------------------------------------------------------------------------------


def ago(delta: timedelta) -> str:
    """A short duration: `now`, `12m`, `3h`, `2d`, `5w`, `8mo`, `2y`."""
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"{int(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{int(hours)}h"
    days = hours / 24
    if days < 14:
        return f"{int(days)}d"
    if days < 60:
        return f"{int(days // 7)}w"
    if days < 730:
        return f"{int(days // 30)}mo"
    return f"{int(days // 365)}y"


def since(now: datetime, then: datetime | None) -> str:
    """How long ago `then` was, or `—` when never."""
    return "—" if then is None else ago(now - then)


def local_time(value: datetime | None, *, seconds: bool = False) -> str:
    """A stored UTC time as the rep's local `YYYY-MM-DD HH:MM`."""
    if value is None:
        return "—"
    return utc_to_local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def when_short(value: datetime, now: datetime) -> str:
    """A local due time, short: `today 14:00`, `Thu 09:00`, `Mar 12`, `2027-01-05`."""
    local, local_now = utc_to_local(value), utc_to_local(now)
    days = (local.date() - local_now.date()).days
    if days == 0:
        return f"today {local:%H:%M}"
    if days == 1:
        return f"tmrw {local:%H:%M}"
    if 1 < days < 7:
        return f"{local:%a %H:%M}"
    if local.year == local_now.year:
        return f"{local:%b %d}"
    return f"{local:%Y-%m-%d}"


def day_short(value: datetime, now: datetime) -> str:
    """A local day, short: `today`, `tmrw`, `Thu`, `Mar 12`, `2027-01-05`."""
    local, local_now = utc_to_local(value), utc_to_local(now)
    days = (local.date() - local_now.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tmrw"
    if 1 < days < 7:
        return f"{local:%a}"
    if local.year == local_now.year:
        return f"{local:%b %d}"
    return f"{local:%Y-%m-%d}"


SOURCE_LABELS: dict[Source, str] = {
    Source.TRADE_SHOW: "trade show",
    Source.WEB_DOWNLOAD: "web",
    Source.CAMPAIGN_INQUIRY: "campaign",
    Source.SALES_PROSPECTING: "prospecting",
    Source.REFERRAL: "referral",
    Source.OTHER: "other",
}

STAGE_LABELS: dict[Stage, str] = {
    Stage.RAW: "raw",
    Stage.QUALIFIED: "qualified",
    Stage.INCUBATING: "incubating",
    Stage.HANDED_OFF: "handed off",
    Stage.ACCEPTED: "accepted",
    Stage.WON: "won",
    Stage.LOST: "lost",
    Stage.DELAYED: "delayed",
    Stage.PURGED: "purged",
}

RATING_SHORT: dict[Rating, str] = {Rating.LOW: "low", Rating.MEDIUM: "med", Rating.HIGH: "high"}


def marker(priority: Priority, p: Palette = DEFAULT_PALETTE) -> Text:
    style = {
        Priority.SLA_BREACH: f"bold {p.error}",
        Priority.OVERDUE: p.error,
        Priority.DUE_TODAY: p.warning,
        Priority.RESURFACED: p.accent,
    }.get(priority, "")
    return Text(MARKERS[priority], style=style, end="")


def stage_text(lead: LeadView, p: Palette = DEFAULT_PALETTE) -> Text:
    """`raw`, `qualified/high`, `incubating` … (the rating styled by how good it is)."""
    out = Text(STAGE_LABELS[lead.stage], end="")
    if lead.rating is not None and lead.stage in (Stage.QUALIFIED, Stage.HANDED_OFF):
        style = {Rating.HIGH: f"bold {p.success}", Rating.MEDIUM: "", Rating.LOW: p.muted}
        out.append("/")
        out.append(RATING_SHORT[lead.rating], style=style[lead.rating])
    return out


def ladder(lead: LeadView, rules: Rules, p: Palette = DEFAULT_PALETTE) -> Text:
    """The touch ladder `3/6`; at the cadence target it is time to incubate or purge."""
    style = p.warning if lead.touch_count >= rules.cadence_target else ""
    return Text(f"{lead.touch_count}/{rules.cadence_target}", style=style, end="")


def due_text(lead: LeadView, clock: Clock, p: Palette = DEFAULT_PALETTE) -> Text:
    """When the next action is due: overdue in the error colour, today in the warning colour.

    Incubating leads show their resurface date with `↺`.
    """
    if lead.stage == Stage.INCUBATING:
        if lead.resurface_on is None:
            return Text("—", style=p.muted, end="")
        if lead.resurface_on <= clock.now:
            return Text("↺ back now", style=p.accent, end="")
        return Text(f"↺ {day_short(lead.resurface_on, clock.now)}", style=p.muted, end="")
    due = lead.next_action_due
    if due is None:
        return Text("—", style=p.muted, end="")
    if due < clock.now:
        return Text(f"{ago(clock.now - due)} late", style=f"bold {p.error}", end="")
    if due < clock.day_end:
        return Text(when_short(due, clock.now), style=f"bold {p.warning}", end="")
    return Text(when_short(due, clock.now), end="")


def next_note(lead: LeadView, *, width: int | None = None) -> Text:
    """What to do next (incubating: why it was parked)."""
    note = lead.reason if lead.stage == Stage.INCUBATING else lead.next_action_note
    return plain(note, width=width)


def sla_text(lead: LeadView, clock: Clock, rules: Rules, p: Palette = DEFAULT_PALETTE) -> Text:
    """The speed-to-lead clock of a new raw untouched lead: time left, or how far past the SLA."""
    if lead.stage != Stage.RAW or lead.touch_count > 0:
        return Text("", end="")
    deadline = lead.created_at + rules.speed_to_lead
    if deadline > clock.now:
        return Text(f"{ago(deadline - clock.now)} left", style=f"bold {p.warning}", end="")
    return Text(f"{ago(clock.now - deadline)} over", style=f"bold {p.error}", end="")


def in_stage(lead: LeadView, now: datetime) -> str:
    return ago(now - lead.stage_entered_at)


PRIORITY_LABELS: dict[Priority, str] = {
    Priority.SLA_BREACH: "new and untouched past the speed-to-lead SLA",
    Priority.OVERDUE: "next action overdue",
    Priority.DUE_TODAY: "next action due today",
    Priority.RESURFACED: "back from incubation",
    Priority.REST: "nothing due today",
}


def priority_text(lead: LeadView, clock: Clock, p: Palette = DEFAULT_PALETTE) -> Text:
    """The marker and what it means (the detail screen)."""
    prio = priority_of(lead, clock)
    out = marker(prio, p)
    out.append(f" {PRIORITY_LABELS[prio]}")
    return out
