"""Helpers for the deadline tests: a frozen clock in Jakarta and lookups."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.extensions import db as _db
from tests.helpers import agency, complaint  # noqa: F401 (re-exported)

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: date, hour: int = 10) -> time_machine.travel:
    """Freeze the clock at `hour` o'clock on `day`, Jakarta time."""
    return time_machine.travel(datetime.combine(day, time(hour), JAKARTA), tick=False)


def events(code: str, kind: EventKind) -> list[ComplaintEvent]:
    return list(
        _db.session.scalars(
            select(ComplaintEvent)
            .join(Complaint)
            .where(Complaint.tracking_code == code, ComplaintEvent.kind == kind)
            .order_by(ComplaintEvent.id)
        )
    )
