"""`qc-console act ACTION`: every disposition for scripts, by id list or filter, all-or-nothing."""

from __future__ import annotations

from enum import StrEnum

import click

from qc_console.cli._common import Env, pass_env
from qc_console.cli.options import env_options, guard
from qc_console.cli.targets import Targets, done, dry, perform, planned, targets, when_utc
from qc_console.domain.codes import Channel, Outcome, PurgeReason, RecycleTo, SalesOutcome
from qc_console.domain.errors import BadInput
from qc_console.domain.filters import GRAMMAR
from qc_console.domain.stages import Rating
from qc_console.domain.values import QueueFilter
from qc_console.services import sales, touches

ACT_HELP = f"""Act on leads: every disposition of the queue, for scripts.

Pick the leads with --ids 1,2,3 (ranges: 10-20) or --filter EXPR (the acting rep's queue,
filtered). All-or-nothing: when any lead cannot take the action nothing is written, the
reason goes to stderr and the exit code is 1; --skip-refused acts on the others instead.
--dry-run shows what would happen (how many, by stage, which cannot and why) and writes
nothing; it exits 1 when the action would be refused. Bad input exits 2.

\b
Filter expressions: terms separated by spaces, values by commas, quoted text:
{GRAMMAR}

\b
Dates (--until, --due) are local time: +3d, +2w, +4h, today, tomorrow, mon, 2026-12-01,
2026-12-01 14:30.

\b
Example:
  qc-console --rep ann act qualify --rating high --filter 'stage=raw source=referral'
"""

POOL = "pool"
"""`reassign --to pool`: release the leads to the shared pool."""


def _choice(enum: type[StrEnum]) -> click.Choice[str]:
    return click.Choice([m.value for m in enum], case_sensitive=False)


@click.group("act", help=ACT_HELP)
@env_options
def act() -> None:
    pass


@act.command("qualify")
@click.option("--rating", type=_choice(Rating), required=True)
@targets
@pass_env
@guard
def qualify(env: Env, targets: Targets, rating: str) -> None:
    """Qualify leads (or re-rate them) low, medium or high."""
    perform(
        env.backend(),
        targets,
        "qualify",
        lambda b, ids, skip: b.qualify(ids, rating, skip_refused=skip),
        planned("qualify", {"rating": rating}),
    )


@act.command("hand-off")
@click.option("--to", metavar="SALES_REP", required=True, help="The sales rep.")
@targets
@pass_env
@guard
def hand_off(env: Env, targets: Targets, to: str) -> None:
    """Hand qualified leads to a sales rep."""
    perform(
        env.backend(),
        targets,
        "hand off",
        lambda b, ids, skip: b.hand_off(ids, to, skip_refused=skip),
        planned("hand_off", {"to": to}),
    )


@act.command("incubate")
@click.option("--days", type=click.IntRange(min=1), help="Resurface after N days.")
@click.option("--until", metavar="DATE", help="Resurface on DATE (local).")
@click.option("--reason", default="", help="Why the lead is parked.")
@targets
@pass_env
@guard
def incubate(env: Env, targets: Targets, days: int | None, until: str | None, reason: str) -> None:
    """Park leads until a date (default: in 30 days), with a reason."""
    if days is not None and until is not None:
        raise BadInput("give --days or --until, not both")
    backend = env.backend()
    if until is None:
        until = f"+{days if days is not None else backend.rules.incubation_days}d"
    when = when_utc(until)
    perform(
        backend,
        targets,
        "incubate",
        lambda b, ids, skip: b.incubate(ids, when, reason, skip_refused=skip),
        planned("incubate", {"until": when, "reason": reason}),
    )


@act.command("purge")
@click.option("--reason", type=_choice(PurgeReason), required=True, help="The reason code.")
@click.option("--note", default="", help="Free text (needed with --reason other).")
@targets
@pass_env
@guard
def purge(env: Env, targets: Targets, reason: str, note: str) -> None:
    """Take leads out of work with a reason code (undo brings them back)."""
    perform(
        env.backend(),
        targets,
        "purge",
        lambda b, ids, skip: b.purge(ids, reason, note, skip_refused=skip),
        planned("purge", {"reason": reason, "note": note}),
    )


@act.command("touch")
@click.option("--channel", type=_choice(Channel), required=True)
@click.option("--outcome", type=_choice(Outcome), required=True)
@click.option("--note", default="")
@targets
@pass_env
@guard
def touch(env: Env, targets: Targets, channel: str, outcome: str, note: str) -> None:
    """Log an attempt to reach the leads."""
    preview = dry(touches.log_touch, "touch", channel=channel, outcome=outcome, note=note)
    perform(
        env.backend(),
        targets,
        "touch",
        lambda b, ids, skip: b.log_touch(ids, channel, outcome, note, skip_refused=skip),
        preview,
    )


@act.command("next-action")
@click.option("--due", metavar="WHEN", required=True, help="When (local): +3d, tomorrow, mon …")
@click.option("--note", default="", help="What to do.")
@targets
@pass_env
@guard
def next_action(env: Env, targets: Targets, due: str, note: str) -> None:
    """Set what to do next and when."""
    when = when_utc(due)
    perform(
        env.backend(),
        targets,
        "next action",
        lambda b, ids, skip: b.set_next_action(ids, when, note, skip_refused=skip),
        planned("next_action", {"due": when, "note": note}),
    )


@act.command("reassign")
@click.option(
    "--to",
    "to",
    metavar="REP",
    multiple=True,
    required=True,
    help="A rep, or `pool`; several: round-robin over them.",
)
@click.option("--weighted", is_flag=True, help="Fewest open leads first instead of in turn.")
@targets
@pass_env
@guard
def reassign(env: Env, targets: Targets, to: tuple[str, ...], weighted: bool) -> None:
    """Give leads to a rep, release them to the pool, or spread them over several reps."""
    names: list[str | None] = [None if t.lower() == POOL else t for t in to]
    backend = env.backend()
    weights = None
    if weighted:
        reps = [n for n in names if n is not None]
        if not reps:
            raise BadInput("--weighted needs at least one rep in --to")
        weights = {
            n: backend.queue_counts(QueueFilter(owner=n, include_pool=False)).total_open
            for n in reps
        }
    target = names if len(names) > 1 or weighted else names[0]
    perform(
        backend,
        targets,
        "reassign",
        lambda b, ids, skip: b.reassign(ids, target, weights=weights, skip_refused=skip),
        planned("reassign", {"to": names, "weights": weights}),
    )


@act.command("accept")
@click.option("--amount", type=click.FloatRange(min=0), help="The expected deal amount.")
@targets
@pass_env
@guard
def accept(env: Env, targets: Targets, amount: float | None) -> None:
    """Sales accepts hand-offs."""
    perform(
        env.backend(),
        targets,
        "accept",
        lambda b, ids, skip: b.accept(ids, amount, skip_refused=skip),
        dry(sales.accept, "accept", amount=amount),
    )


@act.command("reject")
@click.option("--reason", required=True, help="Why (goes back to the qualifying rep).")
@click.option(
    "--recycle-to", type=_choice(RecycleTo), default=RecycleTo.QUALIFIED.value, show_default=True
)
@targets
@pass_env
@guard
def reject(env: Env, targets: Targets, reason: str, recycle_to: str) -> None:
    """Sales rejects hand-offs: recycled to qualified or incubating, never lost."""
    preview = dry(sales.reject, "reject", reason=reason, recycle_to=recycle_to)
    perform(
        env.backend(),
        targets,
        "reject",
        lambda b, ids, skip: b.reject(ids, reason, recycle_to, skip_refused=skip),
        preview,
    )


@act.command("outcome")
@click.argument("result", type=_choice(SalesOutcome))
@click.option("--amount", type=click.FloatRange(min=0), help="The deal amount.")
@targets
@pass_env
@guard
def outcome(env: Env, targets: Targets, result: str, amount: float | None) -> None:
    """Record a sale's outcome: won, lost or delayed."""
    preview = dry(sales.record_outcome, "outcome", outcome=result, amount=amount)
    perform(
        env.backend(),
        targets,
        f"record {result} for",
        lambda b, ids, skip: b.record_outcome(ids, result, amount, skip_refused=skip),
        preview,
    )


@act.command("claim-next")
@env_options
@pass_env
@guard
def claim_next(env: Env) -> None:
    """Take the most urgent lead from the shared pool."""
    done(env.backend().claim_next())


@act.command("undo")
@env_options
@pass_env
@guard
def undo(env: Env) -> None:
    """Undo the acting rep's last action (refused when its leads changed since)."""
    done(env.backend().undo())


@act.command("resurface-due")
@env_options
@pass_env
@guard
def resurface_due(env: Env) -> None:
    """Bring back every incubation whose date has come (the ones the rep may change)."""
    done(env.backend().resurface_due())
