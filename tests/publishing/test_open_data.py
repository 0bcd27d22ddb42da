"""Open data: /laporan.csv and /laporan.json (masked, published only, /laporan's filters),
the data dictionary /laporan/kamus and the /data landing page."""

import csv
import io
import json
import re

import pytest

from app.complaints.lifecycle import Action, Actor
from app.publishing import opendata
from tests.helpers import statements
from tests.publishing.conftest import db_complaint

pytestmark = pytest.mark.db


def rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a BOM, so that Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))


def body(response) -> dict:
    return json.loads(response.get_data(as_text=True))


def codes_in_csv(client, query: str = "") -> set[str]:
    response = client.get(f"/laporan.csv{query}")
    assert response.status_code == 200, query
    return {row["tracking_code"] for row in rows(response)}


def codes_in_json(client, query: str = "") -> set[str]:
    response = client.get(f"/laporan.json{query}")
    assert response.status_code == 200, query
    data = body(response)
    assert data["count"] == len(data["complaints"])
    return {c["tracking_code"] for c in data["complaints"]}


def test_downloads_hold_published_masked_reports_only(app, client, make_complaint, publish):
    published, _ = make_complaint(
        title="Pungli di kantor, hubungi 0812-3456-7890",
        description="NIK saya 3201011508950001, email budi.s@gmail.com, diminta uang.",
    )
    publish(published, (Action.RESPOND, Actor.OFFICER, "Kami telepon 0812-3456-7890 besok."))
    anonymous, _ = make_complaint(
        title="Jalan rusak di Coblong",
        privacy="anonymous",
        name="Rahasia Pelapor",
        email="rahasia.pelapor@example.org",
        phone="081398765432",
    )
    publish(anonymous)
    confidential, _ = make_complaint(
        title="Rahasia sekali CONFIDENTIALWORD", privacy="confidential"
    )
    publish(confidential)
    received, _ = make_complaint(title="Belum diperiksa RECEIVEDWORD")

    csv_response = client.get("/laporan.csv?include=timeline")
    json_response = client.get("/laporan.json?include=timeline")
    for response in (csv_response, json_response):
        text = response.get_data(as_text=True)
        assert published in text and anonymous in text
        assert "[PHONE_1]" in text and "[NIK_1]" in text and "[EMAIL_1]" in text
        for secret in (
            "0812-3456-7890",
            "3201011508950001",
            "budi.s@gmail.com",
            "Rahasia Pelapor",
            "rahasia.pelapor@example.org",
            "081398765432",
            "warga@example.org",  # the public report's reporter
            confidential,
            "CONFIDENTIALWORD",
            received,
            "RECEIVEDWORD",
        ):
            assert secret not in text, secret

    by_code = {row["tracking_code"]: row for row in rows(csv_response)}
    row = by_code[published]
    assert row["title"] == "Pungli di kantor, hubungi [PHONE_1]"
    assert row["url"].endswith(f"/laporan/{published}")
    assert row["status"] == "in_progress" and row["responses"] == "1"
    assert row["agency_code"] and row["region_code"] == "32.73"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", row["received_at"])
    assert row["first_response_at"] and not row["resolved_at"] and row["due_on"]
    assert by_code[anonymous]["responses"] == "0" and not by_code[anonymous]["first_response_at"]

    data = body(json_response)
    assert data["count"] == 2 and data["include"] == ["timeline"]
    assert data["licence"]["name"] and data["dictionary"].endswith("/laporan/kamus")
    record = next(c for c in data["complaints"] if c["tracking_code"] == published)
    assert list(record) == [*opendata.NAMES, "timeline"]
    assert record["support_count"] == 1 and record["resolved_at"] is None
    notes = [e["note"] for e in record["timeline"] if e["note"]]
    assert notes == ["Kami telepon [PHONE_1] besok."]
    assert {e["kind"] for e in record["timeline"]} >= {"dispatched", "responded"}
    assert all(set(e) == {c.name for c in opendata.TIMELINE_COLUMNS} for e in record["timeline"])
    # Without include=timeline, no timeline.
    plain = body(client.get("/laporan.json"))["complaints"]
    assert all("timeline" not in c for c in plain)


def test_resolved_report_has_its_resolution_time(client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code, (Action.RESOLVE, Actor.OFFICER, "Sudah diaspal."))
    [row] = rows(client.get("/laporan.csv"))
    assert row["status"] == "resolved" and row["resolved_at"] and not row["due_on"]
    assert row["first_response_at"] == row["resolved_at"] and row["responses"] == "1"


def test_headers(client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    response = client.get("/laporan.csv")
    assert response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="suara-warga-laporan-\d{4}-\d\d-\d\d\.csv"',
        response.headers["Content-Disposition"],
    )
    response = client.get("/laporan.json")
    assert response.mimetype == "application/json"
    assert re.fullmatch(
        r'attachment; filename="suara-warga-laporan-\d{4}-\d\d-\d\d\.json"',
        response.headers["Content-Disposition"],
    )
    assert header(client.get("/laporan.csv")) == list(opendata.NAMES)


def test_filters_work_as_on_the_list(app, client, make_complaint, publish):
    bandung, _ = make_complaint(title="Jalan berlubang dekat alun-alun")
    publish(bandung)
    started, _ = make_complaint(title="Sekolah tanpa guru", category="education")
    publish(started, (Action.START, Actor.OFFICER, None))
    jakarta, _ = make_complaint(title="Trotoar rusak di Gambir", region_code="31.71")
    publish(jakarta, agency="KEMENPU")
    with app.app_context():
        bandung_agency = db_complaint(bandung).agency.code

    for codes_in in (codes_in_csv, codes_in_json):
        assert codes_in(client) == {bandung, started, jakarta}
        assert codes_in(client, "?q=alun-alun") == {bandung}
        assert codes_in(client, "?q=gambir+trotoar") == {jakarta}
        assert codes_in(client, "?province=32") == {bandung, started}
        assert codes_in(client, "?province=31&regency=31.71") == {jakarta}
        assert codes_in(client, "?agency=KEMENPU") == {jakarta}
        assert codes_in(client, f"?agency={bandung_agency}") == {bandung, started}
        assert codes_in(client, "?category=education") == {started}
        assert codes_in(client, "?status=in_progress") == {started}
        assert codes_in(client, "?status=verified&category=roads&province=32") == {bandung}
    data = body(client.get("/laporan.json?status=in_progress&q=guru&page=3"))
    assert data["filters"] == {"q": "guru", "status": "in_progress"}


@pytest.mark.parametrize(
    "query",
    [
        "?status=received",  # not a published status: ignored, as on /laporan
        "?status=nonsense&category=nope&agency=X&province=99&regency=32.73",
        "?province=31&regency=32.73",  # a regency outside the province
        "?page=abc&q=%01%ff",  # (a NUL: 400, tests/web/test_nul.py)
        "?q=" + "x" * 5000,
        "?include=everything,timeline,",
        "?q=%25_%5C",  # LIKE wildcards are searched as text
    ],
)
def test_bad_filters_never_fail(client, make_complaint, publish, query):
    code, _ = make_complaint()
    publish(code)
    hidden, _ = make_complaint(title="Belum diperiksa")
    for url in (f"/laporan.csv{query}", f"/laporan.json{query}"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert hidden not in text
    assert json.loads(client.get(f"/laporan.json{query}").get_data(as_text=True))["count"] >= 0


def test_unknown_filters_are_ignored_like_the_list(client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    assert codes_in_csv(client, "?status=received&category=nope") == {code}
    assert body(client.get("/laporan.json?status=received"))["filters"] == {}


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formulas_are_neutralised(client, make_complaint, publish, start):
    code, _ = make_complaint(
        title=f'{start}HYPERLINK("http://evil.example","klik") jalan rusak',
        description=f"{start}1+2 lubang besar di depan sekolah",
    )
    publish(code)
    [row] = rows(client.get("/laporan.csv"))
    assert row["title"].startswith(f"'{start}HYPERLINK")
    assert row["description"].startswith(f"'{start}1+2")
    # JSON is data, not a spreadsheet: the text as published.
    [record] = body(client.get("/laporan.json"))["complaints"]
    assert record["title"].startswith(f"{start}HYPERLINK")


def test_many_reports_stream_in_batches(app, client, publish_numbered, monkeypatch):
    monkeypatch.setattr(opendata, "BATCH", 2)
    made = publish_numbered(5, "Jalan rusak")
    csv_rows = rows(client.get("/laporan.csv"))
    assert [r["tracking_code"] for r in csv_rows] == made[::-1], "newest first, none twice"
    data = body(client.get("/laporan.json?include=timeline"))
    assert [c["tracking_code"] for c in data["complaints"]] == made[::-1]
    assert data["count"] == 5


def test_empty_downloads(client):
    assert header(client.get("/laporan.csv")) == list(opendata.NAMES)
    assert rows(client.get("/laporan.csv")) == []
    data = body(client.get("/laporan.json"))
    assert data["complaints"] == [] and data["count"] == 0


def test_dictionary_describes_every_column(client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    page = client.get("/laporan/kamus")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for name in header(client.get("/laporan.csv")):
        assert f"<code>{name}</code>" in text, name
    record = body(client.get("/laporan.json?include=timeline"))["complaints"][0]
    for key in record["timeline"][0]:
        assert f"<code>{key}</code>" in text, key
    assert "/laporan.csv" in text and "/laporan.json" in text


def test_open_data_page_lists_every_download(client, make_complaint, publish):
    text = client.get("/data").get_data(as_text=True)
    for href in (
        "/laporan.csv",
        "/laporan.json",
        "/laporan/kamus",
        "/rapor.csv",
        "/rapor.json",
        "/rapor/kamus",
        "/open311/v2/discovery.json",
        "/api/v1/openapi.json",
        "creativecommons.org/licenses/by/4.0",
    ):
        assert f'href="{href}' in text or href in text, href
    assert 'href="/laporan.csv"' in text and 'href="/rapor/kamus"' in text
    assert 'href="/data"' in client.get("/rapor/kamus").get_data(as_text=True)
    assert 'href="/data"' in client.get("/").get_data(as_text=True), "linked from the footer"


def test_list_links_to_downloads_with_its_filters(client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    text = client.get("/laporan?q=jalan&status=verified&page=1").get_data(as_text=True)
    assert 'href="/laporan.csv?q=jalan&amp;status=verified"' in text
    assert 'href="/laporan.json?q=jalan&amp;status=verified"' in text
    assert 'href="/data"' in text and 'href="/laporan/kamus"' in text
    # The same links come with the htmx fragment.
    fragment = client.get("/laporan?q=jalan", headers={"HX-Request": "true"})
    assert 'href="/laporan.csv?q=jalan"' in fragment.get_data(as_text=True)


def test_queries_do_not_grow_with_the_reports(app, client, make_complaint, publish):
    """No N+1: responses, timelines and agency codes are loaded per batch."""

    def cost(url: str) -> int:
        client.get(url)  # warm up (reference data, sessions)
        with statements(app) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    def add(n: int) -> None:
        for i in range(n):
            code, _ = make_complaint(title=f"Jalan rusak nomor {i}")
            publish(code, (Action.RESPOND, Actor.OFFICER, f"Kami cek lokasi {i}."))

    add(2)
    few = {url: cost(url) for url in ("/laporan.csv", "/laporan.json?include=timeline")}
    add(6)
    for url, before in few.items():
        assert cost(url) <= before, (url, before)
