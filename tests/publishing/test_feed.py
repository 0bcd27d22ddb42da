"""The Atom feed of published reports: masked, filtered like /laporan, updated by public
steps, never a confidential or unpublished report, always well-formed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from app.complaints.lifecycle import Action, Actor, act
from app.extensions import db
from tests.publishing.conftest import db_complaint

pytestmark = pytest.mark.db

NS = {"a": "http://www.w3.org/2005/Atom"}
NIK = "3201011508950001"


def feed(client, query: str = "") -> ET.Element:
    response = client.get(f"/laporan.atom{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def entries(root: ET.Element) -> dict[str, ET.Element]:
    """Entries by tracking code (the last part of their id, the report's public page)."""
    return {
        e.findtext("a:id", namespaces=NS).rsplit("/", 1)[-1]: e for e in root.findall("a:entry", NS)
    }


def test_the_feed_lists_published_reports_masked(client, make_complaint, publish):
    code, _ = make_complaint(
        title=f"Pungutan liar, NIK saya {NIK}", description=f"Diminta uang. NIK {NIK}."
    )
    publish(code)
    hidden, _ = make_complaint(title="Rahasia sekali", privacy="confidential")
    publish(hidden)
    waiting, _ = make_complaint(title="Belum diperiksa")
    root = feed(client)
    found = entries(root)
    assert code in found and hidden not in found and waiting not in found
    entry = found[code]
    assert "[NIK_1]" in entry.findtext("a:title", namespaces=NS)
    assert NIK not in ET.tostring(root, encoding="unicode")
    assert entry.find("a:link", NS).get("href").endswith(f"/laporan/{code}")
    assert root.find("a:link[@rel='self']", NS).get("href").endswith("/laporan.atom")
    assert root.findtext("a:author/a:name", namespaces=NS) == "Suara Warga"


def test_a_public_step_updates_the_entry(app, client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    before = entries(feed(client))[code].findtext("a:updated", namespaces=NS)
    with app.app_context():
        act(db_complaint(code), Action.RESPOND, Actor.OFFICER, reason="Kami perbaiki besok.")
        db.session.commit()
    entry = entries(feed(client))[code]
    assert entry.findtext("a:updated", namespaces=NS) > before
    assert entry.findtext("a:published", namespaces=NS) <= before


def test_the_feed_takes_the_lists_filters(client, make_complaint, publish):
    road, _ = make_complaint(title="Jalan berlubang besar")
    publish(road)
    found = entries(feed(client, "?q=berlubang"))
    assert road in found
    assert road not in entries(feed(client, "?q=tidakadayangcocok"))
    assert road not in entries(feed(client, "?category=health"))
    assert road in entries(feed(client, "?province=32&regency=32.73"))


@pytest.mark.parametrize(
    "query",
    ["?province=99", "?agency=NOPE", "?status=bogus", "?page=abc", "?q=" + "x" * 3000, "?q=%01%7f"],
)
def test_bad_filters_never_break_the_feed(client, query):
    feed(client, query)  # a well-formed feed, 200


def test_the_list_page_points_to_the_feed(client):
    page = client.get("/laporan?q=jalan").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/laporan.atom?q=jalan" in page
