"""The footer, redrawn only when the keys it shows change.

Textual's Footer rebuilds all its key widgets on every bindings refresh, which the console
triggers on each cursor move (the legal keys depend on the lead's stage). Rebuilding costs
more than the row patch of a disposition, so this footer compares what it would show first.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Signature = tuple[tuple[str, str, str, bool], ...]


class KeyFooter(Footer):
    """A Footer that skips rebuilds when the shown keys and their states are unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Signature | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        will_redraw = screen.app.app_focus and self.is_attached and screen is self.screen
        if will_redraw:
            shown = tuple(
                (key, a.binding.action, a.binding.description, a.enabled)
                for key, a in screen.active_bindings.items()
                if a.binding.show
            )
            if shown == self._shown:
                self._bindings_ready = True
                return
            self._shown = shown
        super().bindings_changed(screen)
