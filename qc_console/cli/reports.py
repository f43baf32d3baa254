"""`qc-console report …`: every refinery figure as a table, JSON or CSV."""

from __future__ import annotations

from typing import Any

import click

from qc_console.cli._common import Env, friendly, pass_env
from qc_console.cli.report_format import emit
from qc_console.cli.report_options import (
    analytics_for,
    filter_options,
    pct,
    report_filter,
)
from qc_console.cli.reports_plan import digest_cmd, forecast_cmd
from qc_console.domain.metrics import REACH_EDGES_DAYS, iso_label, sparkline

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
    r = analytics_for(env).aging(report_filter(kw))
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
    r = analytics_for(env).refinery(report_filter(kw))
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
            pct(s.entered_wow_pct),
            pct(s.entered_4w_pct),
            s.stock,
            pct(s.stock_wow_pct),
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
    r = analytics_for(env).conversion(report_filter(kw), int(within_days))
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
    r = analytics_for(env).velocity(report_filter(kw))
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
    r = analytics_for(env).value(report_filter(kw))
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
    r = analytics_for(env).touch_depth(report_filter(kw))
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
    r = analytics_for(env).reps(report_filter(kw))
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
    r = analytics_for(env).campaigns(report_filter(kw))
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


report.add_command(forecast_cmd)
report.add_command(digest_cmd)

COMMANDS: list[click.Command] = [report]
