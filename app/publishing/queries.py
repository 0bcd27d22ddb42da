"""What is published, and its masked texts: the one definition every public surface uses.

Published: verified (dispatched to an agency, and not since archived, flagged or merged) and
public or anonymous. An anonymous complaint's content is published, masked, but never its
reporter; a confidential one is never published anywhere (it only counts in aggregates).

Public surfaces (/laporan, the duplicate check, Open311, open data) read complaints through
`published_complaints()` / `published_complaint()` and their texts through `public_title()`,
`public_description()` and `public_timeline()` — never `Complaint.title` and friends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, or_, select

from app.complaints import codes
from app.complaints.models import Complaint, ComplaintEvent, EventKind, Privacy, Status
from app.directory.models import Agency
from app.extensions import db
from app.publishing import search
from app.publishing.masking import mask_complaint
from app.publishing.models import PublishedNote

# Not (yet, or any more) published, whatever the privacy.
UNPUBLISHED_STATUSES: tuple[Status, ...] = (
    Status.RECEIVED,
    Status.NEEDS_INFO,
    Status.ARCHIVED,
    Status.FLAGGED,
    Status.MERGED,
)
PUBLISHED_STATUSES: tuple[Status, ...] = tuple(s for s in Status if s not in UNPUBLISHED_STATUSES)
PUBLISHED_PRIVACY: tuple[Privacy, ...] = (Privacy.PUBLIC, Privacy.ANONYMOUS)


def is_published() -> ColumnElement[bool]:
    """SQL condition: a complaint anyone may see (masked)."""
    return and_(Complaint.privacy.in_(PUBLISHED_PRIVACY), Complaint.status.in_(PUBLISHED_STATUSES))


def published(complaint: Complaint) -> bool:
    """The same test in Python, for one loaded complaint."""
    return complaint.privacy in PUBLISHED_PRIVACY and complaint.status in PUBLISHED_STATUSES


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def published_complaints(
    *,
    text: str | None = None,
    region_code: str | None = None,
    agency_code: str | None = None,
    category_code: str | None = None,
    status: Status | Iterable[Status] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select:
    """A SELECT of published complaints, newest first, filtered.

    `text` searches the masked title and description only (word by word, stemmed, all must
    match: app/publishing/search.py), so a search can never find a complaint by a value its
    published version hides. `region_code`
    takes a province, regency/city or district and includes everything below it. `since` and
    `until` bound `created_at` (for feeds and Open311's start_date/end_date).
    """
    query = select(Complaint).where(is_published())
    if text:
        query = query.where(*search.matching(text))
    if region_code:
        query = query.where(
            or_(
                Complaint.region_code == region_code,
                Complaint.region_code.like(_escape(region_code) + ".%", escape="\\"),
            )
        )
    if agency_code:
        query = query.join(Agency, Agency.id == Complaint.agency_id).where(
            Agency.code == agency_code
        )
    if category_code:
        query = query.where(Complaint.category_code == category_code)
    if status is not None:
        statuses = [status] if isinstance(status, Status) else list(status)
        query = query.where(Complaint.status.in_(statuses))
    if since is not None:
        query = query.where(Complaint.created_at >= since)
    if until is not None:
        query = query.where(Complaint.created_at <= until)
    return query.order_by(Complaint.created_at.desc(), Complaint.id.desc())


def published_complaint(code: str) -> Complaint | None:
    """One published complaint by tracking code; None when unknown or not published (the
    caller answers 404 either way, so nobody learns that a confidential one exists)."""
    normalised = codes.normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(
        select(Complaint).where(Complaint.tracking_code == normalised, is_published())
    )


# --- masked texts -------------------------------------------------------------------------


def _public_events(complaint: Complaint) -> list[ComplaintEvent]:
    return [e for e in complaint.events if e.public]


def noted_events(complaint: Complaint) -> list[ComplaintEvent]:
    """The public events whose note is published (masked): those from its first dispatch on.

    Before it, verifier and reporter write to each other ("Question for the reporter", a
    hold's reason, the reporter's answer or appeal: "the reporter reads this"), not to the
    public; those steps stay on the public timeline, without their text.
    """
    events = _public_events(complaint)
    first = next((i for i, e in enumerate(events) if e.kind is EventKind.DISPATCHED), None)
    return [] if first is None else [e for e in events[first:] if e.note]


def _fresh_mask(complaint: Complaint):
    return mask_complaint(
        complaint.title,
        complaint.description,
        [(e.id, e.note) for e in noted_events(complaint)],
    )


def public_title(complaint: Complaint) -> str:
    """The masked title: the stored one, or (not yet stored) masked now, never the original."""
    if complaint.published_title is not None:
        return complaint.published_title
    return _fresh_mask(complaint).title


def public_description(complaint: Complaint) -> str:
    """The masked description: the stored one, or masked now, never the original."""
    if complaint.published_description is not None:
        return complaint.published_description
    return _fresh_mask(complaint).description


@dataclass(frozen=True)
class PublicEvent:
    """One line of the public timeline: what happened, when, and the masked note if any."""

    id: int
    kind: EventKind
    status: Status
    created_at: datetime
    note: str | None
    agency_id: int | None
    actor_role: str


def _stored_notes(complaint_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """Complaint id → (event id → stored masked note), in one query."""
    stored: dict[int, dict[int, str]] = {i: {} for i in complaint_ids}
    if complaint_ids:
        for row in db.session.scalars(
            select(PublishedNote).where(PublishedNote.complaint_id.in_(complaint_ids))
        ):
            stored[row.complaint_id][row.event_id] = row.note
    return stored


def _masked_notes(complaint: Complaint, stored: dict[int, str]) -> dict[int, str]:
    """Event id → masked note for every public event with a note: the stored one, or (not
    stored yet) masked now, never the original."""
    wanted = noted_events(complaint)
    if any(e.id not in stored for e in wanted):
        fresh = _fresh_mask(complaint).notes
        return {e.id: stored.get(e.id, fresh[e.id]) for e in wanted}
    return {e.id: stored[e.id] for e in wanted}


def _timeline(complaint: Complaint, notes: dict[int, str]) -> list[PublicEvent]:
    return [
        PublicEvent(
            e.id, e.kind, e.status, e.created_at, notes.get(e.id), e.agency_id, e.actor_role
        )
        for e in _public_events(complaint)
    ]


def public_notes(complaint: Complaint) -> dict[int, str]:
    """Event id → masked note for every public event with a note."""
    return _masked_notes(complaint, _stored_notes([complaint.id])[complaint.id])


def public_timelines(complaints: Sequence[Complaint]) -> dict[int, list[PublicEvent]]:
    """`public_timeline` of many complaints (complaint id → events), for lists: one query for
    all their stored notes instead of one per complaint. Load their events with the list
    (`.options(selectinload(Complaint.events))`), or each complaint loads its own."""
    stored = _stored_notes([c.id for c in complaints])
    return {c.id: _timeline(c, _masked_notes(c, stored[c.id])) for c in complaints}


def public_timeline(complaint: Complaint) -> list[PublicEvent]:
    """The public events, oldest first, with masked notes. Never who acted: staff names and
    the reporter stay off public pages (`actor_role` is a role such as "officer")."""
    return _timeline(complaint, public_notes(complaint))
