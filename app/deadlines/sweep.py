"""The deadline sweep: escalate missed deadlines, close resolved complaints nobody answered.

`flask --app app sla sweep` runs it; cron runs that every few minutes. It must be safe to run
again at once, or twice at the same time, or while people work:

- every complaint is handled in its own short transaction, so one failure (or one person's
  concurrent change) costs that complaint only, and it is picked up by the next run;
- each transaction *starts* with a conditional UPDATE that re-checks the rule in the database
  and takes the row's write lock (PostgreSQL: the row lock, re-evaluated after a wait;
  SQLite: the database write lock, which waits instead of failing since nothing was read
  before it). Only the run whose UPDATE matched writes an event; the other matches nothing
  and skips. Two runs on the same day therefore never write a second event.

Escalation does not go through `lifecycle.act()`: it is not a life-cycle action (the status
stays), it must not bump the row version (an officer acting at that moment should not be told
"someone else changed this report"), and the rule is checked by the UPDATE itself. It writes
the append-only event and sends `complaint_changed` just as `act()` does, so the timeline and
the notification outbox see it like any other event. Auto-close *is* a life-cycle action and
goes through `act(Action.CLOSE, Actor.SYSTEM)`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, func, select, update

from app.complaints import deadlines
from app.complaints.lifecycle import Action, Actor, TransitionError, act
from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.complaints.signals import complaint_changed
from app.db import utcnow
from app.deadlines import rules
from app.extensions import db


class Outcome(enum.Enum):
    DONE = "done"
    SKIPPED = "skipped"  # someone (a person or another sweep) got there first
    FAILED = "failed"


@dataclass
class SweepResult:
    today: date
    escalated: int = 0
    closed: int = 0
    skipped: int = 0
    failed: list[int] = field(default_factory=list)  # complaint ids, for the log
    overdue: int = 0  # overdue after the sweep (escalated now or earlier)

    def count(self, outcome: Outcome, complaint_id: int, kind: str) -> None:
        if outcome is Outcome.DONE:
            setattr(self, kind, getattr(self, kind) + 1)
        elif outcome is Outcome.SKIPPED:
            self.skipped += 1
        else:
            self.failed.append(complaint_id)


def sweep(today: date | None = None) -> SweepResult:
    """Escalate every missed deadline once and auto-close what the rule says; commits."""
    today = today or deadlines.local_date(utcnow())
    result = SweepResult(today)
    for complaint_id in _ids(rules.to_escalate_clause(today)):
        result.count(_one(complaint_id, _escalate, today), complaint_id, "escalated")
    for complaint_id in _ids(rules.to_close_clause(today)):
        result.count(_one(complaint_id, _close, today), complaint_id, "closed")
    result.overdue = db.session.scalar(
        select(func.count()).select_from(Complaint).where(rules.overdue_clause(today))
    )
    db.session.rollback()  # end the read transaction
    return result


def _ids(condition: ColumnElement[bool]) -> list[int]:
    ids = list(db.session.scalars(select(Complaint.id).where(condition).order_by(Complaint.id)))
    db.session.rollback()  # no read transaction may stay open before the writes below
    return ids


def _one(complaint_id: int, handle: Callable[[int, date], Outcome], today: date) -> Outcome:
    """One complaint, one transaction; any failure is logged and left for the next run."""
    try:
        outcome = handle(complaint_id, today)
        if outcome is Outcome.DONE:
            db.session.commit()
            return outcome
    except TransitionError:
        outcome = Outcome.SKIPPED  # a person changed it a moment ago
    except Exception:  # one bad complaint must not stop the sweep
        current_app.logger.exception("sla sweep: complaint %s failed", complaint_id)
        outcome = Outcome.FAILED
    db.session.rollback()
    return outcome


def _escalate(complaint_id: int, today: date) -> Outcome:
    claimed = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint_id, rules.to_escalate_clause(today))
        .values(escalated_on=today)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return Outcome.SKIPPED
    complaint = db.session.get(Complaint, complaint_id, populate_existing=True)
    assert complaint is not None  # the UPDATE above just matched it
    event = ComplaintEvent(
        complaint_id=complaint.id,
        kind=EventKind.ESCALATED,
        status=complaint.status,
        # The reporter sees that the deadline passed and a supervisor was told: keeping the
        # clock on the agency in the open is the point of the service (PRODUCT.md).
        public=True,
        actor_role=Actor.SYSTEM.value,
        agency_id=complaint.agency_id,
    )
    db.session.add(event)
    db.session.flush()
    complaint_changed.send(current_app._get_current_object(), complaint=complaint, event=event)
    return Outcome.DONE


def _close(complaint_id: int, today: date) -> Outcome:
    # Claim the row (a no-op write that takes the lock and re-checks the rule), then close it
    # the ordinary way. The claim does not touch `version`, so act()'s own check still holds.
    claimed = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint_id, rules.to_close_clause(today))
        .values(due_on=Complaint.due_on)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return Outcome.SKIPPED
    complaint = db.session.get(Complaint, complaint_id, populate_existing=True)
    assert complaint is not None
    act(complaint, Action.CLOSE, Actor.SYSTEM)
    return Outcome.DONE
