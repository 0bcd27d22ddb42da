"""Published complaints and partner keys for the Open311 tests."""

import pytest
from sqlalchemy import select

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint
from app.directory.queries import agency_by_code
from app.extensions import db as _db
from app.partners.keys import issue

AGENCY = "PEMKOT3273"


@pytest.fixture
def publish(app, make_complaint):
    """Factory: publish(status="in_progress", note=..., **complaint) → tracking code of a
    complaint dispatched to Kota Bandung (and started, or resolved, on request)."""

    def make(status="verified", note=None, **overrides):
        code, _secret = make_complaint(**overrides)
        with app.app_context():
            complaint = _db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
            act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency_by_code(AGENCY))
            if status in ("in_progress", "resolved"):
                act(complaint, Action.START, Actor.OFFICER, reason=note)
            if status == "resolved":
                act(complaint, Action.RESOLVE, Actor.OFFICER, reason="Sudah diperbaiki.")
            _db.session.commit()
        return code

    return make


@pytest.fixture
def partner_key(app, db):
    """Factory: partner_key("open311:write", agency=None, revoked=False) → the plain key."""

    def make(*scopes, agency=None, revoked=False):
        with app.app_context():
            record, key = issue("Sistem Mitra", scopes or ("open311:write",), agency)
            if revoked:
                from app.partners.keys import revoke

                revoke(record)
            _db.session.commit()
        return key

    return make
