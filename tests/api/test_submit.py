"""POST /api/v1/complaints: the contract the offline queue and partners rely on."""

import io
import json

import pytest
from sqlalchemy import func, select

from app.complaints.models import Attachment, Complaint, Reporter
from app.intake.models import IdempotencyRecord
from tests.helpers import API_COMPLAINT, PDF, key, png

pytestmark = pytest.mark.db


def post(client, body, idem=None, **kwargs):
    headers = {"Idempotency-Key": idem or key(), **kwargs.pop("headers", {})}
    return client.post("/api/v1/complaints", json=body, headers=headers, **kwargs)


def rows(app, model=Complaint) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_created_returns_code_status_and_url(app, client):
    response = post(client, API_COMPLAINT)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"tracking_code", "secret", "status", "status_url"}
    assert len(body["secret"]) == 19  # a public complaint has one too: to reply, confirm…
    assert body["status"] == "received"
    assert body["status_url"].endswith(f"/api/v1/complaints/{body['tracking_code']}")
    assert rows(app) == 1


def test_anonymous_gets_a_secret_and_no_reporter_row(app, client):
    body = post(client, {**API_COMPLAINT, "privacy": "anonymous", "email": None}).get_json()
    assert len(body["secret"]) == 19
    assert rows(app, Reporter) == 0


def test_same_key_same_body_replays_identically(app, client):
    idem = key()
    first = post(client, {**API_COMPLAINT, "privacy": "anonymous"}, idem)
    second = post(client, {**API_COMPLAINT, "privacy": "anonymous"}, idem)
    assert first.status_code == second.status_code == 201
    assert first.get_data() == second.get_data()
    assert rows(app) == 1 and rows(app, IdempotencyRecord) == 1


def test_same_key_different_body_is_refused_naming_the_key(app, client):
    idem = key()
    post(client, API_COMPLAINT, idem)
    response = post(client, {**API_COMPLAINT, "title": "Something else"}, idem)
    assert response.status_code == 422
    assert idem in response.get_json()["errors"]["Idempotency-Key"][0]
    assert rows(app) == 1


def test_invalid_input_then_corrected_with_the_same_key_is_accepted(app, client):
    idem = key()
    bad = post(client, {**API_COMPLAINT, "category": "nope"}, idem)
    assert bad.status_code == 422
    good = post(client, API_COMPLAINT, idem)
    assert good.status_code == 201
    assert rows(app) == 1


@pytest.mark.parametrize(
    ("header", "status"), [(None, 400), ("", 400), ("not-a-uuid", 400), ("1234", 400)]
)
def test_idempotency_key_is_required_and_a_uuid(app, client, header, status):
    headers = {} if header is None else {"Idempotency-Key": header}
    response = client.post("/api/v1/complaints", json=API_COMPLAINT, headers=headers)
    assert response.status_code == status
    assert "Idempotency-Key" in response.get_json()["errors"]
    assert rows(app) == 0


def test_messages_follow_accept_language(client):
    english = post(client, {**API_COMPLAINT, "title": ""}, headers={"Accept-Language": "en"})
    indonesian = post(client, {**API_COMPLAINT, "title": ""}, headers={"Accept-Language": "id"})
    assert english.get_json()["errors"]["title"] == ["Enter a title"]
    assert indonesian.get_json()["errors"]["title"] != ["Enter a title"]


BAD_FIELDS = [
    ({"title": ""}, "title"),
    ({"title": "   \n\t "}, "title"),
    ({"description": "  "}, "description"),
    ({"description": "x" * 5001}, "description"),
    ({"title": "x" * 151}, "title"),
    ({"title": 42}, "title"),
    ({"description": ["a", "b"]}, "description"),
    ({"privacy": {"x": 1}}, "privacy"),
    ({"type": "rant"}, "type"),
    ({"privacy": "secret"}, "privacy"),
    ({"region_code": "99.99"}, "region_code"),
    ({"region_code": "32"}, "region_code"),  # a province is too coarse
    ({"region_code": ""}, "region_code"),
    ({"category": "unicorns"}, "category"),
    ({"occurred_on": "2999-01-01"}, "occurred_on"),
    ({"occurred_on": "yesterday"}, "occurred_on"),
    ({"email": "not-an-email"}, "email"),
    ({"phone": "12"}, "phone"),
    ({"email": None, "phone": None}, "privacy"),  # public needs a way to reach the reporter
    ({"title": "Bad \ufffd text"}, "title"),
    ({"surprise": "field"}, "_request"),
]


@pytest.mark.parametrize(("change", "field"), BAD_FIELDS)
def test_bad_fields_get_a_translated_422_and_save_nothing(app, client, uploads, change, field):
    response = post(client, {**API_COMPLAINT, **change})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors and all(isinstance(m, str) and m for m in errors[field])
    assert rows(app) == 0 and rows(app, IdempotencyRecord) == 0
    assert list(uploads.iterdir()) == []


def test_description_of_exactly_5000_characters_is_fine(client):
    assert post(client, {**API_COMPLAINT, "description": "x" * 5000}).status_code == 201


def test_district_code_is_accepted(app, client):
    assert post(client, {**API_COMPLAINT, "region_code": "32.73.02"}).status_code == 201


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"title": "x"', b"[1, 2]", b'"string"', b"", b"\xff\xfe{}"],
)
def test_malformed_json_or_utf8_is_a_clear_400(app, client, body):
    response = client.post(
        "/api/v1/complaints",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 400
    assert response.get_json()["errors"]["_request"][0]
    assert rows(app) == 0


def test_invalid_utf8_in_a_json_string_is_a_400(app, client):
    body = json.dumps(API_COMPLAINT).encode().replace(b"Jalan", b"J\xc3\x28lan")
    response = client.post(
        "/api/v1/complaints",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 400
    assert rows(app) == 0


def test_other_content_types_are_refused(client):
    response = client.post(
        "/api/v1/complaints",
        data="title=x",
        content_type="text/plain",
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 415


def test_multipart_with_files(app, client, uploads):
    data = {
        **API_COMPLAINT,
        "attachments": [(io.BytesIO(png()), "a.png"), (io.BytesIO(PDF), "b.pdf")],
    }
    response = client.post(
        "/api/v1/complaints",
        data=data,
        content_type="multipart/form-data",
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 201
    assert rows(app, Attachment) == 2
    assert len(list(uploads.iterdir())) == 2


def test_multipart_with_four_files_is_refused(app, client, uploads):
    data = {**API_COMPLAINT, "attachments": [(io.BytesIO(png()), f"{i}.png") for i in range(4)]}
    response = client.post(
        "/api/v1/complaints",
        data=data,
        content_type="multipart/form-data",
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 422
    assert "attachments" in response.get_json()["errors"]
    assert rows(app) == 0 and list(uploads.iterdir()) == []


def test_cross_site_requests_cannot_create_complaints(app, client):
    response = post(client, API_COMPLAINT, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert rows(app) == 0


def test_same_origin_browser_requests_are_fine(client):
    response = post(client, API_COMPLAINT, headers={"Origin": "http://localhost"})
    assert response.status_code == 201


def test_a_cross_site_form_post_without_the_header_is_refused(app, client):
    # A plain HTML form on another site cannot send Idempotency-Key.
    response = client.post(
        "/api/v1/complaints", data=API_COMPLAINT, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code in (400, 403)
    assert rows(app) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"type": "rant"},
        {"privacy": "secret"},
        {"occurred_on": "yesterday"},
        {"category": "unicorns"},
        {"region_code": "99"},
    ],
)
def test_every_message_is_in_the_requested_language(client, change):
    def messages(lang):
        body = post(client, {**API_COMPLAINT, **change}, headers={"Accept-Language": lang})
        return [m for found in body.get_json()["errors"].values() for m in found]

    indonesian, english = messages("id"), messages("en")
    assert len(indonesian) == len(english) == 1  # one clear message, not two
    assert indonesian != english
    assert "Not a valid" not in indonesian[0]
