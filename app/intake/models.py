"""Drafts awaiting the reporter's check, and remembered API responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.complaints.models import Attachment
from app.db import TimestampMixin, utcnow
from app.extensions import db


class Draft(TimestampMixin, db.Model):
    """Valid answers and their files, between the form and "send"; purged after a day."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[dict] = mapped_column(JSON)

    attachments: Mapped[list[Attachment]] = relationship(
        order_by=Attachment.id, passive_deletes=True
    )


class IdempotencyRecord(db.Model):
    """The first successful answer to an Idempotency-Key, replayed for every retry."""

    __tablename__ = "idempotency_records"

    key: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict] = mapped_column(JSON)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
