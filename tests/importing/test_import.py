"""Importing the sample files into a database: counts, what the leads look like, touches,
do-not-contact, events and batches, undo."""

from __future__ import annotations

import csv
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from qc_console.db.database import db
from qc_console.db.models import ImportRun, Lead, LeadEvent, Touch
from qc_console.domain.keys import email_key
from qc_console.domain.values import NewLead, QueueFilter
from qc_console.importing import ImportOptions, UnusableFile
from qc_console.services import leads, queue
from qc_console.services.bulk_import import import_file
from qc_console.services.integrity import check_integrity
from qc_console.services.undo import undo_last
from tests.conftest import NOW
from tests.importing.expected import SAMPLES, Expect
from tests.importing.gen import HEADERS, write_file

ALLOW = ImportOptions(allow_unsubscribed=True)


def lead(email: str) -> Lead:
    return Lead.get(Lead.email_key == email_key(email))


def touches_of(email: str) -> list[Touch]:
    return list(Touch.select().where(Touch.lead == lead(email).id).order_by(Touch.at))


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("expect", SAMPLES, ids=lambda e: e.file)
def test_each_sample_imports_with_exact_counts(samples: Path, expect: Expect) -> None:
    report = import_file(samples / expect.file, actor="ann", options=ALLOW, now=NOW)
    c = report.counts
    assert (c.rows, c.new, c.merged, c.rejected, c.do_not_contact, c.skipped) == expect[2:8]
    assert c.rows == c.new + c.merged + c.rejected
    assert report.touches == expect.touches
    assert Lead.select().count() == expect.new
    assert Touch.select().count() == expect.touches
    # one create event per new lead, one touch event per touch, all in the import's batch
    kinds = [e.kind for e in LeadEvent.select().where(LeadEvent.batch == report.batch_id)]
    assert sorted(kinds) == sorted(["create"] * expect.new + ["touch"] * expect.touches)
    assert check_integrity().ok and not check_integrity().black_holes
    for row in Lead.select():
        if row.do_not_contact:
            assert row.next_action_due is None
        elif row.stage == "raw":
            assert row.next_action_due == NOW + timedelta(minutes=15)
        else:
            assert (row.stage, row.next_action_due) == ("qualified", NOW + timedelta(days=1))
    rejects = samples / (expect.file + ".rejects.csv")
    assert rejects.exists() == bool(expect.rejected)
    assert ImportRun.get().rows == expect.rows


@pytest.mark.usefixtures("people")
def test_salesforce_report_leads_as_a_rep_sees_them(samples: Path) -> None:
    import_file(samples / "salesforce_report_leads.csv", actor="ann", now=NOW)
    marcus = lead("moyelaran@helixbio.com")
    assert (marcus.stage, marcus.rating, marcus.source, marcus.company) == (
        "qualified", "high", "web_download", "Helix Biotech")  # fmt: skip
    assert marcus.notes == "Asked for pricing for 250 seats.\nCall after 10am ET, not Fridays."
    assert marcus.email == "MOyelaran@HelixBio.com"
    priya = lead("priya.raman@northwind-logistics.com")
    assert priya.company == "Northwind Logistics, Inc." and priya.touch_count == 1
    # the earlier row (Feb 25, webinar) created the lead; the Mar 4 trade-show row is the touch
    (touch,) = touches_of("priya.raman@northwind-logistics.com")
    assert (touch.channel, touch.outcome, touch.rep) == ("event", "replied", None)
    assert priya.last_touch_at == touch.at and "salesforce_report_leads.csv" in touch.note
    owen = Lead.get(Lead.first_name == "Owen")
    assert (owen.email, owen.phone_key, owen.source) == ("", "+13125550177", "campaign_inquiry")
    assert {r.owner_id for r in Lead.select()} == {None}  # the pool by default


@pytest.mark.usefixtures("people")
def test_eventbrite_buyer_rows_merge_into_one_lead_with_one_touch_per_order(
    samples: Path,
) -> None:
    report = import_file(samples / "eventbrite_attendee_summary.csv", actor="ann", now=NOW)
    rafael = lead("rafael.costa@costa-distribuidora.br")
    assert rafael.touch_count == 1  # three ticket rows of one order = one registration
    (touch,) = touches_of("rafael.costa@costa-distribuidora.br")
    assert touch.at == datetime(2026, 2, 21, 1, 45, 12)  # 17:45:12-08:00, the dinner order
    assert touch.channel == "event"
    assert rafael.campaign.name == "Supply Chain Summit 2026"
    assert report.campaigns_created == ("Supply Chain Summit 2026",)
    assert rafael.source == "trade_show"


@pytest.mark.usefixtures("people")
def test_web_form_repeat_download_is_a_touch_an_identical_line_is_not(samples: Path) -> None:
    import_file(samples / "webform_content_downloads.tsv", actor="ann", now=NOW)
    lena = lead("lena.vogel@vogel-logistik.de")
    assert lena.touch_count == 1 and lena.campaign.name == "Whitepaper: Inventory Accuracy"
    (touch,) = touches_of("lena.vogel@vogel-logistik.de")
    assert (touch.at, touch.channel) == (datetime(2026, 3, 3, 7, 30, 45), "web")
    assert "Temperature logging" in touch.note
    assert lead("chen.wei@shenzhenparts.cn").touch_count == 0
    assert len(lena.notes) > 3000  # the long answer, whole


@pytest.mark.usefixtures("people")
def test_mailchimp_unsubscribed_contacts_are_do_not_contact_and_never_queued(
    samples: Path,
) -> None:
    import_file(samples / "subscribed_members_export_8f3a2c91d0.csv", actor="ann", now=NOW)
    akira_before = lead("akira.sato@satoelectronics.jp")
    assert not akira_before.do_not_contact
    with pytest.raises(UnusableFile, match="--allow-unsubscribed"):
        import_file(samples / "unsubscribed_members_export_8f3a2c91d0.csv", actor="ann", now=NOW)
    report = import_file(
        samples / "unsubscribed_members_export_8f3a2c91d0.csv", actor="ann", options=ALLOW, now=NOW
    )
    c = report.counts
    assert (c.rows, c.new, c.merged, c.do_not_contact) == (3, 2, 1, 3)
    akira = lead("akira.sato@satoelectronics.jp")
    assert akira.do_not_contact and akira.touch_count == 1
    (touch,) = touches_of("akira.sato@satoelectronics.jp")
    assert (touch.channel, touch.outcome) == ("email", "not_interested")
    gunnar = lead("gunnar.berg@bergtimber.se")
    assert gunnar.do_not_contact and gunnar.next_action_due is None
    queued = queue.queue_ids(QueueFilter(owner=queue.ALL), actor="sue", now=NOW)
    dnc = {r.id for r in Lead.select().where(Lead.do_not_contact == True)}  # noqa: E712
    assert len(dnc) == 3 and not dnc & set(queued)
    assert len(queued) == 4  # the other subscribed contacts


@pytest.mark.usefixtures("people")
def test_cleaned_contacts_touch_as_bounced(samples: Path) -> None:
    import_file(samples / "cleaned_members_export_8f3a2c91d0.csv", actor="ann", options=ALLOW,
                now=NOW)  # fmt: skip
    shah = lead("p.shah@shahimports.co.uk")
    assert shah.do_not_contact and shah.source == "campaign_inquiry"


@pytest.mark.usefixtures("people")
def test_a_row_matching_an_existing_lead_touches_it_and_fills_its_blanks(samples: Path) -> None:
    existing = leads.create_lead(
        NewLead(first_name="Priya", email="priya.raman@northwind-logistics.com", owner="bob"),
        actor="bob",
        now=NOW - timedelta(days=30),
    ).leads[0]
    by_phone = leads.create_lead(
        NewLead(first_name="Owen", last_name="B.", phone="312-555-0177"), actor="ann", now=NOW
    ).leads[0]
    report = import_file(samples / "salesforce_report_leads.csv", actor="ann", now=NOW)
    c = report.counts
    assert (c.new, c.merged, c.rejected) == (5, 3, 2)
    priya = Lead.get_by_id(existing.id)
    assert priya.touch_count == 2 and priya.owner.name == "bob"  # owner kept
    assert (priya.last_name, priya.company, priya.first_name) == (
        "Raman", "Northwind Logistics, Inc.", "Priya")  # fmt: skip
    owen = Lead.get_by_id(by_phone.id)
    assert owen.touch_count == 1 and owen.last_name == "B."  # known values are not overwritten
    assert set(report.merged_ids) == {existing.id, by_phone.id}
    assert check_integrity().ok


@pytest.mark.usefixtures("people")
def test_owner_precedence_owner_round_robin_or_pool(samples: Path) -> None:
    name = "leads_export_it.csv"
    import_file(samples / name, actor="sue", options=ImportOptions(owner="bob"), now=NOW)
    assert {r.owner.name for r in Lead.select()} == {"bob"}
    undo_last(actor="sue")
    import_file(samples / name, actor="sue", options=ImportOptions(round_robin=True), now=NOW)
    fresh = Lead.select().where(Lead.stage != "purged").order_by(Lead.id)
    assert [r.owner.name for r in fresh] == ["ann", "bob", "ann", "bob", "ann"]
    with pytest.raises(Exception, match="cannot own qualifying leads"):
        import_file(samples / "leads_export_fr.csv", actor="sue",
                    options=ImportOptions(owner="sam"), now=NOW)  # fmt: skip


@pytest.mark.usefixtures("people")
def test_source_and_campaign_precedence(samples: Path) -> None:
    # the rows' own sources when no option is given
    import_file(samples / "leads_export_de.csv", actor="ann", now=NOW)
    assert lead("juergen.weiss@weiss-metallbau.de").source == "trade_show"  # "Messe"
    assert lead("doerte.lange@lange-moebel.de").source == "other"  # no source: the format's
    # the option wins over the rows; the campaign is created once
    options = ImportOptions(source="referral", campaign="Spring Expo 2026")  # type: ignore[arg-type]
    report = import_file(samples / "leads_export_fr.csv", actor="ann", options=options, now=NOW)
    amelie = lead("amelie.rousseau@rousseau-transports.fr")
    assert (amelie.source, amelie.campaign.name) == ("referral", "Spring Expo 2026")
    assert report.campaigns_created == ("Spring Expo 2026",)
    # the format's source when neither says
    import_file(samples / "badge_scans_packexpo_2026.csv", actor="ann", now=NOW)
    assert lead("giulia.ferri@ferrialimentari.it").source == "trade_show"


@pytest.mark.usefixtures("people")
def test_importing_the_same_file_twice_adds_nothing_and_says_so(samples: Path) -> None:
    first = import_file(samples / "marketo_leads_export.csv", actor="ann", now=NOW)
    before = (Lead.select().count(), Touch.select().count(), LeadEvent.select().count())
    again = import_file(samples / "marketo_leads_export.csv", actor="bob", now=NOW)
    assert again.already and "already imported" in again.already and "by ann" in again.already
    assert again.counts.summary() == "rows 0, new 0, merged 0, rejected 0"
    assert (Lead.select().count(), Touch.select().count(), LeadEvent.select().count()) == before
    # the same content under another name is the same file
    copy = samples / "copy_of_marketo.csv"
    copy.write_bytes((samples / "marketo_leads_export.csv").read_bytes())
    assert import_file(copy, actor="ann", now=NOW).already
    assert first.run_id is not None


@pytest.mark.usefixtures("people")
def test_undo_takes_a_whole_import_back_and_the_file_can_then_be_imported_again(
    samples: Path,
) -> None:
    existing = leads.create_lead(
        NewLead(email="harper.quinn@tidewater.com"), actor="ann", now=NOW
    ).leads[0]
    report = import_file(samples / "marketo_leads_export.csv", actor="ann", now=NOW)
    assert Lead.get_by_id(existing.id).touch_count == 2
    result = undo_last(actor="ann")
    assert result.batch_id == report.batch_id
    harper = Lead.get_by_id(existing.id)
    assert (harper.touch_count, harper.company, harper.first_touch_at) == (0, "", None)
    assert {r.stage for r in Lead.select().where(Lead.id != existing.id)} == {"purged"}
    assert Touch.select().count() == 0
    assert check_integrity().ok
    again = import_file(samples / "marketo_leads_export.csv", actor="ann", now=NOW)
    assert again.already is None
    assert (again.counts.new, again.counts.merged) == (report.counts.new, report.counts.merged)


@pytest.mark.usefixtures("people")
def test_dry_run_counts_and_writes_nothing(samples: Path) -> None:
    before = (Lead.select().count(), LeadEvent.select().count(), ImportRun.select().count())
    report = import_file(
        samples / "salesforce_report_leads.csv", actor="ann",
        options=ImportOptions(dry_run=True), now=NOW,
    )  # fmt: skip
    assert report.dry_run and report.counts.summary() == (
        "rows 10, new 7, merged 1, rejected 2, skipped 5")  # fmt: skip
    assert (Lead.select().count(), LeadEvent.select().count(), ImportRun.select().count()) == before
    assert not (samples / "salesforce_report_leads.csv.rejects.csv").exists()


@pytest.mark.usefixtures("people")
def test_sales_reps_cannot_import(samples: Path) -> None:
    with pytest.raises(Exception, match="sales"):
        import_file(samples / "leads_export_it.csv", actor="sam", now=NOW)
    assert Lead.select().count() == 0


@pytest.mark.usefixtures("people")
def test_undo_of_a_large_import_takes_every_touch_back(tmp_path: Path) -> None:
    rows = write_file(tmp_path / "first.csv", 2500, seed=3, dup=0, bad=0)
    import_file(tmp_path / "first.csv", actor="ann", now=NOW)
    again = tmp_path / "again.csv"  # the same people a month later: every row is a touch
    with again.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        out.writerows(r[:6] + [r[6].replace("2026-02", "2026-03")] for r in rows)
    report = import_file(again, actor="ann", now=NOW)
    assert (report.counts.merged, report.touches) == (2500, 2500)
    assert Touch.select().count() == 2500
    result = undo_last(actor="ann")
    assert result.message == "undid import of 2500 leads"
    assert Touch.select().count() == 0
    assert set(Lead.select(Lead.touch_count).tuples()) == {(0,)}
    assert check_integrity().ok


@pytest.mark.usefixtures("people")
def test_two_reps_importing_the_same_file_at_once_import_it_once(samples: Path) -> None:
    results: list[str] = []

    def run(actor: str) -> None:
        with db.connection_context():
            report = import_file(samples / "eventbrite_attendee_summary.csv", actor=actor)
            results.append("already" if report.already else report.counts.summary())

    threads = [threading.Thread(target=run, args=(name,)) for name in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["already", "rows 8, new 4, merged 3, rejected 1"]
    assert Lead.select().count() == 4
