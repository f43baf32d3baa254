"""`qc-console report …`: the formats a script or a person reads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from tests.analytics.conftest import History

REPORTS = [
    "aging",
    "refinery",
    "conversion",
    "velocity",
    "value",
    "touch-depth",
    "reps",
    "campaigns",
    "forecast",
]
WEEKS = ["--from", "2026-W02", "--to", "2026-W05"]  # the history's four weeks


def run(url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", url, "report", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_aging_json_has_the_agreed_shape(history: History, people: str) -> None:
    data = json.loads(run(people, "aging", "--format", "json"))
    assert set(data) == {"generated_at", "buckets", "rows"}
    assert data["buckets"] == ["0-1h", "1-24h", "1-3d", "3-7d", "7-30d", ">30d"]
    row = data["rows"][0]
    assert set(row) == {"rep", "counts", "overdue", "untouched_past_sla", "handoffs_past_sla"}
    assert list(row["counts"]) == data["buckets"]
    assert data["rows"][-1]["rep"] is None  # the unassigned pool
    assert [r["rep"] for r in data["rows"]] == ["ann", "bob", "sue", None]


def test_refinery_csv_is_one_row_per_week_and_stage(history: History, people: str) -> None:
    rows = list(csv.reader(io.StringIO(run(people, "refinery", "--format", "csv", *WEEKS))))
    assert rows[0] == ["week", "stage", "entered", "stock"]
    assert ["2026-01-12", "handed_off", "2", "0"] in rows
    assert ["2026-01-19", "purged", "0", "1"] in rows  # the empty week keeps its stock
    assert len(rows) == 1 + 4 * 9


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_prints_json_csv_and_a_table(history: History, people: str, name: str) -> None:
    data = json.loads(run(people, name, "--format", "json", *WEEKS))
    assert "generated_at" in data
    header = next(csv.reader(io.StringIO(run(people, name, "--format", "csv", *WEEKS))))
    assert header and all(header)
    table = run(people, name, *WEEKS)
    lines = table.splitlines()
    assert any(set(line.replace(" ", "")) == {"-"} for line in lines)  # a rule under the header
    assert "Traceback" not in table


def test_reports_filter_and_refuse_unknown_names(history: History, people: str) -> None:
    data = json.loads(run(people, "reps", "--format", "json", "--rep", "bob"))
    assert [r["rep"] for r in data["rows"]] == ["bob"]
    assert data["rows"][0]["rejected_pct"] == 50.0
    bad = CliRunner().invoke(cli, ["--db", people, "report", "refinery", "--source", "fax"])
    assert bad.exit_code == 2 and "no source 'fax'" in bad.output
    bad = CliRunner().invoke(cli, ["--db", people, "report", "value", "--from", "soon"])
    assert bad.exit_code == 2 and "--from 'soon'" in bad.output


def test_campaign_names_cannot_inject_formulas_into_csv(people: str) -> None:
    from qc_console.services import reps

    reps.add_campaign("=HYPERLINK(1)", "other", cost=10)
    rows = list(csv.reader(io.StringIO(run(people, "campaigns", "--format", "csv"))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_digest_writes_one_markdown_page(history: History, people: str, tmp_path: Path) -> None:
    out = tmp_path / "review.md"
    assert "wrote" in run(people, "digest", "--week", "2026-W05", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Refinery weekly review — 2026-W05")
    for section in (
        "Volumes",
        "Conversion",
        "Velocity",
        "Value",
        "Forecast",
        "Black holes",
        "Under-touched leads",
        "Campaigns",
    ):
        assert f"\n## {section}\n" in text
    assert "| won | 1 |" in text
    assert "won this week: **$1,200**" in text
    assert "1 of 1 incubated" in text
    same_week = run(people, "digest", "--week", "2026-01-28")  # any day names its week

    def body(page: str) -> list[str]:
        return [line for line in page.splitlines() if not line.startswith("_Generated")]

    assert body(same_week) == body(text)
