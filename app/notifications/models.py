"""The outbox: every message to a reporter is a row first, and is delivered later.

Writing the row in the request's own transaction means a message exists exactly when the
change it reports was committed, and a slow or broken mail server can never slow down or
fail the request: delivery happens outside any request (`flask notifications send`).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import TimestampMixin, str_enum, utcnow
from app.extensions import db


class OutboxChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next_attempt_at
    SENDING = "sending"  # claimed by one sender; next_attempt_at is the claim's expiry
    SENT = "sent"
    FAILED = "failed"  # gave up after NOTIFY_MAX_ATTEMPTS, or the address was refused


class OutboxMessage(TimestampMixin, db.Model):
    """One message to one person (usually a reporter, about one event), on one channel.

    The body is rendered when queued, in the reporter's language, so what is sent is what
    was true when it happened. `last_error` holds an error class and code only, never an
    address (SMTP errors quote recipients).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # One event never queues twice on one channel, whatever calls the signal.
        UniqueConstraint("event_id", "channel", name="uq_outbox_event_channel"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[OutboxChannel] = mapped_column(str_enum(OutboxChannel, 10))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(255))  # None for SMS
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(5))
    # Both empty for a message about no complaint (a citizen's sign-in link); a complaint's
    # receipt sent to someone a facilitator filed for has a complaint but no event.
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_events.id"))
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, 10), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]
