"""Bugs the robustness work found, each pinned by what the user saw."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.domain.errors import BadInput
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import NewLead, QueueFilter
from qc_console.domain.when import local_to_utc, parse_when
from qc_console.services.facade import ServiceBackend


def test_accepted_leads_without_a_follow_up_stay_in_the_sales_queue(
    backend: ServiceBackend,
) -> None:
    """They were in neither the 'today' nor the 'rest' class (NULL due date), so a sales rep
    could never see them again to record the outcome."""
    new = NewLead(first_name="Ava", email="ava@example.com", stage=Stage.QUALIFIED,
                  rating=Rating.HIGH)  # fmt: skip
    lead = backend.create_lead(new).leads[0]
    backend.hand_off([lead.id], "sam")
    sam = ServiceBackend("sam")
    sam.accept([lead.id], 5000.0)

    rows = sam.queue_page(QueueFilter()).rows
    assert [(r.id, r.stage) for r in rows] == [(lead.id, Stage.ACCEPTED)]
    assert sam.queue_ids(QueueFilter()) == [lead.id]


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31 23:59", "0999-05-05"])
def test_a_date_in_a_year_no_clock_can_convert_is_refused(text: str) -> None:
    """Year 1 or 9999 crashed the conversion to UTC (OverflowError) in the CLI and the dialogs."""
    with pytest.raises(BadInput, match="out of range"):
        parse_when(text, today=date(2026, 3, 4))
    assert local_to_utc(parse_when("9998-12-31 23:59", today=date(2026, 3, 4))).year >= 9998


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str | None]:
    env = {"QC_DATABASE_URL": f"sqlite:///{tmp_path / 'qc.sqlite'}", "QC_REP": "ann",
           "QC_CONFIG": str(tmp_path / "absent.toml")}  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(cli, ["init"], env=env).exit_code == 0
    assert runner.invoke(cli, ["rep", "add", "ann", "--role", "rep"], env=env).exit_code == 0
    return env


@pytest.mark.parametrize(
    "args",
    [
        ["export", "-o", ""],
        ["export", "-o", "{file}/leads.jsonl"],
        ["report", "digest", "--out", "{file}/digest.md"],
        ["backup", "{file}/qc.sqlite"],
    ],
)
def test_an_output_file_that_cannot_be_written_is_one_line(
    cli_env: dict[str, str | None], tmp_path: Path, args: list[str]
) -> None:
    """These ended in a traceback (IsADirectoryError, FileNotFoundError, sqlite3 errors)."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    args = [a.format(file=a_file) for a in args]
    result = CliRunner().invoke(cli, args, env=cli_env)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.startswith("qc-console: cannot write") and result.stderr.count("\n") == 1
