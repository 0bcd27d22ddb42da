"""Supporting a published complaint instead of filing the same problem again."""

from __future__ import annotations

from sqlalchemy import select, update

from app.complaints import codes
from app.complaints.models import Complaint
from app.duplicates.queries import published
from app.extensions import db


def published_by_code(code: str) -> Complaint | None:
    """The complaint with this tracking code, only if anyone may see it."""
    normalised = codes.normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(
        select(Complaint).where(Complaint.tracking_code == normalised, published())
    )


def add_support(complaint: Complaint) -> bool:
    """One more person has this problem: support_count + 1, in one UPDATE.

    Incremented in the database (two citizens at once both count) and with the row's version
    bumped, so a verifier acting on the complaint at the same moment cannot overwrite the
    new count with a stale one (optimistic locking: their action asks them to reload).
    Returns False when the complaint is no longer published.
    """
    result = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, published())
        .values(support_count=Complaint.support_count + 1, version=Complaint.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(complaint)
    return result.rowcount == 1
