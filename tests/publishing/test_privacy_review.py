"""Adversarial checks of the public surfaces of published reports (privacy review, issue 6):
what a stranger can learn that the published, masked version hides."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.extensions import db
from app.publishing.queries import public_description, public_title

pytestmark = pytest.mark.db

NAME = "Sutrisno Hadiwijoyo"
WRONG = "Bambang Purnomo"
LEAK = {
    "title": "Jalan Cikutra berlubang di depan rumah warga",
    "description": f"Lubang besar di Jalan Cikutra di depan rumah Bapak {NAME} sudah dua "
    "bulan, motor sering jatuh kalau hujan.",
    "region_code": "32.73.02",
    "category": "roads",
}


def masked_description(app, code: str) -> str:
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        return public_description(complaint)


def test_the_duplicate_check_is_no_oracle_for_a_masked_name(app, client, make_complaint, publish):
    """Anyone can read the masked text and ask the public check with a guess in the token's
    place: the answer must not depend on the hidden name, else the check un-masks it. Two
    reports alike but for the hidden name must score the same for any guess."""
    hidden, _ = make_complaint(**LEAK)
    other, _ = make_complaint(**{**LEAK, "description": LEAK["description"].replace(NAME, WRONG)})
    publish(hidden)
    publish(other)
    masked = masked_description(app, hidden)
    assert NAME not in masked and "[NAME_1]" in masked  # the premise: the name is masked
    assert masked == masked_description(app, other)

    for guess in (NAME, WRONG):
        response = client.post(
            "/api/v1/duplicates/check",
            json={"text": masked.replace("[NAME_1]", guess), "region_code": "32.73.02"},
        )
        assert response.status_code == 200
        scores = {c["tracking_code"]: c["score"] for c in response.get_json()["candidates"]}
        assert scores.get(hidden) is not None and scores.get(hidden) == scores.get(other), guess


def add_hidden_event(app, code: str, kind: EventKind, at: datetime) -> None:
    """A step the public must not learn of (the reporter claimed the report into an account,
    a verifier corrected the published version), at a moment nothing public happened."""
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        db.session.add(
            ComplaintEvent(
                complaint_id=complaint.id,
                kind=kind,
                status=complaint.status,
                public=False,
                actor_role="reporter",
                created_at=at,
            )
        )
        db.session.commit()


@pytest.mark.parametrize("kind", [EventKind.CLAIMED, EventKind.PUBLISHED_CORRECTED])
def test_open311_updated_datetime_ignores_steps_that_are_not_public(
    app, client, make_complaint, publish, kind
):
    """updated_datetime must not tell when a non-public step happened (e.g. that the
    reporter of an anonymous report signed in and claimed it)."""
    code, _ = make_complaint(**LEAK)
    publish(code)
    hidden_at = datetime(2031, 5, 4, 3, 2, 1)
    add_hidden_event(app, code, kind, hidden_at)
    one = client.get(f"/open311/v2/requests/{code}.json").get_json()[0]
    listed = client.get(f"/open311/v2/requests.json?service_request_id={code}").get_json()[0]
    for found in (one, listed):
        assert not found["updated_datetime"].startswith("2031-05-04"), found["updated_datetime"]


def test_open311_status_notes_carry_the_agencys_note_not_a_question_to_the_reporter(
    app, client, make_complaint, publish
):
    """status_notes is the agency's latest public note (the module's contract). A verifier's
    question to the reporter before publication is not the state of the request: it was
    written for the reporter ("the reporter will read it"), not as the request's status."""
    code, _ = make_complaint(**LEAK)
    question = "Mohon kirim foto lokasi dan sebutkan patokan terdekat"
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        act(complaint, Action.REQUEST_INFO, Actor.VERIFIER, reason=question)
        act(complaint, Action.REPLY, Actor.REPORTER, reason="Dekat masjid besar")
        db.session.commit()
    publish(code)
    notes = client.get(f"/open311/v2/requests/{code}.json").get_json()[0]["status_notes"]
    assert "patokan" not in notes, notes
    publish_answer = "Tim sudah dijadwalkan menambal hari Kamis"
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        act(complaint, Action.RESPOND, Actor.OFFICER, reason=publish_answer)
        db.session.commit()
    notes = client.get(f"/open311/v2/requests/{code}.json").get_json()[0]["status_notes"]
    assert publish_answer in notes  # the test can tell a note from none


def test_searching_a_masked_value_never_finds_the_report(app, client, make_complaint, publish):
    """Search, downloads and the feed read the masked text only: the hidden name finds
    nothing, while a word of the published text finds the report."""
    code, _ = make_complaint(**{**LEAK, "title": f"Jalan rusak depan rumah {NAME}"})
    publish(code)
    for path in ("/laporan", "/laporan.csv", "/laporan.json?include=timeline", "/laporan.atom"):
        joiner = "&" if "?" in path else "?"
        hit = client.get(f"{path}{joiner}q=Cikutra+motor").get_data(as_text=True)
        assert code in hit, path
        for word in NAME.split():
            miss = client.get(f"{path}{joiner}q={word}").get_data(as_text=True)
            assert code not in miss, (path, word)  # (the search box echoes the word)


def test_one_person_has_one_token_in_title_and_description(app, make_complaint, publish):
    """The same name in the title and the description is the same token, so a reader can
    follow who is who, and nothing of it is left."""
    code, _ = make_complaint(**{**LEAK, "title": f"Jalan rusak depan rumah {NAME}"})
    publish(code)
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        title, description = public_title(complaint), public_description(complaint)
    assert "[NAME_1]" in title and "[NAME_1]" in description
    assert "[NAME_2]" not in title + description
    assert not any(part in title + description for part in NAME.split())


def test_messages_between_verifier_and_reporter_before_publication_stay_unpublished(
    app, client, make_complaint, publish
):
    """Before a report is verified, the verifier writes to the reporter ("Question for the
    reporter", "the reporter reads this") and the reporter answers or appeals: none of
    those texts was written for the public, so none is published with the report. The
    steps themselves stay on its timeline, and the agency's response is published."""
    code, secret = make_complaint(privacy="anonymous")
    private = {
        "flag": "PRIVFLAG dicurigai fitnah terhadap tetangga",
        "appeal": "PRIVAPPEAL saya guru honorer di sekolah itu",
        "ask": "PRIVASK kirim foto lokasi",
        "reply": "PRIVREPLY foto menyusul",
    }
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        act(complaint, Action.FLAG, Actor.VERIFIER, reason=private["flag"])
        act(complaint, Action.APPEAL, Actor.REPORTER, reason=private["appeal"])
        act(complaint, Action.REQUEST_INFO, Actor.VERIFIER, reason=private["ask"])
        act(complaint, Action.REPLY, Actor.REPORTER, reason=private["reply"])
        db.session.commit()
    publish(code, (Action.RESPOND, Actor.OFFICER, "PUBRESPONSE lubang ditambal besok"))
    surfaces = {
        "page": client.get(f"/laporan/{code}").get_data(as_text=True),
        "json": client.get("/laporan.json?include=timeline").get_data(as_text=True),
        "open311": client.get(f"/open311/v2/requests/{code}.json").get_data(as_text=True),
        "tracking": client.get(f"/lacak/{code}").get_data(as_text=True),
        "api": client.get(f"/api/v1/complaints/{code}").get_data(as_text=True),
    }
    for name, body in surfaces.items():
        assert "PUBRESPONSE" in body, name  # the agency's response is published
        for text in private.values():
            assert text.split()[0] not in body, (name, text)
    client.set_cookie("lang", "en")
    assert "Held for review" in client.get(f"/laporan/{code}").get_data(as_text=True)
    # The reporter, with the secret, still reads the whole exchange.
    reporter = client.get(
        f"/api/v1/complaints/{code}", headers={"X-Tracking-Secret": secret}
    ).get_data(as_text=True)
    assert all(text.split()[0] in reporter for text in private.values())
