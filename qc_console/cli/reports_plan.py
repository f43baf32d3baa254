"""`qc-console report forecast` and `report digest`: what the refinery foreshadows, and the
weekly one-page review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qc_console.cli._common import Env, fail, friendly, pass_env
from qc_console.cli.report_format import emit, render_table
from qc_console.cli.report_options import (
    analytics_for,
    filter_options,
    parse_week_date,
    report_filter,
)
from qc_console.domain.metrics import iso_label


@click.command("forecast")
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
    r = analytics_for(env).forecast(
        report_filter(kw),
        horizon=horizon,
        raw_change_pct=what_if,
        what_if_from=parse_week_date(what_if_from, "--what-if-from"),
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


@click.command("digest")
@click.option("--week", metavar="DATE|WEEK", help="The week to review (default: last week).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.md.")
@click.option("--source")
@click.option("--campaign")
@click.option("--rep", "rep_filter")
@pass_env
@friendly
def digest_cmd(env: Env, week: str | None, out: Path | None, **kw: Any) -> None:
    """The one-page weekly review (Markdown)."""
    d = analytics_for(env).digest(report_filter(kw), parse_week_date(week, "--week"))
    if out is None:
        click.echo(d.markdown, nl=False)
        return
    try:
        out.write_text(d.markdown, encoding="utf-8")
    except OSError as exc:  # a directory, a missing folder, no permission
        fail(f"cannot write {out}: {exc.strerror or exc}", code=2)
    click.echo(f"wrote {out} ({iso_label(d.week)})")
