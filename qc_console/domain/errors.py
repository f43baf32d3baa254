"""Domain errors: each carries a message a user can act on."""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    """Base of every error a user can cause; the UI shows it as a warning, never a traceback."""


class InvalidMove(DomainError):
    """A stage move that the refinery does not allow."""

    def __init__(self, lead_id: int, from_stage: str, to_stage: str, why: str, label: str = ""):
        self.lead_id, self.from_stage, self.to_stage, self.why = lead_id, from_stage, to_stage, why
        name = f" ({label})" if label else ""
        super().__init__(f"lead #{lead_id}{name}: cannot move {from_stage} → {to_stage}: {why}")


class ActionRefused(DomainError):
    """An action that is not a stage move but is still not possible for this lead."""

    def __init__(self, lead_id: int, why: str, label: str = ""):
        self.lead_id, self.why = lead_id, why
        name = f" ({label})" if label else ""
        super().__init__(f"lead #{lead_id}{name}: {why}")


class LeadNotFound(DomainError):
    def __init__(self, lead_id: int, *, maybe_hidden: bool = False):
        """`maybe_hidden`: in team mode row-level security hides other reps' leads, so
        "not found" may mean "not yours" (PostgreSQL cannot tell the two apart for us)."""
        self.lead_id = lead_id
        tail = " or is not visible to your login" if maybe_hidden else ""
        super().__init__(f"lead #{lead_id} does not exist{tail}")


class RepNotFound(DomainError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"no rep named {name!r} (see `qc-console rep list`)")


class StaleLead(DomainError):
    """Someone changed the lead after the caller read it; nothing was overwritten."""

    def __init__(self, lead_id: int, by: str | None, at: datetime | None):
        self.lead_id, self.by, self.at = lead_id, by, at
        when = at.strftime("%Y-%m-%d %H:%M") if at else "?"
        super().__init__(f"lead #{lead_id} changed by {by or 'someone'} at {when} — reloaded")


class NotAllowed(DomainError):
    """The actor's role does not allow this action on this lead."""


class DuplicateLead(DomainError):
    def __init__(self, existing_id: int, key: str):
        self.existing_id = existing_id
        super().__init__(f"a lead with {key} already exists (#{existing_id})")


class NothingToUndo(DomainError):
    pass


class UndoConflict(DomainError):
    """The batch cannot be undone because some of its leads changed since."""

    def __init__(self, changed: list[int]):
        self.changed = changed
        shown = ", ".join(f"#{i}" for i in changed[:20])
        more = f" and {len(changed) - 20} more" if len(changed) > 20 else ""
        super().__init__(
            f"cannot undo: {len(changed)} lead(s) changed since ({shown}{more}); nothing was undone"
        )


class BadInput(DomainError):
    """A value from the user (date, filter, option) that cannot be used."""


class Busy(DomainError):
    """The database stayed locked by another writer past the busy timeout; nothing was written."""

    def __init__(self) -> None:
        super().__init__("the database is busy with another rep's long action; try again")
