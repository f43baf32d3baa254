"""What each sample file in tests/data/import holds, counted by hand (see its README)."""

from __future__ import annotations

from typing import NamedTuple


class Expect(NamedTuple):
    file: str
    format: str
    rows: int
    new: int
    merged: int
    rejected: int
    dnc: int
    skipped: int
    touches: int


SAMPLES = [
    Expect("salesforce_report_leads.csv", "salesforce_report", 10, 7, 1, 2, 0, 5, 1),
    Expect("salesforce_field_labels_leads.csv", "salesforce_labels", 6, 5, 0, 1, 1, 0, 0),
    Expect("salesforce_dataloader_extract.csv", "salesforce_api", 7, 6, 0, 1, 1, 0, 0),
    Expect("hubspot_contacts_default_view.csv", "hubspot", 8, 6, 1, 1, 0, 0, 1),
    Expect("hubspot_contacts_all_properties.csv", "hubspot", 8, 7, 0, 1, 0, 0, 0),
    Expect("marketo_leads_export.csv", "marketo", 7, 6, 1, 0, 0, 0, 1),
    Expect("pardot_prospects_export.csv", "pardot", 6, 5, 0, 1, 1, 0, 0),
    Expect("subscribed_members_export_8f3a2c91d0.csv", "mailchimp", 6, 5, 0, 1, 0, 0, 0),
    Expect("unsubscribed_members_export_8f3a2c91d0.csv", "mailchimp", 3, 3, 0, 0, 3, 0, 0),
    Expect("cleaned_members_export_8f3a2c91d0.csv", "mailchimp", 2, 2, 0, 0, 2, 0, 0),
    Expect("eventbrite_attendee_summary.csv", "eventbrite", 8, 4, 3, 1, 0, 0, 1),
    Expect("badge_scans_packexpo_2026.csv", "badge_scan", 7, 5, 1, 1, 0, 0, 1),
    Expect("webform_content_downloads.tsv", "web_form", 7, 4, 2, 1, 0, 0, 1),
    Expect("leads_export_de.csv", "localised", 6, 5, 0, 1, 0, 0, 0),
    Expect("leads_export_fr.csv", "localised", 5, 4, 1, 0, 0, 0, 1),
    Expect("leads_export_es.csv", "localised", 5, 4, 0, 1, 0, 0, 0),
    Expect("leads_export_it.csv", "localised", 5, 5, 0, 0, 0, 0, 0),
    Expect("quirks_multiline_long.csv", "generic", 5, 3, 0, 2, 0, 0, 0),
    Expect("excel_unicode_text.txt", "generic", 2, 2, 0, 0, 0, 0, 0),
]
"""Each file imported alone into a database with no leads."""
