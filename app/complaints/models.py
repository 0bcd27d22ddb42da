"""Complaints, reporters, attachments and the append-only event log."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from app.db import TimestampMixin, str_enum, utcnow
from app.directory.models import Agency, Category, Region
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import Organisation, User


class TitledEnum(enum.StrEnum):
    """A state whose title is translated; titles live in each subclass's TITLES."""

    @property
    def title(self) -> str:
        return str(self.TITLES[self])  # type: ignore[attr-defined]


class ComplaintType(TitledEnum):
    COMPLAINT = "complaint"
    ASPIRATION = "aspiration"
    INFORMATION = "information"


ComplaintType.TITLES = {
    ComplaintType.COMPLAINT: _l("Complaint"),
    ComplaintType.ASPIRATION: _l("Aspiration"),
    ComplaintType.INFORMATION: _l("Request for information"),
}


class Privacy(TitledEnum):
    PUBLIC = "public"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"

    @property
    def needs_secret(self) -> bool:
        """Content that is not public is shown to the reporter only with their secret."""
        return self is not Privacy.PUBLIC


Privacy.TITLES = {
    Privacy.PUBLIC: _l("Public"),
    Privacy.CONFIDENTIAL: _l("Confidential"),
    Privacy.ANONYMOUS: _l("Anonymous"),
}


class Status(TitledEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    NEEDS_INFO = "needs_info"
    MERGED = "merged"
    FORWARDED = "forwarded"
    ARCHIVED = "archived"
    REOPENED = "reopened"
    FLAGGED = "flagged"


Status.TITLES = {
    Status.RECEIVED: _l("Received"),
    Status.VERIFIED: _l("Verified and sent to the agency"),
    Status.IN_PROGRESS: _l("Being handled"),
    Status.RESOLVED: _l("Resolved"),
    Status.CLOSED: _l("Closed"),
    Status.NEEDS_INFO: _l("More information needed"),
    Status.MERGED: _l("Joined to an earlier report"),
    Status.FORWARDED: _l("Forwarded to another agency"),
    Status.ARCHIVED: _l("Archived"),
    Status.REOPENED: _l("Reopened"),
    Status.FLAGGED: _l("Held for review"),
}


class EventKind(TitledEnum):
    """What happened; one kind per life-cycle action (app/complaints/lifecycle.py)."""

    RECEIVED = "received"
    DISPATCHED = "dispatched"
    MERGED = "merged"
    INFO_REQUESTED = "info_requested"
    ARCHIVED = "archived"
    FLAGGED = "flagged"
    REPLIED = "replied"
    APPEALED = "appealed"
    STARTED = "started"
    RESPONDED = "responded"
    FORWARDED = "forwarded"
    RESOLVED = "resolved"
    CONFIRMED = "confirmed"
    REOPENED = "reopened"
    CLOSED = "closed"
    ESCALATED = "escalated"  # the deadline passed: the sweep (app/deadlines) tells supervisors
    CLAIMED = "claimed"  # the complainant added it to their own account (not a state change)
    # A verifier corrected the masked, published version (app/publishing): not public.
    PUBLISHED_CORRECTED = "published_corrected"


EventKind.TITLES = {
    EventKind.RECEIVED: _l("Report received"),
    EventKind.DISPATCHED: _l("Verified and sent to the agency"),
    EventKind.MERGED: _l("Joined to an earlier report about the same problem"),
    EventKind.INFO_REQUESTED: _l("More information was requested"),
    EventKind.ARCHIVED: _l("Archived: not a public-service matter"),
    EventKind.FLAGGED: _l("Held for review"),
    EventKind.REPLIED: _l("The reporter replied"),
    EventKind.APPEALED: _l("The reporter appealed"),
    EventKind.STARTED: _l("The agency started handling it"),
    EventKind.RESPONDED: _l("The agency responded"),
    EventKind.FORWARDED: _l("Forwarded to another agency"),
    EventKind.RESOLVED: _l("The agency marked it resolved"),
    EventKind.CONFIRMED: _l("The reporter confirmed it is resolved"),
    EventKind.REOPENED: _l("The reporter reopened it"),
    EventKind.CLOSED: _l("Closed"),
    EventKind.ESCALATED: _l("The deadline passed: escalated to the supervisor"),
    EventKind.CLAIMED: _l("The complainant added it to their account"),
    EventKind.PUBLISHED_CORRECTED: _l("The published version was corrected"),
}


class ConsentMethod(TitledEnum):
    """How a complainant agreed that a facilitator files for them."""

    SPOKEN = "spoken"
    WRITTEN = "written"
    THUMBPRINT = "thumbprint"


ConsentMethod.TITLES = {
    ConsentMethod.SPOKEN: _l("Spoken"),
    ConsentMethod.WRITTEN: _l("Written and signed"),
    ConsentMethod.THUMBPRINT: _l("Thumbprint"),
}


class Channel(enum.StrEnum):
    WEB = "web"
    API = "api"


class Reporter(db.Model):
    """Who filed: kept apart so views that must not see identity never join it."""

    __tablename__ = "reporters"
    __table_args__ = (
        CheckConstraint(
            "name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL", name="not_empty"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))


class Complaint(TimestampMixin, db.Model):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged"),
        CheckConstraint(
            "(privacy = 'public') OR (secret_hash IS NOT NULL)", name="secret_unless_public"
        ),
        # Filed on someone's behalf exactly when their consent is on record.
        CheckConstraint(
            "(facilitator_id IS NULL) = (consent_method IS NULL)", name="consent_when_facilitated"
        ),
        CheckConstraint(
            "(facilitator_id IS NULL) = (organisation_id IS NULL)",
            name="organisation_when_facilitated",
        ),
        # Public lists are newest first: a page is read from the end of this index and stops
        # after its rows, instead of sorting every published complaint.
        Index("ix_complaints_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(9), unique=True)
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[ComplaintType] = mapped_column(str_enum(ComplaintType))
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.RECEIVED, index=True)
    privacy: Mapped[Privacy] = mapped_column(str_enum(Privacy))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    occurred_on: Mapped[date | None]
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporters.id"))
    locale: Mapped[str] = mapped_column(String(5), default="id")
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 5))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(index=True)
    # When the sweep escalated a missed deadline. It is the *current* deadline's escalation
    # only while escalated_on > due_on: any new deadline lies after it (app/deadlines/rules.py).
    escalated_on: Mapped[date | None]
    support_count: Mapped[int] = mapped_column(default=1)
    # The citizen account it belongs to: filed while signed in, or claimed later with its
    # tracking code and secret. Never shown to agencies (an anonymous report stays anonymous).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Filed by a facilitator on the complainant's behalf, for an organisation, with consent.
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), index=True, default=None
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )
    consent_method: Mapped[ConsentMethod | None] = mapped_column(
        str_enum(ConsentMethod), default=None
    )
    consent_on: Mapped[date | None] = mapped_column(default=None)
    # Whether the complainant agreed that the agency sees "filed via <organisation>".
    organisation_shown: Mapped[bool] = mapped_column(default=False)
    # The published version (app/publishing): title and description with personal data masked,
    # stored when it is first published; a verifier may correct them. Longer than the
    # originals: a token such as [BANK_ACCOUNT_1] can be longer than what it replaces.
    published_title: Mapped[str | None] = mapped_column(String(300), default=None)
    published_description: Mapped[str | None] = mapped_column(Text, default=None)
    # Optimistic locking: two staff acting on one complaint at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    region: Mapped[Region] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")
    agency: Mapped[Agency | None] = relationship(lazy="joined")
    reporter: Mapped[Reporter | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    organisation: Mapped[Organisation | None] = relationship()
    # The earlier complaint about the same problem this one was joined to (status merged).
    merged_into: Mapped[Complaint | None] = relationship(remote_side=[id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="complaint", order_by="Attachment.id"
    )
    events: Mapped[list[ComplaintEvent]] = relationship(order_by="ComplaintEvent.id")


class AttachmentKind(TitledEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    AUDIO = "audio"


AttachmentKind.TITLES = {
    AttachmentKind.PHOTO: _l("Photo"),
    AttachmentKind.DOCUMENT: _l("PDF document"),
    AttachmentKind.AUDIO: _l("Audio recording"),
}


class Attachment(TimestampMixin, db.Model):
    """A stored file. Belongs to a complaint, or to a draft while the reporter checks answers.

    The client's filename is never kept: it can name the reporter ("KTP_Budi.jpg").
    """

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(complaint_id IS NULL) <> (draft_id IS NULL)", name="complaint_or_draft"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("drafts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttachmentKind] = mapped_column(str_enum(AttachmentKind, 10))
    media_type: Mapped[str] = mapped_column(String(50))
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))

    complaint: Mapped[Complaint | None] = relationship(back_populates="attachments")


class ComplaintEvent(db.Model):
    """One line of a complaint's history. Written once; never updated or deleted."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    status: Mapped[Status] = mapped_column(str_enum(Status))
    public: Mapped[bool] = mapped_column(default=True)
    actor_role: Mapped[str] = mapped_column(String(20), default="reporter")
    note: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Read-only: the agency a dispatch or forward went to, named in the staff timeline.
    agency: Mapped[Agency | None] = relationship(viewonly=True, lazy="joined")
    # Read-only: the staff member who acted ("who" in the audit trail). Staff pages show the
    # name; the reporter's timeline never does.
    actor: Mapped[User | None] = relationship(viewonly=True, lazy="joined")


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(ComplaintEvent, "before_update")
@event.listens_for(ComplaintEvent, "before_delete")
def _refuse_change(_mapper, _connection, target: ComplaintEvent) -> None:  # noqa: ANN001
    raise AppendOnlyError(f"complaint event {target.id} is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE statements skip the mapper events above; refuse them here too."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(table, "name", None) == (
        ComplaintEvent.__tablename__
    ):
        raise AppendOnlyError("complaint events are append-only")
