"""The export formats we recognise by their headers, and what each column means.

Fields a column can feed (also the right-hand side of `--map "Column=field"`):
email, phone, mobile, first_name, last_name, name (full name), company, title, country,
source, campaign, status, rating, notes (free text), note (kept in notes as "Column: value"),
date, time, ref (one interaction: an order or submission number), do_not_contact, ignore.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from qc_console.domain.codes import Outcome, Source

FIELDS = (
    "email", "phone", "mobile", "first_name", "last_name", "name", "company", "title", "country",
    "source", "campaign", "status", "rating", "notes", "note", "date", "time", "ref",
    "do_not_contact", "ignore",
)  # fmt: skip

COMMON: dict[str, str] = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "work email": "email",
    "business email": "email",
    "phone": "phone",
    "phone number": "phone",
    "telephone": "phone",
    "business phone": "phone",
    "work phone": "phone",
    "mobile": "mobile",
    "mobile phone": "mobile",
    "mobile phone number": "mobile",
    "cell phone": "mobile",
    "first name": "first_name",
    "firstname": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "name": "name",
    "full name": "name",
    "contact name": "name",
    "company": "company",
    "company name": "company",
    "organization": "company",
    "organisation": "company",
    "account name": "company",
    "company / account": "company",
    "title": "title",
    "job title": "title",
    "position": "title",
    "country": "country",
    "country/region": "country",
    "source": "source",
    "lead source": "source",
    "campaign": "campaign",
    "campaign name": "campaign",
    "status": "status",
    "lead status": "status",
    "rating": "rating",
    "notes": "notes",
    "comments": "notes",
    "description": "notes",
    "created": "date",
    "created at": "date",
    "created date": "date",
    "create date": "date",
    "date": "date",
    "do not contact": "do_not_contact",
    "do not call": "do_not_contact",
}
"""Headers that mean the same in every English export."""


@dataclass(frozen=True)
class Format:
    """One export format: the headers that give it away and what its columns mean."""

    key: str
    label: str
    marks: frozenset[str]
    """Headers only this kind of export has (normalised); one is enough to consider it."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """Its own headers (over COMMON)."""
    source: Source = Source.OTHER
    outcome: Outcome = Outcome.REPLIED
    """The outcome of the touch a repeated contact gets."""
    day_first: bool = False
    """Numeric dates read day-first unless the file proves otherwise."""
    notes_from_rest: bool = False
    """Columns not mapped (qualifier questions) are kept in the lead's notes."""
    quiet: frozenset[str] = frozenset()
    """Columns left out of the notes even with notes_from_rest."""
    min_marks: int = 1
    """Marks needed before the format is considered (2 where one mark is a common word)."""


_ADDRESS = frozenset(
    {"street", "address", "address 1", "address 2", "address line 1", "address line 2",
     "city", "state", "state/province", "province", "region", "zip", "zip code", "postal code",
     "zip/postal code", "postcode", "fax", "website", "salutation"}
)  # fmt: skip

SALESFORCE_REPORT = Format(
    "salesforce_report",
    "Salesforce report export",
    frozenset({"company / account", "lead owner", "unread by owner", "zip/postal code",
               "state/province", "last activity", "create date", "lead status", "lead source"}),
    {"company / account": "company", "create date": "date", "mobile": "mobile",
     "lead owner": "ignore", "email opt out": "ignore"},
)  # fmt: skip
SALESFORCE_LABELS = Format(
    "salesforce_labels",
    "Salesforce lead export (field labels)",
    frozenset({"lead id", "lead status", "lead source", "email opt out", "salutation",
               "no. of employees", "lead owner id", "converted", "created date", "mobile phone",
               "do not call"}),
    {"mobile phone": "mobile", "created date": "date", "lead id": "ignore"},
    min_marks=2,
)  # fmt: skip
SALESFORCE_API = Format(
    "salesforce_api",
    "Salesforce Data Loader export (API names)",
    frozenset({"firstname", "lastname", "leadsource", "hasoptedoutofemail", "donotcall",
               "mobilephone", "createddate", "ownerid", "isconverted", "postalcode"}),
    {"mobilephone": "mobile", "leadsource": "source", "createddate": "date",
     "donotcall": "do_not_contact", "id": "ignore"},
)  # fmt: skip
HUBSPOT = Format(
    "hubspot",
    "HubSpot contacts export",
    frozenset({"record id", "contact owner", "lifecycle stage", "marketing contact status",
               "original source", "associated company", "hubspot score",
               "original source drill-down 1", "last activity date", "lead status",
               "create date", "primary associated company id", "became a lead date"}),
    {"lifecycle stage": "status", "original source": "source", "associated company": "company",
     "message": "notes", "contact owner": "ignore", "record id": "ignore"},
)  # fmt: skip
MARKETO = Format(
    "marketo",
    "Marketo leads export",
    frozenset({"created at", "updated at", "lead score", "person source", "acquisition program",
               "acquisition program name", "email invalid", "marketo sales person id",
               "person status", "lead status", "lead source"}),
    {"person source": "source", "acquisition program": "campaign", "person notes": "notes",
     "acquisition program name": "campaign", "lead score": "note", "id": "ignore"},
    min_marks=2,
)  # fmt: skip
PARDOT = Format(
    "pardot",
    "Pardot / Account Engagement prospects export",
    frozenset({"prospect id", "grade", "crm lead fid", "crm contact fid", "is do not email",
               "is do not call", "opted out", "assigned user", "prospect account"}),
    {"grade": "note", "score": "note", "is do not call": "do_not_contact",
     "assigned user": "ignore", "prospect id": "ignore", "id": "ignore"},
)  # fmt: skip
MAILCHIMP = Format(
    "mailchimp",
    "Mailchimp audience export",
    frozenset({"member_rating", "optin_time", "optin_ip", "confirm_time", "confirm_ip", "leid",
               "euid", "gmtoff", "dstoff", "last_changed", "unsub_time", "clean_time"}),
    {"cc": "country", "optin_time": "date", "confirm_time": "date", "tags": "note",
     "unsub_reason": "note", "unsub_campaign_title": "note",
     "clean_campaign_title": "note"},
    source=Source.CAMPAIGN_INQUIRY,
)  # fmt: skip
EVENTBRITE = Format(
    "eventbrite",
    "Eventbrite attendee report",
    frozenset({"order #", "order no.", "attendee #", "ticket type", "barcode #", "buyer email",
               "attendee status", "eventbrite fees", "order type", "total paid"}),
    {"order #": "ref", "order no.": "ref", "order date": "date", "buyer email": "email",
     "buyer first name": "first_name", "buyer last name": "last_name", "event name": "campaign",
     "cell phone": "mobile", "attendee status": "note"},
    source=Source.TRADE_SHOW,
)  # fmt: skip
BADGE_SCAN = Format(
    "badge_scan",
    "trade-show badge scans (lead retrieval)",
    frozenset({"badge id", "badge #", "badge number", "scan date", "scan time", "scanned at",
               "scanned by", "capture date", "captured at", "captured by", "registrant id",
               "scan timestamp", "lead retrieval id"}),
    {"scan date": "date", "capture date": "date", "scanned at": "date", "captured at": "date",
     "scan timestamp": "date", "scan time": "time", "show": "campaign", "event": "campaign",
     "rating": "note", "lead rating": "note", "status": "note"},
    source=Source.TRADE_SHOW,
    outcome=Outcome.CONNECTED,
    notes_from_rest=True,
    quiet=_ADDRESS | {"badge id", "badge #", "badge number", "registrant id", "device",
                      "lead retrieval id", "booth", "member id", "registration type"},
)  # fmt: skip
WEB_FORM = Format(
    "web_form",
    "web-form / content-download export",
    frozenset({"submitted at", "submission date", "date submitted", "submission id", "entry id",
               "form name", "page url", "page name", "landing page", "conversion page",
               "utm_source", "utm_medium", "utm_campaign", "ip address", "user agent",
               "response id", "submission time"}),
    {"submitted at": "date", "submission date": "date", "date submitted": "date",
     "submission time": "date", "timestamp": "date", "submission id": "ref", "entry id": "ref",
     "response id": "ref", "utm_campaign": "note", "form name": "campaign",
     "asset": "note", "content": "note", "download": "note", "page name": "note",
     "utm_source": "note", "utm_medium": "note", "status": "note"},
    source=Source.WEB_DOWNLOAD,
    notes_from_rest=True,
    quiet=_ADDRESS | {"ip address", "user agent", "referrer", "page url", "landing page",
                      "conversion page", "utm_term", "utm_content", "consent", "gdpr consent"},
)  # fmt: skip

FORMATS = (
    HUBSPOT, MARKETO, PARDOT, MAILCHIMP, EVENTBRITE, BADGE_SCAN, WEB_FORM, SALESFORCE_API,
    SALESFORCE_REPORT, SALESFORCE_LABELS,
)  # fmt: skip
"""Checked in this order; the one with the most marks wins (earlier on a tie)."""

GENERIC = Format("generic", "contact list (columns recognised by name)", frozenset())
LOCALISED_FORMAT = Format("localised", "contact export", frozenset(), day_first=True)
MAPPED = Format("mapped", "columns mapped with --map", frozenset())

QUALIFIED_STATUSES = frozenset(
    {"qualified", "marketing qualified", "marketing qualified lead", "marketingqualifiedlead",
     "mql", "sales qualified", "sales qualified lead", "salesqualifiedlead", "sql",
     "sales accepted", "sal", "open deal", "open_deal", "opportunity", "working - qualified"}
)  # fmt: skip
"""Statuses (Salesforce, HubSpot label or internal value, Marketo) that enter as qualified."""

RATINGS = {
    "hot": "high", "high": "high", "a": "high", "a+": "high", "a-": "high",
    "warm": "medium", "medium": "medium", "b": "medium", "b+": "medium", "b-": "medium",
    "cold": "low", "low": "low", "c": "low", "c+": "low", "c-": "low", "d": "low", "d+": "low",
    "d-": "low", "f": "low",
}  # fmt: skip
"""Salesforce Rating, Pardot grades and plain words → our rating."""

SOURCE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("trade_show", ("trade show", "tradeshow", "trade-show", "event", "conference", "expo",
                    "booth", "seminar", "webinar", "summit", "meetup")),
    ("referral", ("referral", "referred", "partner", "word of mouth")),
    ("campaign_inquiry", ("paid", "adwords", "ads", "advertis", "email", "e-mail", "newsletter",
                          "campaign", "social", "linkedin", "facebook", "inquiry", "enquiry",
                          "chat", "phone")),
    ("web_download", ("web", "organic", "search", "seo", "direct traffic", "download",
                      "content", "whitepaper", "ebook", "form", "site", "internet", "landing")),
    ("sales_prospecting", ("prospect", "outbound", "cold call", "sales", "purchased list",
                           "list")),
)  # fmt: skip
"""Words in a row's source text → our source (first match wins)."""
