"""Helpers for the deadline tests: a frozen clock in Jakarta and lookups."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.directory.models import Agency
from app.extensions import db as _db

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: date, hour: int = 10) -> time_machine.travel:
    """Freeze the clock at `hour` o'clock on `day`, Jakarta time."""
    return time_machine.travel(datetime.combine(day, time(hour), JAKARTA), tick=False)


def complaint(code: str) -> Complaint:
    found = _db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
    assert found is not None
    return found


def agency(code: str) -> Agency:
    found = _db.session.scalar(select(Agency).where(Agency.code == code))
    assert found is not None
    return found


def events(code: str, kind: EventKind) -> list[ComplaintEvent]:
    return list(
        _db.session.scalars(
            select(ComplaintEvent)
            .join(Complaint)
            .where(Complaint.tracking_code == code, ComplaintEvent.kind == kind)
            .order_by(ComplaintEvent.id)
        )
    )
