"""A citizen's own complaints: the list on /akun, and claiming an earlier one.

A complaint belongs to the account it was filed from (`create_complaint(owner=…)`), or to the
account that later shows its tracking code and secret — the same proof of being its reporter
that /lacak asks for. Claiming is recorded on the complaint (owner_id, claimed_at) and as a
non-public CLAIMED event without an actor, so agencies may see that the complainant keeps it
in an account, never whose account it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from app.accounts.models import User
from app.complaints import codes
from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.db import utcnow
from app.extensions import db

PER_PAGE = 20


class Claimed(enum.Enum):
    CLAIMED = "claimed"
    ALREADY_MINE = "already-mine"
    TAKEN = "taken"  # in another account: which one is never said
    NO_MATCH = "no-match"  # unknown code or wrong secret, told apart from nothing


@dataclass(frozen=True)
class ClaimResult:
    outcome: Claimed
    complaint: Complaint | None = None
    # A facilitated complaint gets a new secret when claimed (see `claim`): shown once.
    new_secret: str | None = None


def claim(user: User, code: str, secret: str) -> ClaimResult:
    """Add the complaint with `code` to `user`'s account if `secret` is its secret.

    The conditional UPDATE (still without an owner) lets only one of two accounts racing
    for one complaint win; it also moves the optimistic-locking version on, so a page
    opened before the claim does not act on stale data. The caller commits.

    A complaint a facilitator filed gets a new secret in the same UPDATE: the facilitator
    saw and printed the old one, and once the complainant has claimed it the facilitator must
    no longer be able to act on it — on /lacak with that secret neither.
    """
    tracking_code = codes.normalise_code(code)
    complaint = (
        db.session.scalar(select(Complaint).where(Complaint.tracking_code == tracking_code))
        if tracking_code
        else None
    )
    if complaint is None or not codes.secret_matches(secret, complaint.secret_hash):
        return ClaimResult(Claimed.NO_MATCH)
    if complaint.owner_id == user.id:
        return ClaimResult(Claimed.ALREADY_MINE, complaint)
    if complaint.owner_id is not None:
        return ClaimResult(Claimed.TAKEN)
    changes: dict = {"owner_id": user.id, "claimed_at": utcnow(), "version": Complaint.version + 1}
    new_secret = None
    if complaint.facilitator_id is not None:
        new_secret = codes.new_secret()
        changes["secret_hash"] = codes.hash_secret(new_secret)
    taken = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.owner_id.is_(None))
        .values(**changes)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return ClaimResult(Claimed.TAKEN)
    db.session.add(
        ComplaintEvent(
            complaint_id=complaint.id,
            kind=EventKind.CLAIMED,
            status=complaint.status,
            public=False,
            actor_role="reporter",
        )
    )
    db.session.flush()
    db.session.expire(complaint)
    return ClaimResult(Claimed.CLAIMED, complaint, new_secret)


@dataclass(frozen=True)
class MyComplaint:
    complaint: Complaint
    last_update: datetime  # its latest public step (what its reporter can see), or filing


def my_complaints(user: User, page: int) -> tuple[list[MyComplaint], int]:
    """One page of `user`'s complaints, the most recently changed first, and how many pages."""
    latest = (
        select(
            ComplaintEvent.complaint_id.label("complaint_id"),
            func.max(ComplaintEvent.created_at).label("at"),
        )
        .where(ComplaintEvent.public.is_(True))
        .group_by(ComplaintEvent.complaint_id)
        .subquery()
    )
    last_update = func.coalesce(latest.c.at, Complaint.created_at)
    total = db.session.scalar(
        select(func.count()).select_from(Complaint).where(Complaint.owner_id == user.id)
    )
    pages = max(1, -(-(total or 0) // PER_PAGE))
    rows = db.session.execute(
        select(Complaint, last_update)
        .outerjoin(latest, latest.c.complaint_id == Complaint.id)
        .where(Complaint.owner_id == user.id)
        .order_by(last_update.desc(), Complaint.id.desc())
        .limit(PER_PAGE)
        .offset((min(page, pages) - 1) * PER_PAGE)
    ).all()
    return [MyComplaint(complaint, at) for complaint, at in rows], pages
