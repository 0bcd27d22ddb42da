"""Filing on someone's behalf through POST /api/v1/complaints: the signed-in facilitator or a
registered device's, the same validation as the web form, and a 422 for anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.complaints.models import Complaint, ConsentMethod
from app.extensions import db as _db
from app.facilitation import devices
from app.facilitation.forms import latest_today
from tests.facilitation.conftest import local_today, on_behalf, organisation_id, user_named
from tests.helpers import API_COMPLAINT, key

pytestmark = pytest.mark.db

NO_CONTACT = {**API_COMPLAINT, "email": None}


def submit(client, fields: dict, idempotency_key: str | None = None, lang: str = "en"):
    body = {k: v for k, v in fields.items() if v is not None}
    return client.post(
        "/api/v1/complaints",
        json=body,
        headers={"Idempotency-Key": idempotency_key or key(), "Accept-Language": lang},
    )


def filed(app, code: str) -> Complaint:
    with app.app_context():
        complaint = _db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        _db.session.expunge(complaint)
        return complaint


def count(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(Complaint.id)))


def test_a_signed_in_facilitator_files_on_behalf_without_contact(app, client, facilitator):
    response = submit(client, {**NO_CONTACT, **on_behalf(organisation_shown="no")})
    assert response.status_code == 201, response.get_json()
    complaint = filed(app, response.get_json()["tracking_code"])
    assert complaint.facilitator_id == facilitator
    assert complaint.organisation_id == organisation_id(app)
    assert complaint.consent_method is ConsentMethod.SPOKEN
    assert complaint.consent_on == local_today()
    assert complaint.organisation_shown is False


def test_a_retry_replays_the_first_answer(app, client, facilitator):
    same = key()
    first = submit(client, {**NO_CONTACT, **on_behalf()}, same)
    again = submit(client, {**NO_CONTACT, **on_behalf()}, same)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert count(app) == 1


def test_a_registered_device_attributes_a_report_after_the_session_ended(
    app, client, other_facilitator, monkeypatch
):
    """No session (it ended while the report waited on the phone): the device's facilitator."""
    with app.app_context():
        user = user_named(other_facilitator)
        _db.session.expunge(user)
    monkeypatch.setattr(devices, "device_facilitator", lambda: user)
    response = submit(client, {**NO_CONTACT, **on_behalf()})
    assert response.status_code == 201, response.get_json()
    assert filed(app, response.get_json()["tracking_code"]).facilitator_id == other_facilitator


def test_without_filing_for_a_facilitator_files_for_themselves(app, client, facilitator):
    response = submit(client, API_COMPLAINT)
    assert response.status_code == 201
    assert filed(app, response.get_json()["tracking_code"]).facilitator_id is None


def test_myself_ignores_the_consent_answers_as_the_form_does(app, client, facilitator):
    response = submit(client, {**API_COMPLAINT, **on_behalf(filing_for="myself")})
    assert response.status_code == 201
    complaint = filed(app, response.get_json()["tracking_code"])
    assert complaint.facilitator_id is None and complaint.consent_method is None


BAD = [
    ({"consent_method": None}, "consent_method"),
    ({"consent_method": "fingerprint"}, "consent_method"),
    ({"consent_on": None}, "consent_on"),
    ({"consent_on": "2026-13-01"}, "consent_on"),
    ({"consent_on": (latest_today() + timedelta(days=2)).isoformat()}, "consent_on"),
    ({"consent_on": "1945-08-17"}, "consent_on"),
    ({"organisation_shown": None}, "organisation_shown"),
    ({"organisation_shown": "true"}, "organisation_shown"),
    ({"filing_for": None}, "filing_for"),  # consent without saying it is for someone else
    ({"filing_for": "somebody"}, "filing_for"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_on_behalf_answers_are_422_with_a_message_per_field(
    app, client, facilitator, change, field
):
    response = submit(client, {**API_COMPLAINT, **on_behalf(**change)})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {field}, errors
    assert all(isinstance(m, str) and m for m in errors[field])
    assert count(app) == 0


def test_a_json_boolean_is_refused_as_not_text(app, client, facilitator):
    response = submit(client, {**NO_CONTACT, **on_behalf(), "organisation_shown": True})
    assert response.status_code == 422
    assert "organisation_shown" in response.get_json()["errors"]


def test_on_behalf_answers_from_an_anonymous_client_are_refused(app, client):
    response = submit(client, {**API_COMPLAINT, **on_behalf()})
    assert response.status_code == 422
    [message] = response.get_json()["errors"]["_request"]
    assert "Only a signed-in facilitator" in message
    assert count(app) == 0


def test_the_refusal_is_translated(client):
    english = submit(client, {**API_COMPLAINT, "consent_method": "spoken"}, lang="en")
    indonesian = submit(client, {**API_COMPLAINT, "consent_method": "spoken"}, lang="id")
    assert english.status_code == indonesian.status_code == 422
    assert english.get_json()["errors"]["_request"]
    assert indonesian.get_json()["errors"]["_request"]  # the catalog's words once filled


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VERIFIER])
def test_on_behalf_answers_from_other_staff_are_refused(app, client, sign_in_as, role):
    sign_in_as(client, role, agency="32.73" if role is Role.OFFICER else None)
    response = submit(client, {**API_COMPLAINT, "filing_for": "someone_else"})
    assert response.status_code == 422
    assert "_request" in response.get_json()["errors"]
    assert count(app) == 0


def test_even_an_empty_looking_answer_is_not_silently_dropped(app, client):
    """A lone organisation_shown ("no") from a non-facilitator is refused too."""
    response = submit(client, {**API_COMPLAINT, "organisation_shown": "no"})
    assert response.status_code == 422
