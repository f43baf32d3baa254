"""A date field that shows what it means while the rep types (`+2w` → `Wed 18 Mar 2026`)."""

from __future__ import annotations

from datetime import date, datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from qc_console.domain.errors import BadInput
from qc_console.domain.when import parse_when
from qc_console.tui.dialogs._base import MUTED, show_error


def local_now(today: date, now: datetime | None = None) -> datetime | None:
    """The base for `+4h`: `now` if given, the real local time if `today` is today, else None
    (then `parse_when` counts from 09:00 of `today`, which keeps tests deterministic)."""
    if now is not None:
        return now
    return datetime.now() if today == date.today() else None


def resolve(
    text: str,
    *,
    today: date,
    now_local: datetime | None = None,
    bare_days: bool = False,
    later_day: bool = False,
) -> datetime:
    """The local datetime `text` names; a bare number means days when `bare_days`.

    Raises:
        BadInput: when it cannot be read, or lies in the past (or on `today` with `later_day`).
    """
    raw = text.strip()
    if bare_days and raw.isdigit():
        if len(raw) > 4:
            raise BadInput(f"{raw} days is too far: use at most 9999 days, or a date")
        raw = f"+{raw}d"
    value = parse_when(raw, today=today, now_local=now_local)
    if value.date() < today:
        raise BadInput(f"{text.strip()!r} is in the past ({value:%a %d %b %Y %H:%M})")
    if later_day and value.date() <= today:
        raise BadInput(f"{text.strip()!r} is today: pick a later day")
    return value


def describe(value: datetime, today: date, *, with_time: bool) -> str:
    """`→ Wed 18 Mar 2026 09:00 · in 14 days`."""
    days = (value.date() - today).days
    rel = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    shown = f"{value:%a %d %b %Y}" + (f" {value:%H:%M}" if with_time else "")
    return f"→ {shown} · {rel}"


class WhenField(Vertical):
    """`Label  [input]  → resolved date`, and an error line under it after a bad submit."""

    DEFAULT_CSS = """
    WhenField {
        height: auto;
    }
    WhenField Input.-textual-compact {
        width: 18;
        margin-right: 1;
    }
    WhenField .resolved {
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(
        self,
        label: str,
        *,
        today: date,
        value: str = "",
        placeholder: str = "",
        input_id: str,
        now_local: datetime | None = None,
        bare_days: bool = False,
        later_day: bool = False,
        optional: bool = False,
        with_time: bool = True,
        empty_text: str = "",
        disabled: bool = False,
    ) -> None:
        super().__init__()
        self._label, self._value, self._placeholder = label, value, placeholder
        self._input_id = input_id
        self._today, self._now = today, now_local
        self._bare_days, self._later_day = bare_days, later_day
        self._optional, self._with_time, self._empty_text = optional, with_time, empty_text
        self._start_disabled = disabled

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(self._label, classes="label")
            yield Input(
                self._value,
                placeholder=self._placeholder,
                compact=True,
                id=self._input_id,
                disabled=self._start_disabled,
            )
            yield Static(classes="resolved")
        error = Static(classes="error")
        error.display = False
        yield error

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def on_mount(self) -> None:
        self._show(self.input.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        show_error(self.query_one(".error", Static), "")
        self._show(event.value)

    def set_value(self, text: str) -> None:
        self.input.value = text
        self._show(text)

    def _parse(self, text: str) -> datetime | None:
        if self._optional and not text.strip():
            return None
        return resolve(
            text,
            today=self._today,
            now_local=self._now,
            bare_days=self._bare_days,
            later_day=self._later_day,
        )

    def _show(self, text: str) -> None:
        resolved = self.query_one(".resolved", Static)
        try:
            value = self._parse(text)
        except BadInput:
            shown = Content.styled("…" if text.strip() else "", MUTED)
        else:
            if value is None:
                shown = Content.styled(self._empty_text, MUTED)
            else:
                shown = Content.styled(describe(value, self._today, with_time=self._with_time))
        resolved.update(shown)

    def read(self) -> tuple[bool, datetime | None]:
        """(ok, value): on a bad date the error is shown under the field and ok is False."""
        try:
            value = self._parse(self.input.value)
        except BadInput as exc:
            show_error(self.query_one(".error", Static), str(exc))
            self.input.focus()
            return False, None
        return True, value
