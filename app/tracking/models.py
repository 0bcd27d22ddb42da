"""What the reporter says back: the rating given when confirming that a report is resolved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.extensions import db

RATING_MIN, RATING_MAX = 1, 5


class ComplaintRating(db.Model):
    """One per complaint: confirming closes it, so it cannot be confirmed (or rated) twice.

    Written in the same transaction as the CONFIRMED event. The comment stays out of the
    event's note, which is public: it is for the agency and oversight, not for everyone.
    """

    __tablename__ = "complaint_ratings"
    __table_args__ = (
        CheckConstraint(f"score >= {RATING_MIN} AND score <= {RATING_MAX}", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
