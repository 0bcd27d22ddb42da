"""A NUL character anywhere in an address — a path part or a query argument — is bad input
like any other: a clear answer, never a 500. PostgreSQL refuses a NUL in a query where
SQLite does not, so this matters most there (the test is `db`-marked: CI runs it on both).

The walk takes every GET route from the URL map, as every kind of visitor, so a route added
later is covered the day it is added.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from app.accounts.models import Role

pytestmark = pytest.mark.db

BAD = "AB\x00CD"
# Every query argument a page or API reads (filters, paging, Open311's, sign-in's "next").
ARGUMENTS = (
    "q",
    "province",
    "regency",
    "region",
    "agency",
    "category",
    "status",
    "level",
    "page",
    "sort",
    "dir",
    "include",
    "type",
    "format",
    "next",
    "code",
    "service_code",
    "service_request_id",
    "jurisdiction_id",
    "start_date",
    "end_date",
    "page_size",
    "lang",
)
QUERY = "?" + "&".join(f"{name}=AB%00CD" for name in ARGUMENTS)


def get_urls(app) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in (rule.methods or ()):
                continue
            values: dict[str, object] = {}
            for argument in rule.arguments:
                converter = rule._converters[argument]
                if isinstance(converter, AnyConverter):
                    values[argument] = sorted(converter.items)[0]
                elif isinstance(converter, IntegerConverter):
                    values[argument] = 1  # a number cannot carry a NUL
                else:
                    values[argument] = BAD
            url = rule.build(values, append_unknown=False)[1]
            urls += [url, url + QUERY] if rule.arguments else [url + QUERY]
    return sorted(set(urls))


@pytest.mark.parametrize(
    "visitor", ["anyone", "citizen", *(r.value for r in Role if r is not Role.CITIZEN)]
)
def test_a_nul_in_any_address_is_never_a_server_error(
    app, client, visitor, sign_in_as, sign_in_citizen
):
    if visitor == "citizen":
        sign_in_citizen(client)
    elif visitor != "anyone":
        role = Role(visitor)
        kwargs = {"agency": "32.73"} if role is Role.OFFICER else {}
        if role is Role.FACILITATOR:
            kwargs = {"organisation": "Lembaga Bantuan Warga"}
        sign_in_as(client, role, **kwargs)
    urls = get_urls(app)
    assert any("%00" in url and "/laporan" in url for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url


def test_the_answer_is_a_clear_translated_error_in_the_routes_own_format(client):
    page = client.get("/laporan?q=jalan%00")
    assert page.status_code == 400
    assert "karakter yang tidak diizinkan" in page.get_data(as_text=True)
    client.set_cookie("lang", "en")
    page = client.get("/laporan?q=jalan%00")
    assert "a character that is not allowed" in page.get_data(as_text=True)
    api = client.get("/api/v1/complaints/AB%00CD")
    assert api.status_code == 400 and api.is_json
    assert "tidak diizinkan" in str(api.get_json()["errors"])  # the API follows Accept-Language
    open311 = client.get("/open311/v2/requests.xml?service_code=roads%00")
    assert open311.status_code == 400 and open311.mimetype == "text/xml"
    assert b"<error><code>400</code>" in open311.data


def test_a_nul_in_a_filed_code_is_a_field_error_or_dropped(app, client):
    """Codes from a form or the API are looked up in the directory: a NUL in the category
    makes an unknown one (found by Schemathesis on PostgreSQL); the region code is cleaned
    like the texts (control characters dropped). Multipart and JSON alike."""
    from app.complaints.models import Complaint
    from app.extensions import db
    from tests.helpers import API_COMPLAINT, key, post_multipart

    def both(body):
        headers = {"Idempotency-Key": key()}
        yield client.post("/api/v1/complaints", json=body, headers=headers)
        yield post_multipart(client, "/api/v1/complaints", body, [], **{"Idempotency-Key": key()})

    for response in both({**API_COMPLAINT, "category": "roads\x00"}):
        assert response.status_code == 422
        assert "category" in response.get_json()["errors"]
    with app.app_context():
        assert db.session.query(Complaint).count() == 0
    for response in both({**API_COMPLAINT, "region_code": "32.73\x00"}):
        assert response.status_code == 201
    with app.app_context():
        assert {c.region_code for c in db.session.query(Complaint)} == {"32.73"}
