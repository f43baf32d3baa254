"""A one-line prompt over the footer, answered with one key (the queue's `q` then `l/m/h`).

A modal dialog costs two full-screen repaints per action (Textual recomposites the whole screen
when a modal is pushed and again when it pops), which was most of the time from the rating key
to the repainted row. This prompt is a docked line on its own layer over the footer, moved
just below the screen's edge (an offset) while closed: opening and closing it repaints that
line only. (Toggling `display` instead renumbers every widget's paint order, and Textual then
repaints the whole screen.) Focus stays on the table: a focus change would redraw every
visible cell of the table.

Keys reach it through its screen: the screen's `on_key` hands each key to `answer` while the
prompt is open and stops it, so no binding fires meanwhile (Textual checks the non-priority
bindings when the key has bubbled up to the app). The screen declares the `prompt` layer.
The choice keys are `Binding`s with ids, so a user keymap that rebinds them (e.g.
`rating.low`) applies here too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from textual.binding import BindingsMap
from textual.content import Content
from textual.widget import Widget

T = TypeVar("T")

CANCEL_KEYS = frozenset({"escape", "ctrl+c", "ctrl+g"})


class KeyPrompt(Widget, Generic[T]):
    """Shows a question and waits for one of its binding keys; escape cancels.

    Subclasses declare `BINDINGS` whose action is `pick('<value>')` and implement `question`
    and `value_of`. `ask(label, done)` opens it; `done` gets the value, or None on escape.
    """

    DEFAULT_CSS = """
    KeyPrompt {
        dock: bottom;
        layer: prompt;
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        text-wrap: nowrap;
        offset-y: 1;
    }
    KeyPrompt.-open {
        offset-y: 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.label = ""
        self._done: Callable[[T | None], Any] | None = None

    # --- for subclasses ------------------------------------------------------------------
    def question(self, width: int) -> Content:
        """The line shown, at most `width` cells."""
        raise NotImplementedError

    def value_of(self, parameter: str) -> T:
        """The answer for the `pick('<parameter>')` binding that was pressed."""
        raise NotImplementedError

    # --- use -----------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._done is not None

    def ask(self, label: str, done: Callable[[T | None], Any]) -> None:
        """Show the prompt about `label`; `done` is called once with the answer."""
        self.label = label
        self._done = done
        self.add_class("-open")
        self.refresh()

    def close(self, value: T | None) -> None:
        """Hide the prompt and report `value` (None: cancelled)."""
        done, self._done = self._done, None
        self.remove_class("-open")
        if done is not None:
            done(value)

    def key_bindings(self) -> BindingsMap:
        """The prompt's keys with the app's keymap applied."""
        bindings = self._bindings.copy()
        keymap = self.app._keymap  # Textual has no public getter for the keymap in force
        if keymap:
            bindings.apply_keymap(keymap)
        return bindings

    def keys_for(self, parameter: str) -> str:
        """The key (as shown) that answers `parameter`, after the keymap."""
        for bindings in self.key_bindings().key_to_bindings.values():
            for binding in bindings:
                if binding.action == f"pick('{parameter}')":
                    return binding.key_display or self.app.get_key_display(binding)
        return "?"

    def answer(self, key: str) -> bool:
        """Handle a key while open: a choice or escape closes the prompt. Always True while
        open (the key is consumed: nothing else acts until the rep answers or cancels)."""
        if not self.is_open:
            return False
        if key in CANCEL_KEYS:
            self.close(None)
            return True
        for binding in self.key_bindings().key_to_bindings.get(key, []):
            action = binding.action
            if action.startswith("pick('") and action.endswith("')"):
                self.close(self.value_of(action[6:-2]))
                return True
        return True

    def render(self) -> Content:
        return self.question(max(self.content_size.width, 20))
