"""Published reports in a real browser: the /laporan filters and a report's page with the
keyboard alone, the same with JavaScript off, axe in both languages, reflow at 320 px, and a
verifier's correction of the published version (keyboard only, its error state, axe).

The live server is shared by every browser test, so this module writes its own reports
straight into the server's database (as `seeded` does), each with a word no other report
has, and finds them by that word and by their tracking codes.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check, set_language
from tests.browser.helpers import (
    RECORD_ANNOUNCEMENTS,
    announced,
    both_languages,
    check_layout,
    focused,
    sign_in,
    tab,
    tab_to,
    tab_until,
)
from tests.browser.test_keyboard import value

pytestmark = pytest.mark.browser

REFLOW = {"width": 320, "height": 640}
RESPONSE = "Sudah kami periksa bersama Bapak Ahmad Hidayat, hubungi 0812-3456-7890."
ANONYMOUS_NAME = "Rudi Santoso"
CORRECT = "form[action$='/terbitan'] button[type=submit]"


def word() -> str:
    """A lower-case word no other report contains (letters only: nothing masking hides)."""
    return "kata" + "".join(random.choices(string.ascii_lowercase, k=10))


@dataclass(frozen=True)
class Reports:
    word: str  # in the titles of `bandung` and `jakarta` only
    bandung: str  # Kota Bandung, roads, being handled, with the agency's response
    jakarta: str  # Jakarta Pusat, water, verified
    anonymous: str  # anonymous, Kota Bandung, verified
    anonymous_word: str


@pytest.fixture(scope="module")
def reports(live_app) -> Reports:
    from sqlalchemy import select

    from app.complaints.lifecycle import Action, Actor, act
    from app.complaints.models import Channel
    from app.complaints.operations import create_complaint
    from app.directory.models import Agency
    from app.extensions import db

    shared, other = word(), word()

    def publish(agency_code: str, respond: bool = False, **fields: str) -> str:
        data = {
            "type": "complaint",
            "category": "roads",
            "privacy": "public",
            "email": "warga.uji@example.org",
            **fields,
        }
        complaint, _ = create_complaint(data, channel=Channel.WEB, locale="id")
        db.session.flush()
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency)
        if respond:
            act(complaint, Action.RESPOND, Actor.OFFICER, reason=RESPONSE)
        db.session.commit()
        return complaint.tracking_code

    with live_app.app_context():
        made = Reports(
            word=shared,
            bandung=publish(
                "PEMKOT3273",
                respond=True,
                title=f"Trotoar ambles {shared} dilaporkan Ahmad Hidayat",
                description="Trotoar ambles di depan pasar, pejalan kaki turun ke jalan raya.",
                region_code="32.73.02",
            ),
            jakarta=publish(
                "PEMKOT3171",
                title=f"Air keruh {shared} sejak seminggu",
                description="Air PDAM keruh dan berbau sejak seminggu, warga membeli air galon.",
                region_code="31.71",
                category="water",
            ),
            anonymous=publish(
                "PEMKOT3273",
                title=f"Lampu taman mati {other}",
                description="Lampu taman mati sebulan, taman gelap sekali pada malam hari.",
                region_code="32.73.02",
                privacy="anonymous",
                name=ANONYMOUS_NAME,  # for updates only: never shown
                email="anonim.uji@example.org",
            ),
            anonymous_word=other,
        )
        db.engine.dispose()
    return made


def result_codes(page: Page) -> set[str]:
    hrefs = page.locator("#results .report-list a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return {href.rsplit("/", 1)[-1] for href in hrefs}


def expect_detail(page: Page, reports: Reports) -> None:
    """The public page of `bandung`: masked title, the agency's masked response, the
    timeline, and nobody's name or contact details."""
    page.wait_for_url(f"**/laporan/{reports.bandung}")
    heading = page.locator("h1")
    expect(heading).to_contain_text(f"Trotoar ambles {reports.word}")
    expect(heading).to_contain_text("[NAME_1]")
    timeline = page.locator(".timeline li")
    expect(timeline).to_have_count(3)  # received, sent to the agency, the agency's response
    expect(timeline.last).to_contain_text("Sudah kami periksa bersama")
    expect(timeline.last).to_contain_text("[PHONE_1]")
    expect(page.locator(".timeline")).to_contain_text("Bandung")  # the agency it went to
    main = page.locator("main").inner_text()
    for secret in ("Ahmad Hidayat", "0812-3456-7890", "warga.uji@example.org"):
        assert secret not in main


# --- /laporan with the keyboard alone --------------------------------------------------------


def test_filter_and_open_a_report_with_the_keyboard_only(new_page, reports: Reports):
    page = new_page("id")
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.goto("/laporan")
    before = page.text_content("#results-heading")

    # A word, then Enter in the search field: htmx swaps the results, focus goes to their
    # heading and the live region says how many there are.
    tab_to(page, "q")
    page.keyboard.type(reports.word)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "codes => codes.every(c => document.querySelector(`#results a[href$='/${c}']`))",
        arg=[reports.bandung, reports.jakarta],
    )
    expect(page.locator("#results-heading")).to_be_focused()
    assert page.text_content("#results-heading") != before
    announced(page, "results")
    assert result_codes(page) == {reports.bandung, reports.jakarta}
    assert f"q={reports.word}" in page.url  # the address can be shared and bookmarked

    # Back up to the province, choose it by typing its name, and show the reports again.
    tab_to(page, "province", key="Shift+Tab")
    page.keyboard.type("Jawa Barat")
    assert value(page, "province") == "32"
    tab_to(page, "apply-filters", most=10)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "code => !document.querySelector(`#results a[href$='/${code}']`)", arg=reports.jakarta
    )
    expect(page.locator("#results-heading")).to_be_focused()
    announced(page, "results")
    assert result_codes(page) == {reports.bandung}
    # The province's regencies come with the swap.
    expect(page.locator("#regency option[value='32.73']")).to_have_count(1)

    # Its regency, a topic and a status, all by keyboard.
    tab_to(page, "regency", key="Shift+Tab")
    page.keyboard.type("Kota Bandung")
    assert value(page, "regency") == "32.73"
    tab_to(page, "category", most=5)
    page.keyboard.type("Jalan dan")
    assert value(page, "category") == "roads"
    assert tab(page) == "status"
    page.keyboard.type("Sedang")
    assert value(page, "status") == "in_progress"
    assert tab(page) == "apply-filters"
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => /status=in_progress/.test(location.search) && /regency=32.73/.test(location.search)"
    )
    expect(page.locator("#results-heading")).to_be_focused()
    announced(page, "results")
    assert result_codes(page) == {reports.bandung}
    expect(page.locator("#regency")).to_have_value("32.73")

    # Open the report from the results.
    tab_until(page, f"el.matches('#results a[href$=\"/{reports.bandung}\"]')", most=10)
    page.keyboard.press("Enter")
    expect_detail(page, reports)

    # On the report's page: its "me too" button and the way back are reachable too.
    tab_until(page, "el.matches('main form button')", most=40)
    tab_until(page, "el.matches('main a[href=\"/laporan\"]')", most=10)
    page.keyboard.press("Enter")
    page.wait_for_url("**/laporan")
    assert focused(page) == "body"


# --- without JavaScript ----------------------------------------------------------------------


def test_filter_and_open_a_report_without_javascript(new_page, reports: Reports):
    page = new_page("en", java_script_enabled=False)
    page.goto("/laporan")
    page.fill("#q", reports.word)
    with page.expect_navigation():
        page.click("#apply-filters")
    assert result_codes(page) == {reports.bandung, reports.jakarta}

    page.select_option("#province", "32")
    with page.expect_navigation():
        page.click("#apply-filters")
    assert result_codes(page) == {reports.bandung}
    # the regency list came with the new page; the other filters are kept
    page.select_option("#regency", "32.73")
    page.select_option("#category", "roads")
    page.select_option("#status", "in_progress")
    with page.expect_navigation():
        page.click("#apply-filters")
    assert result_codes(page) == {reports.bandung}
    expect(page.locator("#q")).to_have_value(reports.word)
    expect(page.locator("#status")).to_have_value("in_progress")

    page.select_option("#category", "water")
    with page.expect_navigation():
        page.click("#apply-filters")
    assert result_codes(page) == set()
    expect(page.locator("#results")).to_contain_text("No reports match these filters")

    page.select_option("#category", "roads")
    with page.expect_navigation():
        page.click("#apply-filters")
    with page.expect_navigation():
        page.click(f"#results a[href$='/{reports.bandung}']")
    expect_detail(page, reports)


# --- axe in both languages -------------------------------------------------------------------


def test_report_pages_and_an_empty_search_have_no_axe_violations(
    page: Page, live_server, reports: Reports
):
    page.goto(f"/laporan/{reports.bandung}")
    expect(page.locator(".timeline li")).to_have_count(3)
    both_languages(page, live_server, "a published report with the agency's response")

    page.goto(f"/laporan/{reports.anonymous}")
    expect(page.locator("h1")).to_contain_text(reports.anonymous_word)
    main = page.locator("main").inner_text()
    assert ANONYMOUS_NAME not in main and "anonim.uji@example.org" not in main
    both_languages(page, live_server, "an anonymous published report")

    page.goto("/laporan?q=tidakadayangcocok&province=32")
    expect(page.locator("#results .report-list")).to_have_count(0)
    both_languages(page, live_server, "/laporan with no results")


def test_the_results_after_an_htmx_swap_have_no_axe_violations(new_page, reports: Reports):
    for lang in ("id", "en"):
        page = new_page(lang)
        page.goto("/laporan")
        page.fill("#q", reports.word)
        page.select_option("#province", "32")
        page.click("#apply-filters")
        expect(page.locator("#regency option[value='32.73']")).to_have_count(1)
        expect(page.locator("#results-heading")).to_be_focused()
        axe_check(page, f"/laporan after an htmx swap ({lang})")


# --- reflow ----------------------------------------------------------------------------------


def test_list_and_report_reflow_at_320_px(new_page, reports: Reports):
    page = new_page("id", viewport=REFLOW)
    page.goto("/laporan")
    check_layout(page, "/laporan")
    page.goto(f"/laporan?q={reports.word}&province=32")
    expect(page.locator("#regency")).to_be_visible()
    check_layout(page, "/laporan with a province chosen")
    page.goto(f"/laporan/{reports.bandung}")
    check_layout(page, "a published report")


# --- the verifier's correction ----------------------------------------------------------------


def test_a_verifier_corrects_the_published_title_with_the_keyboard_only(
    new_page, live_server, reports: Reports
):
    page = new_page("en")
    sign_in(page, live_server, role="verifier", agency=None)
    url = f"/verifikasi/{reports.anonymous}/terbitan"
    page.goto(url)

    # Without a reason: the error summary, with focus on it, and nothing saved.
    tab_until(page, f"el.matches({CORRECT!r})", most=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Say why you corrected it")
    assert tab(page) == "a[href=#reason]"
    page.keyboard.press("Enter")
    assert focused(page) == "reason"

    # Fix the title, give a reason, save.
    corrected = f"Lampu taman mati {reports.anonymous_word} di taman kota"
    tab_to(page, "title", key="Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(corrected)
    tab_to(page, "reason", most=10)
    page.keyboard.type("Menambahkan tempat yang bukan data pribadi")
    tab_until(page, f"el.matches({CORRECT!r})", most=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".banner-success")).to_contain_text("The published version was corrected")

    page.goto(f"/laporan/{reports.anonymous}")
    expect(page.locator("h1")).to_have_text(corrected)
    assert "Menambahkan tempat" not in page.locator("main").inner_text()  # the reason is not


def test_the_correction_page_and_its_error_state_have_no_axe_violations(
    new_page, live_server, reports: Reports
):
    page = new_page("id")
    sign_in(page, live_server, role="verifier", agency=None)
    for lang in ("id", "en"):
        set_language(page.context, live_server, lang)
        page.goto(f"/verifikasi/{reports.jakarta}/terbitan")
        expect(page.locator("#title")).to_be_visible()
        axe_check(page, f"the correction page ({lang})")
        page.fill("#title", "")
        with page.expect_navigation():
            page.click(CORRECT)
        expect(page.locator(".error-summary")).to_be_focused()
        expect(page.locator(".error-summary a")).to_have_count(2)  # the title and the reason
        axe_check(page, f"the correction page with errors ({lang})")
