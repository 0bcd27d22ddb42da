"""Fixtures for filing on someone's behalf: a signed-in facilitator, the answers they give,
and complaints filed by a facilitator straight into the database."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.accounts.models import Organisation, Role, User
from app.complaints.models import Channel, ConsentMethod
from app.complaints.operations import Facilitation, create_complaint
from app.extensions import db as _db
from tests.helpers import API_COMPLAINT, WEB_ANSWERS

ORGANISATION = "Yayasan Suara Difabel"
FACILITATOR_NAME = "Fasilitator Wening"

# The web form's answers, as a facilitator files them.
ANSWERS = {**WEB_ANSWERS, "occurred_on": "", "privacy": "public"}


def local_today() -> date:
    """Today in Jakarta, the app's BABEL_DEFAULT_TIMEZONE (no app context needed)."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


def on_behalf(**changes: str) -> dict[str, str]:
    """On-behalf answers: someone else, spoken consent today, organisation shown."""
    return {
        "filing_for": "someone_else",
        "consent_method": "spoken",
        "consent_on": local_today().isoformat(),
        "organisation_shown": "yes",
        **changes,
    }


def token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def user_named(user_id: int) -> User:
    found = _db.session.get(User, user_id)
    assert found is not None
    return found


@pytest.fixture
def facilitator(client, sign_in_as) -> int:
    """`client` signed in as a facilitator of ORGANISATION; returns their user id."""
    return sign_in_as(client, Role.FACILITATOR, name=FACILITATOR_NAME, organisation=ORGANISATION)


@pytest.fixture
def other_facilitator(app, db) -> int:
    """A facilitator of another organisation (not signed in anywhere)."""
    from app.accounts.operations import create_user

    with app.app_context():
        organisation = Organisation(name="Kader Posyandu Melati")
        _db.session.add(organisation)
        _db.session.flush()
        user = create_user(
            "lain@example.org", "Fasilitator Lain", Role.FACILITATOR, organisation=organisation
        )
        _db.session.commit()
        return user.id


@pytest.fixture
def facilitated(app, db):
    """Factory: facilitated(user_id, organisation_shown=True, **answers) → (code, secret), a
    complaint filed on someone's behalf by that facilitator, written straight in."""

    def make(user_id: int, organisation_shown: bool = True, **overrides) -> tuple[str, str]:
        data = {**API_COMPLAINT, "email": None, **overrides}
        with app.app_context():
            complaint, secret = create_complaint(
                data,
                channel=Channel.WEB,
                locale="id",
                facilitation=Facilitation(
                    facilitator=user_named(user_id),
                    consent_method=ConsentMethod.THUMBPRINT,
                    consent_on=date(2026, 11, 20),
                    organisation_shown=organisation_shown,
                ),
            )
            _db.session.commit()
            return complaint.tracking_code, secret

    return make


def organisation_id(app, name: str = ORGANISATION) -> int:
    with app.app_context():
        return _db.session.scalar(select(Organisation.id).where(Organisation.name == name))
