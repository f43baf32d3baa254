"""The keys of a screen, read from its bindings (for the `?` overlay and the command palette).

Generated, never hand-written: a keymap that moves a key moves it here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.screen import Screen

GROUPS = ("Actions", "Queue", "Move", "Lead detail", "App")
SKIP_ACTIONS = frozenset(
    {"cursor_left", "cursor_right", "scroll_home", "scroll_end", "page_left", "page_right"}
)
"""Horizontal DataTable moves: the queue fits its width, so they only add noise."""
QUEUE_KEYS = (
    "queue.claim",
    "queue.filter",
    "queue.view",
    "queue.next_view",
    "queue.prev_view",
    "queue.sort",
    "queue.refresh",
)


@dataclass(frozen=True)
class KeyEntry:
    keys: str
    """How the keys display (`q`, `↓ j`)."""
    description: str
    tooltip: str
    action: str
    enabled: bool
    group: str
    binding_id: str = ""
    """What a keymap file names to move this key (`queue.qualify`)."""


MOVES = frozenset(
    {
        "cursor_up",
        "cursor_down",
        "page_up",
        "page_down",
        "scroll_top",
        "scroll_bottom",
        "select_cursor",
    }
)
"""Cursor moves (DataTable's own keys and ours)."""


def group_of(binding: Binding) -> str:
    bid = binding.id or ""
    if bid.startswith("detail."):
        return "Lead detail"
    if binding.action in MOVES:
        return "Move"
    if bid.startswith(QUEUE_KEYS):
        return "Queue"
    if bid.startswith("queue."):
        return "Actions"
    return "App"


def key_entries(screen: Screen[object]) -> list[KeyEntry]:
    """Every described key reachable on `screen` (app keys included), keymap applied."""
    app = screen.app
    active = screen.active_bindings
    merged: dict[tuple[str, str], KeyEntry] = {}
    # `_modal_binding_chain` lists every binding (with the keymap applied), including those
    # hidden right now; `active_bindings` says which are enabled. No public API gives both.
    for namespace, bindings in screen._modal_binding_chain:
        for key, binding in bindings:
            if not binding.description or binding.action.startswith("explain"):
                continue
            if binding.action in SKIP_ACTIONS:
                continue
            state = active.get(key)
            enabled = bool(
                state is not None and state.binding.action == binding.action and state.enabled
            )
            display = app.get_key_display(binding)
            ident = (binding.action, binding.description)
            if ident in merged:
                old = merged[ident]
                if display not in old.keys.split(" "):
                    merged[ident] = KeyEntry(
                        f"{old.keys} {display}",
                        old.description,
                        old.tooltip,
                        old.action,
                        old.enabled or enabled,
                        old.group,
                        old.binding_id or binding.id or "",
                    )
                continue
            merged[ident] = KeyEntry(
                display,
                binding.description,
                binding.tooltip,
                binding.action,
                enabled,
                group_of(binding),
                binding.id or "",
            )
        del namespace
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(merged.values(), key=lambda e: order.get(e.group, len(GROUPS)))
