"""The shape of the demo history: weekly volumes with the planted structure, and which lead
(by position; lead ids follow creation time) plays which part.

Everything here is decided up front from the seed and is cheap (a byte per lead), so the
per-lead histories can then be generated chunk by chunk in any order of work.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from qc_console.services.seed.clock import (
    HOUR,
    MINUTE,
    WEEK,
    WeekProfile,
    to_datetime,
    week_start,
)
from qc_console.services.seed.data import SampleData

WEEKS = 78
"""18 months of ISO weeks, the current (partial) one last."""
QUALIFY_LAG_WEEKS = 6
QUALIFY_ELASTICITY = 0.8
QUALIFY_RATE_AT_MEAN = 0.30
"""Share of a cohort of average size that gets qualified."""
HANDOFF_LAG_WEEKS = 2
HANDOFF_ELASTICITY = 1.0
HANDOFF_SHARE = 0.55
"""Share of a week's qualified leads handed off two weeks later."""
COUNT_NOISE_SD = 0.03
"""Log-scale noise on the planted counts (rounding adds a little more)."""
TAIL_HOURS = 4

PLANTED = {
    "week": "ISO week, Monday 00:00 UTC; week 0 starts 77 weeks before the week of `now`",
    "raw": "R_w = leads that entered `raw` in week w (create events with to_stage raw): "
    "seasonality + growth + log-normal shocks + trade-show spikes",
    "qualified": {
        "from": "raw",
        "lag_weeks": QUALIFY_LAG_WEEKS,
        "elasticity": QUALIFY_ELASTICITY,
        "law": "of the R_w raw entries of week w, round(c * R_w**0.8 * e**N(0, 0.03)) are "
        "qualified (raw -> qualified) during week w + 6; c = 0.30 * mean(R)**0.2",
    },
    "handed_off": {
        "from": "qualified",
        "lag_weeks": HANDOFF_LAG_WEEKS,
        "elasticity": HANDOFF_ELASTICITY,
        "law": "of the Q_w leads qualified in week w, round(0.55 * Q_w * e**N(0, 0.03)) are "
        "handed off during week w + 2",
    },
    "other_flows": "kept small on purpose: sales rejections recycled to qualified, leads "
    "entered qualified by hand, and resurfaced incubations each add ~1-2% to a flow",
}

# Parts a lead can play besides the ordinary flow (`Layout.special`).
TAIL = "tail"
"""Untouched new raw lead from the last hours (some past the speed-to-lead SLA)."""
TAIL_POOL = "tail_pool"
"""Same, in the unassigned pool."""
HOSTILE = "hostile"
"""Open raw lead of the demo rep with hostile values."""
DIRECT_QUALIFIED = "direct_qualified"
"""Entered by hand as qualified/high (sales prospecting)."""
BH_NO_NEXT = "bh_no_next"
"""Black hole: imported qualified without a next action, never worked."""
BH_OLD_POOL = "bh_old_pool"
"""Black hole: raw, owned by nobody, untouched in the pool for months."""
BH_STALE_HANDOFF = "bh_stale_handoff"
"""Black hole: handed off weeks ago, never accepted or rejected."""
BLACK_HOLES = frozenset({BH_NO_NEXT, BH_OLD_POOL, BH_STALE_HANDOFF})

# Fates of ordinary leads (`Layout.fate`).
WORKED = 0
QUALIFIED = 1
HANDED_OFF = 2


@dataclass
class Layout:
    n: int
    now: int
    first_week: int
    cohort_start: list[int]
    """Position of the first lead of week k (len WEEKS + 1; the tail closes the last week)."""
    raw: list[int]
    """R_k: leads that enter raw in week k."""
    qualified: list[int]
    """q_k: leads of cohort k qualified in week k + 6."""
    handed: list[int]
    """h_k: leads of cohort k handed off in week k + 8."""
    fate: bytearray
    special: dict[int, str]
    show_weeks: frozenset[int]
    regular_end: int
    """Ordinary leads arrive before this; the tail after."""
    tail_ages: list[int] = field(default_factory=list)
    profile: WeekProfile = field(default_factory=WeekProfile)

    @property
    def tail_start(self) -> int:
        return self.n - len(self.tail_ages)

    def week_of(self, k: int) -> int:
        return self.first_week + k * WEEK

    def created_at(self, i: int, k: int, u: float) -> int:
        """Creation time of lead position `i` in week `k`; `u` in [0, 1) jitters it within
        its slot, so times keep the order of positions."""
        if i >= self.tail_start:
            return self.now - self.tail_ages[i - self.tail_start]
        lo, hi = self.cohort_start[k], min(self.cohort_start[k + 1], self.tail_start)
        fraction = (i - lo + u) / (hi - lo)
        start = self.week_of(k)
        if self.regular_end < start + WEEK:
            fraction *= self.profile.share_before(self.regular_end - start)
        return start + self.profile.at(fraction)


def _log_weights(data: SampleData, first_week: int, rng: random.Random) -> tuple[list[float], set]:
    shows = {WEEKS - 1 - c.starts_weeks_ago for c in data.campaigns if c.source == "trade_show"}
    logs = []
    for k in range(WEEKS):
        iso_week = _iso_week(first_week + k * WEEK)
        x = 0.3 * math.sin(2 * math.pi * iso_week / 52.18 - 1.2) + 0.35 * k / WEEKS
        x += rng.gauss(0.0, 0.38)
        if iso_week in (52, 53, 1):
            x -= 0.7
        elif 31 <= iso_week <= 33:
            x -= 0.25
        if k in shows:
            x += 0.6
        elif k - 1 in shows:
            x += 0.3
        logs.append(x)
    return logs, shows


def _iso_week(t: int) -> int:
    return to_datetime(t).isocalendar()[1]


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _slope(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _plant(
    upstream: list[int], targets: list[float], elasticity: float, caps: list[int]
) -> list[int]:
    """Whole counts near `targets` whose log-log slope on `upstream` is `elasticity`.

    Rounding small counts adds noise of its own (±1 in 5 is 20%), enough to move the fitted
    slope by a few percent; nudging a few weeks by one lead keeps the planted figure exact.
    """
    counts = [min(cap, max(1, round(t))) for t, cap in zip(targets, caps, strict=True)]
    weeks = [k for k, c in enumerate(counts) if c > 0 and upstream[k] > 0]
    if len(weeks) < 3:
        return counts
    xs = [math.log(upstream[k]) if k in weeks else 0.0 for k in range(len(counts))]
    mx = sum(xs[k] for k in weeks) / len(weeks)
    sxx = sum((xs[k] - mx) ** 2 for k in weeks)
    for _ in range(len(counts)):
        if sxx == 0:
            break
        error = _slope([xs[k] for k in weeks], [math.log(counts[k]) for k in weeks]) - elasticity
        if abs(error) < 0.005:
            break
        if abs(error) < 0.005 or sxx == 0:
            break
        best, gain = None, 0.0
        for k in weeks:
            count = counts[k]
            for step in (-1, 1):
                new = count + step
                if not 1 <= new <= caps[k]:
                    continue
                change = (xs[k] - mx) / sxx * math.log(new / count)
                if abs(error + change) < abs(error) - gain:
                    best, gain = (k, new), abs(error) - abs(error + change)
        if best is None:
            break
        counts[best[0]] = best[1]
    return counts


def build_layout(n: int, seed: int, now: int, data: SampleData) -> Layout:
    rng = random.Random(f"layout:{seed}")
    current = week_start(now)
    first_week = current - (WEEKS - 1) * WEEK
    # The special cases grow like sqrt(n): a 1M-lead benchmark should not open every queue
    # with hundreds of pool breaches.
    tail = max(6, math.isqrt(n) // 4)
    regular_end = now - TAIL_HOURS * HOUR - MINUTE
    logs, shows = _log_weights(data, first_week, rng)
    weights = [math.exp(x) for x in logs]
    profile = WeekProfile()
    weights[-1] *= profile.share_before(regular_end - current)
    sizes = _split(n - tail, weights)
    cohort_start = [0]
    for size in sizes:
        cohort_start.append(cohort_start[-1] + size)
    cohort_start[-1] = n  # the tail belongs to the current week

    # The tail: about a third still inside the 15-minute speed-to-lead window.
    ages = [rng.randint(MINUTE, 14 * MINUTE) if j % 3 == 0 else 0 for j in range(tail)]
    ages = [a or rng.randint(16 * MINUTE, TAIL_HOURS * HOUR) for a in ages]
    ages.sort(reverse=True)
    special: dict[int, str] = {}
    for j in range(tail):
        special[n - tail + j] = TAIL_POOL if j % 5 in (1, 3) else TAIL

    def week_range(first: int, last: int) -> range:
        first, last = max(0, first), max(0, min(last, WEEKS - 1))
        return range(cohort_start[first], cohort_start[last + 1] if last >= first else 0)

    def pick(count: int, where: range, kind: str) -> None:
        free = [i for i in where if i not in special and i < n - tail]
        for i in rng.sample(free, min(count, len(free))):
            special[i] = kind

    hostile = [n - tail - 1 - 3 * j for j in range(len(data.hostile))]
    for i in hostile:
        if i >= 0:
            special[i] = HOSTILE
    few = max(2, math.isqrt(n) // 20)
    pick(max(2, math.isqrt(n) // 15), week_range(WEEKS - 3, WEEKS - 1), DIRECT_QUALIFIED)
    pick(few, week_range(WEEKS - 30, WEEKS - 3), BH_NO_NEXT)
    pick(few, week_range(WEEKS - 26, WEEKS - 4), BH_OLD_POOL)

    not_raw = {DIRECT_QUALIFIED, BH_NO_NEXT}
    raw = [
        sum(1 for i in range(cohort_start[k], cohort_start[k + 1]) if special.get(i) not in not_raw)
        for k in range(WEEKS)
    ]
    full_weeks = raw[:-1]
    c = QUALIFY_RATE_AT_MEAN * (sum(full_weeks) / len(full_weeks)) ** (1 - QUALIFY_ELASTICITY)
    top = WEEKS - QUALIFY_LAG_WEEKS
    eligible = [
        [i for i in range(cohort_start[k], cohort_start[k + 1]) if i not in special]
        for k in range(top)
    ]
    qualified = [
        c * raw[k] ** QUALIFY_ELASTICITY * math.exp(rng.gauss(0, COUNT_NOISE_SD))
        for k in range(top)
    ]
    qualified = _plant(raw[:top], qualified, QUALIFY_ELASTICITY, [len(e) for e in eligible])
    top_h = top - HANDOFF_LAG_WEEKS
    handed = [
        HANDOFF_SHARE * q**HANDOFF_ELASTICITY * math.exp(rng.gauss(0, COUNT_NOISE_SD))
        for q in qualified[:top_h]
    ]
    handed = _plant(qualified[:top_h], handed, HANDOFF_ELASTICITY, qualified[:top_h])
    fate = bytearray(n)
    stale_candidates: list[int] = []
    for k in range(top):
        chosen = rng.sample(eligible[k], qualified[k])
        for i in chosen:
            fate[i] = QUALIFIED
        if k < top_h:
            passed = rng.sample(chosen, handed[k])
            for i in passed:
                fate[i] = HANDED_OFF
            if k + QUALIFY_LAG_WEEKS + HANDOFF_LAG_WEEKS <= WEEKS - 3:
                stale_candidates.extend(passed)
    for i in rng.sample(stale_candidates, min(few, len(stale_candidates))):
        special[i] = BH_STALE_HANDOFF
    qualified += [0] * (WEEKS - len(qualified))
    handed += [0] * (WEEKS - len(handed))
    return Layout(
        n=n,
        now=now,
        first_week=first_week,
        cohort_start=cohort_start,
        raw=raw,
        qualified=qualified,
        handed=handed,
        fate=fate,
        special=special,
        show_weeks=frozenset(shows),
        regular_end=regular_end,
        tail_ages=ages,
        profile=profile,
    )
