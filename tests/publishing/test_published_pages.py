"""The public pages of published reports (/laporan and /laporan/<code>) and the correction
page's refusals: each filter narrows the list, bad filter values are ignored politely, only
published reports have a public page, the agency's response is masked and nobody on staff is
named, and the correction page answers 404/409/422 where it must. Masking itself and the
happy path of a correction are in test_masking.py."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import ComplaintEvent, EventKind
from app.extensions import db
from tests.conftest import csrf_token
from tests.publishing.conftest import db_complaint
from tests.publishing.test_masking import correction_form

pytestmark = pytest.mark.db


def codes_on(client, url: str) -> set[str]:
    """The tracking codes the results list links to."""
    response = client.get(url)
    assert response.status_code == 200
    return set(re.findall(r'href="/laporan/([A-Z0-9]{4}-[A-Z0-9]{4})"', response.text))


@pytest.fixture
def reports(make_complaint, publish):
    """Three published reports that differ in every filter, one received (not yet published)
    and one confidential, which no filter may ever show."""
    bandung, _ = make_complaint(
        title="Trotoar retak di Coblong",
        description="Trotoar retak lebar, pejalan kaki tersandung.",
        region_code="32.73.02",
        category="roads",
    )
    publish(bandung)
    jakarta, _ = make_complaint(
        title="Air PDAM mati tiga hari",
        description="Air tidak mengalir sejak Senin, warga membeli air galon.",
        region_code="31.71",
        category="water",
    )
    publish(jakarta, (Action.START, Actor.OFFICER, None), agency="PEMKOT3171")
    kabupaten, _ = make_complaint(
        title="Puskesmas tutup siang hari",
        description="Puskesmas sudah tutup jam sebelas, antrean pasien dipulangkan.",
        region_code="32.04",
        category="health",
    )
    publish(
        kabupaten,
        (Action.START, Actor.OFFICER, None),
        (Action.RESOLVE, Actor.OFFICER, "Jam buka sudah dikembalikan ke jam empat sore."),
        agency="PEMKAB3204",
    )
    received, _ = make_complaint(
        title="Trotoar retak lagi di Coblong", region_code="32.73.02", category="roads"
    )
    confidential, _ = make_complaint(
        title="Trotoar retak rahasia di Coblong",
        region_code="32.73.02",
        category="roads",
        privacy="confidential",
    )
    publish(confidential)
    return {
        "bandung": bandung,
        "jakarta": jakarta,
        "kabupaten": kabupaten,
        "received": received,
        "confidential": confidential,
    }


PUBLISHED = ("bandung", "jakarta", "kabupaten")


# --- each filter narrows the list -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", PUBLISHED),
        ("q=trotoar", ("bandung",)),
        ("q=PDAM+galon", ("jakarta",)),  # every word must match, in title or description
        ("q=PDAM+trotoar", ()),
        ("province=32", ("bandung", "kabupaten")),
        ("province=32&regency=32.73", ("bandung",)),
        ("province=32&regency=32.04", ("kabupaten",)),
        ("province=31", ("jakarta",)),
        ("agency=PEMKOT3171", ("jakarta",)),
        ("agency=PEMKAB3204", ("kabupaten",)),
        ("category=health", ("kabupaten",)),
        ("category=roads", ("bandung",)),
        ("status=verified", ("bandung",)),
        ("status=in_progress", ("jakarta",)),
        ("status=resolved", ("kabupaten",)),
        ("province=32&category=roads&status=verified&q=retak", ("bandung",)),
        ("province=32&category=water", ()),
    ],
)
def test_each_filter_narrows_the_list(client, reports, query, expected):
    shown = codes_on(client, f"/laporan?{query}")
    assert shown == {reports[name] for name in expected}
    assert reports["received"] not in shown and reports["confidential"] not in shown


def test_the_filters_offer_only_agencies_with_published_reports(client, reports):
    page = client.get("/laporan").text
    agency_select = re.search(r'<select class="select" id="agency".*?</select>', page, re.S)
    offered = set(re.findall(r'value="([A-Z0-9]+)"', agency_select.group(0)))
    assert offered == {"PEMKOT3273", "PEMKOT3171", "PEMKAB3204"}


def test_a_province_lists_its_regencies_and_an_htmx_swap_updates_them(client, reports):
    page = client.get("/laporan").text
    assert '<select class="select" id="regency"' not in page  # no province chosen yet
    page = client.get("/laporan?province=32").text
    assert 'value="32.73"' in page and 'value="31.71"' not in page
    # htmx swaps only the results: the regency field comes along out of band
    fragment = client.get("/laporan?province=31", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment
    oob = re.search(
        r'<div class="field" id="regency-field" hx-swap-oob="true">.*?</div>', fragment, re.S
    )
    assert oob and 'value="31.71"' in oob.group(0) and 'value="32.73"' not in oob.group(0)
    # ... and not on the whole page, where it is in the form already
    assert "hx-swap-oob" not in client.get("/laporan?province=31").text


def test_the_results_announce_their_count_and_take_focus_after_a_swap(client, reports):
    client.set_cookie("lang", "en")
    fragment = client.get("/laporan?province=32", headers={"HX-Request": "true"}).text
    results = re.search(r'<div id="results" data-announce="([^"]+)">', fragment)
    assert results and results.group(1) == "2 reports"
    assert re.search(r'<h2 id="results-heading" tabindex="-1" data-focus>2 reports', fragment)


# --- bad filter values: ignored, never an error --------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "province=99",
        "province=32.73",  # a regency is not a province
        "regency=31.71",  # a regency without its province
        "agency=NOSUCHAGENCY",
        "agency=PEMKOT3374",  # a real agency without published reports
        "category=nosuchtopic",
        "status=received",  # a real status, but never published
        "status=bogus",
        "page=abc",
        "page=-1",
        "page=0",
        "page=99999",
        "page=1e3",
    ],
)
def test_unknown_filter_values_are_ignored(client, reports, query):
    assert codes_on(client, f"/laporan?{query}") == {reports[n] for n in PUBLISHED}


@pytest.mark.parametrize(
    "url", ["/laporan?province=%00", "/laporan?category=roads%00", "/laporan?q=PDAM%00"]
)
def test_a_nul_in_a_filter_is_a_clear_error(client, url):
    """Never in a real link, and PostgreSQL refuses it (tests/web/test_nul.py walks all)."""
    client.set_cookie("lang", "en")
    response = client.get(url)
    assert response.status_code == 400
    assert "a character that is not allowed" in response.text


def test_a_regency_of_another_province_is_ignored(client, reports):
    assert codes_on(client, "/laporan?province=32&regency=31.71") == {
        reports["bandung"],
        reports["kabupaten"],
    }


def test_an_ignored_value_is_not_shown_as_chosen(client, reports):
    page = client.get("/laporan?province=99&status=received&agency=NOSUCHAGENCY").text
    for name in ("province", "status", "agency"):
        select_html = re.search(rf'<select class="select" id="{name}".*?</select>', page, re.S)
        assert " selected" not in select_html.group(0), name


def test_a_page_past_the_end_shows_the_last_page(client, reports):
    client.set_cookie("lang", "en")
    page = client.get("/laporan?page=99999").text
    assert "3 reports" in page
    assert len(codes_on(client, "/laporan?page=99999")) == 3


def test_a_very_long_search_is_cut_short_not_refused(client, reports):
    response = client.get("/laporan?q=" + "trotoar " + "x" * 2000)
    assert response.status_code == 200
    box = re.search(
        r'<input class="input" type="search" id="q" name="q" value="([^"]*)"', response.text
    )
    assert len(box.group(1)) == 100
    # ten words at most count: the first is enough to find it
    words = "+".join(["trotoar"] + ["retak"] * 30)
    assert codes_on(client, f"/laporan?q={words}") == {reports["bandung"]}


def test_control_characters_in_a_search_are_dropped(client, reports):
    assert codes_on(client, "/laporan?q=PDAM%01") == {reports["jakarta"]}
    assert codes_on(client, "/laporan?q=%01%02%7f") == {reports[n] for n in PUBLISHED}


def test_a_search_that_finds_nothing_says_so(client, reports):
    client.set_cookie("lang", "en")
    page = client.get("/laporan?q=tidakadayangcocok").text
    assert "0 reports" in page
    assert "No reports match these filters. Change or clear the filters." in page
    assert 'value="tidakadayangcocok"' in page  # kept, to change it


def test_special_characters_in_a_search_match_literally(client, reports):
    assert codes_on(client, "/laporan?q=%25") == set()  # not a LIKE wildcard
    assert codes_on(client, "/laporan?q=_") == set()
    assert client.get("/laporan?q=%3Cscript%3E").status_code == 200


# --- only published reports have a public page ---------------------------------------------------


def test_unpublished_reports_have_no_public_page(app, client, make_complaint, publish):
    received, _ = make_complaint(title="Masih diterima")
    archived, _ = make_complaint(title="Diarsipkan")
    flagged, _ = make_complaint(title="Ditandai")
    needs_info, _ = make_complaint(title="Perlu info")
    earlier, _ = make_complaint(title="Laporan lebih dulu")
    merged, _ = make_complaint(title="Digabung")
    confidential, _ = make_complaint(title="Rahasia", privacy="confidential")
    publish(confidential)
    with app.app_context():
        act(db_complaint(archived), Action.ARCHIVE, Actor.VERIFIER, reason="Bukan pengaduan")
        act(db_complaint(flagged), Action.FLAG, Actor.VERIFIER, reason="Kata kasar")
        act(db_complaint(needs_info), Action.REQUEST_INFO, Actor.VERIFIER, reason="Di mana?")
        act(
            db_complaint(merged),
            Action.MERGE,
            Actor.VERIFIER,
            reason="Sama",
            into=db_complaint(earlier),
        )
        db.session.commit()
    for code in (received, archived, flagged, needs_info, merged, confidential):
        assert client.get(f"/laporan/{code}").status_code == 404, code
        assert client.get(f"/laporan/{code.lower()}").status_code == 404, code
    for junk in ("ZZZZ-ZZZZ", "x", "A" * 500):
        assert client.get(f"/laporan/{junk}").status_code == 404, junk
    assert client.get("/laporan/%00").status_code == 400  # tests/web/test_nul.py


def test_a_published_code_works_in_lower_case(client, reports):
    assert client.get(f"/laporan/{reports['bandung'].lower()}").status_code == 200


# --- the detail page ------------------------------------------------------------------------------


def test_the_agency_response_is_masked_and_no_staff_member_is_named(
    app, client, make_complaint, publish
):
    from app.accounts.operations import create_user

    code, _ = make_complaint(
        privacy="anonymous",
        title="Lampu jalan mati",
        description="Lampu jalan mati sebulan, gelap sekali malam hari.",
    )
    publish(code)
    with app.app_context():
        officer = create_user(
            "petugas.x@example.go.id", "Wahyu Kurniawan", Role.OFFICER, "PEMKOT3273", None, None
        )
        db.session.flush()
        act(
            db_complaint(code),
            Action.RESPOND,
            Actor.OFFICER,
            reason="Sudah dicek oleh Bapak Suryadi, hubungi 0812-9876-5432.",
            user_id=officer.id,
        )
        db.session.commit()
    client.set_cookie("lang", "en")
    page = client.get(f"/laporan/{code}").text
    assert "0812-9876-5432" not in page and "Suryadi" not in page
    assert "[PHONE_1]" in page and "[NAME_1]" in page
    assert "Wahyu Kurniawan" not in page and "petugas.x@example.go.id" not in page
    assert "Bandung" in re.search(r"<dt>Agency</dt><dd>([^<]+)", page).group(1)  # named
    assert "warga@example.org" not in page  # nor the reporter
    assert "a phone number" in page  # the token is explained


# --- the correction page's refusals ---------------------------------------------------------


def test_an_administrator_may_correct(client, reports, sign_in_as):
    sign_in_as(client, Role.ADMIN)
    assert client.get(f"/verifikasi/{reports['jakarta']}/terbitan").status_code == 200


def test_a_regional_verifier_cannot_post_a_correction_outside_their_region(
    app, client, reports, sign_in_as
):
    code = reports["jakarta"]  # region 31.71
    mine = app.test_client()
    sign_in_as(mine, Role.VERIFIER, region="31")
    url, data = correction_form(mine, code, title="Dari luar", description="x", reason="Uji")
    sign_in_as(client, Role.VERIFIER, region="32")
    data["csrf_token"] = csrf_token(client, "/staf")
    assert client.post(url, data=data).status_code == 404
    with app.app_context():
        assert db_complaint(code).published_title != "Dari luar"


def test_an_officer_cannot_post_a_correction(app, client, reports, sign_in_as):
    code = reports["bandung"]
    sign_in_as(client, Role.OFFICER, agency="PEMKOT3273")
    data = {
        "csrf_token": csrf_token(client, "/staf"),
        "version": "1",
        "title": "Dari petugas",
        "description": "x",
        "reason": "Uji",
    }
    assert client.post(f"/verifikasi/{code}/terbitan", data=data).status_code == 403
    with app.app_context():
        assert db_complaint(code).published_title != "Dari petugas"


def test_an_unpublished_report_has_no_published_version_to_correct(client, reports, sign_in_as):
    client.set_cookie("lang", "en")
    sign_in_as(client, Role.VERIFIER)
    for name in ("received", "confidential"):
        response = client.get(f"/verifikasi/{reports[name]}/terbitan")
        assert response.status_code == 409, name
        assert "This report is not published" in response.text
    for junk in ("ZZZZ-ZZZZ", "A" * 500):
        assert client.get(f"/verifikasi/{junk}/terbitan").status_code == 404, junk
    assert client.get("/verifikasi/%00/terbitan").status_code == 400  # tests/web/test_nul.py


def test_a_correction_of_an_outdated_version_is_refused(app, client, reports, sign_in_as):
    code = reports["bandung"]
    client.set_cookie("lang", "en")
    sign_in_as(client, Role.VERIFIER)
    url, data = correction_form(
        client, code, title="Versi lama", description="Isi", reason="Nama terlewat"
    )
    with app.app_context():  # meanwhile, the agency starts on it: a new version
        act(db_complaint(code), Action.START, Actor.OFFICER)
        db.session.commit()
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "Someone changed this report while you were correcting it" in response.text
    assert "data-error-summary" in response.text
    assert "<title>Error: " in response.text
    assert 'value="Versi lama"' in response.text  # what they typed is kept
    with app.app_context():
        assert db_complaint(code).published_title != "Versi lama"
        assert not db.session.scalars(
            select(ComplaintEvent).where(ComplaintEvent.kind == EventKind.PUBLISHED_CORRECTED)
        ).all()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 301, "Use 300 characters or fewer"),
        ("description", "x" * 10001, "Use 10000 characters or fewer"),
        ("reason", "x" * 1001, "Use 1000 characters or fewer"),
        ("title", "", "Enter the published title"),
        ("description", "  ", "Enter the published description"),
        ("version", "", "This form is out of date. Reload the page."),
        ("version", "abc", "This form is out of date. Reload the page."),
    ],
)
def test_a_bad_correction_is_refused_with_its_reason(
    app, client, reports, sign_in_as, field, value, message
):
    code = reports["kabupaten"]
    client.set_cookie("lang", "en")
    sign_in_as(client, Role.VERIFIER)
    url, data = correction_form(
        client, code, title="Judul baru", description="Isi baru", reason="Nama terlewat"
    )
    data[field] = value
    response = client.post(url, data=data)
    assert response.status_code == 422
    summary = re.search(r"<div class=\"error-summary\".*?</div>", response.text, re.S)
    assert summary and message in summary.group(0)
    assert "<title>Error: " in response.text
    with app.app_context():
        complaint = db_complaint(code)
        assert complaint.published_title != "Judul baru"
        assert complaint.published_description != "Isi baru"


def test_an_over_long_or_empty_note_is_refused(app, client, reports, sign_in_as):
    code = reports["kabupaten"]  # its resolution has a public note
    client.set_cookie("lang", "en")
    sign_in_as(client, Role.VERIFIER)
    for note in ("x" * 10001, ""):
        url, data = correction_form(client, code, reason="Nama terlewat", title="Judul baru")
        note_field = next(k for k in data if k.startswith("note-"))
        data[note_field] = note
        response = client.post(url, data=data)
        assert response.status_code == 422
        assert f'href="#{note_field}"' in response.text
        assert f'id="{note_field}-error"' in response.text
        assert "<title>Error: Correct the published version" in response.text
    with app.app_context():
        assert db_complaint(code).published_title != "Judul baru"
