"""The complaint life cycle: which action may move a complaint from which state, who may
take it, what it needs, and the append-only event each one writes.

    received → verified (dispatched) → in_progress → resolved → closed
    side paths: needs_info, merged, forwarded, archived, reopened, flagged

Every change goes through `act()`: it checks the rule, moves the state, restarts the right
clock, records the event and flushes. Two people acting on one complaint at once cannot
both win: the row's version (optimistic locking) makes the slower one fail with a clear
message and no event.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.complaints import deadlines
from app.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from app.complaints.signals import complaint_changed
from app.db import utcnow
from app.directory.models import Agency
from app.extensions import db

S = Status


class Actor(enum.StrEnum):
    VERIFIER = "verifier"
    OFFICER = "officer"
    REPORTER = "reporter"
    SYSTEM = "system"


class Action(enum.StrEnum):
    DISPATCH = "dispatch"
    MERGE = "merge"
    REQUEST_INFO = "request_info"
    ARCHIVE = "archive"
    FLAG = "flag"
    REPLY = "reply"
    APPEAL = "appeal"
    START = "start"
    RESPOND = "respond"
    FORWARD = "forward"
    RESOLVE = "resolve"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    CLOSE = "close"


HANDLING = frozenset({S.VERIFIED, S.IN_PROGRESS, S.FORWARDED, S.REOPENED})


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None  # None: the state stays (a reply or a response)
    actors: frozenset[Actor]
    event: EventKind
    needs_reason: bool = False
    needs_agency: bool = False
    public: bool = True
    # Where the reporter's reply sends a complaint back to, by its state before.
    targets_by_source: dict[Status, Status] = field(default_factory=dict)


def _rule(
    sources: set[Status],
    target: Status | None,
    actors: set[Actor],
    event: EventKind,
    **options: object,
) -> Rule:
    return Rule(frozenset(sources), target, frozenset(actors), event, **options)  # type: ignore[arg-type]


RULES: dict[Action, Rule] = {
    Action.DISPATCH: _rule(
        {S.RECEIVED, S.FORWARDED},
        S.VERIFIED,
        {Actor.VERIFIER},
        EventKind.DISPATCHED,
        needs_agency=True,
    ),
    Action.MERGE: _rule(
        {S.RECEIVED}, S.MERGED, {Actor.VERIFIER}, EventKind.MERGED, needs_reason=True
    ),
    Action.REQUEST_INFO: _rule(
        {S.RECEIVED}, S.NEEDS_INFO, {Actor.VERIFIER}, EventKind.INFO_REQUESTED, needs_reason=True
    ),
    Action.ARCHIVE: _rule(
        {S.RECEIVED, S.NEEDS_INFO},
        S.ARCHIVED,
        {Actor.VERIFIER},
        EventKind.ARCHIVED,
        needs_reason=True,
    ),
    Action.FLAG: _rule(
        {S.RECEIVED}, S.FLAGGED, {Actor.VERIFIER}, EventKind.FLAGGED, needs_reason=True
    ),
    Action.REPLY: _rule(
        {S.NEEDS_INFO, S.ARCHIVED, *HANDLING, S.RESOLVED},
        None,
        {Actor.REPORTER},
        EventKind.REPLIED,
        needs_reason=True,
        targets_by_source={S.NEEDS_INFO: S.RECEIVED, S.ARCHIVED: S.RECEIVED},
    ),
    Action.APPEAL: _rule(
        {S.FLAGGED}, S.RECEIVED, {Actor.REPORTER}, EventKind.APPEALED, needs_reason=True
    ),
    Action.START: _rule(
        {S.VERIFIED, S.FORWARDED, S.REOPENED}, S.IN_PROGRESS, {Actor.OFFICER}, EventKind.STARTED
    ),
    Action.RESPOND: _rule(
        set(HANDLING), S.IN_PROGRESS, {Actor.OFFICER}, EventKind.RESPONDED, needs_reason=True
    ),
    Action.FORWARD: _rule(
        set(HANDLING),
        S.FORWARDED,
        {Actor.OFFICER},
        EventKind.FORWARDED,
        needs_reason=True,
        needs_agency=True,
    ),
    Action.RESOLVE: _rule(
        set(HANDLING), S.RESOLVED, {Actor.OFFICER}, EventKind.RESOLVED, needs_reason=True
    ),
    Action.CONFIRM: _rule({S.RESOLVED}, S.CLOSED, {Actor.REPORTER}, EventKind.CONFIRMED),
    Action.REOPEN: _rule(
        {S.RESOLVED}, S.REOPENED, {Actor.REPORTER}, EventKind.REOPENED, needs_reason=True
    ),
    Action.CLOSE: _rule({S.RESOLVED}, S.CLOSED, {Actor.SYSTEM}, EventKind.CLOSED),
}


class TransitionError(Exception):
    """An action the life cycle refuses; `message` is translated and safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(str(message))
        self.message = message


def allowed_actions(complaint: Complaint, actor: Actor) -> list[Action]:
    return [a for a, r in RULES.items() if actor in r.actors and complaint.status in r.sources]


def may_still_reopen(complaint: Complaint) -> bool:
    """A resolved report may be reopened until its auto-close date (`due_on`, set when it
    was resolved: SLA_AUTOCLOSE_DAYS working days later), that day included, local time."""
    return complaint.due_on is None or deadlines.local_date(utcnow()) <= complaint.due_on


def _due(action: Action, today: date) -> date | None:
    """The next deadline after an action, in working days (configuration, not code)."""
    config = current_app.config
    days = {
        Action.DISPATCH: config["SLA_FIRST_RESPONSE_DAYS"],
        Action.FORWARD: config["SLA_FIRST_RESPONSE_DAYS"],  # the new agency's clock starts
        Action.REPLY: config["SLA_VERIFY_DAYS"],
        Action.APPEAL: config["SLA_VERIFY_DAYS"],
        Action.RESOLVE: config["SLA_AUTOCLOSE_DAYS"],
        Action.REOPEN: config["SLA_FIRST_RESPONSE_DAYS"],
    }.get(action)
    return deadlines.add_working_days(today, days) if days else None


def _resolution_due(complaint: Complaint, today: date) -> date:
    """Once the agency has followed up, the resolution limit runs instead of the first-answer
    one, counted from the day the agency got the complaint (dispatch, forward or reopen);
    later responses do not move it."""
    handed_over = today
    for event in reversed(complaint.events):
        if event.kind in (EventKind.DISPATCHED, EventKind.FORWARDED, EventKind.REOPENED):
            at = event.created_at
            handed_over = deadlines.local_date(at if at.tzinfo else at.replace(tzinfo=UTC))
            break
    due = deadlines.add_working_days(handed_over, current_app.config["SLA_RESOLUTION_DAYS"])
    return max(due, complaint.due_on) if complaint.due_on else due


def act(
    complaint: Complaint,
    action: Action,
    actor: Actor,
    *,
    reason: str | None = None,
    agency: Agency | None = None,
    into: Complaint | None = None,
    user_id: int | None = None,
) -> ComplaintEvent:
    """Take `action` on `complaint` as `actor`; raises TransitionError when it may not."""
    rule = RULES[action]
    reason = (reason or "").strip() or None
    if actor not in rule.actors:
        raise TransitionError(_l("You cannot take this action on a report."))
    if complaint.status not in rule.sources:
        raise TransitionError(
            _l(
                "This report is “%(status)s”; that action is not possible now.",
                status=complaint.status.title,
            )
        )
    if rule.needs_reason and reason is None:
        raise TransitionError(_l("Give a reason: the reporter will read it."))
    if rule.needs_agency and agency is None:
        raise TransitionError(_l("Choose an agency from the directory."))
    if action is Action.REOPEN and not may_still_reopen(complaint):
        raise TransitionError(
            _l(
                "The time to reopen this report has ended: a resolved report can be reopened "
                "for %(n)d working days. If the problem is back, file a new report.",
                n=current_app.config["SLA_AUTOCLOSE_DAYS"],
            )
        )
    if action is Action.FORWARD and agency is not None and agency.id == complaint.agency_id:
        raise TransitionError(_l("Forward to another agency than the one handling it."))
    if action is Action.MERGE:
        if into is None or into.id == complaint.id or into.status is S.MERGED:
            raise TransitionError(_l("Choose an earlier report that is still open."))
        complaint.merged_into_id = into.id
        into.support_count += complaint.support_count

    # No autoflush while the change is half made: the flush below is the one that counts.
    with db.session.no_autoflush:
        before = complaint.status
        target = rule.targets_by_source.get(before, rule.target or before)
        complaint.status = target
        if rule.needs_agency:
            complaint.agency = agency
        today = deadlines.local_date(utcnow())
        if target is S.NEEDS_INFO or target in (S.CLOSED, S.MERGED, S.ARCHIVED, S.FLAGGED):
            complaint.due_on = None  # the clock pauses, or stops
        elif action is Action.REPLY and target is before:
            pass  # information added to a case in hand moves no deadline
        elif action is Action.RESPOND:
            complaint.due_on = _resolution_due(complaint, today)
        elif (due := _due(action, today)) is not None:
            complaint.due_on = due
        event = ComplaintEvent(
            kind=rule.event,
            status=target,
            public=rule.public,
            actor_role=actor.value,
            note=reason,
            actor_user_id=user_id,
            agency_id=agency.id if agency else None,
        )
        complaint.events.append(event)
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise TransitionError(
            _l("Someone else changed this report a moment ago. Reload it to see what they did.")
        ) from error
    complaint_changed.send(current_app._get_current_object(), complaint=complaint, event=event)
    return event
