"""When a deadline counts as missed, in one place for the sweep, the oversight view and tests.

A complaint's `due_on` is the last working day the step may take. The deadline is missed from
the next *working* day: something due on Friday is not late on Saturday or Sunday (nobody at
the agency could have acted), nor on a public holiday, but it is on Monday morning.

A resolved complaint's `due_on` is the last day its reporter may reopen it
(`lifecycle.may_still_reopen`); it closes by itself from the next calendar day.

In SQL that is one comparison: a deadline is missed today when `due_on` lies before the latest
working day on or before today (`cutoff`), i.e. a working day has passed since it.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_

from app import workdays
from app.complaints.models import Complaint, Status

# States whose clock runs against the agency or the verifier. needs_info is paused (the
# reporter holds it); resolved runs the reporter's auto-close clock; the rest have stopped.
ACTIVE = (
    Status.RECEIVED,
    Status.VERIFIED,
    Status.IN_PROGRESS,
    Status.FORWARDED,
    Status.REOPENED,
)


def cutoff(today: date) -> date:
    """The latest working day on or before `today`; a `due_on` before it has been missed."""
    day = today
    while not workdays.is_working_day(day):
        day -= timedelta(days=1)
    return day


def is_missed(due_on: date | None, today: date) -> bool:
    return due_on is not None and due_on < cutoff(today)


def working_days_late(due_on: date, today: date) -> int:
    """Working days after `due_on` up to and including `today` (0 when not late)."""
    if due_on >= today:
        return 0
    return workdays.count_working_days(due_on + timedelta(days=1), today)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Complaints whose running deadline has been missed."""
    return and_(Complaint.status.in_(ACTIVE), Complaint.due_on < cutoff(today))


def escalated_clause() -> ColumnElement[bool]:
    """The current deadline's miss has been escalated (see Complaint.escalated_on).

    A new deadline is always set after the escalation day, so an older escalation no longer
    counts for it, and the new one is escalated again when it too is missed.
    """
    return and_(Complaint.escalated_on.is_not(None), Complaint.escalated_on > Complaint.due_on)


def to_escalate_clause(today: date) -> ColumnElement[bool]:
    return and_(
        overdue_clause(today),
        or_(Complaint.escalated_on.is_(None), Complaint.escalated_on <= Complaint.due_on),
    )


def to_close_clause(today: date) -> ColumnElement[bool]:
    """Resolved complaints whose reporter let the answer window pass without a word."""
    return and_(Complaint.status == Status.RESOLVED, Complaint.due_on < today)
