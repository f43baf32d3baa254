"""The weekly digest: one Markdown page sales and marketing read together: volumes and their
change at every stage, conversion, velocity, value, the forecast and what moved it, black
holes, under-touched leads, top and bottom campaigns.

Figures are for ISO week W (default: the last complete week) as of its end; black holes are
the state at generation time (no history of "no next action" is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from peewee import fn

from qc_console.db.models import Lead
from qc_console.domain.metrics import iso_label, pct_change, sparkline, week_of
from qc_console.domain.stages import QC_OPEN, Stage
from qc_console.services._rows import Names
from qc_console.services.analytics._common import (
    EVERYTHING,
    FUNNEL,
    ReportFilter,
    lead_scope,
    now_or,
    resolve,
    session,
)
from qc_console.services.analytics.aging import aging
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
    end = datetime.combine(w + timedelta(days=7), datetime.min.time())
    as_of = min(now, end)
    upto = replace(f, start=None, end=w)
    md: list[str] = [
        f"# Refinery weekly review — {iso_label(w)} ({w:%d %b} – {w + timedelta(days=6):%d %b %Y})",
        "",
    ]
    scope_bits = [
        f"{k} {v}" for k, v in (("source", f.source), ("campaign", f.campaign), ("rep", f.rep)) if v
    ]
    md.append(
        f"_Generated {now:%Y-%m-%d %H:%M} UTC"
        + (f"; {', '.join(scope_bits)}" if scope_bits else "")
        + "._"
    )
    md.append("")

    vol = volumes(replace(upto, start=w - timedelta(weeks=11)), now=as_of)
    md += ["## Volumes", ""]
    md += _table(
        [
            "stage",
            "entered",
            "vs last week",
            "4 wk vs prior 4",
            "stock",
            "stock change",
            "12 weeks",
        ],
        [
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
        ],
    )
    md.append("")

    conv = conversion(replace(upto, start=w - timedelta(weeks=11)), now=as_of)
    t = conv.total
    md += ["## Conversion", "", f"Leads that entered in the last 12 weeks: **{t.entered}**.", ""]
    md += _table(
        ["stage", "reached", "rate", f"within {conv.within_days} d"],
        [
            [s, str(t.reached[s]), _pct_plain(t.rate(s)), _pct_plain(t.rate(s, within=True))]
            for s in FUNNEL
        ],
    )
    md.append("")

    vel = velocity(replace(upto, start=w - timedelta(weeks=11)), now=as_of)
    md += ["## Velocity", "", "Time in stage of the stays that ended in the last 12 weeks:", ""]
    md += _table(
        ["stage", "stays", "median", "p80"],
        [[s.stage, str(s.stays), s.median_label, s.p80_label] for s in vel.stages if s.stays],
    )
    for m in vel.milestones:
        if m.leads:
            md.append(
                f"\nEntry → {m.milestone}: median {m.median_days} d, p80 {m.p80_days} d ({m.leads} leads)."
            )
    md.append("")

    val = value(replace(upto, start=w), now=as_of)
    md += [
        "## Value",
        "",
        f"Pipeline now: **{_money(val.total.pipeline)}** in {val.total.pipeline_leads} "
        f"accepted deals; won this week: **{_money(val.total.won)}** ({val.total.won_leads} deals).",
        "",
    ]
    if val.by_rep:
        md += _table(
            ["rep", "pipeline", "won this week"],
            [[r.group, _money(r.pipeline), _money(r.won)] for r in val.by_rep[:5]],
        )
        md.append("")

    md += _forecast_section(upto, as_of)
    md += _black_holes(f, now)
    md += _under_touched(replace(upto, start=w), as_of)
    md += _campaigns(f, as_of)
    return Digest(w, "\n".join(md).rstrip() + "\n")


def _pct_plain(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}%"


def _forecast_section(f: ReportFilter, as_of: datetime) -> list[str]:
    now_fc = forecast(f, horizon=4, now=as_of)
    before = forecast(
        replace(f, end=(f.end or as_of.date()) - timedelta(days=7)),
        horizon=4,
        now=as_of - timedelta(days=7),
    )
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
        (_, r1, q1, _h1), (_, r0, q0, _h0) = hist[-1][:4], hist[-2][:4]
        md.append(
            f"What moved it: raw entries last week {r1} ({_pct(pct_change(r1, r0))} on the week "
            f"before), qualified {q1} ({_pct(pct_change(q1, q0))})."
        )
        md.append("")
    md += _table(
        ["link", "lag (weeks)", "elasticity", "95% interval", "R²"],
        [
            [
                f"{x.upstream} → {x.downstream}",
                str(x.lag_weeks if x.lag_weeks is not None else "–"),
                f"{x.elasticity:.2f}" if x.elasticity is not None else "–",
                f"{x.low:.2f} – {x.high:.2f}" if x.low is not None and x.high is not None else "–",
                f"{x.r2:.2f}" if x.r2 is not None else "–",
            ]
            for x in now_fc.links
        ],
    )
    bt = now_fc.backtest
    if bt is not None:
        md.append(
            f"\nBack-test over the last {len(bt.weeks)} weeks: model error {bt.model_mae} hand-offs/week "
            f'(MAPE {bt.model_mape}%), naive "same as the last weeks" {bt.naive_mae} (MAPE {bt.naive_mape}%).'
        )
    md.append("")
    return md


def _black_holes(f: ReportFilter, now: datetime) -> list[str]:
    qc = [s.value for s in QC_OPEN]
    with session():
        scope = lead_scope(resolve(f, Names()))
        no_owner = Lead.stage.in_(qc) & Lead.owner.is_null()
        stalled = (
            Lead.stage.in_([Stage.RAW.value, Stage.QUALIFIED.value])
            & Lead.next_action_due.is_null()
        ) | ((Lead.stage == Stage.INCUBATING.value) & Lead.resurface_on.is_null())
        found = []
        for label, cond in (
            ("no owner (in the pool)", no_owner),
            ("no next action and no resurface date", stalled),
        ):
            n, oldest = (
                Lead.select(fn.COUNT(Lead.id), fn.MIN(Lead.stage_entered_at))
                .where(cond & scope)
                .tuples()[0]
            )
            found.append((label, int(n), oldest))
    late = sum(r.handoffs_past_sla for r in aging(f, now=now).rows)
    md = ["## Black holes", ""]
    for label, n, oldest in found:
        since = f", oldest since {str(oldest)[:10]}" if n and oldest else ""
        md.append(f"- {n} open lead(s) with {label}{since}")
    md.append(f"- {late} hand-off(s) sales has not accepted within the SLA")
    md.append("")
    return md


def _under_touched(f: ReportFilter, as_of: datetime) -> list[str]:
    td = touch_depth(f, now=as_of)
    t = td.total
    md = [
        "## Under-touched leads",
        "",
        f"This week {t.purged_shallow} of {t.purged} purged and {t.incubated_shallow} of {t.incubated} "
        "incubated leads had two touches or fewer.",
        "",
    ]
    worst = sorted(
        (r for r in td.reps if r.purged + r.incubated),
        key=lambda r: -(r.purged_shallow + r.incubated_shallow) / (r.purged + r.incubated),
    )[:5]
    if worst:
        md += _table(
            ["rep", "purged ≤2 touches", "incubated ≤2 touches"],
            [
                [r.rep, f"{r.purged_shallow}/{r.purged}", f"{r.incubated_shallow}/{r.incubated}"]
                for r in worst
            ],
        )
        md.append("")
    return md


def _campaigns(f: ReportFilter, as_of: datetime) -> list[str]:
    rows = [
        r for r in campaigns_report(replace(f, start=None, end=None), now=as_of).rows if r.entered
    ]
    md = ["## Campaigns", ""]
    if not rows:
        return md + ["No campaign has leads yet.", ""]

    def score(r: CampaignRow) -> tuple[float, float]:
        roi = r.won_amount / r.cost if r.cost else r.won_amount
        return (roi, r.qualified / r.entered if r.entered else 0.0)

    ranked = sorted(rows, key=score, reverse=True)
    head = ["campaign", "entered", "qualified", "handed off", "won", "won $", "cost / qualified"]
    fmt = lambda r: [
        r.campaign,
        str(r.entered),
        str(r.qualified),
        str(r.handed_off),
        str(r.won),  # noqa: E731
        _money(r.won_amount),
        _money(r.cost_per_qualified),
    ]
    md += ["Top (won $ per $ spent):", ""] + _table(head, [fmt(r) for r in ranked[:3]]) + [""]
    if len(ranked) > 3:
        md += ["Bottom:", ""] + _table(head, [fmt(r) for r in ranked[-3:][::-1]]) + [""]
    return md
