"""Working-day deadlines: weekends and Indonesian public holidays (lokal-id) do not count."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from app import workdays


def local_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def add_working_days(start: date, days: int) -> date:
    return workdays.add_working_days(start, days)


def verification_due(received_at: datetime) -> date:
    return add_working_days(local_date(received_at), current_app.config["SLA_VERIFY_DAYS"])


def first_response_due(received_at: datetime) -> date:
    """The first answer's latest date if verification takes all its time (for the receipt)."""
    return add_working_days(
        verification_due(received_at), current_app.config["SLA_FIRST_RESPONSE_DAYS"]
    )


def working_days_left(due: date, today: date) -> int:
    """Working days after `today` up to and including `due`; negative when late.

    0 means due today; -2 means two working days have passed since the deadline.
    """
    if due >= today:
        return workdays.count_working_days(today, due) - (
            1 if workdays.is_working_day(today) else 0
        )
    return -workdays.count_working_days(due, today) + (1 if workdays.is_working_day(due) else 0)
