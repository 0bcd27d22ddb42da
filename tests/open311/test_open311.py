"""Open311 GeoReport v2: every endpoint in JSON and XML against the spec's fields and formats."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest

pytestmark = pytest.mark.db

BASE = "/open311/v2"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
SENTINEL = "RAHASIA-SENTINEL-7Q"


def xml(response) -> ET.Element:
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.tzinfo is not None, value  # ISO 8601 with an offset
    return moment


def assert_spec_error(response, status, fmt="json"):
    assert response.status_code == status
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors"
        errors = root.findall("error")
        assert errors and all(e.findtext("code") == str(status) for e in errors)
        assert all(e.findtext("description") for e in errors)
    else:
        body = response.get_json()
        assert isinstance(body, list) and body
        assert all(set(e) == {"code", "description"} and e["code"] == status for e in body)
    return response


# --- discovery and services -----------------------------------------------------------------


def test_discovery_json_and_xml(client):
    body = client.get(f"{BASE}/discovery.json").get_json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    iso(endpoint["changeset"])
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert set(formats) == {"text/xml", "application/json"}


def test_services_list_fields(client):
    services = client.get(f"{BASE}/services.json").get_json()
    assert services
    roads = next(s for s in services if s["service_code"] == "roads")
    assert list(roads) == SERVICE_FIELDS
    assert roads["metadata"] is True and roads["type"] == "realtime"
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == SERVICE_FIELDS
    assert first.findtext("metadata") == "true"
    assert len(root.findall("service")) == len(services)


def test_services_in_english(client):
    id_name = client.get(f"{BASE}/services.json").get_json()[0]["service_name"]
    en = client.get(f"{BASE}/services.json", headers={"Accept-Language": "en"}).get_json()
    assert en[0]["service_name"] != id_name


def test_service_definition(client):
    body = client.get(f"{BASE}/services/roads.json").get_json()
    assert body["service_code"] == "roads"
    codes = [a["code"] for a in body["attributes"]]
    assert {"privacy", "type", "region_code"} <= set(codes)
    for attribute in body["attributes"]:
        assert set(ATTRIBUTE_FIELDS) <= set(attribute)
        assert attribute["datatype"] in DATATYPES
        if attribute["datatype"].endswith("valuelist"):
            assert all(set(v) == {"key", "name"} for v in attribute["values"])
    privacy = next(a for a in body["attributes"] if a["code"] == "privacy")
    assert {v["key"] for v in privacy["values"]} == {"public", "confidential", "anonymous"}
    root = xml(client.get(f"{BASE}/services/roads.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "roads"
    values = root.findall("attributes/attribute/values/value")
    assert values and all(v.findtext("key") and v.findtext("name") for v in values)


def test_unknown_service_definition(client):
    assert_spec_error(client.get(f"{BASE}/services/nope.json"), 404)
    assert_spec_error(client.get(f"{BASE}/services/nope.xml"), 404, "xml")


# --- reading requests -----------------------------------------------------------------------


def test_requests_list_fields_json_and_xml(client, publish):
    code = publish(status="in_progress", note="Petugas Budi Santoso (0812 3456 7890) datang.")
    body = client.get(f"{BASE}/requests.json").get_json()
    assert [r["service_request_id"] for r in body] == [code]
    found = body[0]
    assert list(found) == REQUEST_FIELDS
    assert found["status"] == "open"
    assert found["service_code"] == "roads"
    assert found["agency_responsible"] == "Pemerintah Kota Bandung"
    assert found["address_id"] == "32.73"
    iso(found["requested_datetime"])
    assert iso(found["updated_datetime"]) >= iso(found["requested_datetime"])
    assert "0812 3456 7890" not in found["status_notes"]  # masked
    assert "Budi Santoso" not in found["status_notes"]
    assert "[PHONE_1]" in found["status_notes"]  # the officer's note, masked
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == code
    iso(request.findtext("requested_datetime"))


def test_get_one(client, publish):
    code = publish()
    body = client.get(f"{BASE}/requests/{code}.json").get_json()
    assert len(body) == 1 and body[0]["service_request_id"] == code
    root = xml(client.get(f"{BASE}/requests/{code}.xml"))
    assert root.find("request").findtext("service_request_id") == code
    assert_spec_error(client.get(f"{BASE}/requests/ZZZZ-ZZZZ.json"), 404)


def test_unverified_complaints_are_not_returned(client, make_complaint):
    code, _ = make_complaint()
    assert client.get(f"{BASE}/requests.json").get_json() == []
    assert_spec_error(client.get(f"{BASE}/requests/{code}.json"), 404)


def test_confidential_never_returned(client, publish):
    code = publish(privacy="confidential", title=f"Judul {SENTINEL}", description=SENTINEL)
    for fmt in ("json", "xml"):
        listing = client.get(f"{BASE}/requests.{fmt}")
        assert SENTINEL not in listing.get_data(as_text=True)
        assert code not in listing.get_data(as_text=True)
        assert code not in client.get(f"{BASE}/requests.{fmt}?service_request_id={code}").get_data(
            as_text=True
        )
        assert_spec_error(client.get(f"{BASE}/requests/{code}.{fmt}"), 404, fmt)


def test_anonymous_carries_no_identity(client, publish):
    code = publish(
        privacy="anonymous", name="Siti Rahmawati", email="siti.rahasia@example.org", phone=None
    )
    text = client.get(f"{BASE}/requests/{code}.json").get_data(as_text=True)
    assert code in text
    assert "Siti" not in text and "siti.rahasia" not in text


def test_status_filter_and_closed_mapping(client, publish):
    open_code = publish()
    closed_code = publish(status="resolved")

    def ids(q):
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json{q}").get_json()]

    assert ids("?status=closed") == [closed_code]
    assert ids("?status=open") == [open_code]
    assert set(ids("?status=open,closed")) == {open_code, closed_code}
    closed = client.get(f"{BASE}/requests/{closed_code}.json").get_json()[0]
    assert closed["status"] == "closed"


def test_filters_service_code_jurisdiction_ids_and_dates(client, publish):
    roads = publish()
    water = publish(category="water", title="Air mati")

    def get(q):
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json?{q}").get_json()]

    assert get("service_code=roads") == [roads]
    assert set(get("service_code=roads,water")) == {roads, water}
    assert set(get("jurisdiction_id=PEMKOT3273")) == {roads, water}
    assert get("jurisdiction_id=KEMENKES") == []
    assert get(f"service_request_id={water}") == [water]
    assert set(get(f"service_request_id={water},{roads}&service_code=roads")) == {roads, water}
    now = datetime.now(UTC)
    past = (now - timedelta(days=30)).isoformat()
    assert set(get(f"start_date={past}".replace("+", "%2B"))) == {roads, water}
    old_end = (now - timedelta(days=10)).isoformat().replace("+", "%2B")
    assert get(f"end_date={old_end}") == []
    assert get("page_size=1") != get("page_size=1&page=2")


@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "start_date=2026-13-45",
        "start_date=2026-01-01&end_date=2026-12-31",  # longer than 90 days
        "start_date=2026-02-01&end_date=2026-01-01",  # reversed
        "end_date=0001-01-01",  # 90 days earlier does not exist
        "start_date=9999-12-31",
        "status=pending",
        "service_code=nope",
        "service_code=roads,nope",
        "status=open,pending",
        "page_size=100000000000000000000000",
        "page=0",
        "page=-1",
        "page=99999999999999999999",
        "page_size=abc",
        "page=0000000000001999999999",
    ],
)
def test_bad_filters_answer_in_the_spec_error_format(client, query):
    assert_spec_error(client.get(f"{BASE}/requests.json?{query}"), 400)
    assert_spec_error(client.get(f"{BASE}/requests.xml?{query}"), 400, "xml")


def test_bad_format_and_unknown_endpoint(client):
    assert_spec_error(client.get(f"{BASE}/requests.html"), 400)
    assert_spec_error(client.get(f"{BASE}/services.yaml"), 400)
    assert_spec_error(client.get(f"{BASE}/requests"), 404)
    assert_spec_error(client.get(f"{BASE}/nowhere/at/all.json"), 404)
    assert_spec_error(client.delete(f"{BASE}/requests.json"), 404)


def test_tokens_are_not_used(client):
    assert_spec_error(client.get(f"{BASE}/tokens/abc.json"), 404)
    assert_spec_error(client.get(f"{BASE}/tokens/abc.xml"), 404, "xml")


def test_error_descriptions_are_translated(client):
    id_text = client.get(f"{BASE}/services/nope.json").get_json()[0]["description"]
    en_text = client.get(
        f"{BASE}/services/nope.json", headers={"Accept-Language": "en"}
    ).get_json()[0]["description"]
    assert en_text == "Unknown service_code."
    assert id_text  # Bahasa Indonesia once the catalog has it (tests/test_translations.py)


def test_xml_escapes_text(client, publish):
    code = publish(title='Jalan <rusak> & "licin"', description="A < B & C > D ]]> selesai")
    root = xml(client.get(f"{BASE}/requests/{code}.xml"))
    assert "]]> selesai" in root.find("request").findtext("description")
    assert '<rusak> & "licin"' in root.find("request").findtext("description")
