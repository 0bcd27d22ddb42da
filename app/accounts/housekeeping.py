"""`flask users purge`: forget sign-in links and sessions that no longer sign anyone in.

A link asked for an address with no account holds that address; once used or expired it opens
nothing, and keeping it would keep an address nobody proved (links.py). It is deleted at once:
an unknown link gets the same answer as a spent one. A session row records when someone used
the service; once over (ended, idle past the longer of the two idle limits, or past the longer
absolute limit) it is kept SESSION_KEEP_DAYS, then deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_

from app.accounts.models import SignInLink, StaffSession
from app.db import utcnow
from app.extensions import db


@dataclass(frozen=True)
class Purged:
    links: int
    sessions: int


def _limit(staff: str, citizen: str, unit: str) -> timedelta:
    config = current_app.config
    return timedelta(**{unit: max(int(config[staff]), int(config[citizen]))})


def purge(now: datetime | None = None) -> Purged:
    """Delete spent links and sessions over for SESSION_KEEP_DAYS; the caller commits."""
    now = now or utcnow()
    links = db.session.execute(
        delete(SignInLink).where(or_(SignInLink.used_at.is_not(None), SignInLink.expires_at < now))
    ).rowcount
    cutoff = now - timedelta(days=int(current_app.config["SESSION_KEEP_DAYS"]))
    idle = _limit("STAFF_IDLE_MINUTES", "CITIZEN_IDLE_MINUTES", "minutes")
    absolute = _limit("STAFF_ABSOLUTE_HOURS", "CITIZEN_ABSOLUTE_HOURS", "hours")
    sessions = db.session.execute(
        delete(StaffSession).where(
            or_(
                StaffSession.ended_at < cutoff,
                StaffSession.last_seen_at < cutoff - idle,
                StaffSession.created_at < cutoff - absolute,
            )
        )
    ).rowcount
    return Purged(links, sessions)
