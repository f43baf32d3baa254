"""`init`, `rep`, `add`, `queue`, `seed`, `demo`: what a user sees and what lands in the DB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import QC


def test_init_creates_then_reports_up_to_date(qc: QC) -> None:
    first = qc.ok("init")
    assert first.stdout.startswith("applied 0001_initial")
    assert qc.ok("init").stdout == "schema up to date\n"


def test_a_bad_database_url_is_one_line_exit_2(qc: QC) -> None:
    qc.sqlite_only("no database is opened: the SQLite run covers it")
    result = qc("--db", "mysql://x", "init", db=False)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "sqlite:///" in result.stderr


def test_rep_list_is_name_then_role_one_a_line(center: QC) -> None:
    center.ok("rep", "add", "Łukasz Długi", "--role", "rep", "--email", "l@example.com")
    lines = center.ok("rep", "list").stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ann", "bob", "sam", "sue", "tia", "Łukasz"]
    assert lines[0].split() == ["ann", "rep"]
    assert lines[3].split() == ["sue", "supervisor"]
    assert lines[5].split() == ["Łukasz", "Długi", "rep"]
    # the roles start in one column
    assert len({line.index(line.split()[-1]) for line in lines[:5]}) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ann", "--role", "rep"], "already exists"),
        (["zed", "--role", "boss"], "'boss' is not one of"),
    ],
)
def test_rep_add_refusals(center: QC, args: list[str], message: str) -> None:
    result = center("rep", "add", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_add_prints_only_the_id_and_creates_a_qualified_lead(center: QC) -> None:
    result = center.ok(
        "add", "--first", "Zoë", "--last", "Ng", "--email", "zoe@example.com", "--phone",
        "+1 555 0100", "--company", "Acme", "--title", "CTO", rep="ann",
    )  # fmt: skip
    lead_id = int(result.stdout)
    assert "created" in result.stderr
    lead = center.lead(lead_id)
    assert (lead.stage, lead.rating, lead.source, lead.owner) == (
        "qualified",
        "high",
        "sales_prospecting",
        "ann",
    )
    assert (lead.first_name, lead.company, lead.title) == ("Zoë", "Acme", "CTO")


def test_add_options(center: QC) -> None:
    lead_id = center.add(
        "Raw", "--stage", "raw", "--source", "referral", "--owner", "bob", rep="sue"
    )
    lead = center.lead(lead_id)
    assert (lead.stage, lead.rating, lead.source, lead.owner) == ("raw", None, "referral", "bob")
    rated = center.lead(center.add("Low", "--rating", "low"))
    assert rated.rating == "low"


@pytest.mark.parametrize(
    ("args", "rep", "code", "message"),
    [
        (["--email", "dup@example.com"], "ann", 1, "already exists"),
        (["--email", "not-an-email"], "ann", 2, "not a valid address"),
        ([], "ann", 2, "needs an email or a phone"),
        (["--email", "new@example.com"], "sam", 1, "sales"),
        (["--email", "new@example.com", "--campaign", "Nope"], "ann", 2, "no campaign"),
        (["--email", "new@example.com"], "nobody", 1, "no rep named 'nobody'"),
    ],
)
def test_add_refusals(center: QC, args: list[str], rep: str, code: int, message: str) -> None:
    center.add("Dup", "--email", "dup@example.com") if "dup@example.com" in args else None
    if center.on_pg and rep == "nobody":  # the identity is the login: there is none
        code, message = 2, 'role "nobody" does not exist'
    before = center.dump()
    base = ["add", "--first", "A", "--last", "B", "--company", "C"]
    result = center(*base, *args, rep=rep)
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert center.dump() == before


def test_commands_that_act_need_a_rep(center: QC) -> None:
    result = center("queue")
    if center.on_pg:  # the admin's login (postgres) has no rep row
        assert result.exit_code == 1
        assert "no rep named 'postgres'" in result.stderr
    else:
        assert result.exit_code == 2
        assert "--rep" in result.stderr
    assert result.stderr.count("\n") == 1


def test_db_and_rep_may_follow_the_subcommand(center: QC) -> None:
    lead_id = center.add("Late")
    result = center("queue", *center.who("ann"), db=False)
    assert result.exit_code == 0, result.output
    assert str(lead_id) in result.stdout
    # and they override the ones before it
    again = center(*center.who("sam"), "queue", *center.who("ann"), db=False)
    assert again.stdout == result.stdout


def test_rep_is_refused_on_postgres(center: QC) -> None:
    if not center.on_pg:
        pytest.skip("PostgreSQL only: on SQLite --rep names the acting rep")
    result = center("--rep", "ann", "queue")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--rep/QC_REP cannot be used with PostgreSQL" in result.stderr


def _table(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    assert lines[0].startswith("overdue ")  # the counts line
    assert lines[1].split()[:3] == ["id", "name", "company"]
    return [line for line in lines[2:] if not line.startswith("more: ")]


def _row_id(row: str) -> int:
    return int(row[3:].split()[0])  # after the priority marker and its gap


def test_queue_prints_an_aligned_table_in_priority_order(center: QC) -> None:
    later = center.add("Later")
    overdue = center.add("Overdue", "--rating", "low")
    center.ok("act", "next-action", "--due", "+3d", "--ids", str(later), rep="ann")
    center.ok("act", "next-action", "--due", "2020-01-02 10:00", "--ids", str(overdue), rep="ann")
    out = center.ok("queue", rep="ann").stdout
    header, rows = out.splitlines()[1], _table(out)
    assert [_row_id(r) for r in rows] == [overdue, later]
    assert rows[0].startswith("!") and rows[1].startswith(" ")
    assert "qualified/low" in rows[0] and "0/6" in rows[0]
    assert "2020-01-02 10:00" in rows[0]  # local time, as typed
    assert rows[0].index("Overdue Test") == rows[1].index("Later Test") == header.index("name")
    assert rows[1].index("qualified/high") == header.index("stage")
    assert "overdue 1 " in out.splitlines()[0]


def test_queue_prints_data_literally_and_escapes_control_characters(center: QC) -> None:
    center.ok(
        "add", "--first", "\x1b[31mRed", "--last", "[red]X[/]", "--email",
        "h@example.com", "--company", "=HYPERLINK(\"x\")\u202e", rep="ann",
    )  # fmt: skip
    out = center.ok("queue", rep="ann").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[31mRed [red]X[/]" in out
    assert '=HYPERLINK("x")\\u202e' in out


def test_queue_paging_filter_and_empty(center: QC) -> None:
    ids = [center.add(f"P{i}", "--source", "referral" if i % 2 else "other") for i in range(5)]
    first = center.ok("queue", "--limit", "2", rep="ann").stdout
    assert len(_table(first)) == 2 and first.splitlines()[-1] == "more: --offset 2"
    last = center.ok("queue", "--limit", "2", "--offset", "4", rep="ann").stdout
    assert len(_table(last)) == 1 and "more:" not in last
    referral = _table(center.ok("queue", "--filter", "source=referral", rep="ann").stdout)
    assert sorted(_row_id(r) for r in referral) == [ids[1], ids[3]]
    assert "no leads" in center.ok("queue", "--filter", "text=nobody", rep="ann").stdout


def test_queue_bad_filter_is_exit_2_one_line(center: QC) -> None:
    result = center("queue", "--filter", "colour=red", rep="ann")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "'colour'" in result.stderr


def test_cli_import_does_not_load_the_ui() -> None:
    code = "import sys, qc_console.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- seed and demo --------------------------------------------------------------------------


def _seed_ready() -> bool:
    """`services.seed` is written by another helper; these tests wait for it."""
    try:
        from qc_console.services.seed import seed_demo  # noqa: F401
    except ImportError:
        return False
    return True


def test_seed_prints_one_summary_line_and_refuses_a_second_time(qc: QC) -> None:
    if not _seed_ready():
        pytest.skip("qc_console.services.seed.seed_demo does not exist yet")
    qc.ok("init")
    result = qc.ok("seed", "--leads", "120", "--seed", "3")
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("seeded 120 leads")
    again = qc("seed", "--leads", "120")
    assert again.exit_code == 2 and again.stderr.count("\n") == 1


def test_demo_uses_its_own_database_and_prints_the_queue_without_a_terminal(
    qc: QC, tmp_path: Path
) -> None:
    qc.sqlite_only("without --db the demo builds its own SQLite file")
    result = qc("demo", db=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "qc-console" / "demo.sqlite").exists()
    assert not (tmp_path / "data" / "qc-console" / "qc-console.sqlite").exists()
    assert result.stdout.startswith("overdue ")
    if _seed_ready():
        assert len(result.stdout.splitlines()) > 10
        # the second run does not build it again
        assert "building" not in qc("demo", db=False).stderr


def test_demo_on_a_named_database(qc: QC) -> None:
    if qc.on_pg:  # the demo acts as its demo rep: team mode has logins, so it says what to do
        qc.ok("init")
        before = qc.dump()
        result = qc("demo")
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert "qc-console seed" in result.stderr
        assert qc.dump() == before
        return
    result = qc("demo")
    assert result.exit_code == 0, result.output
    assert qc.path is not None and qc.path.exists()
