"""`qc-console report …`: every refinery figure as a table, JSON or CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from qc_console.cli._common import Env, fail, friendly, pass_env
from qc_console.cli.report_format import emit, render_table
from qc_console.db.database import db
from qc_console.domain.errors import BadInput
from qc_console.domain.metrics import REACH_EDGES_DAYS, iso_label, sparkline
from qc_console.services import team
from qc_console.services.analytics._common import ReportFilter
from qc_console.services.analytics.api import Analytics

FORMATS = click.Choice(["table", "json", "csv"])


def _date(value: str | None, flag: str) -> date | None:
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


def _filter(kw: dict[str, Any]) -> ReportFilter:
    return ReportFilter(
        source=kw.get("source"),
        campaign=kw.get("campaign"),
        rep=kw.get("rep_filter"),
        start=_date(kw.get("start"), "--from"),
        end=_date(kw.get("end"), "--to"),
    )


def _analytics(env: Env) -> Analytics:
    env.backend(rep_required=False)  # opens the database and brings the schema up to date
    with db.connection_context():
        team.require_report_reader()  # team mode: supervisors (and the admin) only
    return Analytics()


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:+.1f}%"


# --- commands ------------------------------------------------------------------------------


@click.group("report")
def report() -> None:
    """Refinery figures: volumes, conversion, velocity, value, reps, campaigns, forecast."""


@report.command("aging")
@filter_options
@pass_env
@friendly
def aging_cmd(env: Env, fmt: str, **kw: Any) -> None:
    """Open leads per rep by time in stage, overdue, past speed-to-lead, late hand-offs."""
    r = _analytics(env).aging(_filter(kw))
    headers = ["rep", *r.buckets, "overdue", "untouched_past_sla", "handoffs_past_sla"]
    rows = [
        [
            x.rep if x.rep is not None else "(pool)",
            *(x.counts[b] for b in r.buckets),
            x.overdue,
            x.untouched_past_sla,
            x.handoffs_past_sla,
        ]
        for x in r.rows
    ]
    emit(fmt, r.as_json(), (headers, rows))


@report.command("refinery")
@filter_options
@pass_env
@friendly
def refinery_cmd(env: Env, fmt: str, **kw: Any) -> None:
    """Per ISO week and stage: leads that entered (flow) and stood there at week end (stock)."""
    r = _analytics(env).refinery(_filter(kw))
    week = iso_label(r.weeks[-1]) if r.weeks else "-"
    headers = [
        "stage",
        f"entered {week}",
        "vs prev",
        "4w vs 4w",
        "stock",
        "stock vs prev",
        "12 weeks",
    ]
    rows = [
        [
            s.stage,
            s.entered,
            _pct(s.entered_wow_pct),
            _pct(s.entered_4w_pct),
            s.stock,
            _pct(s.stock_wow_pct),
            sparkline([x.entered for x in s.weeks[-12:]]),
        ]
        for s in r.stages
    ]
    long = [[w.week.isoformat(), s.stage, w.entered, w.stock] for s in r.stages for w in s.weeks]
    emit(fmt, r, (headers, rows), (["week", "stage", "entered", "stock"], long))


@report.command("conversion")
@filter_options
@click.option(
    "--within",
    "within_days",
    type=click.Choice([str(d) for d in REACH_EDGES_DAYS[1:]]),
    default="30",
    show_default=True,
    help="Also count leads that got there within this many days.",
)
@pass_env
@friendly
def conversion_cmd(env: Env, fmt: str, within_days: str, **kw: Any) -> None:
    """Of the leads that entered in week W, how many reached each stage (ever / within N days)."""
    r = _analytics(env).conversion(_filter(kw), int(within_days))
    headers = ["cohort", "entered"]
    for s in r.stages:
        headers += [s, f"{s} %", f"{s} <{within_days}d"]
    rows = []
    for label, fun in [*((w.isoformat(), c) for w, c in r.cohorts), ("all", r.total)]:
        row: list[Any] = [label, fun.entered]
        for s in r.stages:
            row += [fun.reached[s], fun.rate(s), fun.within[s]]
        rows.append(row)
    emit(fmt, r, (headers, rows))


@report.command("velocity")
@filter_options
@pass_env
@friendly
def velocity_cmd(env: Env, fmt: str, **kw: Any) -> None:
    """Median and p80 time in each stage; days from entry to hand-off and to won."""
    r = _analytics(env).velocity(_filter(kw))
    rows: list[list[Any]] = [
        [s.stage, s.stays, s.median_label, s.p80_label, s.median_hours, s.p80_hours]
        for s in r.stages
    ]
    rows += [
        [
            f"entry→{m.milestone}",
            m.leads,
            m.median_label,
            m.p80_label,
            None if m.median_days is None else m.median_days * 24,
            None if m.p80_days is None else m.p80_days * 24,
        ]
        for m in r.milestones
    ]
    emit(fmt, r, (["stage", "n", "median", "p80", "median_hours", "p80_hours"], rows))


@report.command("value")
@filter_options
@pass_env
@friendly
def value_cmd(env: Env, fmt: str, **kw: Any) -> None:
    """Pipeline $ (accepted, not closed) and won $, per source, campaign and rep."""
    r = _analytics(env).value(_filter(kw))
    rows = [
        ["all", "all", r.total.pipeline, r.total.pipeline_leads, r.total.won, r.total.won_leads]
    ]
    for dim, group in (("source", r.by_source), ("campaign", r.by_campaign), ("rep", r.by_rep)):
        rows += [[dim, x.group, x.pipeline, x.pipeline_leads, x.won, x.won_leads] for x in group]
    emit(fmt, r, (["by", "group", "pipeline", "pipeline_leads", "won", "won_leads"], rows))


@report.command("touch-depth")
@filter_options
@pass_env
@friendly
def touch_depth_cmd(env: Env, fmt: str, **kw: Any) -> None:
    """Touches at disposition; share of purged / incubated leads with two touches or fewer."""
    r = _analytics(env).touch_depth(_filter(kw))
    cols = list(range(0, 6))
    headers = [
        "rep",
        "dispositions",
        "purged",
        "purged<=2",
        "purged<=2 %",
        "incubated",
        "incubated<=2",
        "incubated<=2 %",
        *(f"{c} touches" for c in cols),
        "6+ touches",
    ]
    rows = []
    for x in [*r.reps, r.total]:
        rest = sum(n for t, n in x.distribution.items() if t >= 6)
        rows.append(
            [
                x.rep,
                x.dispositions,
                x.purged,
                x.purged_shallow,
                x.purged_shallow_pct,
                x.incubated,
                x.incubated_shallow,
                x.incubated_shallow_pct,
                *(x.distribution.get(c, 0) for c in cols),
                rest,
            ]
        )
    emit(fmt, r, (headers, rows))


@report.command("reps")
@filter_options
@pass_env
@friendly
def reps_cmd(env: Env, fmt: str, **kw: Any) -> None:
    """Per QC rep: leads worked, touches, dispositions, hand-offs and what sales made of them."""
    r = _analytics(env).reps(_filter(kw))
    headers = [
        "rep",
        "leads_worked",
        "touches",
        "dispositions",
        "hand_offs",
        "accepted_pct",
        "rejected_pct",
        "pending",
        "won",
        "won_amount",
    ]
    rows = [
        [
            x.rep,
            x.leads_worked,
            x.touches,
            x.dispositions,
            x.hand_offs,
            x.accepted_pct,
            x.rejected_pct,
            x.pending,
            x.won,
            x.won_amount,
        ]
        for x in r.rows
    ]
    emit(fmt, r, (headers, rows))


@report.command("campaigns")
@filter_options
@pass_env
@friendly
def campaigns_cmd(env: Env, fmt: str, **kw: Any) -> None:
    """Per campaign: raw → qualified → handed off → won, won $ and cost per step."""
    r = _analytics(env).campaigns(_filter(kw))
    headers = [
        "campaign",
        "source",
        "cost",
        "entered",
        "qualified",
        "handed_off",
        "won",
        "won_amount",
        "cost_per_contact",
        "cost_per_qualified",
        "cost_per_won_dollar",
    ]
    rows = [
        [
            x.campaign,
            x.source,
            x.cost,
            x.entered,
            x.qualified,
            x.handed_off,
            x.won,
            x.won_amount,
            x.cost_per_contact,
            x.cost_per_qualified,
            x.cost_per_won_dollar,
        ]
        for x in r.rows
    ]
    emit(fmt, r, (headers, rows))


@report.command("forecast")
@filter_options
@click.option(
    "--horizon", type=click.IntRange(4, 12), default=8, show_default=True, help="Weeks to project."
)
@click.option(
    "--what-if",
    "what_if",
    type=float,
    metavar="PCT",
    help="Raw contacts change by PCT % (e.g. 20 or -10).",
)
@click.option(
    "--what-if-from", metavar="DATE|WEEK", help="Week the what-if starts (default: next)."
)
@click.option("--holdout", type=int, default=4, show_default=True, help="Back-test weeks.")
@pass_env
@friendly
def forecast_cmd(
    env: Env,
    fmt: str,
    horizon: int,
    what_if: float | None,
    what_if_from: str | None,
    holdout: int,
    **kw: Any,
) -> None:
    """Lag and elasticity per stage link, projected hand-offs and pipeline $, what-if, back-test."""
    r = _analytics(env).forecast(
        _filter(kw),
        horizon=horizon,
        raw_change_pct=what_if,
        what_if_from=_date(what_if_from, "--what-if-from"),
        holdout=holdout,
    )
    alt = {p.week: p for p in r.what_if.projection} if r.what_if else {}
    headers = ["week", "raw", "qualified", "handed_off", "pipeline"]
    if alt:
        headers += ["what_if_qualified", "what_if_handed_off", "what_if_pipeline"]
    rows = []
    for p in r.projection:
        row: list[Any] = [p.week.isoformat(), p.raw, p.qualified, p.handed_off, p.pipeline]
        if alt:
            w = alt[p.week]
            row += [w.qualified, w.handed_off, w.pipeline]
        rows.append(row)
    if fmt == "table":
        links = [
            [
                f"{x.upstream}→{x.downstream}",
                x.lag_weeks,
                x.elasticity,
                f"{x.low} .. {x.high}" if x.low is not None else "-",
                x.r2,
                x.points,
            ]
            for x in r.links
        ]
        click.echo(
            render_table(["link", "lag_weeks", "elasticity", "95% CI", "r2", "weeks"], links)
        )
        click.echo("")
        if r.backtest:
            b = r.backtest
            click.echo(
                f"back-test {len(b.weeks)} weeks: model MAE {b.model_mae} (MAPE {b.model_mape}%), "
                f"naive MAE {b.naive_mae} (MAPE {b.naive_mape}%)\n"
            )
    emit(fmt, r, (headers, rows))


@report.command("digest")
@click.option("--week", metavar="DATE|WEEK", help="The week to review (default: last week).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.md.")
@click.option("--source")
@click.option("--campaign")
@click.option("--rep", "rep_filter")
@pass_env
@friendly
def digest_cmd(env: Env, week: str | None, out: Path | None, **kw: Any) -> None:
    """The one-page weekly review (Markdown)."""
    d = _analytics(env).digest(_filter(kw), _date(week, "--week"))
    if out is None:
        click.echo(d.markdown, nl=False)
        return
    try:
        out.write_text(d.markdown, encoding="utf-8")
    except OSError as exc:  # a directory, a missing folder, no permission
        fail(f"cannot write {out}: {exc.strerror or exc}", code=2)
    click.echo(f"wrote {out} ({iso_label(d.week)})")


COMMANDS: list[click.Command] = [report]
