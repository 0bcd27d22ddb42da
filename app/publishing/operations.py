"""Storing the masked, published version, and a verifier's corrections of it.

Masking happens when a complaint becomes published and for each new public event after that
(`on_change`, subscribed to `complaint_changed`), and for existing complaints with
`flask publishing refresh`. What is stored is served as is: lists and searches never re-mask,
and a verifier's correction stays.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.db import utcnow
from app.extensions import db
from app.publishing import search
from app.publishing.masking import mask_complaint
from app.publishing.models import PublishedNote
from app.publishing.queries import is_published, noted_events, published


def refresh(complaint: Complaint) -> bool:
    """Store the masked title, description and public notes that are not stored yet.

    Never overwrites what is stored: a correction stays corrected, and a published text does
    not change under its readers. Returns whether anything was stored. Does not commit.
    """
    events = noted_events(complaint)
    stored = set(
        db.session.scalars(
            select(PublishedNote.event_id).where(PublishedNote.complaint_id == complaint.id)
        )
    )
    missing_notes = [e for e in events if e.id not in stored]
    if (
        complaint.published_title is not None
        and complaint.published_description is not None
        and not missing_notes
    ):
        return False
    masked = mask_complaint(
        complaint.title, complaint.description, [(e.id, e.note) for e in events]
    )
    texts_missing = complaint.published_title is None or complaint.published_description is None
    if complaint.published_title is None:
        complaint.published_title = masked.title
    if complaint.published_description is None:
        complaint.published_description = masked.description
    if texts_missing:
        search.index(complaint)
    for e in missing_notes:
        db.session.add(
            PublishedNote(event_id=e.id, complaint_id=complaint.id, note=masked.notes[e.id])
        )
    db.session.flush()
    return True


def on_change(_sender: Any, complaint: Complaint, event: ComplaintEvent, **_: Any) -> None:
    """Subscribed to `complaint_changed`: mask at publication time and for each later public
    event, in the same transaction as the change."""
    if published(complaint):
        refresh(complaint)


def refresh_all(batch: int = 500) -> int:
    """Store masked texts for every published complaint that lacks some; returns how many
    complaints changed. For the CLI after deploying, and after changing the masking settings
    (it only fills what is missing: clear a column to have it masked again)."""
    changed = 0
    last_id = 0
    while True:
        complaints = list(
            db.session.scalars(
                select(Complaint)
                .where(is_published(), Complaint.id > last_id)
                .order_by(Complaint.id)
                .limit(batch)
            )
        )
        if not complaints:
            return changed
        for complaint in complaints:
            changed += refresh(complaint)
        last_id = complaints[-1].id
        db.session.commit()


def correct(
    complaint: Complaint,
    *,
    title: str,
    description: str,
    notes: dict[int, str],
    reason: str,
    user_id: int,
) -> bool:
    """A verifier's correction of the published version, with an audit event (not public)
    naming them and their reason. Only what differs is changed; returns whether anything
    did (no event for a form sent back unchanged). Does not commit."""
    refresh(complaint)  # so there is a stored version to correct
    rows = {
        row.event_id: row
        for row in db.session.scalars(
            select(PublishedNote).where(PublishedNote.complaint_id == complaint.id)
        )
    }
    now = utcnow()
    changed = False
    if (title, description) != (complaint.published_title, complaint.published_description):
        complaint.published_title = title
        complaint.published_description = description
        search.index(complaint)
        changed = True
    for event_id, note in notes.items():
        row = rows.get(event_id)
        if row is not None and row.note != note:
            row.note = note
            row.corrected_at = now
            changed = True
    if not changed:
        return False
    db.session.add(
        ComplaintEvent(
            complaint_id=complaint.id,
            kind=EventKind.PUBLISHED_CORRECTED,
            status=complaint.status,
            public=False,
            actor_role="verifier",
            actor_user_id=user_id,
            note=reason,
        )
    )
    db.session.flush()
    return True
