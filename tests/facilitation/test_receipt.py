"""The complainant's own receipt: the printable slip, and a message (never with the secret)
queued in the filing's transaction when their email or phone was given."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.complaints.models import Complaint
from app.extensions import db as _db
from app.notifications.delivery import send_due
from app.notifications.models import OutboxChannel
from tests.conftest import csrf_token
from tests.facilitation.conftest import ANSWERS, FACILITATOR_NAME, ORGANISATION, on_behalf
from tests.helpers import API_COMPLAINT, key, outbox
from tests.notifications.test_notifications import body_of, mail_config, smtp  # noqa: F401

pytestmark = pytest.mark.db

SECRET = re.compile(r'class="code">([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})<')


def file_on_web(client, **changes) -> str:
    data = {**ANSWERS, **on_behalf(), "csrf_token": csrf_token(client), **changes}
    assert client.post("/lapor", data=data).status_code == 303
    token = csrf_token(client, "/lapor/periksa")
    assert client.post("/lapor/kirim", data={"csrf_token": token}).status_code == 303
    return client.get("/lapor/tanda-terima").get_data(as_text=True)


def the_complaint(app) -> Complaint:
    with app.app_context():
        complaint = _db.session.scalar(select(Complaint))
        _db.session.expunge(complaint)
        return complaint


def test_the_receipt_is_a_slip_to_hand_over(app, client, facilitator):
    client.set_cookie("lang", "en")
    page = file_on_web(client)
    secret = SECRET.search(page).group(1)
    slip = page[page.index('class="slip"') :]
    assert f"{ORGANISATION} filed this report for you" in slip
    assert "/lacak" in slip and "/akun/klaim" in slip  # how to follow it and take it over
    assert FACILITATOR_NAME not in page  # the slip names the organisation, not the person
    # What is only for the facilitator is marked so the print stylesheet drops it.
    chrome = page[page.index('aria-labelledby="facilitator-heading"') - 60 :]
    assert 'class="notice no-print"' in chrome[:80]
    assert 'href="/fasilitator"' in chrome
    assert secret  # and the secret is on the paper
    css = (Path(app.root_path).parent / "static" / "css" / "main.css").read_text()
    assert ".no-print" in css.split("@media print", 1)[1].split("}", 1)[0]


def test_a_citizens_receipt_has_no_slip(client):
    data = {**ANSWERS, "privacy": "anonymous", "csrf_token": csrf_token(client)}
    client.post("/lapor", data=data)
    client.post("/lapor/kirim", data={"csrf_token": csrf_token(client, "/lapor/periksa")})
    page = client.get("/lapor/tanda-terima").get_data(as_text=True)
    assert 'class="slip"' not in page and "no-print" not in page


def test_an_email_given_queues_a_receipt_without_the_secret(app, client, facilitator):
    page = file_on_web(client, email="ibu.sri@example.org")
    secret = SECRET.search(page).group(1)
    complaint = the_complaint(app)
    [message] = outbox(app)
    assert message.channel is OutboxChannel.EMAIL
    assert message.recipient == "ibu.sri@example.org"
    assert message.complaint_id == complaint.id and message.event_id is None
    assert message.locale == complaint.locale == "id"
    assert complaint.tracking_code in message.subject and complaint.tracking_code in message.body
    assert f"/lacak/{complaint.tracking_code}" in message.body
    assert ORGANISATION in message.body
    assert secret not in message.body and secret.replace("-", "") not in message.body
    assert FACILITATOR_NAME not in message.body
    # It says where the secret is: on the paper slip (Indonesian once the catalog has it).
    assert "rahasia" in message.body.lower() or "secret printed" in message.body


def test_the_receipt_is_in_the_complaints_language(app, client, facilitator):
    client.set_cookie("lang", "en")
    file_on_web(client, email="ibu.sri@example.org")
    [message] = outbox(app)
    assert message.locale == "en"
    assert "filed a report for you" in message.body
    assert "We never send the secret" in message.body


def test_a_phone_gets_a_text_message_only_with_an_sms_provider(
    app, client, facilitator, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "none")
    file_on_web(client, phone="0812 3456 7890", privacy="anonymous")
    assert outbox(app) == []  # no provider configured: nothing to send it with


def test_with_an_sms_provider_the_text_has_the_code_and_never_the_secret(
    app, client, facilitator, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "console")
    page = file_on_web(client, phone="0812 3456 7890", email="a@example.org")
    secret = SECRET.search(page).group(1)
    by_channel = {m.channel: m for m in outbox(app)}
    assert set(by_channel) == {OutboxChannel.EMAIL, OutboxChannel.SMS}
    sms = by_channel[OutboxChannel.SMS]
    assert sms.recipient == "+6281234567890" and sms.subject is None
    assert the_complaint(app).tracking_code in sms.body
    assert secret not in sms.body and "\n" not in sms.body


def test_no_contact_no_message(app, client, facilitator):
    file_on_web(client)
    assert outbox(app) == []


def test_a_citizen_filing_for_themselves_gets_no_receipt_message(app, client):
    """Unchanged: the reporter is on the receipt page (app/notifications/queueing.py)."""
    response = client.post(
        "/api/v1/complaints", json=API_COMPLAINT, headers={"Idempotency-Key": key()}
    )
    assert response.status_code == 201
    assert outbox(app) == []


def test_the_receipt_is_delivered_by_the_outbox(app, client, facilitator, smtp):  # noqa: F811
    file_on_web(client, email="ibu.sri@example.org")
    with app.app_context():
        counts = send_due()
    assert counts.sent == 1
    [mail] = smtp
    assert mail["To"] == "ibu.sri@example.org"
    assert the_complaint(app).tracking_code in body_of(mail)
