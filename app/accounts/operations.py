"""Creating staff, issuing sign-in links and redeeming them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from app.accounts.models import Organisation, Role, SignInLink, User
from app.db import aware, utcnow
from app.directory.models import Agency, Region
from app.extensions import db

LINK_MINUTES = 15


class AccountError(ValueError):
    """A request the directory or the rules cannot satisfy; the message says why."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_agency(code: str) -> Agency | None:
    """An agency by its code (KEMENKES) or by its region's Kemendagri code (32.73)."""
    return db.session.scalar(
        select(Agency).where((Agency.code == code.upper()) | (Agency.region_code == code))
    )


def find_organisation(name: str) -> Organisation | None:
    """An organisation by its name in any case: the name is typed by hand, on the admin page
    and in the shell, and "posko warga" must find the "Posko Warga" that already exists."""
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    )


def create_user(
    email: str,
    name: str,
    role: Role,
    agency_code: str | None = None,
    region_code: str | None = None,
    organisation: Organisation | None = None,
) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"not an email address: {email!r}")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise AccountError(f"a user with {email} exists already")
    agency = None
    if role is Role.OFFICER:
        agency = find_agency(agency_code or "")
        if agency is None:
            raise AccountError(f"an officer needs an existing agency, not {agency_code!r}")
    elif agency_code:
        raise AccountError("only officers belong to an agency")
    region = None
    if region_code:
        if role is not Role.VERIFIER:
            raise AccountError("only verifiers work for one region")
        region = db.session.get(Region, region_code.strip())
        if region is None:
            raise AccountError(f"no region with the code {region_code!r}")
    if role is Role.FACILITATOR and organisation is None:
        raise AccountError("a facilitator needs an organisation")
    if organisation is not None and role is not Role.FACILITATOR:
        raise AccountError("only facilitators belong to an organisation")
    user = User(
        email=email,
        name=name.strip() or email,
        role=role,
        agency=agency,
        region=region,
        organisation=organisation,
    )
    db.session.add(user)
    db.session.flush()
    return user


def issue_sign_in_link(user: User, minutes: int = LINK_MINUTES) -> str:
    """A new single-use token for `user`; the caller builds the URL."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignInLink(
            user=user, token_hash=_hash(token), expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    db.session.flush()
    return token


def usable_link(token: str) -> SignInLink | None:
    link = db.session.scalar(select(SignInLink).where(SignInLink.token_hash == _hash(token)))
    if link is None or link.used_at is not None:
        return None
    user = link.user
    # Staff sign in with passkeys (recovery codes as the backup), never with a link: a
    # mailbox is easier to break into than a device, and staff see other people's reports.
    if user is not None and (not user.active or user.is_staff):
        return None
    return link if aware(link.expires_at) > utcnow() else None


def redeem(token: str) -> User | None:
    """Use a link once: the user it signs in, or None when unknown, used or expired."""
    link = usable_link(token)
    if link is None:
        return None
    # Conditional, so two requests racing with one link cannot both sign in.
    claimed = db.session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return link.user if claimed == 1 else None
