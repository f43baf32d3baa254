"""Time for the seed: whole seconds since the epoch (naive UTC), working hours, ISO weeks.

The seed does millions of time computations, so it keeps times as ints and formats them once,
in the text form the database and the event data use (`YYYY-MM-DD HH:MM:SS`).
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from datetime import datetime, timedelta

MINUTE = 60
HOUR = 3600
DAY = 86_400
WEEK = 7 * DAY
WORK_START = 8 * HOUR
WORK_END = 18 * HOUR
_EPOCH = datetime(1970, 1, 1)


def to_seconds(dt: datetime) -> int:
    """A naive UTC datetime as whole seconds since the epoch (sub-seconds dropped)."""
    return calendar.timegm(dt.timetuple())


def to_datetime(t: int) -> datetime:
    return _EPOCH + timedelta(seconds=t)


def weekday(t: int) -> int:
    """Monday is 0 (1970-01-01 was a Thursday)."""
    return (t // DAY + 3) % 7


def week_start(t: int) -> int:
    """Monday 00:00 of the ISO week containing `t`."""
    day = t // DAY
    return (day - (day + 3) % 7) * DAY


_CLOCK_TIMES: list[str] = []


class Formatter:
    """`fmt(t)` → 'YYYY-MM-DD HH:MM:SS', from a cached date part and a table of the day's
    86,400 clock times (the seed formats millions of them)."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        if not _CLOCK_TIMES:
            _CLOCK_TIMES.extend(
                f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
            )

    def __call__(self, t: int) -> str:
        day, s = divmod(t, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = to_datetime(day * DAY).strftime("%Y-%m-%d ")
        return prefix + _CLOCK_TIMES[s]


def work(t: int) -> int:
    """`t` moved into working hours (Mon–Fri 08:00–18:00 UTC), keeping some spread so moved
    times do not pile up on the same second."""
    day, s = divmod(t, DAY)
    wd = (day + 3) % 7
    if wd >= 5:
        return (day + 7 - wd) * DAY + WORK_START + s % (3 * HOUR)
    if s < WORK_START:
        return day * DAY + WORK_START + s % (2 * HOUR)
    if s >= WORK_END:
        skip = 3 if wd == 4 else 1
        return (day + skip) * DAY + WORK_START + (s - WORK_END) % (2 * HOUR)
    return t


def add_business_days(t: int, days: float) -> int:
    """`t` plus `days` working days (fractions count as hours of a 10-hour working day)."""
    whole = int(days)
    t = work(t)
    for _ in range(whole):
        t += DAY
        while weekday(t) >= 5:
            t += DAY
    return work(t + int((days - whole) * (WORK_END - WORK_START)))


class WeekProfile:
    """When in a week leads arrive: mostly working hours, a little at night and on weekends.

    `at(fraction)` maps [0, 1) monotonically onto seconds from Monday 00:00, so leads numbered
    in order get creation times in the same order.
    """

    def __init__(self) -> None:
        weights = []
        for day in range(7):
            for hour in range(24):
                if day >= 5:
                    w = 1.5 if 9 <= hour < 19 else 0.3
                elif 8 <= hour < 18:
                    w = 10.0
                elif 6 <= hour < 22:
                    w = 3.0
                else:
                    w = 0.5
                weights.append(w)
        total = sum(weights)
        self.cdf = [0.0]
        for w in weights:
            self.cdf.append(self.cdf[-1] + w / total)
        self.cdf[-1] = 1.0

    def share_before(self, offset: int) -> float:
        """Share of a week's arrivals before `offset` seconds into it."""
        if offset <= 0:
            return 0.0
        if offset >= WEEK:
            return 1.0
        hour, rest = divmod(offset, HOUR)
        lo, hi = self.cdf[hour], self.cdf[hour + 1]
        return lo + (hi - lo) * rest / HOUR

    def at(self, fraction: float) -> int:
        """Seconds into the week at which `fraction` of its arrivals have come."""
        hour = min(bisect_right(self.cdf, fraction) - 1, 167)
        lo, hi = self.cdf[hour], self.cdf[hour + 1]
        return hour * HOUR + int(HOUR * (fraction - lo) / (hi - lo))
