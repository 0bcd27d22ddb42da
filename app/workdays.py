"""Working days: Monday to Friday minus Indonesian public holidays and cuti bersama, from
lokal-id. Every deadline, "days late" and scorecard duration counts through this module.

lokal-id holds the official holidays of `lokal.HOLIDAY_YEARS` only: a year's SKB 3 Menteri is
published around the previous September. A deadline can reach past the last of them (60
working days set in October end in the next year), and lokal-id then raises rather than guess.
Here such a year counts Monday to Friday as working days instead, so filing and dispatch keep
working; its deadlines come out a little early around holidays, never late. Each such year is
logged once per process as a warning, and `flask sla calendar` tells an operator (or a
monitoring cron) when the next year's data is due.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import lokal

log = logging.getLogger(__name__)

_warned: set[int] = set()


def covered(year: int) -> bool:
    """Whether lokal-id has the official holidays of `year`."""
    return year in lokal.HOLIDAY_YEARS


def is_working_day(day: date) -> bool:
    if covered(day.year):
        return lokal.is_working_day(day)
    if day.year not in _warned:
        _warned.add(day.year)
        log.warning(
            "no public holidays for %s in lokal-id %s: counting Monday to Friday; "
            "update lokal-id once the SKB 3 Menteri is published",
            day.year,
            ", ".join(map(str, lokal.HOLIDAY_YEARS)),
        )
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (before it when negative)."""
    step = timedelta(days=-1 if days < 0 else 1)
    day, left = start, abs(days)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def count_working_days(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included (0 when `end` is before `start`)."""
    if end < start:
        return 0
    if covered(start.year) and covered(end.year):
        return lokal.count_working_days(start, end)
    return sum(is_working_day(start + timedelta(days=i)) for i in range((end - start).days + 1))
