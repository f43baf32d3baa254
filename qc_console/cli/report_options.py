"""The options and helpers every `qc-console report …` command shares: the filter flags,
week-or-date parsing, and the role check before any figure is read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click

from qc_console.cli._common import Env
from qc_console.db.database import db
from qc_console.domain.errors import BadInput
from qc_console.services import team
from qc_console.services.analytics._common import ReportFilter
from qc_console.services.analytics.api import Analytics

FORMATS = click.Choice(["table", "json", "csv"])


def parse_week_date(value: str | None, flag: str) -> date | None:
    """A date from `2026-03-02` or an ISO week `2026-W10` (its Monday)."""
    if not value:
        return None
    text = value.strip()
    try:
        if "W" in text.upper():
            return datetime.strptime(text.upper() + "-1", "%G-W%V-%u").date()
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{flag} {value!r}: use a date (2026-03-02) or a week (2026-W10)") from None


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(
        [
            click.option("--format", "fmt", type=FORMATS, default="table", show_default=True),
            click.option("--source", help="Only leads from this source."),
            click.option("--campaign", help="Only leads of this campaign."),
            click.option(
                "--rep", "rep_filter", help="Only this rep's figures ('(pool)': no owner)."
            ),
            click.option("--from", "start", metavar="DATE|WEEK", help="First week (inclusive)."),
            click.option("--to", "end", metavar="DATE|WEEK", help="Last week (inclusive)."),
        ]
    ):
        func = opt(func)
    return func


def report_filter(kw: dict[str, Any]) -> ReportFilter:
    return ReportFilter(
        source=kw.get("source"),
        campaign=kw.get("campaign"),
        rep=kw.get("rep_filter"),
        start=parse_week_date(kw.get("start"), "--from"),
        end=parse_week_date(kw.get("end"), "--to"),
    )


def analytics_for(env: Env) -> Analytics:
    env.backend(rep_required=False)  # opens the database and brings the schema up to date
    with db.connection_context():
        team.require_report_reader()  # team mode: supervisors (and the admin) only
    return Analytics()


def pct(v: float | None) -> str:
    return "-" if v is None else f"{v:+.1f}%"
