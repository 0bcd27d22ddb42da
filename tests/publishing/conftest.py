"""Helpers for published complaints: publishing (dispatch) and acting on a complaint."""

import pytest
from sqlalchemy import select

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint
from app.directory.models import Agency
from app.extensions import db


@pytest.fixture
def publish(app, db):
    """publish(code, *then): dispatch to Kota Bandung (published unless confidential), then
    take each (Action, Actor, reason) step."""

    def run(code: str, *steps: tuple[Action, Actor, str | None]) -> None:
        with app.app_context():
            complaint = db_complaint(code)
            agency = db.session.scalar(select(Agency).where(Agency.region_code == "32.73"))
            act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency)
            for action, actor, reason in steps:
                act(complaint, action, actor, reason=reason)
            db.session.commit()

    return run


def db_complaint(code: str) -> Complaint:
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
