"""The published version of event notes, masked; complaint titles and descriptions keep theirs
on Complaint (published_title, published_description).

Events are append-only (app/complaints/models.py), so the masked note, which a verifier may
correct, lives here, one row per public event that has a note.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.extensions import db


class PublishedNote(db.Model):
    __tablename__ = "published_notes"

    event_id: Mapped[int] = mapped_column(ForeignKey("complaint_events.id"), primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a verifier corrected the masking (the audit event says who and why): a later
    # refresh never overwrites a correction.
    corrected_at: Mapped[datetime | None] = mapped_column(default=None)
