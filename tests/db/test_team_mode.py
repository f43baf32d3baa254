"""Team mode on PostgreSQL: each person is a database login, and row-level security enforces
who may read and change what, even for raw SQL; the services give the clear messages."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qc_console.cli import cli
from qc_console.db.database import close_database
from qc_console.domain.errors import DomainError, DuplicateLead, NotAllowed
from qc_console.domain.stages import Stage
from qc_console.domain.values import NewLead, QueueFilter
from qc_console.services.facade import ServiceBackend, open_backend
from tests import pg

ADMIN = "qc_admin"
PEOPLE = [("ann", "rep"), ("bob", "rep"), ("sue", "supervisor"), ("sam", "sales")]
_emails = itertools.count(1)


@dataclass
class Team:
    """A team-mode database owned by a non-superuser admin login, with four people."""

    server: pg.Server
    name: str

    def url(self, login: str) -> str:
        return self.server.url(self.name, user=login)

    def qc(self, *args: str, login: str = ADMIN, env: dict[str, str] | None = None) -> Result:
        """`qc-console --db URL-of-login ARGS…`, isolated from the user's settings."""
        isolated: dict[str, str | None] = {"QC_REP": None, "QC_CONFIG": "/nonexistent/qc.toml"}
        return CliRunner().invoke(
            cli, ["--db", self.url(login), *args], env={**isolated, **(env or {})}
        )

    def as_(self, login: str) -> ServiceBackend:
        """The services as `login` acts: no rep named, the database says who it is."""
        return open_backend(self.url(login))

    def sql(self, login: str, query: str, params: tuple[Any, ...] = ()) -> Any:
        """Run raw SQL as `login` in its own connection; returns (rowcount, rows)."""
        import psycopg2

        con = psycopg2.connect(self.url(login))
        try:
            with con, con.cursor() as cur:
                cur.execute(query, params)
                rows = cur.fetchall() if cur.description else []
                return cur.rowcount, rows
        finally:
            con.close()

    def lead(self, owner: str | None, stage: str = "raw") -> int:
        """A lead created by sue for `owner` (None: the pool), then moved to `stage`."""
        n = next(_emails)
        sue = self.as_("sue")
        new = NewLead(
            first_name=f"Lead{n}",
            last_name="Test",
            email=f"lead{n}@example.com",
            company="Co",
            owner=owner or "sue",
        )
        lead_id = sue.create_lead(new).leads[0].id
        if owner is None:
            sue.reassign([lead_id], None)
        if stage in ("qualified", "handed_off"):
            sue.qualify([lead_id], "high")
        if stage == "handed_off":
            sue.hand_off([lead_id], "sam")
        return lead_id


@pytest.fixture(scope="module")
def team(request: pytest.FixtureRequest) -> Iterator[Team]:
    if "postgres" not in pg.engines():  # QC_REQUIRE_PG=1 always includes it
        pytest.skip(
            "PostgreSQL tests are off (no binaries in /usr/lib/postgresql/*/bin, or QC_TEST_PG=0)"
        )
    srv = pg.server(request)  # skips with the reason, or fails when PostgreSQL is required
    srv.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ADMIN}') THEN"
        f" CREATE ROLE {ADMIN} LOGIN CREATEROLE; END IF; END $$"
    )
    name = srv.create_database()
    srv.execute(f'ALTER DATABASE "{name}" OWNER TO {ADMIN}')  # the admin is no superuser
    t = Team(srv, name)
    result = t.qc("team", "init")
    assert result.exit_code == 0, result.output
    for login, role in PEOPLE:
        result = t.qc("team", "add-rep", login, "--role", role)
        assert result.exit_code == 0, result.output
    yield t
    close_database()
    srv.drop_database(name)


@pytest.fixture
def leads(team: Team) -> dict[str, int]:
    return {"ann": team.lead("ann"), "bob": team.lead("bob"), "pool": team.lead(None)}


def test_a_reps_login_cannot_read_or_change_another_reps_lead_with_raw_sql(
    team: Team, leads: dict[str, int]
) -> None:
    import psycopg2.errors

    bob = leads["bob"]
    assert team.sql("ann", "SELECT id FROM lead WHERE id = %s", (bob,)) == (0, [])
    assert team.sql("ann", "SELECT id FROM touch WHERE lead_id = %s", (bob,)) == (0, [])
    assert team.sql("ann", "SELECT id FROM lead_event WHERE lead_id = %s", (bob,)) == (0, [])
    assert team.sql("ann", "SELECT value FROM lead_key WHERE lead_id = %s", (bob,)) == (0, [])
    assert team.sql("sue", "SELECT lead_id FROM lead_key WHERE lead_id = %s", (bob,))[1] == [(bob,)]
    assert team.sql("ann", "UPDATE lead SET notes = 'mine' WHERE id = %s", (bob,))[0] == 0
    visible = {r[0] for r in team.sql("ann", "SELECT id FROM lead")[1]}
    assert {leads["ann"], leads["pool"]} <= visible and bob not in visible
    # The owner sees it; the lead is untouched.
    assert team.sql("bob", "SELECT notes FROM lead WHERE id = %s", (bob,))[1] == [("",)]

    for statement in ("UPDATE lead_event SET kind = 'x'", "DELETE FROM lead_event"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            team.sql("ann", statement)
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            team.sql("sue", statement)  # insert-only for supervisors too
    forged = (
        "INSERT INTO lead_event (lead_id, actor_id, at, kind, data)"
        " VALUES (%s, (SELECT id FROM rep WHERE name = %s), now(), 'note', '{}')"
    )
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="row-level security"):
        team.sql("ann", forged, (bob, "ann"))
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="row-level security"):
        team.sql("ann", forged, (leads["ann"], "bob"))  # nor in someone else's name
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="row-level security"):
        team.sql("ann", "UPDATE lead SET owner_id = owner_id + 1 WHERE id = %s", (leads["ann"],))


def test_a_rep_works_through_the_services_as_their_login(team: Team, leads: dict[str, int]) -> None:
    ann = team.as_("ann")
    assert ann.actor == "ann"
    assert ann.whoami().name == "ann"
    assert {r.name for r in ann.reps()} >= {"ann", "bob", "sue", "sam"}  # names resolve
    queue = {v.id for v in ann.queue_page(QueueFilter()).rows}
    assert leads["ann"] in queue and leads["bob"] not in queue

    token = ann.change_token()
    result = ann.qualify([leads["ann"]], "high")
    assert result.leads[0].stage == Stage.QUALIFIED
    assert [e.kind for e in ann.lead_detail(leads["ann"]).events][:2] == ["qualify", "create"]
    assert ann.changed_since(token) == [leads["ann"]]
    ann.log_touch([leads["ann"]], "call", "connected", "spoke to them")
    assert ann.lead_detail(leads["ann"]).lead.touch_count == 1

    claimed = ann.claim_next()
    assert [v.owner for v in claimed.leads] == ["ann"]
    assert ann.undo().action == "claim"  # her own batches are hers to undo
    assert ann.lead_detail(claimed.leads[0].id).lead.owner is None
    assert ann.undo().action == "touch"  # undo deletes the touch row it added
    assert ann.lead_detail(leads["ann"]).lead.touch_count == 0

    handed = ann.hand_off([leads["ann"]], "sam").leads[0]
    assert (handed.stage, handed.owner, handed.sales_owner) == (Stage.HANDED_OFF, "ann", "sam")
    released = ann.claim_next().leads[0].id
    assert ann.reassign([released], None).leads[0].owner is None  # back to the pool

    for act in (
        lambda: ann.qualify([leads["bob"]], "low"),
        lambda: ann.reassign([leads["bob"]], "ann"),
        lambda: ann.lead_detail(leads["bob"]),
    ):
        with pytest.raises(DomainError, match=f"#{leads['bob']}"):
            act()
    with pytest.raises(NotAllowed, match="cannot give"):
        ann.reassign([released], "bob")
    with pytest.raises(NotAllowed, match="cannot create a lead for bob"):
        ann.create_lead(NewLead(email="new-for-bob@example.com", owner="bob"))
    bob_email = team.as_("sue").lead_detail(leads["bob"]).lead.email
    with pytest.raises(DuplicateLead, match=f"#{leads['bob']}"):
        team.as_("ann").create_lead(NewLead(email=bob_email))  # hidden, but still a duplicate


def test_a_supervisor_sees_and_moves_every_lead(team: Team, leads: dict[str, int]) -> None:
    sue = team.as_("sue")
    everyone = {v.id for v in sue.queue_page(QueueFilter(owner="*")).rows}
    assert set(leads.values()) <= everyone
    sue.reassign([leads["bob"]], "ann")
    assert leads["bob"] in {v.id for v in team.as_("ann").queue_page(QueueFilter()).rows}


def test_sales_works_only_the_leads_handed_to_them(team: Team) -> None:
    accepted, rejected = team.lead("ann", "handed_off"), team.lead("bob", "handed_off")
    unrelated = team.lead("bob", "qualified")
    sam = team.as_("sam")
    assert sam.actor == "sam"
    visible = {r[0] for r in team.sql("sam", "SELECT id FROM lead")[1]}
    assert {accepted, rejected} <= visible and unrelated not in visible
    assert sam.accept([accepted], amount=5000).leads[0].stage == Stage.ACCEPTED
    # A rejection gives the lead back: sam's event is written and sam can still undo it.
    assert sam.reject([rejected], "no budget").leads[0].stage == Stage.QUALIFIED
    assert team.as_("sam").undo().action == "reject"
    assert team.as_("sam").lead_detail(rejected).lead.stage == Stage.HANDED_OFF
    with pytest.raises(DomainError, match=f"#{unrelated}"):
        team.as_("sam").accept([unrelated])


def test_sales_cannot_take_a_lead_from_the_qualifying_reps(team: Team) -> None:
    import psycopg2.errors

    lead = team.lead("ann", "handed_off")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
        team.sql("sam", "UPDATE lead SET owner_id = NULL WHERE id = %s", (lead,))


def test_the_cli_acts_as_the_login_and_refuses_a_rep_claim(
    team: Team, leads: dict[str, int]
) -> None:
    result = team.qc("queue", login="ann")
    assert result.exit_code == 0, result.output
    ids = {int(m) for m in re.findall(r"^\W*(\d+)  ", result.stdout, re.MULTILINE)}
    assert leads["ann"] in ids and leads["bob"] not in ids

    for args, env in ((["--rep", "bob", "queue"], None), (["queue"], {"QC_REP": "bob"})):
        refused = team.qc(*args, login="ann", env=env)
        assert refused.exit_code == 2
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot be used with PostgreSQL" in lines[0]
        assert "Traceback" not in refused.output


def test_only_an_admin_adds_logins_and_passwords_are_stored_hashed(team: Team) -> None:
    refused = team.qc("team", "add-rep", "eve", "--role", "supervisor", login="ann")
    assert refused.exit_code == 1
    assert "cannot add the login 'eve'" in refused.stderr and "CREATEROLE" in refused.stderr
    assert team.sql(ADMIN, "SELECT 1 FROM pg_roles WHERE rolname = 'eve'")[1] == []

    added = CliRunner().invoke(
        cli,
        ["--db", team.url(ADMIN), "team", "add-rep", "tia", "--role", "sales", "--password-stdin"],
        input="s3cret pass\n",
        env={"QC_REP": None, "QC_CONFIG": "/nonexistent/qc.toml"},
    )
    assert added.exit_code == 0, added.output
    assert "tia (sales): created login, added rep, password set" in added.stdout
    stored = team.server.admin.cursor()
    stored.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'tia'")
    (hashed,) = stored.fetchone()
    assert hashed.startswith("SCRAM-SHA-256$") and "s3cret" not in hashed
    assert team.as_("tia").whoami().role == "sales"

    clash = team.qc("team", "add-rep", "tia", "--role", "rep")
    assert clash.exit_code == 2 and "already a sales" in clash.stderr


def test_team_mode_needs_postgres(tmp_path: Any) -> None:
    result = CliRunner().invoke(
        cli,
        ["--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "team", "init"],
        env={"QC_REP": None, "QC_CONFIG": "/nonexistent/qc.toml"},
    )
    assert result.exit_code == 2 and "needs a PostgreSQL database" in result.stderr


def test_a_reps_change_token_moves_only_for_changes_the_rep_can_see(
    team: Team, leads: dict[str, int]
) -> None:
    note = (
        "INSERT INTO lead_event (lead_id, actor_id, at, kind, data)"
        " VALUES (%s, (SELECT id FROM rep WHERE name = 'sue'), now(), 'note', '{}')"
    )
    ann = team.as_("ann")  # ann's console, polling
    token = ann.change_token()
    assert ann.change_token() == token
    team.sql("sue", note, (leads["bob"],))
    assert ann.change_token() == token  # bob's lead: nothing ann's console could refresh
    team.sql("sue", note, (leads["pool"],))
    moved = ann.change_token()
    assert moved > token and ann.changed_since(token) == [leads["pool"]]
    assert ann.change_token() == moved


def test_a_lead_given_away_leaves_the_reps_console(team: Team, leads: dict[str, int]) -> None:
    from qc_console.db.database import db

    ann = team.as_("ann")  # ann's console, polling
    console = db.obj
    token = ann.change_token()
    team.as_("sue").reassign([leads["ann"]], "bob")  # ann can no longer see it, or its events
    claimed = team.as_("bob").claim_next().leads[0].id  # a pool lead ann could see
    db.initialize(console)
    moved = ann.change_token()
    assert moved > token
    assert sorted(ann.changed_since(token)) == sorted([leads["ann"], claimed])
    assert ann.queue_page(QueueFilter(ids=(leads["ann"],))).rows == ()  # so the row is dropped
    assert ann.change_token() == moved
