"""Fixtures for the agency inbox: complaints dispatched to an agency, and signed-in staff."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.accounts.operations import find_agency
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint, ComplaintEvent
from app.extensions import db as _db
from tests.helpers import complaint

BANDUNG = "32.73"  # Kota Bandung, PEMKOT3273
BOGOR = "32.01"  # Kabupaten Bogor, PEMKAB3201


def event_count(app, code: str) -> int:
    with app.app_context():
        return _db.session.scalar(
            select(func.count(ComplaintEvent.id))
            .join(Complaint)
            .where(Complaint.tracking_code == code)
        )


def token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def english(client):
    """Switch the client's interface to English, as the language buttons do."""
    client.set_cookie("lang", "en")
    return client


def version_of(app, code: str) -> int:
    with app.app_context():
        return complaint(code).version


@pytest.fixture
def dispatched(app, make_complaint):
    """Factory: a complaint dispatched to an agency (moved on by `then` actions, due date
    set by `due`) → its tracking code."""

    def make(
        agency: str = BANDUNG,
        *,
        then: tuple[Action, ...] = (),
        due: date | None = None,
        **fields,
    ) -> str:
        code, _secret = make_complaint(**fields)
        with app.app_context():
            c = complaint(code)
            act(c, Action.DISPATCH, Actor.VERIFIER, agency=find_agency(agency))
            for action in then:
                act(c, action, Actor.OFFICER, reason="Sudah ditangani oleh tim.")
            if due is not None:
                c.due_on = due
            _db.session.commit()
        return code

    return make


@pytest.fixture
def officer(client, sign_in_as):
    """The test client, signed in as an officer of Kota Bandung."""
    sign_in_as(client, Role.OFFICER, agency=BANDUNG)
    return client
