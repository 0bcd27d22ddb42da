"""Finding a complaint by its tracking code, and what of it a given viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.complaints import codes
from app.complaints.models import Complaint, ComplaintEvent
from app.directory.models import Agency
from app.extensions import db
from app.publishing import queries as publishing


def by_code(code: str) -> Complaint | None:
    normalised = codes.normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == normalised))


def unlock(code: str, secret: str | None) -> tuple[Complaint | None, bool]:
    """The complaint and whether its content may be shown.

    A wrong secret answers exactly like an unknown code, so the answer never tells a
    stranger whether a code exists.
    """
    complaint = by_code(code)
    if complaint is None:
        return None, False
    if secret:
        if not codes.secret_matches(secret, complaint.secret_hash):
            return None, False
        return complaint, True
    return complaint, not complaint.privacy.needs_secret


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    return [event for event in complaint.events if event.public]


@dataclass(frozen=True)
class Reading:
    """What a viewer of the tracking page (or the status API) may read of a complaint.

    `masked` is the published version: the reporter sees their words as sent, anyone else
    with the code sees what /laporan shows (names, NIK, phone numbers, emails and addresses
    masked) once the report is published, and before that (or for a confidential report,
    ever) nothing but its status and timeline.
    """

    title: str | None
    description: str | None
    notes: dict[int, str]
    masked: bool

    @property
    def content(self) -> bool:
        return self.title is not None


NOTHING = Reading(None, None, {}, masked=False)


def reading(complaint: Complaint, *, reporter: bool) -> Reading:
    """The reporter (secret or owning account) reads the original; others the published,
    masked version, or nothing when the complaint is not published."""
    if reporter:
        notes = {e.id: e.note for e in public_timeline(complaint) if e.note}
        return Reading(complaint.title, complaint.description, notes, masked=False)
    if not publishing.published(complaint):
        return NOTHING
    return Reading(
        publishing.public_title(complaint),
        publishing.public_description(complaint),
        publishing.public_notes(complaint),
        masked=True,
    )


def event_agencies(events: list[ComplaintEvent]) -> dict[int, Agency]:
    """The agency each event names: the one it was sent to (dispatch, forward), else, for an
    officer's step (a response, the resolution), the agency the officer answers for.

    Only the agency, never the person: staff names stay off the reporter's page.
    """
    from app.accounts.models import User  # accounts imports app.web, which imports tracking

    user_ids = {e.actor_user_id for e in events if e.agency_id is None and e.actor_user_id}
    officers = (
        {
            u: a
            for u, a in db.session.execute(
                select(User.id, User.agency_id).where(User.id.in_(user_ids))
            )
        }
        if user_ids
        else {}
    )
    wanted = {
        e.id: e.agency_id or (officers.get(e.actor_user_id) if e.actor_role == "officer" else None)
        for e in events
    }
    ids = {agency_id for agency_id in wanted.values() if agency_id}
    agencies = (
        {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(ids)))}
        if ids
        else {}
    )
    return {event_id: agencies[a] for event_id, a in wanted.items() if a in agencies}
