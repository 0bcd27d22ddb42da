"""The published version of event notes, masked; complaint titles and descriptions keep theirs
on Complaint (published_title, published_description).

Events are append-only (app/complaints/models.py), so the masked note, which a verifier may
correct, lives here, one row per public event that has a note.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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


class PublishedWord(db.Model):
    """The search index of published texts (app/publishing/search.py): one row per word of
    a complaint's masked title and description, stemmed and as written, so a search reads a
    few index entries instead of every published text."""

    __tablename__ = "published_words"

    # Byte order on PostgreSQL too (SQLite's default), so that the words beginning with a
    # prefix are one range of the index whatever the database's locale (search.forms_of).
    word: Mapped[str] = mapped_column(
        String(40).with_variant(String(40, collation="C"), "postgresql"), primary_key=True
    )
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id"), primary_key=True, index=True
    )
