"""Finding a complaint by its tracking code, and what of it a given viewer may see."""

from __future__ import annotations

from sqlalchemy import select

from app.complaints import codes
from app.complaints.models import Complaint, ComplaintEvent
from app.extensions import db


def by_code(code: str) -> Complaint | None:
    normalised = codes.normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == normalised))


def unlock(code: str, secret: str | None) -> tuple[Complaint | None, bool]:
    """The complaint and whether its content may be shown.

    A wrong secret answers exactly like an unknown code, so the answer never tells a
    stranger whether a code exists.
    """
    complaint = by_code(code)
    if complaint is None:
        return None, False
    if secret:
        if not codes.secret_matches(secret, complaint.secret_hash):
            return None, False
        return complaint, True
    return complaint, not complaint.privacy.needs_secret


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    return [event for event in complaint.events if event.public]
