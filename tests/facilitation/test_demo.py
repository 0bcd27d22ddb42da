"""The demo's facilitated reports: added once per demo facilitator, in useful states."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Organisation, Role
from app.accounts.operations import create_user
from app.complaints.models import Complaint, Status
from app.extensions import db as _db
from app.facilitation.demo import REPORTS, seed_facilitated

pytestmark = pytest.mark.db


def test_demo_facilitators_get_their_reports_once(app, db):
    with app.app_context():
        assert seed_facilitated() == 0  # no demo facilitator yet: nothing
        organisation = Organisation(name="Yayasan Demo")
        _db.session.add(organisation)
        _db.session.flush()
        user = create_user(
            "fasilitator@demo.suarawarga.id",
            "Fasilitator Demo",
            Role.FACILITATOR,
            organisation=organisation,
        )
        create_user("verifikator@demo.suarawarga.id", "Verifikator Demo", Role.VERIFIER)
        assert seed_facilitated() == len(REPORTS)
        _db.session.commit()
        assert seed_facilitated() == 0
        filed = list(
            _db.session.scalars(select(Complaint).where(Complaint.facilitator_id == user.id))
        )
        assert len(filed) == len(REPORTS)
        assert {c.status for c in filed} >= {Status.RECEIVED, Status.NEEDS_INFO, Status.IN_PROGRESS}
        assert all(c.organisation_id == organisation.id and c.consent_on for c in filed)
        assert any(not c.organisation_shown for c in filed)
