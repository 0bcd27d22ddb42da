"""Scorecard downloads: regions (/rapor/wilayah.csv|json), one page's monthly figures
(/rapor/instansi/<code>.csv|json, /rapor/wilayah/<code>.csv|json), the data dictionary drawn
from the same column definitions, and the province → regency/city filter of /rapor.

The dataset is test_figures.py's (checked by hand there): six reports about Kota Bandung,
checked on Friday 14 August 2026.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from app.complaints.lifecycle import Action
from app.directory.models import Region
from app.extensions import db as _db
from app.scorecards import columns, queries
from app.tracking.queries import by_code
from tests.scorecards.test_figures import _file, _step, at, dataset  # noqa: F401

pytestmark = pytest.mark.db

BANDUNG = {
    "received": 6,  # E, never dispatched, counts for the place
    "in_progress": 3,
    "resolved": 3,
    "overdue_now": 2,
    "median_first_response_working_days": 3.5,
    "median_resolution_working_days": 4,
    "first_responses": 4,
    "answered_in_time_share": 0.75,
    "average_satisfaction": None,  # two ratings, both this month: none in the average yet
    "ratings": 0,
}


def _rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a BOM, so spreadsheets read UTF-8"
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _json(response) -> dict:
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_region_downloads_have_the_figures_of_the_region_pages(app, dataset, client):  # noqa: F811
    with at(14):
        provinces = _json(client.get("/rapor/wilayah.json"))
        regencies = _json(client.get("/rapor/wilayah.json?province=32"))
        page = _json(client.get("/rapor/wilayah/32.73.json"))
        csv_rows = _rows(client.get("/rapor/wilayah.csv?province=32"))
        html = client.get("/rapor/wilayah/32").get_data(as_text=True)
    with app.app_context():
        assert len(provinces["regions"]) == _db.session.query(Region).filter_by(level=1).count()
    west_java = next(r for r in provinces["regions"] if r["region_code"] == "32")
    bandung = next(r for r in regencies["regions"] if r["region_code"] == "32.73")
    assert {k: west_java[k] for k in BANDUNG} == BANDUNG
    assert {k: bandung[k] for k in BANDUNG} == BANDUNG
    assert bandung["region_level"] == "regency" and bandung["province_code"] == "32"
    assert west_java["region_level"] == "province"
    assert page["region"] == bandung  # the page's own file has the same row
    assert all(r["region_code"].startswith("32.") for r in regencies["regions"])
    others = [r for r in regencies["regions"] if r["region_code"] != "32.73"]
    assert others and all(r["received"] == 0 for r in others)
    assert regencies["filters"] == {"province": "32"} and regencies["errors"] == []

    row = next(r for r in csv_rows if r["region_code"] == "32.73")
    assert row["received"] == "6" and row["overdue_now"] == "2"
    assert row["median_first_response_working_days"] == "3.5"
    assert row["answered_in_time_share"] == "0.75"
    assert row["average_satisfaction"] == "" and row["ratings"] == "0"

    # The province page shows the same numbers in its regencies table.
    cells = re.search(r"Kota Bandung</a></th>(.*?)</tr>", html).group(1)
    assert re.findall(r">([^<]*)</td>", cells) == ["6", "3", "3", "2", "75%"]


def test_monthly_downloads_have_the_numbers_of_the_charts(app, dataset, client):  # noqa: F811
    with at(14):
        rows = _rows(client.get("/rapor/instansi/PEMKOT3273.csv"))
        body = _json(client.get("/rapor/instansi/PEMKOT3273.json"))
        ranking = _json(client.get("/rapor.json"))
        region_rows = _rows(client.get("/rapor/wilayah/32.73.csv"))
        client.set_cookie("lang", "en")
        html = client.get("/rapor/instansi/PEMKOT3273").get_data(as_text=True)
    assert len(rows) == queries.TREND_MONTHS and rows[-1]["month"] == "2026-08"
    assert rows[-1] == {
        "month": "2026-08",
        "received": "5",
        "resolved": "3",
        "first_responses": "4",
        "answered_in_time": "3",
        "answered_in_time_share": "0.75",
    }
    assert rows[0]["received"] == "0" and rows[0]["answered_in_time_share"] == ""
    assert [m["month"] for m in body["months"]] == [r["month"] for r in rows]
    assert (
        body["months"][-1]["received"] == 5 and body["months"][0]["answered_in_time_share"] is None
    )
    listed = next(a for a in ranking["agencies"] if a["agency_code"] == "PEMKOT3273")
    assert body["agency"] == listed  # the same row, rank included, as in /rapor.json
    assert region_rows[-1]["received"] == "6"  # E counts for the place
    # The page's trend table says the same for August.
    august = re.search(r"August 2026</th>(.*?)</tr>", html).group(1)
    assert re.findall(r">([^<]*)</td>", august) == ["5", "3"]


def test_an_agency_without_reports_has_a_file_with_zeros(app, db, client):
    body = _json(client.get("/rapor/instansi/KEMENKES.json"))
    assert body["agency"]["rank"] is None and body["agency"]["received"] == 0
    assert all(m["received"] == 0 for m in body["months"])


@pytest.mark.parametrize(
    "url",
    [
        "/rapor.csv",
        "/rapor/wilayah.csv",
        "/rapor/wilayah.csv?province=32",
        "/rapor/instansi/PEMKOT3273.csv",
        "/rapor/wilayah/32.csv",
        "/rapor/wilayah/32.73.csv",
    ],
)
def test_csv_files_are_attachments_with_a_bom(db, client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("\ufeff")
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="suara-warga-rapor[\w.-]*\.csv"', disposition)


@pytest.mark.parametrize(
    ("url", "table"),
    [
        ("/rapor.csv", columns.AGENCIES),
        ("/rapor/wilayah.csv", columns.REGIONS),
        ("/rapor/wilayah.csv?province=32", columns.REGIONS),
        ("/rapor/instansi/PEMKOT3273.csv", columns.MONTHS),
        ("/rapor/wilayah/32.73.csv", columns.MONTHS),
    ],
)
def test_every_column_of_a_file_is_in_the_dictionary(db, client, url, table):
    """The header of each file is the dictionary's table of it, name for name, in order."""
    header = _header(client.get(url))
    html = client.get("/rapor/kamus").get_data(as_text=True)
    section = re.search(
        rf'<section aria-labelledby="{table.key}-heading">(.*?)</section>', html, re.S
    )
    documented = re.findall(r'<th scope="row"><code>(\w+)</code>', section.group(1))
    assert header == documented == table.names


def test_json_files_use_the_dictionary_names(app, dataset, client):  # noqa: F811
    with at(14):
        agencies = _json(client.get("/rapor.json"))["agencies"]
        regions = _json(client.get("/rapor/wilayah.json"))["regions"]
        page = _json(client.get("/rapor/wilayah/32.json"))
    assert list(agencies[0]) == columns.AGENCIES.names
    assert list(regions[0]) == columns.REGIONS.names
    assert list(page["region"]) == columns.REGIONS.names
    assert list(page["months"][0]) == columns.MONTHS.names


def test_region_names_cannot_become_spreadsheet_formulas(app, db, client):
    with app.app_context():
        region = _db.session.get(Region, "32.73")
        name, region.name = region.name, '=HYPERLINK("http://x")'
        _db.session.commit()
    try:
        rows = _rows(client.get("/rapor/wilayah.csv?province=32"))
        row = next(r for r in rows if r["region_code"] == "32.73")
        assert row["region_name"] == '\'=HYPERLINK("http://x")'
    finally:
        with app.app_context():
            _db.session.get(Region, "32.73").name = name
            _db.session.commit()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/rapor/instansi/NOPE.csv", "NOPE"),
        ("/rapor/instansi/NOPE", "NOPE"),
        ("/rapor/wilayah/99.csv", "99"),
        ("/rapor/wilayah/32.73.02.csv", "32.73.02"),  # districts have no scorecard
        ("/rapor/wilayah/99", "99"),
    ],
)
def test_an_unknown_code_is_a_404_that_says_so(db, client, url, code):
    client.set_cookie("lang", "en")
    response = client.get(url)
    assert response.status_code == 404
    assert code in response.get_data(as_text=True)
    assert "We do not know" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/rapor/wilayah/3%002.csv",
        "/rapor/instansi/A%00B.csv",
        "/rapor?province=%00",
        "/rapor/wilayah.json?category=%00",
    ],
)
def test_a_nul_in_the_address_is_a_clear_error(db, client, url):
    """PostgreSQL refuses a NUL in a query; it is refused first (tests/web/test_nul.py)."""
    client.set_cookie("lang", "en")
    response = client.get(url)
    assert response.status_code == 400
    assert "a character that is not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/rapor/instansi/NOPE.json", "/rapor/wilayah/32.73.02.json"])
def test_an_unknown_code_in_json_is_a_json_404(db, client, url):
    client.set_cookie("lang", "en")
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "application/json"
    [message] = response.get_json()["errors"]["code"]
    assert message.startswith("We do not know") and url.split("/")[-1][:-5] in message


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("province=99", 1),
        ("province=32.73", 1),  # a regency is not a province
        ("province=%27;--", 1),
        ("category=nope", 1),
        ("category=%27", 1),
        ("province=99&category=nope", 2),
        ("unknown=1", 0),
    ],
)
def test_bad_region_filters_list_every_province_with_a_message(db, client, query, errors):
    client.set_cookie("lang", "en")
    body = _json(client.get(f"/rapor/wilayah.json?{query}"))
    assert len(body["errors"]) == errors and body["filters"] == {}
    assert all(r["region_level"] == "province" for r in body["regions"])
    assert client.get(f"/rapor/wilayah.csv?{query}").status_code == 200


# --- the province → regency/city filter of /rapor ------------------------------------------


def _selected(html: str, select: str) -> str | None:
    found = re.search(rf'<select[^>]* id="{select}".*?</select>', html, re.S)
    if found is None:
        return None
    chosen = re.search(r'<option value="([^"]*)" selected>', found.group(0))
    return chosen.group(1) if chosen else ""


def test_regency_filter(app, dataset, client):  # noqa: F811
    with at(14):
        html = client.get("/rapor?province=32&regency=32.73").get_data(as_text=True)
        assert _selected(html, "province") == "32" and _selected(html, "regency") == "32.73"
        assert "PEMKOT3273" in html and 'class="error-summary"' not in html
        # Other regencies' governments are not in the ranking of Kota Bandung.
        body = _json(client.get("/rapor.json?province=32&regency=32.73"))
        assert [a["agency_code"] for a in body["agencies"]] == ["PEMKOT3273"]
        assert body["filters"] == {"region": "32.73"}
        # The short form of links and files chooses both selects.
        html = client.get("/rapor?region=32.73&sort=received").get_data(as_text=True)
        assert _selected(html, "province") == "32" and _selected(html, "regency") == "32.73"
        assert "region=32.73" in html  # sort links and downloads keep the place


def test_a_province_alone_lists_its_regencies(db, client):
    html = client.get("/rapor?province=32").get_data(as_text=True)
    assert _selected(html, "regency") == ""
    options = re.findall(r'<option value="(32\.\d\d)"', html)
    assert "32.73" in options and all(o.startswith("32.") for o in options)
    # Without a province there is no regency list yet, only a hint.
    html = client.get("/rapor").get_data(as_text=True)
    assert _selected(html, "regency") is None and 'id="regency-field"' in html


def test_a_new_province_drops_the_old_regency_without_an_error(db, client):
    """Without JavaScript: province changed, old regency still sent. The province wins."""
    html = client.get("/rapor?province=31&regency=32.73").get_data(as_text=True)
    assert _selected(html, "province") == "31" and _selected(html, "regency") == ""
    assert 'class="error-summary"' not in html
    assert 'value="32.73"' not in html


def test_a_regency_alone_chooses_its_province(db, client):
    html = client.get("/rapor?regency=32.73").get_data(as_text=True)
    assert _selected(html, "province") == "32" and _selected(html, "regency") == "32.73"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("province=99", "province"),
        ("province=32.73", "province"),
        ("province=32&regency=32.99", "regency"),
        ("regency=32", "regency"),
        ("region=32.73.02", "province"),
        ("province=%27;--", "province"),
        ("province=32&regency=32.%2773", "regency"),
        ("category=%27", "category"),
    ],
)
def test_bad_place_filters_say_which_field(db, client, query, field):
    client.set_cookie("lang", "en")
    response = client.get(f"/rapor?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<a href="#{field}">We do not know' in html
    assert client.get(f"/rapor.csv?{query}").status_code == 200


def test_htmx_gets_only_the_regency_list(db, client):
    response = client.get("/rapor?province=32", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<table" not in html and "<html" not in html
    assert 'id="regency-field"' in html and 'value="32.73"' in html and "data-announce" in html
    assert "HX-Request" in client.get("/rapor").headers["Vary"]  # caches keep the two apart


# --- confidential reports: numbers only ---------------------------------------------------


def test_a_confidential_reports_words_are_in_no_scorecard_download(app, dataset, client):  # noqa: F811
    secret = "Zebrakuda rahasia Pak Sutrisno"
    complaint_id = _file(
        app, privacy="confidential", title=f"{secret} judul", description=f"{secret} isi laporan."
    )
    _step(app, complaint_id, 4, Action.DISPATCH)
    with app.app_context():
        from app.complaints.models import Complaint

        code = _db.session.get(Complaint, complaint_id).tracking_code
        assert by_code(code) is not None
    urls = [
        "/rapor.csv",
        "/rapor.json",
        "/rapor.json?region=32.73",
        "/rapor/wilayah.csv",
        "/rapor/wilayah.json?province=32",
        "/rapor/instansi/PEMKOT3273.csv",
        "/rapor/instansi/PEMKOT3273.json",
        "/rapor/wilayah/32.csv",
        "/rapor/wilayah/32.73.json",
        "/rapor/kamus",
    ]
    with at(14):
        counted = _json(client.get("/rapor/wilayah/32.73.json"))["region"]["received"]
        assert counted == BANDUNG["received"] + 1  # counted, as a number
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            for word in ("Zebrakuda", "Sutrisno", code):
                assert word not in body, (url, word)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("province=32&regency=32.99", "the whole province is shown"),
        ("regency=32", "all places are shown"),  # no province to fall back on
    ],
)
def test_an_unknown_regency_says_what_is_shown_instead(db, client, query, says):
    client.set_cookie("lang", "en")
    assert says in client.get(f"/rapor?{query}").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/rapor", "/rapor/wilayah/32", "/rapor/instansi/PEMKOT3273"])
def test_no_two_links_share_a_name_but_not_a_place(app, dataset, client, path):  # noqa: F811
    """A screen reader's list of links shows names out of context: "CSV" twice, for two
    different files, would not say which is which."""
    with at(14):
        client.set_cookie("lang", "en")
        html = client.get(path).get_data(as_text=True)
    places: dict[str, set[str]] = {}
    for href, inner in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        name = " ".join(re.sub(r"<[^>]+>", "", inner).split())
        places.setdefault(name, set()).add(href)
    assert any(name.startswith("CSV (") for name in places), places
    shared = {name: hrefs for name, hrefs in places.items() if len(hrefs) > 1}
    assert not shared, shared
