"""The weekly digest: one Markdown page sales and marketing read together: volumes and their
change at every stage, conversion, velocity, value, the forecast and what moved it, black
holes, under-touched leads, top and bottom campaigns.

Figures are for ISO week W (default: the last complete week) as of its end; black holes are
the state at generation time (no history of "no next action" is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from qc_console.domain.metrics import iso_label, pct_change, sparkline, week_of
from qc_console.services.analytics._common import (
    EVERYTHING,
    FUNNEL,
    ReportFilter,
    now_or,
)
from qc_console.services.analytics.aging import black_holes
from qc_console.services.analytics.campaigns import CampaignRow, campaigns_report
from qc_console.services.analytics.conversion import conversion
from qc_console.services.analytics.forecast import forecast
from qc_console.services.analytics.touch_depth import touch_depth
from qc_console.services.analytics.value import value
from qc_console.services.analytics.velocity import velocity
from qc_console.services.analytics.volumes import volumes


@dataclass(frozen=True)
class Digest:
    week: date
    markdown: str


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:+.1f}%"


def _money(v: float | None) -> str:
    return "–" if v is None else f"${v:,.0f}"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def digest(
    f: ReportFilter = EVERYTHING, *, week: date | None = None, now: datetime | None = None
) -> Digest:
    """The review of ISO week `week` (any day in it)."""
    now = now_or(now)
    w = week_of(week) if week else week_of(now) - timedelta(days=7)
    as_of = min(now, datetime.combine(w + timedelta(days=7), time()))
    upto = replace(f, start=None, end=w)
    last12 = replace(upto, start=w - timedelta(weeks=11))
    sunday = w + timedelta(days=6)
    scope = ", ".join(f"{k} {v}" for k, v in vars(f).items() if v and k != "start" and k != "end")
    md = [
        f"# Refinery weekly review — {iso_label(w)} ({w:%d %b} – {sunday:%d %b %Y})",
        "",
        f"_Generated {now:%Y-%m-%d %H:%M} UTC{'; ' + scope if scope else ''}._",
        "",
    ]
    md += _volumes(last12, as_of)
    md += _conversion(last12, as_of)
    md += _velocity(last12, as_of)
    md += _value(replace(upto, start=w), as_of)
    md += _forecast_section(upto, as_of)
    md += _black_holes(f, now)
    md += _under_touched(replace(upto, start=w), as_of)
    md += _campaigns(f, as_of)
    return Digest(w, "\n".join(md).rstrip() + "\n")


def _volumes(f: ReportFilter, as_of: datetime) -> list[str]:
    vol = volumes(f, now=as_of)
    head = ["stage", "entered", "vs last week", "4 wk vs prior 4", "stock", "stock change"]
    rows = [
        [
            s.stage,
            str(s.entered),
            _pct(s.entered_wow_pct),
            _pct(s.entered_4w_pct),
            str(s.stock),
            _pct(s.stock_wow_pct),
            sparkline([x.entered for x in s.weeks]),
        ]
        for s in vol.stages
    ]
    return ["## Volumes", "", *_table([*head, "12 weeks"], rows), ""]


def _conversion(f: ReportFilter, as_of: datetime) -> list[str]:
    conv = conversion(f, breakdowns=False, now=as_of)
    t = conv.total
    rows = [
        [s, str(t.reached[s]), _pct_plain(t.rate(s)), _pct_plain(t.rate(s, within=True))]
        for s in FUNNEL
    ]
    return [
        "## Conversion",
        "",
        f"Leads that entered in the last 12 weeks: **{t.entered}**.",
        "",
        *_table(["stage", "reached", "rate", f"within {conv.within_days} d"], rows),
        "",
    ]


def _velocity(f: ReportFilter, as_of: datetime) -> list[str]:
    vel = velocity(f, now=as_of)
    rows = [[s.stage, str(s.stays), s.median_label, s.p80_label] for s in vel.stages if s.stays]
    md = ["## Velocity", "", "Time in stage of the stays that ended in the last 12 weeks:", ""]
    md += _table(["stage", "stays", "median", "p80"], rows) if rows else ["No stay ended."]
    for m in vel.milestones:
        if m.leads:
            md += [
                "",
                f"Entry → {m.milestone}: median {m.median_label}, p80 {m.p80_label} "
                f"({m.leads} leads).",
            ]
    return [*md, ""]


def _value(f: ReportFilter, as_of: datetime) -> list[str]:
    val = value(f, now=as_of)
    t = val.total
    md = [
        "## Value",
        "",
        f"Pipeline now: **{_money(t.pipeline)}** in {t.pipeline_leads} accepted deals; "
        f"won this week: **{_money(t.won)}** ({t.won_leads} deals).",
        "",
    ]
    if val.by_rep:
        rows = [[r.group, _money(r.pipeline), _money(r.won)] for r in val.by_rep[:5]]
        md += [*_table(["rep", "pipeline", "won this week"], rows), ""]
    return md


def _pct_plain(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}%"


def _num(v: float | None, fmt: str = ".2f") -> str:
    return "–" if v is None else format(v, fmt)


def _forecast_section(f: ReportFilter, as_of: datetime) -> list[str]:
    now_fc = forecast(f, horizon=4, now=as_of)
    week_ago = replace(f, end=(f.end or as_of.date()) - timedelta(days=7))
    before = forecast(week_ago, horizon=4, now=as_of - timedelta(days=7))
    ahead = sum(p.handed_off for p in now_fc.projection)
    prior = sum(p.handed_off for p in before.projection)
    money = sum(p.pipeline for p in now_fc.projection)
    md = [
        "## Forecast",
        "",
        f"Hand-offs expected in the next 4 weeks: **{ahead:.0f}** (pipeline {_money(money)}); "
        f"a week ago the same horizon read {prior:.0f} ({_pct(pct_change(ahead, prior))}).",
        "",
    ]
    hist = now_fc.history
    if len(hist) >= 2:
        (_, r1, q1, _), (_, r0, q0, _) = hist[-1], hist[-2]
        md += [
            f"What moved it: raw entries last week {r1} ({_pct(pct_change(r1, r0))} on the "
            f"week before), qualified {q1} ({_pct(pct_change(q1, q0))}).",
            "",
        ]
    rows = [
        [
            f"{x.upstream} → {x.downstream}",
            _num(x.lag_weeks, "d"),
            _num(x.elasticity),
            f"{_num(x.low)} – {_num(x.high)}",
            _num(x.r2),
        ]
        for x in now_fc.links
    ]
    md += _table(["link", "lag (weeks)", "elasticity", "95% interval", "R²"], rows)
    bt = now_fc.backtest
    if bt is not None:
        md += [
            "",
            f"Back-test over the last {len(bt.weeks)} weeks: model error {_num(bt.model_mae)} "
            f'hand-offs/week (MAPE {_num(bt.model_mape, ".1f")}%), naive "same as the last '
            f'weeks" {_num(bt.naive_mae)} (MAPE {_num(bt.naive_mape, ".1f")}%).',
        ]
    return [*md, ""]


def _black_holes(f: ReportFilter, now: datetime) -> list[str]:
    md = ["## Black holes", ""]
    for hole in black_holes(f, now=now):
        since = f", the oldest since {hole.oldest:%Y-%m-%d}" if hole.leads and hole.oldest else ""
        md.append(f"- {hole.leads} open lead(s): {hole.what}{since}")
    return [*md, ""]


def _under_touched(f: ReportFilter, as_of: datetime) -> list[str]:
    td = touch_depth(f, now=as_of)
    t = td.total
    md = [
        "## Under-touched leads",
        "",
        f"This week {t.purged_shallow} of {t.purged} purged and {t.incubated_shallow} of "
        f"{t.incubated} incubated leads had two touches or fewer.",
        "",
    ]
    worst = sorted(
        (r for r in td.reps if r.purged + r.incubated),
        key=lambda r: -(r.purged_shallow + r.incubated_shallow) / (r.purged + r.incubated),
    )[:5]
    if worst:
        rows = [
            [r.rep, f"{r.purged_shallow}/{r.purged}", f"{r.incubated_shallow}/{r.incubated}"]
            for r in worst
        ]
        md += [*_table(["rep", "purged ≤2 touches", "incubated ≤2 touches"], rows), ""]
    return md


def _campaign_cells(r: CampaignRow) -> list[str]:
    return [
        r.campaign,
        str(r.entered),
        str(r.qualified),
        str(r.handed_off),
        str(r.won),
        _money(r.won_amount),
        _money(r.cost_per_qualified),
    ]


def _campaigns(f: ReportFilter, as_of: datetime) -> list[str]:
    """Top and bottom three campaigns by won $ per $ spent (then by qualification rate)."""
    report = campaigns_report(replace(f, start=None, end=None), now=as_of)
    rows = [r for r in report.rows if r.entered]
    md = ["## Campaigns", ""]
    if not rows:
        return [*md, "No campaign has leads yet.", ""]

    def score(r: CampaignRow) -> tuple[float, float]:
        roi = r.won_amount / r.cost if r.cost else r.won_amount
        return (roi, r.qualified / r.entered)

    ranked = sorted(rows, key=score, reverse=True)
    head = ["campaign", "entered", "qualified", "handed off", "won", "won $", "cost / qualified"]
    md += ["Top (won $ per $ spent):", ""]
    md += [*_table(head, [_campaign_cells(r) for r in ranked[:3]]), ""]
    if len(ranked) > 3:
        md += ["Bottom:", "", *_table(head, [_campaign_cells(r) for r in ranked[-3:][::-1]]), ""]
    return md
