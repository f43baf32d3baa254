"""Enumerations stored in the database: sources, purge reasons, touch channels and outcomes."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    TRADE_SHOW = "trade_show"
    WEB_DOWNLOAD = "web_download"
    CAMPAIGN_INQUIRY = "campaign_inquiry"
    SALES_PROSPECTING = "sales_prospecting"
    REFERRAL = "referral"
    OTHER = "other"


class PurgeReason(StrEnum):
    """Why a lead left the refinery. `other` needs a free-text note."""

    DUPLICATE = "duplicate"
    BAD_DATA = "bad_data"
    NO_BUDGET = "no_budget"
    COMPETITOR = "competitor"
    NOT_A_FIT = "not_a_fit"
    UNREACHABLE = "unreachable"
    DO_NOT_CONTACT = "do_not_contact"
    OTHER = "other"


PURGE_LABELS: dict[PurgeReason, str] = {
    PurgeReason.DUPLICATE: "duplicate",
    PurgeReason.BAD_DATA: "bad data",
    PurgeReason.NO_BUDGET: "no budget",
    PurgeReason.COMPETITOR: "competitor",
    PurgeReason.NOT_A_FIT: "not a fit",
    PurgeReason.UNREACHABLE: "unreachable after cadence",
    PurgeReason.DO_NOT_CONTACT: "do not contact",
    PurgeReason.OTHER: "other (say why)",
}


class Channel(StrEnum):
    CALL = "call"
    VOICEMAIL = "voicemail"
    EMAIL = "email"
    MEETING = "meeting"
    SOCIAL = "social"
    EVENT = "event"
    WEB = "web"


class Outcome(StrEnum):
    NO_ANSWER = "no_answer"
    LEFT_VOICEMAIL = "left_voicemail"
    CONNECTED = "connected"
    REPLIED = "replied"
    BOUNCED = "bounced"
    MEETING_SET = "meeting_set"
    NOT_INTERESTED = "not_interested"


class Role(StrEnum):
    REP = "rep"
    SUPERVISOR = "supervisor"
    SALES = "sales"


class SalesOutcome(StrEnum):
    WON = "won"
    LOST = "lost"
    DELAYED = "delayed"


class RecycleTo(StrEnum):
    QUALIFIED = "qualified"
    INCUBATING = "incubating"
