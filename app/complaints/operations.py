"""Creating complaints and recording what happens to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from app.complaints import codes, deadlines
from app.complaints.models import (
    Attachment,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintType,
    ConsentMethod,
    EventKind,
    Privacy,
    Reporter,
    Status,
)
from app.complaints.signals import complaint_received
from app.db import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User


@dataclass(frozen=True)
class Facilitation:
    """A complaint filed by a facilitator on the complainant's behalf, with their consent on
    record (app/facilitation). The organisation is the facilitator's at filing time."""

    facilitator: User
    consent_method: ConsentMethod
    consent_on: date
    organisation_shown: bool  # the complainant agreed that the agency sees the organisation


def _unused_tracking_code() -> str:
    while True:
        code = codes.new_tracking_code()
        if db.session.scalar(select(Complaint.id).where(Complaint.tracking_code == code)) is None:
            return code


def create_complaint(
    data: dict,
    *,
    channel: Channel,
    locale: str,
    attachments: list[Attachment] = (),  # type: ignore[assignment]
    secret: str | None = None,
    owner: User | None = None,
    facilitation: Facilitation | None = None,
) -> tuple[Complaint, str]:
    """File a complaint from validated answers; returns it and its secret.

    Every complaint gets a secret: it proves its holder is the reporter (to reply, confirm or
    reopen), and for a confidential or anonymous complaint it is also the key to its content.
    `secret` lets a caller choose it (the API derives it from the Idempotency-Key).
    `owner`: the signed-in citizen filing it, whose account then lists it.
    `facilitation`: filed by a facilitator for someone else; recorded in the same row, so a
    complaint is never on record without its consent.
    """
    if facilitation is not None and (
        owner is not None or facilitation.facilitator.organisation_id is None
    ):
        raise ValueError("a facilitated complaint needs a facilitator with an organisation")
    privacy = Privacy(data["privacy"])
    contact = {k: data.get(k) for k in ("name", "email", "phone")}
    reporter = Reporter(**contact) if any(contact.values()) else None
    secret = secret or codes.new_secret()
    complaint = Complaint(
        tracking_code=_unused_tracking_code(),
        secret_hash=codes.hash_secret(secret),
        type=ComplaintType(data["type"]),
        status=Status.RECEIVED,
        privacy=privacy,
        title=data["title"],
        description=data["description"],
        region_code=data["region_code"],
        category_code=data["category"],
        occurred_on=date.fromisoformat(data["occurred_on"]) if data.get("occurred_on") else None,
        reporter=reporter,
        locale=locale,
        channel=channel,
        owner=owner,
        claimed_at=utcnow() if owner is not None else None,
    )
    if facilitation is not None:
        complaint.facilitator = facilitation.facilitator
        complaint.organisation_id = facilitation.facilitator.organisation_id
        complaint.consent_method = facilitation.consent_method
        complaint.consent_on = facilitation.consent_on
        complaint.organisation_shown = facilitation.organisation_shown
    db.session.add(complaint)
    for attachment in attachments:
        attachment.draft_id = None
        complaint.attachments.append(attachment)
    complaint.due_on = deadlines.verification_due(utcnow())
    complaint.events.append(
        ComplaintEvent(kind=EventKind.RECEIVED, status=Status.RECEIVED, actor_role="reporter")
    )
    db.session.flush()
    complaint_received.send(current_app._get_current_object(), complaint=complaint)
    return complaint, secret
