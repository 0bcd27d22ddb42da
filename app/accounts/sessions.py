"""Sessions on the server (staff and citizens' accounts): started at sign-in, checked on each
request, ended at sign-out or when the account is disabled.

The browser keeps only a random token in Flask's signed cookie; the database keeps its SHA-256
in a StaffSession row. A signed cookie alone could not be taken back — a copy made before
signing out would keep working — so the row, not the cookie, decides: a session counts while
it is not ended, has seen a request within STAFF_IDLE_MINUTES, began within
STAFF_ABSOLUTE_HOURS (CITIZEN_* for citizens' accounts), and its user is still active.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import ColumnElement, Update, select, update

from app.accounts.models import StaffSession, User
from app.db import WRITE_METHODS, aware, utcnow
from app.extensions import db

# last_seen_at is written at most this often per session, not on every request.
TOUCH_EVERY = timedelta(minutes=1)

IDLE = "idle"
ABSOLUTE = "absolute"


@dataclass(frozen=True)
class Resolved:
    """Whom a session token signs in, or why it no longer does (`timed_out`: IDLE/ABSOLUTE)."""

    user: User | None
    timed_out: str | None = None
    timed_out_user: User | None = None  # whose session timed out (their role sets the limits)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_minutes(user: User) -> int:
    """Staff: STAFF_IDLE_MINUTES; a citizen's own account: CITIZEN_IDLE_MINUTES."""
    key = "STAFF_IDLE_MINUTES" if user.is_staff else "CITIZEN_IDLE_MINUTES"
    return int(current_app.config[key])


def absolute_hours(user: User) -> int:
    key = "STAFF_ABSOLUTE_HOURS" if user.is_staff else "CITIZEN_ABSOLUTE_HOURS"
    return int(current_app.config[key])


def idle_limit(user: User) -> timedelta:
    return timedelta(minutes=idle_minutes(user))


def absolute_limit(user: User) -> timedelta:
    return timedelta(hours=absolute_hours(user))


def start_session(user: User) -> str:
    """A new session for `user`; the token goes into the cookie, only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        StaffSession(user=user, token_hash=_hash(token), created_at=now, last_seen_at=now)
    )
    db.session.flush()
    return token


def resolve(token: str) -> Resolved:
    """The active user behind `token`, refreshing the session's last activity (at most once
    a minute, so a page view is not a database write)."""
    staff_session = db.session.scalar(
        select(StaffSession).where(StaffSession.token_hash == _hash(token))
    )
    if staff_session is None or staff_session.ended_at is not None:
        return Resolved(None)
    if not staff_session.user.active:
        return Resolved(None)
    now = utcnow()
    user = staff_session.user
    if now - aware(staff_session.created_at) >= absolute_limit(user):
        return Resolved(None, ABSOLUTE, user)
    last_seen = aware(staff_session.last_seen_at)
    if now - last_seen > idle_limit(user):
        return Resolved(None, IDLE, user)
    if now - last_seen >= TOUCH_EVERY:
        _touch(staff_session.id, now)
    return Resolved(staff_session.user)


def _touch(session_id: int, now: datetime) -> None:
    """Record activity without breaking app/db.py's transaction rules on SQLite.

    A state-changing request already holds the write lock (BEGIN IMMEDIATE): the update joins
    its transaction. A GET holds a read snapshot, and writing from it could fail at once with
    SQLITE_BUSY; so the update runs in its own short transaction on another connection, where
    it is the first statement and waits for the lock like any writer.
    """
    statement: Update = (
        update(StaffSession)
        .where(
            StaffSession.id == session_id,
            StaffSession.ended_at.is_(None),
            StaffSession.last_seen_at <= now - TOUCH_EVERY,
        )
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    if has_request_context() and request.method in WRITE_METHODS:
        db.session.execute(statement)
    else:
        with db.engine.begin() as connection:
            connection.execute(statement)


def end_session(token: str | None) -> None:
    """Sign-out: the token stops working everywhere, including any copy of the cookie."""
    if token:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def end_all_sessions(user: User) -> int:
    """End every session of `user` (on disabling the account); how many were open."""
    return db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def _active(user: User, now: datetime) -> list[ColumnElement[bool]]:
    return [
        StaffSession.ended_at.is_(None),
        StaffSession.last_seen_at >= now - idle_limit(user),
        StaffSession.created_at > now - absolute_limit(user),
    ]


def active_sessions(user: User) -> list[StaffSession]:
    """`user`'s sessions that would still sign someone in, newest first."""
    return list(
        db.session.scalars(
            select(StaffSession)
            .where(StaffSession.user_id == user.id, *_active(user, utcnow()))
            .order_by(StaffSession.created_at.desc())
        )
    )
