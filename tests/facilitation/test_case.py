"""A facilitator's case page (/fasilitator/laporan/<code>): answering a request for
information for the complainant, optimistic locking, and read-only once claimed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import ComplaintEvent, EventKind, Status
from app.db import utcnow
from app.extensions import db as _db
from app.tracking.queries import by_code
from tests.facilitation.conftest import token_of

pytestmark = pytest.mark.db

QUESTION = "Di RT berapa tepatnya sumur itu?"


def needs_info(app, code: str) -> None:
    with app.app_context():
        act(by_code(code), Action.REQUEST_INFO, Actor.VERIFIER, reason=QUESTION)
        _db.session.commit()


def claim(app, code: str) -> None:
    """What the complainant's claim does to the row (the citizens' work owns the route)."""
    with app.app_context():
        by_code(code).claimed_at = utcnow()
        _db.session.commit()


def state(app, code: str) -> tuple[Status, int, list[ComplaintEvent]]:
    with app.app_context():
        complaint = by_code(code)
        events = list(
            _db.session.scalars(
                select(ComplaintEvent)
                .where(ComplaintEvent.complaint_id == complaint.id)
                .order_by(ComplaintEvent.id)
            )
        )
        for event in events:
            _db.session.expunge(event)
        return complaint.status, complaint.version, events


def answer(client, code: str, text: str = "RT 04 RW 02, dekat masjid.", **extra):
    page = client.get(f"/fasilitator/laporan/{code}").get_data(as_text=True)
    version = extra.pop("version", None)
    if version is None:
        found = re.search(r'name="version" value="(\d+)"', page)
        version = found.group(1) if found else "1"
    data = {"csrf_token": token_of(page), "version": version, "text": text}
    return client.post(f"/fasilitator/laporan/{code}/balas", data=data, **extra)


def test_the_case_page_shows_content_consent_and_public_timeline(
    app, client, facilitator, facilitated
):
    client.set_cookie("lang", "en")
    code, _ = facilitated(facilitator, title="Sumur warga tercemar", email="ibu@example.org")
    needs_info(app, code)
    page = client.get(f"/fasilitator/laporan/{code}").get_data(as_text=True)
    assert "Sumur warga tercemar" in page
    assert "Thumbprint" in page and '<time datetime="2026-11-20">' in page
    assert QUESTION in page and 'id="action-reply"' in page
    assert "ibu@example.org" not in page  # contact: given or not, never shown here
    assert "More information was requested" in page  # the public timeline


def test_answering_a_request_for_information(app, client, facilitator, facilitated):
    code, _ = facilitated(facilitator)
    needs_info(app, code)
    response = answer(client, code)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/fasilitator/laporan/{code}")
    status, _version, events = state(app, code)
    assert status is Status.RECEIVED  # checked again
    reply = events[-1]
    assert reply.kind is EventKind.REPLIED and reply.note == "RT 04 RW 02, dekat masjid."
    assert reply.actor_role == "reporter" and reply.actor_user_id == facilitator
    page = client.get(f"/fasilitator/laporan/{code}").get_data(as_text=True)
    assert 'class="banner-success"' in page and 'id="action-reply"' not in page


def test_htmx_answer_swaps_the_case_with_focus_and_announcement(
    app, client, facilitator, facilitated
):
    code, _ = facilitated(facilitator)
    needs_info(app, code)
    response = answer(client, code, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="case" data-announce="')
    assert "data-focus" in body and "autofocus" not in body


def test_an_empty_answer_is_422_and_changes_nothing(app, client, facilitator, facilitated):
    code, _ = facilitated(facilitator)
    needs_info(app, code)
    before = state(app, code)
    response = answer(client, code, text="   ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and 'href="#text"' in page
    assert page.count("<title>") == 1 and ("Error:" in page or "Galat:" in page)
    assert len(state(app, code)[2]) == len(before[2])


def test_a_stale_version_is_409_and_changes_nothing(app, client, facilitator, facilitated):
    code, _ = facilitated(facilitator)
    needs_info(app, code)
    _status, version, events = state(app, code)
    response = answer(client, code, version=str(version - 1))
    assert response.status_code == 409
    assert len(state(app, code)[2]) == len(events)


def test_a_report_in_no_state_to_answer_is_409(app, client, facilitator, facilitated):
    code, _ = facilitated(facilitator)  # received: nothing to answer yet
    page = client.get(f"/fasilitator/laporan/{code}").get_data(as_text=True)
    assert 'id="action-reply"' not in page
    assert answer(client, code).status_code == 409


def test_once_claimed_the_case_is_read_only_and_every_change_refused(
    app, client, facilitator, facilitated
):
    client.set_cookie("lang", "en")
    code, _ = facilitated(facilitator)
    needs_info(app, code)
    claim(app, code)
    page = client.get(f"/fasilitator/laporan/{code}").get_data(as_text=True)
    assert 'id="claimed-note"' in page
    assert "now follows this report themselves" in page
    assert 'id="action-reply"' not in page and "/balas" not in page
    before = state(app, code)
    response = answer(client, code, version=str(before[1]))  # posted directly, as if stale
    assert response.status_code == 409
    assert "you can no longer change it" in response.get_data(as_text=True)
    assert state(app, code)[2][-1].id == before[2][-1].id  # no event
    assert state(app, code)[0] is Status.NEEDS_INFO


def test_another_facilitators_case_is_404_for_reading_and_answering(
    app, client, facilitator, other_facilitator, facilitated
):
    code, _ = facilitated(other_facilitator)
    needs_info(app, code)
    assert client.get(f"/fasilitator/laporan/{code}").status_code == 404
    token = token_of(client.get("/fasilitator").get_data(as_text=True))
    response = client.post(
        f"/fasilitator/laporan/{code}/balas", data={"csrf_token": token, "version": 2, "text": "x"}
    )
    assert response.status_code == 404
