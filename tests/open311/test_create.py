"""POST /open311/v2/requests: a partner's key, the same intake as the web form, idempotent."""

from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select

from app.complaints.models import Channel, Complaint, Privacy
from app.extensions import db as _db
from app.partners.models import PartnerKey

pytestmark = pytest.mark.db

URL = "/open311/v2/requests.json"
FORM = {
    "service_code": "roads",
    "description": "Lubang besar di Jalan Dago sudah dua bulan, motor sering jatuh.",
    "address_id": "32.73",
    "email": "warga@example.org",
    "first_name": "Asep",
    "last_name": "Sunandar",
}


def count(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(Complaint.id)))


def test_creates_a_complaint_through_the_same_intake(app, client, partner_key):
    key = partner_key()
    response = client.post(URL, data={**FORM, "api_key": key})
    assert response.status_code == 201
    body = response.get_json()
    assert len(body) == 1 and set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    code = body[0]["service_request_id"]
    assert body[0]["account_id"] is None
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        complaint = _db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        assert complaint.channel is Channel.API
        assert complaint.privacy is Privacy.PUBLIC
        assert complaint.category_code == "roads" and complaint.region_code == "32.73"
        assert complaint.reporter.name == "Asep Sunandar"
        assert complaint.title.startswith("Lubang besar")
        assert complaint.events[0].kind.value == "received"
        record = _db.session.scalar(select(PartnerKey))
        assert record.last_used_at is not None


def test_xml_answer_and_attributes(app, client, partner_key):
    key = partner_key()
    form = {
        **FORM,
        "api_key": key,
        "email": "",
        "attribute[privacy]": "anonymous",
        "attribute[type]": "aspiration",
        "attribute[title]": "Perbaiki jalan Dago",
        "address_id": "",
        "attribute[region_code]": "32.73.01",
        "lat": "-6.8915",
        "long": "107.6107",
        "address_string": "Jl. Ir. H. Juanda",
    }
    response = client.post("/open311/v2/requests.xml", data=form)
    assert response.status_code == 201
    root = ET.fromstring(response.data)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    code = request.findtext("service_request_id")
    with app.app_context():
        complaint = _db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        assert complaint.privacy is Privacy.ANONYMOUS
        assert complaint.type.value == "aspiration"
        assert complaint.title == "Perbaiki jalan Dago"
        assert complaint.region_code == "32.73.01"
        assert "-6.891500, 107.610700" in complaint.description


def test_idempotent_replay(app, client, partner_key):
    key = partner_key()
    headers = {"Idempotency-Key": "partner-case-123"}
    first = client.post(URL, data={**FORM, "api_key": key}, headers=headers)
    again = client.post(URL, data={**FORM, "api_key": key}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert count(app) == 1
    by_attribute = {**FORM, "api_key": key, "attribute[idempotency_key]": "other-case"}
    assert (
        client.post(URL, data=by_attribute).get_json()
        == client.post(URL, data=by_attribute).get_json()
    )
    assert count(app) == 2
    changed = client.post(
        URL, data={**FORM, "api_key": key, "description": "Lain."}, headers=headers
    )
    assert changed.status_code == 422 and changed.get_json()[0]["code"] == 422
    assert count(app) == 2


def test_keys_are_per_partner_for_idempotency(app, client, partner_key):
    headers = {"Idempotency-Key": "same"}
    client.post(URL, data={**FORM, "api_key": partner_key()}, headers=headers)
    client.post(URL, data={**FORM, "api_key": partner_key()}, headers=headers)
    assert count(app) == 2


def test_without_key_401(app, client):
    response = client.post(URL, data=FORM)
    assert response.status_code == 401
    assert response.get_json()[0]["code"] == 401
    assert count(app) == 0


@pytest.mark.parametrize("bad", ["swk_AAAAAAAA_" + "x" * 43, "nonsense", "x" * 5000])
def test_unknown_key_401(app, client, bad):
    response = client.post(URL, data={**FORM, "api_key": bad})
    assert response.status_code == 401 and response.get_json()[0]["description"]
    assert count(app) == 0


def test_revoked_key_401(app, client, partner_key):
    response = client.post(URL, data={**FORM, "api_key": partner_key(revoked=True)})
    assert response.status_code == 401
    assert count(app) == 0


def test_wrong_scope_403(app, client, partner_key):
    key = partner_key("agency:read", agency="PEMKOT3273")
    response = client.post("/open311/v2/requests.xml", data={**FORM, "api_key": key})
    assert response.status_code == 403
    assert ET.fromstring(response.data).findtext("error/code") == "403"
    assert count(app) == 0


def test_key_in_header_or_query(app, client, partner_key):
    key = partner_key()
    assert client.post(URL, data=FORM, headers={"X-API-Key": key}).status_code == 201
    assert client.post(f"{URL}?api_key={key}", data=FORM).status_code == 201


def test_english_error(client):
    response = client.post(URL, data=FORM, headers={"Accept-Language": "en"})
    assert response.get_json()[0]["description"] == (
        "This request needs a partner API key (api_key)."
    )


@pytest.mark.parametrize(
    "change",
    [
        {"service_code": ""},
        {"lat": "-6.9", "long": "107.6", "address_id": ""},  # no region: we do not geocode
        {"address_string": "Jl. Dago", "address_id": ""},
        {"lat": "-6.9"},  # long missing
        {"lat": "-6.9", "long": "200"},
        {"lat": "nan", "long": "1"},
        {"description": ""},
        {"address_id": ""},
        {"address_id": "99.99"},
        {"address_id": "32"},  # a province is too wide
        {"email": "", "attribute[privacy]": "public"},  # public needs a contact
        {"attribute[privacy]": "secret"},
        {"attribute[type]": "rant"},
        {"attribute[colour]": "red"},
        {"lat": "north", "long": "1"},
        {"lat": "91", "long": "0"},
        {"email": "not-an-email"},
        {"description": "x" * 6000},
        {"attribute[idempotency_key]": "k" * 201},
    ],
)
def test_bad_input_400_in_spec_format(app, client, partner_key, change):
    key = partner_key()
    response = client.post(URL, data={**FORM, "api_key": key, **change})
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body and all(set(e) == {"code", "description"} and e["code"] == 400 for e in body)
    assert all(e["description"].strip() for e in body)
    response = client.post("/open311/v2/requests.xml", data={**FORM, "api_key": key, **change})
    assert response.status_code == 400 and response.mimetype == "text/xml"
    errors = ET.fromstring(response.data).findall("error")
    assert errors and all(e.findtext("code") == "400" and e.findtext("description") for e in errors)
    assert count(app) == 0


@pytest.mark.parametrize(
    ("change", "fmt"),
    [
        ({"service_code": "nope"}, "json"),
        ({"service_code": "nope"}, "xml"),
        ({"jurisdiction_id": "NOPE"}, "json"),
        ({"jurisdiction_id": "NOPE"}, "xml"),
    ],
)
def test_unknown_service_code_or_jurisdiction_404_as_the_spec_says(
    app, client, partner_key, change, fmt
):
    response = client.post(
        f"/open311/v2/requests.{fmt}",
        data={**FORM, "api_key": partner_key(), **change},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 404
    if fmt == "xml":
        description = ET.fromstring(response.data).findtext("error/description")
    else:
        description = response.get_json()[0]["description"]
    assert description.startswith(f"Unknown {next(iter(change))}")
    assert count(app) == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"service_code": ""}, "service_code was not provided"),
        ({"address_id": "", "lat": "-6.9", "long": "107.6"}, "address_id"),
        ({"lat": "north", "long": "1"}, "lat and long"),
        ({"description": "x" * 6000}, "5000 characters"),
    ],
)
def test_bad_input_descriptions_say_what_is_wrong(client, partner_key, change, expected):
    response = client.post(
        URL, data={**FORM, "api_key": partner_key(), **change}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert any(expected in e["description"] for e in response.get_json())


def test_bad_format_on_post(app, client, partner_key):
    response = client.post("/open311/v2/requests.csv", data={**FORM, "api_key": partner_key()})
    assert response.status_code == 400
    assert count(app) == 0
