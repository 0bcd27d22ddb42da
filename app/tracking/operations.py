"""The reporter's side of the life cycle: reply, appeal, confirm with a rating, reopen."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.complaints.lifecycle import (
    Action,
    Actor,
    TransitionError,
    act,
    allowed_actions,
    may_still_reopen,
)
from app.complaints.models import Complaint, ComplaintEvent
from app.extensions import db
from app.tracking.models import ComplaintRating

REPORTER_ACTIONS = (Action.REPLY, Action.APPEAL, Action.CONFIRM, Action.REOPEN)
STALE = _l("Someone else changed this report a moment ago. Reload it to see what they did.")


def reporter_actions(complaint: Complaint) -> list[Action]:
    """What the reporter may do now: the life cycle's rules, and reopening only in time."""
    return [
        action
        for action in allowed_actions(complaint, Actor.REPORTER)
        if action is not Action.REOPEN or may_still_reopen(complaint)
    ]


def refusal(complaint: Complaint, action: Action) -> str:
    """Why the reporter may not take `action` now, in the life cycle's own words."""
    if action is Action.REOPEN and action in allowed_actions(complaint, Actor.REPORTER):
        return _l(
            "The time to reopen this report has ended: a resolved report can be reopened "
            "for %(n)d working days. If the problem is back, file a new report.",
            n=current_app.config["SLA_AUTOCLOSE_DAYS"],
        )
    return _l(
        "This report is “%(status)s”; that action is not possible now.",
        status=complaint.status.title,
    )


def take(
    complaint: Complaint,
    action: Action,
    *,
    text: str | None = None,
    rating: int | None = None,
    seen_version: int | None = None,
) -> ComplaintEvent:
    """Take a reporter's action; raises TransitionError (translated) when it may not.

    `seen_version`, when given, is the version the reporter looked at: if the report changed
    since, nothing happens and they are told to look again. Confirming also stores the
    rating, in the same transaction as the event; the caller commits.
    """
    if action not in REPORTER_ACTIONS:
        raise TransitionError(_l("You cannot take this action on a report."))
    if seen_version is not None and seen_version != complaint.version:
        raise TransitionError(STALE)
    if action is Action.CONFIRM:
        if rating is None:
            raise TransitionError(_l("Choose a rating from 1 to 5"))
        event = act(complaint, action, Actor.REPORTER)
        db.session.add(ComplaintRating(complaint_id=complaint.id, score=rating, comment=text))
        try:
            db.session.flush()
        except IntegrityError as error:  # rated already: a double submit that raced
            db.session.rollback()
            raise TransitionError(STALE) from error
        return event
    return act(complaint, action, Actor.REPORTER, reason=text)


def rating_of(complaint: Complaint) -> ComplaintRating | None:
    return db.session.scalar(
        select(ComplaintRating).where(ComplaintRating.complaint_id == complaint.id)
    )
