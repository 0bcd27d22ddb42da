"""Open311 hardening: lists in a fixed number of queries, failed API keys rate-limited,
CORS for the open (GET) data only, and the spec's filters and errors."""

from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select

from app.complaints.models import Complaint
from app.extensions import db as _db
from app.web.security import CONTENT_SECURITY_POLICY
from tests.helpers import statements
from tests.open311.test_create import FORM

pytestmark = pytest.mark.db

BASE = "/open311/v2"
POST = f"{BASE}/requests.json"
WRONG = "swk_AAAAAAAA_" + "x" * 43


def seed(publish, how_many: int) -> None:
    """Published complaints in every shape a row can take: with and without an agency note,
    resolved (closed), anonymous, in another category and district."""
    shapes = [
        {"status": "verified"},
        {"status": "in_progress", "note": "Tim kami cek lokasi besok."},
        {"status": "resolved", "note": "Sedang dikerjakan."},
        {"status": "verified", "privacy": "anonymous", "category": "water"},
        {"status": "in_progress", "note": "Dijadwalkan.", "region_code": "32.73.01"},
    ]
    for i in range(how_many):
        publish(**shapes[i % len(shapes)])


def list_statements(app, client) -> tuple[int, int]:
    """(statements, rows) for one list request, in JSON and in XML alike."""
    with statements(app) as seen:
        response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 200
    rows = len(response.get_json())
    with statements(app) as seen_xml:
        assert len(ET.fromstring(client.get(f"{BASE}/requests.xml").data)) == rows
    assert len(seen_xml) == len(seen)
    return len(seen), rows


def test_the_list_costs_the_same_queries_for_5_or_40_requests(app, client, publish):
    seed(publish, 5)
    few, rows = list_statements(app, client)
    assert rows == 5
    seed(publish, 35)
    many, rows = list_statements(app, client)
    assert rows == 40
    assert many == few, f"{few} statements for 5 rows, {many} for 40: a query per row"
    assert few <= 6  # complaints (joined), their events, their notes: no more


def test_status_notes_and_updated_datetime_survive_batching(client, publish):
    code = publish(status="in_progress", note="Tim kami cek lokasi besok.")
    listed = client.get(f"{BASE}/requests.json").get_json()[0]
    one = client.get(f"{BASE}/requests/{code}.json").get_json()[0]
    assert listed == one
    assert listed["status_notes"].endswith(": Tim kami cek lokasi besok.")
    assert listed["updated_datetime"] >= listed["requested_datetime"]


# --- the spec's filters and errors -------------------------------------------------------------


def test_service_request_id_overrides_all_other_arguments(client, publish):
    first, second = publish(), publish(status="resolved")
    url = (
        f"{BASE}/requests.json?service_request_id={first},{second.lower()}"
        "&status=closed&start_date=not-a-date&service_code=nope&jurisdiction_id=NOPE"
    )
    response = client.get(url)
    assert response.status_code == 200
    assert {r["service_request_id"] for r in response.get_json()} == {first, second}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", ["requests", "services"])
def test_unknown_jurisdiction_is_404_as_the_spec_says(client, fmt, path):
    response = client.get(
        f"{BASE}/{path}.{fmt}?jurisdiction_id=NOPE", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 404
    if fmt == "xml":
        text = ET.fromstring(response.data).findtext("error/description")
    else:
        text = response.get_json()[0]["description"]
    assert text == "Unknown jurisdiction_id: use an agency code."


def test_default_volume_is_the_specs_first_1000(client, publish):
    publish()
    assert len(client.get(f"{BASE}/requests.json?page_size=1000").get_json()) == 1
    response = client.get(f"{BASE}/requests.json?page_size=1001")
    assert response.status_code == 400
    from app.open311.views import PAGE_SIZE

    assert PAGE_SIZE == 1000


# --- failed API keys are rate-limited ----------------------------------------------------------


def post(client, key=None, address="203.0.113.7", fmt="json", **form):
    data = {**FORM, **form}
    if key is not None:
        data["api_key"] = key
    return client.post(f"{BASE}/requests.{fmt}", data=data, environ_base={"REMOTE_ADDR": address})


def count(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(Complaint.id)))


def test_the_11th_failed_key_gets_429_in_json_and_xml(app, client, partner_key):
    revoked = partner_key(revoked=True)
    for key in [WRONG] * 4 + [None] * 3 + [revoked] * 2 + ["nonsense"]:  # 10 failures
        assert post(client, key).status_code == 401
    response = post(client, WRONG)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    body = response.get_json()
    assert len(body) == 1 and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == 429 and body[0]["description"]
    response = post(client, WRONG, fmt="xml")
    assert response.status_code == 429 and response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "errors" and root.findtext("error/code") == "429"
    assert root.findtext("error/description")
    assert response.headers["Retry-After"]
    # Even the right key waits here now; nothing was filed.
    assert post(client, partner_key()).status_code == 429
    assert count(app) == 0


def test_429_description_is_translated(client):
    for _ in range(10):
        post(client, WRONG)
    response = client.post(
        POST,
        data={**FORM, "api_key": WRONG},
        headers={"Accept-Language": "en"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 429
    assert response.get_json()[0]["description"].startswith("Too many requests with a missing")


def test_a_valid_key_elsewhere_is_never_slowed_by_others_failures(app, client, partner_key):
    key = partner_key()
    for _ in range(11):
        post(client, WRONG, address="198.51.100.1")
    assert post(client, WRONG, address="198.51.100.1").status_code == 429
    assert post(client, key, address="198.51.100.2").status_code == 201
    assert post(client, WRONG, address="198.51.100.2").status_code == 401  # its own count
    assert count(app) == 1


def test_only_failures_count(app, client, partner_key):
    key = partner_key()
    read_only = partner_key("agency:read", agency="PEMKOT3273")
    for _ in range(9):
        assert post(client, WRONG).status_code == 401
    for _ in range(5):
        assert post(client, key).status_code == 201  # successes
    assert post(client, key, service_code="").status_code == 400  # bad input, valid key
    assert post(client, read_only).status_code == 403  # a valid key without the scope
    assert client.get(f"{BASE}/requests.json").status_code == 200
    assert post(client, WRONG).status_code == 401  # the 10th failure
    assert post(client, WRONG).status_code == 429  # the 11th
    assert count(app) == 5


# --- CORS: open data for browsers, never the partner POST --------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "discovery.json",
        "discovery.xml",
        "services.json",
        "services/roads.xml",
        "requests.json",
        "requests.xml?status=open",
        "requests/K7M3-Q9XD.json",  # a 404 in the spec's format: readable too
        "tokens/abc.xml",
        "requests.json?start_date=yesterday",  # a 400
    ],
)
def test_get_is_readable_from_any_site(client, path):
    response = client.get(f"{BASE}/{path}", headers={"Origin": "https://civic.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    # The strict headers still apply.
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_post_is_not_cors_enabled(client, partner_key):
    headers = {"Origin": "https://civic.example"}
    created = client.post(POST, data={**FORM, "api_key": partner_key()}, headers=headers)
    assert created.status_code == 201
    refused = client.post(POST, data=FORM, headers=headers)
    assert refused.status_code == 401
    for response in (created, refused):
        assert "Access-Control-Allow-Origin" not in response.headers
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_no_preflight_is_granted(client):
    """Simple GETs need no preflight; one asking for a custom header gets no CORS grant."""
    response = client.options(
        f"{BASE}/requests.json",
        headers={
            "Origin": "https://civic.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key",
        },
    )
    assert "Access-Control-Allow-Methods" not in response.headers
    assert "Access-Control-Allow-Headers" not in response.headers
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_rest_of_the_site_is_not_cors_enabled(client):
    response = client.get("/laporan", headers={"Origin": "https://civic.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
