"""Writing a planned import: new leads with their `create` events, touches on the people we
already have with their `touch` events, all in the caller's transaction and one batch.

The events carry the before/after values `undo` needs: undoing the import retires the new leads
and takes the touches (and any filled-in blanks) back off the existing ones.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from qc_console.db.models import Batch, Campaign, ImportRun, Rep
from qc_console.domain.codes import Source
from qc_console.domain.keys import phone_key
from qc_console.domain.settings import Rules
from qc_console.domain.stages import RATING_RANK, Stage
from qc_console.importing import ImportOptions, ImportRow, ParsedFile, Progress
from qc_console.importing.rows import _phone_key
from qc_console.services import import_write as w
from qc_console.services._rows import load_rows
from qc_console.services.import_plan import CHANNELS, Group, Plan


def source_of(row: ImportRow, parsed: ParsedFile, options: ImportOptions) -> Source:
    """`--source`, else the row's own source column, else the format's."""
    return options.source or row.source or parsed.default_source


def campaign_of(row: ImportRow, options: ImportOptions) -> str | None:
    """`--campaign`, else the row's campaign column (the names fit the campaign table)."""
    name = (options.campaign or row.campaign or "").strip()
    return name[:200] or None


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


def touch_note(file_name: str, campaign: str | None, notes: str) -> str:
    parts = [f"imported from {file_name}"]
    if campaign:
        parts.append(f"campaign {campaign}")
    head = ", ".join(parts)
    return f"{head}\n{notes}" if notes else head


class ImportWriter:
    """Writes one plan. Ids are allocated first so touches and events can point at rows."""

    def __init__(
        self,
        parsed: ParsedFile,
        options: ImportOptions,
        rep: Rep,
        now: datetime,
        rules: Rules,
        progress: Progress | None,
    ) -> None:
        self.parsed = parsed
        self.options = options
        self.rep = rep
        self.now = now
        self.rules = rules
        self._progress = progress
        self.done = 0
        self.total = 0
        self.batch_id = 0
        self.run_id = 0
        self.events: list[tuple[Any, ...]] = []
        self.touch_rows: list[tuple[Any, ...]] = []
        self.campaigns_created: list[str] = []
        self.rep_id = rep.id
        self.now_db = w.stamp(now)
        # Per-lead work done once: enum values, the campaign option, sources by source column.
        self._raw, self._qualified = Stage.RAW.value, Stage.QUALIFIED.value
        # A new lead's first next action: the speed-to-lead SLA, or a day once qualified.
        self._due = {
            self._raw: w.stamp(now + rules.speed_to_lead),
            self._qualified: w.stamp(now + timedelta(days=1)),
        }
        self._by_row_campaign = not options.campaign
        self._campaign = (options.campaign or "").strip()[:200] or None
        self._sources: dict[Source | None, tuple[Source, str]] = {}
        self._inquired: dict[datetime, str] = {}

    def tick(self, n: int) -> None:
        self.done += n
        if self._progress is not None:
            self._progress("writing", min(self.done, self.total), self.total)

    def start(self, options_json: str) -> None:
        """The batch (unit of undo) and the run record, first: events refer to both."""
        self.batch_id = int(Batch.insert(actor=self.rep.id, at=self.now, action="import").execute())
        self.run_id = int(
            ImportRun.insert(
                file_name=self.parsed.name,
                file_hash=self.parsed.sha256,
                format=self.parsed.format_key,
                actor=self.rep.id,
                batch=self.batch_id,
                at=self.now,
                options=options_json,
            ).execute()
        )

    def write(self, plan: Plan, owners: list[int | None]) -> tuple[list[int], list[int], int]:
        """Insert and update everything; returns (new lead ids, merged lead ids, touches)."""
        new_groups = sorted(plan.new_groups, key=lambda g: g.first.record if g.first else 0)
        existing = plan.existing_groups
        touches = sum(len(g.touches) for g in plan.groups)
        self.total = 2 * (len(new_groups) + touches) + len(existing)
        campaigns = self._campaigns(new_groups)
        touch_ids = iter(w.allocate_ids("touch", touches))
        lead_ids = w.allocate_ids("lead", len(new_groups))
        leads = [
            self._new_lead(g, lead_id, owners[i % len(owners)], campaigns, touch_ids)
            for i, (g, lead_id) in enumerate(zip(new_groups, lead_ids, strict=True))
        ]
        w.insert_leads(leads, self.tick)
        updates = self._existing(existing, touch_ids)
        w.update_leads(updates, self.tick)
        w.insert_touches(self.touch_rows, self.tick)
        w.insert_events(self.events, self.tick)
        size = len(leads) + len(updates)
        Batch.update(size=size).where(Batch.id == self.batch_id).execute()
        return lead_ids, [u["id"] for u in updates], touches

    def _campaigns(self, groups: list[Group]) -> dict[str, int]:
        """Campaign id by case-folded name; campaigns named in the file are created."""
        wanted: dict[str, tuple[str, Source]] = {}
        for g in groups:
            assert g.first is not None
            if self._by_row_campaign and not g.first.campaign:
                continue  # campaign_of would say None
            name = campaign_of(g.first, self.options)
            if name and name.casefold() not in wanted:
                wanted[name.casefold()] = (name, source_of(g.first, self.parsed, self.options))
        if not wanted:
            return {}
        known = {n.casefold(): i for i, n in Campaign.select(Campaign.id, Campaign.name).tuples()}
        for key, (name, source) in wanted.items():
            if key not in known:
                known[key] = int(
                    Campaign.insert(name=name, source=source.value, created_at=self.now).execute()
                )
                self.campaigns_created.append(name)
        return known

    def _event(self, lead_id: int, kind: str, stage: str, data: dict[str, Any]) -> None:
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        self.events.append((lead_id, self.rep_id, self.now_db, kind, stage, stage, payload,
                            self.batch_id))  # fmt: skip

    def _touch(
        self,
        lead_id: int,
        row: ImportRow,
        touch_id: int,
        state: dict[str, Any],
        extra: dict[str, Any],
    ) -> None:
        """A touch row and its event; `state` (the lead's columns) advances in place."""
        at = row.at or self.now
        channel = CHANNELS[source_of(row, self.parsed, self.options)]
        outcome = self.parsed.outcome.value
        note = touch_note(self.parsed.name, campaign_of(row, self.options), row.notes)
        self.touch_rows.append((touch_id, lead_id, None, at, channel.value, outcome, note))
        new = {
            "touch_count": state["touch_count"] + 1,
            "first_touch_at": min(at, state["first_touch_at"] or at),
            "last_touch_at": max(at, state["last_touch_at"] or at),
            **extra,
        }
        before = {k: _json(state.get(k)) for k in new} | {"version": state["version"]}
        state.update(new)
        state["version"] += 1
        self._event(
            lead_id,
            "touch",
            state["stage"],
            {
                "channel": channel.value,
                "outcome": outcome,
                "note": note,
                "touch_id": touch_id,
                "import_run": self.run_id,
                "before": before,
                "after": {k: _json(v) for k, v in new.items()},
                "version": state["version"],
            },
        )

    def _source(self, row: ImportRow) -> tuple[Source, str]:
        """`source_of` and its value, once per distinct source column value."""
        key = row.source
        found = self._sources.get(key)
        if found is None:
            source = source_of(row, self.parsed, self.options)
            found = self._sources[key] = (source, source.value)
        return found

    def _new_lead(
        self,
        group: Group,
        lead_id: int,
        owner_id: int | None,
        campaigns: dict[str, int],
        touch_ids: Any,
    ) -> tuple[Any, ...]:
        """The lead's row (in `w.LEAD_COLUMNS` order), its create event and its touches."""
        row = group.first
        assert row is not None
        source = self._source(row)[1]
        if self._by_row_campaign:  # campaign_of(row, self.options)
            campaign = (row.campaign.strip()[:200] or None) if row.campaign else None
        else:
            campaign = self._campaign
        if len(group.rows) > 1:
            fill = group.fill()
            first_name = fill.get("first_name", "")
            last_name = fill.get("last_name", "")
            phone = fill.get("phone", "")
            company = fill.get("company", "")
            title = fill.get("title", "")
            country = fill.get("country", "")
            key = _phone_key(phone) if phone else ""
        else:
            first_name, last_name, phone = row.first_name, row.last_name, row.phone
            company, title, country = row.company, row.title, row.country
            key = row.phone_key if phone else ""
        if group.qualified:
            stage, rating = self._qualified, group.rating
            rating_value, rank = (rating.value, RATING_RANK[rating]) if rating else (None, 0)
        else:
            stage, rating_value, rank = self._raw, None, 0
        dnc = group.do_not_contact
        now = self.now_db
        # The create event's data, as json.dumps(..., sort_keys=True) would write it (written
        # by hand: 100k dumps cost more than the rest of the event).
        at = row.at
        if at is None:
            inquired = ""
        elif (inquired := self._inquired.get(at)) is None:
            inquired = self._inquired[at] = f'"inquired_at": "{at.isoformat(sep=" ")}", '
        payload = (
            f'{{"after": {{}}, "before": {{}}, "created": true, "import_run": {self.run_id}, '
            f'{inquired}"source": "{source}", "version": 1}}'
        )
        self.events.append((lead_id, self.rep_id, now, "create", stage, stage, payload,
                            self.batch_id))  # fmt: skip
        touch_count, first_touch, last_touch, version = 0, None, None, 1
        if group.touches:
            state: dict[str, Any] = {
                "stage": stage,
                "touch_count": 0,
                "first_touch_at": None,
                "last_touch_at": None,
                "version": 1,
            }
            for touch_row in group.touches:
                self._touch(lead_id, touch_row, next(touch_ids), state, {})
            touch_count, version = state["touch_count"], state["version"]
            first_touch = w.stamp(state["first_touch_at"])
            last_touch = w.stamp(state["last_touch_at"])
        return (
            lead_id, first_name, last_name, row.email, row.email_key, phone, key, company,
            title, country, row.notes, source,
            campaigns.get(campaign.casefold()) if campaign else None,
            stage, rating_value, rank, owner_id, None,
            None if dnc else self._due[stage], "" if dnc else "first touch",
            None, None, "", "", None, touch_count, 0, first_touch, last_touch, dnc,
            now, now, now, self.rep_id, version,
        )  # fmt: skip

    def _existing(self, groups: list[Group], touch_ids: Any) -> list[dict[str, Any]]:
        """Touches (and filled blanks, do-not-contact) on leads that already exist."""
        rows = load_rows([g.lead_id for g in groups if g.lead_id is not None], lock=True)
        updates: list[dict[str, Any]] = []
        for group in groups:
            assert group.lead_id is not None
            state = rows[group.lead_id]
            extra: dict[str, Any] = {
                name: value for name, value in group.fill().items() if not state[name] and value
            }
            if "phone" in extra:
                extra["phone_key"] = phone_key(extra["phone"])
            if group.do_not_contact and not state["do_not_contact"]:
                extra["do_not_contact"] = True
            for i, row in enumerate(group.touches):
                self._touch(group.lead_id, row, next(touch_ids), state, extra if i == 0 else {})
            state["updated_at"] = self.now
            state["updated_by_id"] = self.rep.id
            updates.append(state)
        return updates
