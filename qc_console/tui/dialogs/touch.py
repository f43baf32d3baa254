"""`t`: log a touch — channel key, outcome key, optional note, then the next action it offers."""

from __future__ import annotations

from datetime import date, datetime

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from qc_console.domain.codes import Channel, Outcome
from qc_console.tui.dialogs._base import Dialog, hint, keys, literal
from qc_console.tui.dialogs._when import WhenField, local_now
from qc_console.tui.dialogs.choices import TouchChoice

CHANNEL_KEYS: dict[str, tuple[Channel, str]] = {
    "c": (Channel.CALL, "call"),
    "v": (Channel.VOICEMAIL, "voicemail"),
    "e": (Channel.EMAIL, "email"),
    "m": (Channel.MEETING, "meeting"),
    "s": (Channel.SOCIAL, "social"),
    "t": (Channel.EVENT, "event"),
    "w": (Channel.WEB, "web"),
}
OUTCOME_KEYS: dict[str, tuple[Outcome, str]] = {
    "n": (Outcome.NO_ANSWER, "no answer"),
    "v": (Outcome.LEFT_VOICEMAIL, "left voicemail"),
    "c": (Outcome.CONNECTED, "connected"),
    "r": (Outcome.REPLIED, "replied"),
    "b": (Outcome.BOUNCED, "bounced"),
    "m": (Outcome.MEETING_SET, "meeting set"),
    "x": (Outcome.NOT_INTERESTED, "not interested"),
}
_CHANNEL_ROWS = (("c", "v", "e", "m"), ("s", "t", "w"))
_OUTCOME_ROWS = (("n", "v", "c"), ("r", "b", "m", "x"))

OFFER: dict[Outcome, tuple[str, str]] = {
    Outcome.NO_ANSWER: ("+2d", "{channel} again"),
    Outcome.LEFT_VOICEMAIL: ("+2d", "call again"),
    Outcome.CONNECTED: ("+3d", "follow up"),
    Outcome.REPLIED: ("+1d", "answer the reply"),
    Outcome.BOUNCED: ("+1d", "find a working email or phone"),
    Outcome.MEETING_SET: ("+1w", "after the meeting: qualify"),
    Outcome.NOT_INTERESTED: ("", ""),
}
"""The next action offered after each outcome: (due, what to do). Empty due = none."""


def _again(channel: Channel) -> str:
    return "call" if channel in (Channel.CALL, Channel.VOICEMAIL) else channel.value


class TouchDialog(Dialog[TouchChoice | None]):
    """Two single keys (shown on screen), then the note; `enter` moves on to the offered next
    action (prefilled: `enter` accepts, an empty date keeps none); `backspace` goes back a key."""

    DEFAULT_CSS = """
    TouchDialog #ladder {
        width: auto;
        margin-left: 2;
    }
    TouchDialog #cadence {
        color: $warning;
        text-style: bold;
    }
    TouchDialog .keys {
        width: 1fr;
        height: auto;
    }
    TouchDialog .step {
        margin-top: 1;
    }
    TouchDialog .lead {
        margin-bottom: 0;
    }
    TouchDialog .label.-active {
        color: $accent;
        text-style: bold;
    }
    """

    def __init__(
        self,
        lead_label: str,
        touch_count: int,
        cadence_target: int,
        today: date,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__()
        self.lead_label = lead_label
        self.touch_count = touch_count
        self.cadence_target = cadence_target
        self.today = today
        self._now = local_now(today, now)
        self.channel: Channel | None = None
        self.outcome: Outcome | None = None

    def compose(self) -> ComposeResult:
        number = self.touch_count + 1
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Log a touch"
            with Horizontal(classes="row"):
                yield Static(literal(self.lead_label), classes="lead")
                yield Static(f"touch {number} of {self.cadence_target}", id="ladder")
            if number >= self.cadence_target:
                past = "past the cadence — " if number > self.cadence_target else ""
                yield Static(
                    f"{number}/{self.cadence_target}: {past}consider incubating", id="cadence"
                )
            with Horizontal(classes="row step"):
                yield Label("Channel", classes="label", id="channel-label")
                yield Static(classes="keys", id="channels")
            with Horizontal(classes="row"):
                yield Label("Outcome", classes="label", id="outcome-label")
                yield Static(classes="keys", id="outcomes")
            with Horizontal(classes="row step"):
                yield Label("Note", classes="label")
                yield Input(placeholder="what happened (optional)", compact=True, id="note")
            yield WhenField(
                "Next",
                today=self.today,
                input_id="next",
                now_local=self._now,
                optional=True,
                empty_text="no next action",
                placeholder="empty: none",
            )
            with Horizontal(classes="row"):
                yield Label("To do", classes="label")
                yield Input(placeholder="what to do next", compact=True, id="next-note")
            yield Static(classes="hint")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.disabled = True
        self._paint()

    @property
    def step(self) -> str:
        if self.channel is None:
            return "channel"
        return "outcome" if self.outcome is None else "details"

    def _paint(self) -> None:
        step = self.step
        chosen_c = next((k for k, (c, _) in CHANNEL_KEYS.items() if c == self.channel), None)
        chosen_o = next((k for k, (o, _) in OUTCOME_KEYS.items() if o == self.outcome), None)
        self.query_one("#channels", Static).update(
            self._rows(CHANNEL_KEYS, _CHANNEL_ROWS, chosen_c, dim=step != "channel")
        )
        self.query_one("#outcomes", Static).update(
            self._rows(OUTCOME_KEYS, _OUTCOME_ROWS, chosen_o, dim=step != "outcome")
        )
        self.query_one("#channel-label").set_class(step == "channel", "-active")
        self.query_one("#outcome-label").set_class(step == "outcome", "-active")
        pairs = {
            "channel": [("key", "channel"), ("esc", "cancel")],
            "outcome": [("key", "outcome"), ("backspace", "back"), ("esc", "cancel")],
            "details": [("enter", "next / save"), ("tab", "move"), ("esc", "cancel")],
        }[step]
        self.query_one(".hint", Static).update(hint(*pairs))

    @staticmethod
    def _rows(
        table: dict[str, tuple[object, str]],
        rows: tuple[tuple[str, ...], ...],
        chosen: str | None,
        *,
        dim: bool,
    ) -> Content:
        lines = []
        for row in rows:
            pairs = [(k, table[k][1]) for k in row]
            line = keys(pairs, chosen=chosen)
            lines.append(line.stylize("dim") if dim and chosen is None else line)
        return Content("\n").join(lines)

    def on_key(self, event: events.Key) -> None:
        step, char = self.step, event.character
        if step == "details":
            return
        if event.key == "backspace" and step == "outcome":
            self.channel = None
        elif step == "channel" and char in CHANNEL_KEYS:
            self.channel = CHANNEL_KEYS[char][0]
        elif step == "outcome" and char in OUTCOME_KEYS:
            self.outcome = OUTCOME_KEYS[char][0]
            self._open_details()
        else:
            return
        event.stop()
        self._paint()

    def _open_details(self) -> None:
        assert self.channel is not None and self.outcome is not None
        for field in self.query(Input):
            field.disabled = False
        due, todo = OFFER[self.outcome]
        self.query_one(WhenField).set_value(due)
        self.query_one("#next-note", Input).value = todo.format(channel=_again(self.channel))
        self.query_one("#note", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "note":
            self.query_one("#next", Input).focus()
            return
        ok, due = self.query_one(WhenField).read()
        if not ok or self.channel is None or self.outcome is None:
            return
        self.dismiss(
            TouchChoice(
                channel=self.channel,
                outcome=self.outcome,
                note=self.query_one("#note", Input).value.strip(),
                next_due=due,
                next_note=self.query_one("#next-note", Input).value.strip() if due else "",
            )
        )
