"""Lead changes as the services write them, without a database.

`History.apply` mirrors `services._apply.write` field for field (derived columns, the event's
before/after/version data, one batch per action), so seeded history is indistinguishable from
history made through the services: undo, the integrity checks and analytics read it alike.
`touch` and `create` are the same thing unrolled into string templates, because they are most
of the rows (a test checks them against `apply`).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _quote  # the ensure_ascii=False form
from typing import Any

Row = dict[str, Any]
"""A lead's columns in event form: times as 'YYYY-MM-DD HH:MM:SS', amounts as str."""

_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
RATING_RANK = {None: 0, "low": 1, "medium": 2, "high": 3}

_CREATE = (
    '{"after": {"updated_at": %s, "updated_by_id": %s}, "before": {"updated_at": %s, '
    '"updated_by_id": %s, "version": 1}, "created": true, "source": %s, "version": 2}'
)


def js(value: Any) -> str:
    """One value as JSON, the way `json.dumps(..., ensure_ascii=False)` writes it."""
    cls = value.__class__
    if cls is str:
        return _quote(value)
    if cls is int:
        return str(value)
    if value is None:
        return "null"
    return _ENCODE(value)


class History:
    """The event, batch and touch rows of one chunk of leads.

    Ids are local to the chunk (from 0); the writer adds each table's base when it inserts, so
    chunks can be generated independently (in parallel) and still get dense ids. A touch
    event's data embeds its touch id, so it is kept in two parts around that id
    (`touch_events`: ..., head, local touch id, tail, ...) and joined in SQL.
    An action from `undoable_from` on is its own batch (a rep's single action), as the
    services write it, so the people's recent work can be undone; older history has no batch
    (like history imported from an earlier system): undo stops there, and a 1M-lead seed
    writes ~0.2M batch rows instead of ~7M. For the same reason an older touch event does not
    name its touch (undo is the only reader of `touch_id`), which spares a big seed's copies
    rewriting 97% of the touch events' data.
    """

    def __init__(self, undoable_from: str = "") -> None:
        self.undoable_from = undoable_from
        self.events: list[tuple[Any, ...]] = []
        self.touch_events: list[tuple[Any, ...]] = []
        self.batches: list[tuple[Any, ...]] = []
        self.touches: list[tuple[Any, ...]] = []
        self.event_count = 0

    def _batch(self, actor: int, at: str, kind: str) -> int | None:
        """A new batch for one action at `at`, or None for history older than undo reaches."""
        if at < self.undoable_from:
            return None
        bid = len(self.batches)
        self.batches.append((bid, actor, at, kind, 1))
        return bid

    def _event(self, row: Row, actor: int, at: str, kind: str, to: str, data: str) -> None:
        eid = self.event_count
        self.event_count = eid + 1
        bid = self._batch(actor, at, kind)
        self.events.append((eid, row["id"], actor, at, kind, row["stage"], to, data, bid))

    def apply(self, row: Row, fields: Row, kind: str, data: Row, at: str, actor: int) -> None:
        """One action on one lead: exactly what `_apply.write` does with a `Planned`."""
        new = dict(fields)
        if "rating" in new:
            new["rating_rank"] = RATING_RANK[new["rating"]]
        stage = row["stage"]
        if "stage" in new and new["stage"] != stage:
            new["stage_entered_at"] = at
        new["updated_at"] = at
        new["updated_by_id"] = actor
        before = {k: row[k] for k in new}
        before["version"] = row["version"]
        version = row["version"] + 1
        payload = {**data, "before": before, "after": new, "version": version}
        self._event(row, actor, at, kind, new.get("stage", stage), _ENCODE(payload))
        row.update(new)
        row["version"] = version

    def create(self, row: Row, at: str, actor: int) -> None:
        """`leads.create_lead`'s creation event (the row was inserted with version 1)."""
        a, who = _quote(at), js(actor)
        data = _CREATE % (a, who, a, who, _quote(row["source"]))
        row["version"] = 2
        self._event(row, actor, at, "create", row["stage"], data)

    def touch(
        self,
        row: Row,
        at: str,
        actor: int,
        channel: str,
        outcome: str,
        note: str,
        due: str,
        due_note: str,
    ) -> None:
        """`touches.log_touch` with a next action (every seeded touch sets one); touches of a
        lead come in time order, so the touch is always its last."""
        tid = len(self.touches)
        lead_id = row["id"]
        self.touches.append((tid, lead_id, actor, at, channel, outcome, note))
        count, voicemails, version = row["touch_count"], row["voicemail_count"], row["version"]
        first = row["first_touch_at"]
        new_voicemails = voicemails + (channel == "voicemail" or outcome == "left_voicemail")
        a = f'"{at}"'  # times and ids need no escaping
        b_due, b_note = row["next_action_due"], row["next_action_note"]
        head = (
            f'{{"after": {{"first_touch_at": "{first or at}", "last_touch_at": {a}, '
            f'"next_action_due": "{due}", "next_action_note": {_quote(due_note)}, '
            f'"touch_count": {count + 1}, "updated_at": {a}, "updated_by_id": {actor}, '
            f'"voicemail_count": {new_voicemails}}}, "before": {{"first_touch_at": '
            f'{_time(first)}, "last_touch_at": {_time(row["last_touch_at"])}, '
            f'"next_action_due": {_time(b_due)}, "next_action_note": {_quote(b_note)}, '
            f'"touch_count": {count}, "updated_at": "{row["updated_at"]}", '
            f'"updated_by_id": {js(row["updated_by_id"])}, "version": {version}, '
            f'"voicemail_count": {voicemails}}}, "channel": "{channel}", "note": '
            f'{_quote(note)}, "outcome": "{outcome}"'
        )
        tail = f', "version": {version + 1}}}'
        eid = self.event_count
        self.event_count = eid + 1
        bid = self._batch(actor, at, "touch")
        stage = row["stage"]
        if bid is None:  # beyond undo's reach: nothing will look the touch up
            self.events.append((eid, lead_id, actor, at, "touch", stage, stage, head + tail, None))
        else:
            head += ', "touch_id": '
            self.touch_events.append(
                (eid, lead_id, actor, at, "touch", stage, stage, head, tid, tail, bid)
            )
        row["touch_count"] = count + 1
        row["voicemail_count"] = new_voicemails
        if first is None:
            row["first_touch_at"] = at
        row["last_touch_at"] = at
        row["next_action_due"] = due
        row["next_action_note"] = due_note
        row["updated_at"] = at
        row["updated_by_id"] = actor
        row["version"] = version + 1


def _time(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'
