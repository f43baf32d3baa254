"""`a`: add a lead by hand — contact fields, source, campaign and an optional rating."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from qc_console.domain.codes import Source
from qc_console.domain.keys import email_key, is_valid_email, phone_key
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import NewLead
from qc_console.tui.dialogs._base import Dialog, hint, literal, show_error
from qc_console.tui.render import SOURCE_LABELS

FIELDS: tuple[tuple[str, str], ...] = (
    ("first", "First"),
    ("last", "Last"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("title", "Title"),
)
RATINGS: tuple[tuple[str, Rating], ...] = (
    ("high", Rating.HIGH),
    ("medium", Rating.MEDIUM),
    ("low", Rating.LOW),
)
PROSPECTING_RATING = Rating.HIGH
"""Sales-prospected contacts enter qualified/high (DESIGN.md, entry points)."""


class AddLeadDialog(Dialog[NewLead | None]):
    """`enter` in any text field (or `ctrl+s`) saves; problems are shown under the form and
    the field at fault gets the focus. A rating makes the lead start qualified; the rating
    follows the source (prospecting → high) until the rep picks one."""

    DEFAULT_CSS = """
    AddLeadDialog Select {
        width: 1fr;
    }
    AddLeadDialog .form {
        height: auto;
    }
    """
    AUTO_FOCUS = "#first"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", show=False, id="add_lead.save"),
    ]

    def __init__(self, sources: list[str], campaigns: list[str]) -> None:
        super().__init__()
        self.sources = [Source(s) for s in sources] or list(Source)
        self.campaigns = list(campaigns)
        self._auto_rating: Rating | object | None = None
        """The rating the source implies, while the rating follows the source."""

    def compose(self) -> ComposeResult:
        prospecting = Source.SALES_PROSPECTING
        default_source = prospecting if prospecting in self.sources else self.sources[0]
        self._auto_rating = self._rating_for(default_source)
        with Vertical(classes="dialog") as frame:
            frame.border_title = "Add a lead"
            with Vertical(classes="form"):
                for key, label in FIELDS:
                    with Horizontal(classes="row"):
                        yield Label(label, classes="label")
                        yield Input(compact=True, id=key)
                with Horizontal(classes="row"):
                    yield Label("Source", classes="label")
                    yield Select(
                        [(SOURCE_LABELS.get(s, s.value), s) for s in self.sources],
                        value=default_source,
                        allow_blank=False,
                        compact=True,
                        id="source",
                    )
                with Horizontal(classes="row"):
                    yield Label("Campaign", classes="label")
                    yield Select(
                        [(literal(name), name) for name in self.campaigns],
                        prompt="none",
                        compact=True,
                        id="campaign",
                    )
                with Horizontal(classes="row"):
                    yield Label("Rating", classes="label")
                    yield Select(
                        RATINGS,
                        prompt="none: starts raw",
                        value=self._auto_rating,
                        compact=True,
                        id="rating",
                    )
            error = Static(classes="error")
            error.display = False
            yield error
            yield Static(
                hint(("enter", "add"), ("tab", "next field"), ("esc", "cancel")), classes="hint"
            )

    @staticmethod
    def _rating_for(source: Source) -> Rating | object:
        return PROSPECTING_RATING if source == Source.SALES_PROSPECTING else Select.NULL

    @on(Select.Changed, "#source")
    def _source_changed(self, event: Select.Changed) -> None:
        if self._auto_rating is not None and isinstance(event.value, Source):
            self._auto_rating = self._rating_for(event.value)
            self.query_one("#rating", Select).value = self._auto_rating

    @on(Select.Changed, "#rating")
    def _rating_changed(self, event: Select.Changed) -> None:
        if self._auto_rating is not None and event.value != self._auto_rating:
            self._auto_rating = None  # the rep chose: stop following the source

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid")
        show_error(self.query_one(".error", Static), "")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def _text(self, key: str) -> str:
        return self.query_one(f"#{key}", Input).value.strip()

    def _problem(self) -> tuple[str, str] | None:
        """(field id, message) of the first thing that stops the lead being added."""
        email, phone = self._text("email"), self._text("phone")
        if email and not is_valid_email(email):
            return "email", f"email {email_key(email)!r} is not a valid address"
        if phone and not phone_key(phone):
            return "phone", "a phone number needs at least 6 digits"
        if not email and not phone:
            return "email", "a lead needs an email or a phone number"
        return None

    def action_save(self) -> None:
        problem = self._problem()
        if problem is not None:
            field, message = problem
            show_error(self.query_one(".error", Static), message)
            self.query_one(f"#{field}", Input).add_class("-invalid").focus()
            return
        source = self.query_one("#source", Select).value
        campaign = self.query_one("#campaign", Select).value
        rating = self.query_one("#rating", Select).value
        rated = rating if isinstance(rating, Rating) else None
        self.dismiss(
            NewLead(
                first_name=self._text("first"),
                last_name=self._text("last"),
                email=self._text("email"),
                phone=self._text("phone"),
                company=self._text("company"),
                title=self._text("title"),
                source=source if isinstance(source, Source) else Source.OTHER,
                campaign=campaign if isinstance(campaign, str) else None,
                stage=Stage.QUALIFIED if rated else Stage.RAW,
                rating=rated,
            )
        )
