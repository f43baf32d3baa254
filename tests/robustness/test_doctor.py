"""`qc-console doctor` finds what went wrong behind the services' back, naming the leads, and
`qc-console backup` makes a copy that is consistent even while someone is writing."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.db.database import db, is_postgres
from qc_console.domain.stages import Rating
from qc_console.domain.values import NewLead
from qc_console.services._rows import utcnow
from qc_console.services.facade import ServiceBackend
from qc_console.services.integrity import check_integrity


@pytest.fixture
def worked(backend: ServiceBackend) -> dict[str, int]:
    """A few leads with touches, qualifications, an incubation and a hand-off; all healthy."""
    ids = [
        backend.create_lead(NewLead(first_name=f"P{i}", email=f"p{i}@example.com")).leads[0].id
        for i in range(4)
    ]
    backend.log_touch(ids[:3], "call", "no_answer")
    backend.log_touch([ids[0]], "email", "replied")
    backend.qualify([ids[1]], Rating.HIGH)
    backend.hand_off([ids[1]], "sam")
    backend.incubate([ids[2]], utcnow() + timedelta(days=30), "later")
    return {"touched": ids[0], "handed": ids[1], "parked": ids[2], "raw": ids[3]}


def test_a_healthy_center_has_nothing_to_report(worked: dict[str, int]) -> None:
    report = check_integrity()
    assert report.ok and report.errors == () and report.black_holes == ()
    assert (report.leads, report.touches) == (4, 4)


CORRUPTIONS = [
    ("raw", "UPDATE lead SET stage = 'won' WHERE id = {id}", "stage does not replay"),
    ("parked", "UPDATE lead SET version = version + 1 WHERE id = {id}", "version out of step"),
    (
        "touched",
        "DELETE FROM touch WHERE id = (SELECT MAX(id) FROM touch WHERE lead_id = {id})",
        "touch counters out of step",
    ),  # fmt: skip
    ("touched", "UPDATE lead SET touch_count = 7 WHERE id = {id}", "touch counters out of step"),
    (
        "touched",
        "UPDATE touch SET at = {earlier} WHERE lead_id = {id}",
        "touch counters out of step",
    ),  # fmt: skip
    (
        "handed",
        "DELETE FROM batch WHERE id = (SELECT MAX(batch_id) FROM lead_event WHERE lead_id = {id})",
        "events in a missing batch",
    ),  # fmt: skip
    (
        "parked",
        "UPDATE lead_event SET actor_id = 9999 WHERE lead_id = {id}",
        "events by an unknown",
    ),
]


@pytest.mark.parametrize(("which", "sql", "kind"), CORRUPTIONS)
def test_a_change_made_behind_the_services_back_is_an_error_naming_the_lead(
    worked: dict[str, int], which: str, sql: str, kind: str
) -> None:
    lead_id = worked[which]
    earlier = "at - INTERVAL '1 day'" if is_postgres() else "datetime(at, '-1 day')"
    sql = sql.format(id=lead_id, earlier=earlier)
    with _without_foreign_keys():
        db.execute_sql(sql)

    report = check_integrity()

    assert not report.ok
    found = [f for f in report.errors if f.kind.startswith(kind)]
    assert found and lead_id in found[0].lead_ids, report.errors


@pytest.mark.parametrize(
    ("which", "sql", "kind"),
    [
        ("raw", "UPDATE lead SET next_action_due = NULL WHERE id = {id}", "without a next action"),
        ("parked", "UPDATE lead SET resurface_on = NULL WHERE id = {id}", "without a resurface"),
        ("handed", "UPDATE lead SET sales_owner_id = NULL WHERE id = {id}", "without a sales"),
        ("raw", "UPDATE rep SET active = {false} WHERE name = 'ann'", "inactive rep"),
    ],
)
def test_an_open_lead_nobody_will_come_back_to_is_a_black_hole(
    worked: dict[str, int], which: str, sql: str, kind: str
) -> None:
    db.execute_sql(sql.format(id=worked[which], false="false" if is_postgres() else "0"))

    report = check_integrity()

    assert report.ok  # a black hole is work to do, not corruption
    found = [f for f in report.black_holes if kind in f.kind]
    assert found and worked[which] in found[0].lead_ids, report.black_holes


class _without_foreign_keys:
    """Let a test break a reference the way a crashed tool or a hand edit could."""

    def __enter__(self) -> None:
        if is_postgres():
            db.execute_sql("SET session_replication_role = replica")
        else:
            db.execute_sql("PRAGMA foreign_keys = OFF")

    def __exit__(self, *exc: object) -> None:
        if is_postgres():
            db.execute_sql("SET session_replication_role = DEFAULT")
        else:
            db.execute_sql("PRAGMA foreign_keys = ON")


# --- the commands (SQLite) ---------------------------------------------------------------


@pytest.fixture
def center(tmp_path: Path) -> tuple[CliRunner, dict[str, str | None], Path]:
    path = tmp_path / "qc.sqlite"
    env = {"QC_DATABASE_URL": f"sqlite:///{path}", "QC_REP": "sue",
           "QC_CONFIG": str(tmp_path / "absent.toml")}  # fmt: skip
    runner = CliRunner()
    for args in (["init"], ["rep", "add", "sue", "--role", "supervisor"]):
        assert runner.invoke(cli, args, env=env).exit_code == 0
    for i in range(3):
        add = ["add", "--first", f"P{i}", "--last", "L", "--company", "Co", "--stage", "raw"]
        assert runner.invoke(cli, [*add, "--email", f"p{i}@x.com"], env=env).exit_code == 0
    return runner, env, path


def test_doctor_says_ok_or_names_the_problem_and_exits_1(
    center: tuple[CliRunner, dict[str, str | None], Path],
) -> None:
    runner, env, path = center
    ok = runner.invoke(cli, ["doctor"], env=env)
    assert (ok.exit_code, ok.output.splitlines()) == (0, ["leads 3, events 3, touches 0", "ok"])

    with sqlite3.connect(path) as con:
        con.execute("UPDATE lead SET stage = 'won' WHERE id = 2")
        con.execute("UPDATE lead SET next_action_due = NULL WHERE id = 3")
    bad = runner.invoke(cli, ["doctor"], env=env)

    assert bad.exit_code == 1
    assert "ERROR: stage does not replay from events: 1" in bad.output and "#2" in bad.output
    assert "black hole: open lead without a next action: 1" in bad.output and "#3" in bad.output
    with sqlite3.connect(path) as con:
        con.execute("UPDATE lead SET stage = 'raw' WHERE id = 2")
    holes = runner.invoke(cli, ["doctor", "--ignore-black-holes"], env=env)
    assert holes.exit_code == 0 and "ERROR" not in holes.output


def test_backup_while_someone_writes_copies_only_what_was_committed(
    center: tuple[CliRunner, dict[str, str | None], Path], tmp_path: Path
) -> None:
    runner, env, path = center
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE lead SET stage = 'won' WHERE id = 1")  # not committed, no event

    copy = tmp_path / "copy.sqlite"
    result = runner.invoke(cli, ["backup", str(copy)], env=env)
    writer.execute("ROLLBACK")
    writer.close()

    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as a, sqlite3.connect(copy) as b:
        assert list(a.iterdump()) == list(b.iterdump())
    doctor = runner.invoke(cli, ["--db", f"sqlite:///{copy}", "doctor"], env=env)
    assert doctor.exit_code == 0 and doctor.output.endswith("ok\n")
    again = runner.invoke(cli, ["backup", str(copy)], env=env)
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_backup_on_postgresql_points_to_pg_dump(people: str, tmp_path: Path) -> None:
    if not is_postgres():
        pytest.skip("the SQLite backup is tested above")
    env = {"QC_REP": None, "QC_CONFIG": str(tmp_path / "absent.toml")}
    result = CliRunner().invoke(cli, ["--db", people, "backup", str(tmp_path / "x")], env=env)
    assert result.exit_code == 2 and "pg_dump" in result.stderr
    assert not (tmp_path / "x").exists()
