"""`qc-console act ACTION`: every action by ids or filter, all-or-nothing, dry runs, undo."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qc_console.domain.when import utc_to_local
from qc_console.services import _apply
from tests.cli.conftest import QC


def ids(*numbers: int) -> str:
    return ",".join(map(str, numbers))


@pytest.fixture
def leads(center: QC) -> list[int]:
    """Ann's leads: two raw (one from a referral), two qualified high."""
    return [
        center.add("Rae", "--stage", "raw", "--source", "referral"),
        center.add("Rob", "--stage", "raw"),
        center.add("Quinn"),
        center.add("Quincy"),
    ]


def handed_off(qc: QC, *lead_ids: int) -> None:
    qc.ok("act", "hand-off", "--to", "sam", "--ids", ids(*lead_ids), rep="ann")


def test_qualify_by_ids_prints_the_summary_and_batch(center: QC, leads: list[int]) -> None:
    result = center.ok("act", "qualify", "--rating", "medium", "--ids", ids(*leads[:2]), rep="ann")
    assert result.stdout.startswith("qualify: 2 lead(s) (batch ")
    assert [center.lead(i).rating for i in leads[:2]] == ["medium", "medium"]
    assert center.lead(leads[0]).stage == "qualified"


def test_a_refused_move_refuses_all_exit_1_and_writes_nothing(center: QC, leads: list[int]) -> None:
    before = center.dump()
    result = center("act", "hand-off", "--to", "sam", "--ids", ids(*leads), rep="ann")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"lead #{leads[0]} (Rae Test): cannot move raw → handed_off" in result.stderr
    assert result.stdout == ""
    assert center.dump() == before


def test_skip_refused_acts_on_the_rest_and_lists_them(center: QC, leads: list[int]) -> None:
    result = center.ok(
        "act", "hand-off", "--to", "sam", "--ids", ids(*leads), "--skip-refused", rep="ann"
    )
    assert result.stdout.startswith("hand off: 2 lead(s), 2 left out")
    assert result.stderr.count("left out:") == 2
    assert [center.lead(i).stage for i in leads] == ["raw", "raw", "handed_off", "handed_off"]


def test_dry_run_previews_and_writes_nothing(center: QC, leads: list[int]) -> None:
    before = center.dump()
    result = center("act", "hand-off", "--to", "sam", "--ids", ids(*leads), "--dry-run", rep="ann")
    assert result.exit_code == 1  # the real run would be refused
    lines = result.stdout.splitlines()
    assert lines[0] == "dry run: hand off 4 lead(s): 2 can, 2 cannot"
    assert lines[1] == "  by stage: qualified 2, raw 2"
    assert sum(line.startswith("  cannot: lead #") for line in lines) == 2
    assert lines[-1] == "nothing was written (dry run)"
    ok = center("act", "hand-off", "--to", "sam", "--ids", ids(*leads[2:]), "--dry-run", rep="ann")
    assert ok.exit_code == 0 and "2 can, 0 cannot" in ok.stdout
    assert center.dump() == before


@pytest.mark.parametrize(
    "args",
    [
        ["touch", "--channel", "call", "--outcome", "no_answer"],
        ["accept"],
        ["reject", "--reason", "x"],
        ["outcome", "won"],
        ["incubate", "--days", "5"],
        ["reassign", "--to", "pool"],
    ],
)
def test_dry_run_of_every_kind_writes_nothing(
    center: QC, leads: list[int], args: list[str]
) -> None:
    handed_off(center, leads[3])
    rep = "sam" if args[0] in ("accept", "reject", "outcome") else "ann"
    if rep == "sam":  # a lead sam can see (on PostgreSQL a login sees only its hand-offs)
        handed_off(center, leads[2])
        center.ok("act", "accept", "--ids", str(leads[2]), rep="sam")
    before = center.dump()
    result = center("act", *args, "--ids", ids(leads[3], leads[2]), "--dry-run", rep=rep)
    assert result.exit_code in (0, 1), result.output
    assert result.stdout.startswith("dry run: ") and "nothing was written" in result.stdout
    assert center.dump() == before


def test_filter_selects_from_the_queue(center: QC, leads: list[int]) -> None:
    result = center.ok(
        "act", "qualify", "--rating", "low", "--filter", "stage=raw source=referral", rep="ann"
    )
    assert result.stdout.startswith(f"qualify: #{leads[0]} Rae Test → qualified (low)")
    assert center.lead(leads[1]).stage == "raw"
    empty = center.ok("act", "qualify", "--rating", "low", "--filter", "text=nobody", rep="ann")
    assert "nothing to do" in empty.stdout


def test_filter_owner_star_is_for_supervisors(center: QC, leads: list[int]) -> None:
    bobs = center.add("Bobby", "--stage", "raw", rep="bob")
    result = center.ok("act", "reassign", "--to", "bob", "--filter", "owner=* stage=raw", rep="sue")
    assert result.stdout.startswith("reassign: 3 lead(s)")
    assert [center.lead(i).owner for i in (leads[0], leads[1], bobs)] == ["bob"] * 3
    assert center.lead(leads[2]).owner == "ann"  # qualified: not selected
    refused = center("act", "qualify", "--rating", "low", "--filter", "owner=*", rep="ann")
    assert refused.exit_code == 1 and "every rep's queue" in refused.stderr


@pytest.mark.parametrize(
    ("args", "token"),
    [
        (["--filter", "stage=rawish"], "'rawish'"),
        (["--filter", "colour=red"], "'colour'"),
        (["--filter", 'text="open'], "quotation"),
        (["--ids", "1,two"], "'two'"),
        ([], "--ids"),
        (["--ids", "1", "--filter", "overdue"], "one of them"),
    ],
)
def test_bad_selection_is_exit_2_with_one_line(
    center: QC, leads: list[int], args: list[str], token: str
) -> None:
    result = center("act", "qualify", "--rating", "low", *args, rep="ann")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and token in result.stderr


def test_the_sales_path_accept_outcome_and_reject(center: QC, leads: list[int]) -> None:
    handed_off(center, leads[2], leads[3])
    accepted = center.ok("act", "accept", "--ids", str(leads[2]), "--amount", "5000", rep="sam")
    assert accepted.stdout.startswith(f"accept: #{leads[2]} Quinn Test → accepted (batch ")
    center.ok("act", "outcome", "won", "--amount", "7000", "--ids", str(leads[2]), rep="sam")
    won = center.lead(leads[2])
    assert (won.stage, won.amount) == ("won", 7000.0)
    center.ok(
        "act", "reject", "--reason", "no budget", "--recycle-to", "incubating",
        "--ids", str(leads[3]), rep="sam",
    )  # fmt: skip
    rejected = center.lead(leads[3])
    assert (rejected.stage, rejected.reason) == ("incubating", "no budget")


def test_role_refusal_is_exit_1(center: QC, leads: list[int]) -> None:
    handed_off(center, leads[2])
    before = center.dump()
    result = center("act", "accept", "--ids", str(leads[2]), rep="ann")
    assert result.exit_code == 1 and "sales rep's call" in result.stderr
    assert center.dump() == before


def test_unknown_lead_is_exit_1(center: QC, leads: list[int]) -> None:
    result = center("act", "purge", "--reason", "duplicate", "--ids", "999", rep="ann")
    assert result.exit_code == 1 and "#999 does not exist" in result.stderr


def test_touch_and_next_action(center: QC, leads: list[int]) -> None:
    center.ok(
        "act", "touch", "--channel", "voicemail", "--outcome", "left_voicemail",
        "--note", "left a message", "--ids", ids(*leads[:2]), rep="ann",
    )  # fmt: skip
    lead = center.lead(leads[0])
    assert (lead.touch_count, lead.voicemail_count) == (1, 1)
    assert "1/6" in center.ok("queue", "--filter", f"ids={leads[0]}", rep="ann").stdout
    center.ok(
        "act", "next-action", "--due", "2030-05-06 14:30", "--note", "call back",
        "--ids", str(leads[0]), rep="ann",
    )  # fmt: skip
    lead = center.lead(leads[0])
    assert lead.next_action_due is not None
    assert utc_to_local(lead.next_action_due) == datetime(2030, 5, 6, 14, 30)
    assert lead.next_action_note == "call back"


def test_incubate_by_days_until_and_resurface_due(center: QC, leads: list[int]) -> None:
    center.ok(
        "act", "incubate", "--days", "10", "--reason", "q3", "--ids", str(leads[0]), rep="ann"
    )
    center.ok("act", "incubate", "--until", "2031-01-02", "--ids", str(leads[1]), rep="ann")
    by_days, by_date = center.lead(leads[0]), center.lead(leads[1])
    assert by_days.stage == "incubating" and by_days.reason == "q3"
    assert by_days.resurface_on is not None and by_date.resurface_on is not None
    assert (by_days.resurface_on - datetime.now()).days in range(8, 11)
    assert utc_to_local(by_date.resurface_on) == datetime(2031, 1, 2, 9, 0)
    both = center("act", "incubate", "--days", "3", "--until", "fri", "--ids", "1", rep="ann")
    assert both.exit_code == 2 and "not both" in both.stderr
    bad = center("act", "incubate", "--until", "someday", "--ids", "1", rep="ann")
    assert bad.exit_code == 2 and "'someday'" in bad.stderr
    # nothing is due yet
    assert center.ok("act", "resurface-due", rep="sue").stdout.startswith("resurface: 0 lead(s)")


def test_purge_reason_codes(center: QC, leads: list[int]) -> None:
    center.ok("act", "purge", "--reason", "do_not_contact", "--ids", str(leads[0]), rep="ann")
    assert center.lead(leads[0]).do_not_contact
    other = center("act", "purge", "--reason", "other", "--ids", str(leads[1]), rep="ann")
    assert other.exit_code == 2 and "needs a note" in other.stderr
    center.ok(
        "act", "purge", "--reason", "other", "--note", "moved", "--ids", str(leads[1]), rep="ann"
    )
    assert center.lead(leads[1]).stage == "purged"


def test_reassign_round_robin_pool_and_weighted(center: QC, leads: list[int]) -> None:
    center.ok("act", "reassign", "--to", "bob", "--to", "pool", "--ids", ids(*leads), rep="sue")
    assert [center.lead(i).owner for i in leads] == ["bob", None, "bob", None]
    center.add("Extra", "--owner", "ann", rep="sue")  # ann: 1 open lead, bob: 2
    center.ok(
        "act", "reassign", "--to", "ann", "--to", "bob", "--weighted",
        "--ids", ids(leads[1], leads[3]), rep="sue",
    )  # fmt: skip
    assert [center.lead(i).owner for i in (leads[1], leads[3])] == ["ann", "ann"]
    mine = center("act", "reassign", "--to", "bob", "--ids", str(leads[1]), rep="ann")
    assert mine.exit_code == 1 and "pool" in mine.stderr


def test_claim_next_takes_from_the_pool(center: QC, leads: list[int]) -> None:
    center.ok("act", "reassign", "--to", "pool", "--ids", str(leads[2]), rep="sue")
    result = center.ok("act", "claim-next", rep="bob")
    assert result.stdout.startswith(f"claimed #{leads[2]} Quinn Test (batch ")
    assert center.lead(leads[2]).owner == "bob"
    assert center.ok("act", "claim-next", rep="bob").stdout == "the pool is empty\n"


def test_undo_reverts_the_last_bulk_action_then_has_nothing_left(
    center: QC, leads: list[int]
) -> None:
    refused = center("act", "purge", "--reason", "no_budget", "--ids", ids(*leads), rep="bob")
    # on PostgreSQL row-level security hides ann's leads from bob's login altogether
    why = "does not exist or is not visible to your login" if center.on_pg else "belongs to ann"
    assert refused.exit_code == 1 and why in refused.stderr
    # the refusal wrote nothing, so bob has nothing to undo
    nothing = center("act", "undo", rep="bob")
    assert nothing.exit_code == 1 and "nothing to undo" in nothing.stderr

    center.ok("act", "purge", "--reason", "no_budget", "--ids", ids(*leads), rep="ann")
    assert {center.lead(i).stage for i in leads} == {"purged"}
    result = center.ok("act", "undo", rep="ann")
    assert result.stdout.startswith("undid purge of 4 leads (batch ")
    assert [center.lead(i).stage for i in leads] == ["raw", "raw", "qualified", "qualified"]


def test_db_and_rep_after_the_action(center: QC, leads: list[int]) -> None:
    result = center(
        "act", "qualify", "--rating", "low", "--ids", str(leads[0]), *center.who("ann"), db=False
    )
    assert result.exit_code == 0, result.output
    assert center.lead(leads[0]).rating == "low"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(junk=st.text(max_size=40))
def test_any_filter_text_gives_a_clean_exit(center: QC, junk: str) -> None:
    result = center("act", "qualify", "--rating", "low", "--filter", junk, "--dry-run", rep="ann")
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1


def test_a_big_batch_by_a_rep_login_goes_in_despite_row_level_security(
    center: QC, leads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Team mode: PostgreSQL refuses COPY under row-level security, so a rep's big batch
    falls back to INSERTs (here "big" is made 1 lead)."""
    monkeypatch.setattr(_apply, "COPY_FROM", 1)
    result = center.ok("act", "qualify", "--rating", "high", "--ids", ids(*leads[:2]), rep="ann")
    assert result.stdout.startswith("qualify: 2 lead(s) (batch ")
    assert [center.lead(i).rating for i in leads[:2]] == ["high", "high"]
