"""The agency inbox in a real browser: an officer's keyboard-only journey (filter, open,
respond, forward with the agency chooser, resolve), axe in both languages on the list, the
case and a case with an error, the same respond flow without JavaScript, and focus and the
live region after an htmx action.

Complaints are written straight into the server's database and dispatched there (not
through the UI); the officer signs in through a real single-use link.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import (
    announcer,
    focused,
    new_staff,
    sign_in,
    tab_to,
    tab_until,
    type_recovery_code,
    wait_announced,
)

pytestmark = pytest.mark.browser


# --- seeding ---------------------------------------------------------------------------------


@pytest.fixture
def seed(live_app):
    """Factory: seed(n, privacy=...) → n tracking codes of complaints dispatched to Kota
    Bandung, all with one fresh word in their title so a search finds exactly them."""
    from app.accounts.operations import find_agency
    from app.complaints.lifecycle import Action, Actor, act
    from app.complaints.models import Channel
    from app.complaints.operations import create_complaint
    from app.extensions import db

    def make(n: int = 1, privacy: str = "public") -> tuple[str, list[str]]:
        word = f"uji{uuid.uuid4().hex[:8]}"
        codes = []
        with live_app.app_context():
            for i in range(n):
                complaint, _secret = create_complaint(
                    {
                        "type": "complaint",
                        "title": f"Lampu jalan mati {word} nomor {i + 1}",
                        "description": "Sudah seminggu gelap, rawan kecelakaan di malam hari.",
                        "region_code": "32.73.02",
                        "category": "roads",
                        "privacy": privacy,
                        "name": "Rina Pelapor",
                        "email": "rina@example.org",
                    },
                    channel=Channel.WEB,
                    locale="id",
                )
                act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=find_agency("32.73"))
                codes.append(complaint.tracking_code)
            db.session.commit()
            db.engine.dispose()
        return word, codes

    return make


# --- the keyboard journey ---------------------------------------------------------------------


def test_an_officer_handles_reports_with_the_keyboard_only(new_page, live_server, seed):
    word, (respond_code, forward_code, resolve_code) = seed(3)
    page = new_page("en")
    type_recovery_code(page, *new_staff(live_server))

    # The staff navigation leads to the inbox.
    tab_until(page, "el.matches('a[href=\"/instansi\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/instansi")
    expect(page.locator("h1")).to_have_text("Agency inbox")

    # Filter by a word: htmx replaces the results, focus moves to their heading.
    tab_to(page, "q")
    page.keyboard.type(word)
    tab_to(page, "apply-filters")
    with page.expect_response(lambda r: "/instansi?" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'results-heading'")
    expect(page.locator("#results-heading")).to_contain_text("3 reports")
    wait_announced(page)
    assert "3 reports" in announcer(page)
    assert word in page.url  # the URL can be shared or bookmarked
    expect(page.locator("#results .code-link")).to_have_count(3)

    # Open the first one and respond.
    tab_until(page, f"el.matches('a[href=\"/instansi/laporan/{respond_code}\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/instansi/laporan/{respond_code}")
    tab_to(page, "response")
    page.keyboard.type("Petugas kami memeriksa lampu besok pagi.")
    tab_to(page, "respond-submit")
    with page.expect_response(lambda r: r.url.endswith("/tanggapi")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    page.wait_for_function("() => document.activeElement.classList.contains('banner-success')")
    wait_announced(page)
    assert respond_code in announcer(page)
    expect(page.locator(".staff-timeline")).to_contain_text("Petugas kami memeriksa lampu")
    expect(page.locator("#case-status")).to_contain_text("Being handled")

    # Forward the second, choosing the agency with the search and the arrow keys.
    page.goto(f"/instansi/laporan/{forward_code}")
    tab_to(page, "agency-query")
    with page.expect_response(lambda r: "/instansi?q=" in r.url or "q=kemenkes" in r.url):
        page.keyboard.type("kemenkes")
    expect(page.locator("#agency-results input[type=radio]").first).to_be_attached()
    assert focused(page) == "agency-query"  # typing never loses the place
    tab_until(page, "el.matches('#agency-results input[type=radio]')")
    page.keyboard.press("Space")
    expect(page.locator("#agency-results input[value=KEMENKES]")).to_be_checked()
    tab_to(page, "reason")
    page.keyboard.type("Keluhan ini tentang rumah sakit pusat, wewenang kementerian.")
    tab_to(page, "forward-submit")
    with page.expect_navigation(url="**/instansi"):
        page.keyboard.press("Enter")
    expect(page.locator(".banner-success")).to_contain_text(forward_code)
    expect(page.locator(f"a[href='/instansi/laporan/{forward_code}']")).to_have_count(0)

    # Resolve the third: an empty answer first (the error summary takes focus), then a real one.
    page.goto(f"/instansi/laporan/{resolve_code}")
    tab_to(page, "resolve-submit")
    with page.expect_response(lambda r: r.url.endswith("/selesai")) as refused:
        page.keyboard.press("Enter")
    assert refused.value.status == 422
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    tab_until(page, "el.matches('.error-summary a')", most=5)
    page.keyboard.press("Enter")
    assert focused(page) == "outcome"
    page.keyboard.type("Lampu sudah diganti oleh dinas terkait.")
    tab_to(page, "resolve-submit")
    with page.expect_response(lambda r: r.url.endswith("/selesai")) as done:
        page.keyboard.press("Enter")
    assert done.value.status == 200
    page.wait_for_function("() => document.activeElement.classList.contains('banner-success')")
    expect(page.locator("#case-status")).to_contain_text("Resolved")


def test_focus_and_live_region_after_an_htmx_action(new_page, live_server, seed):
    _word, (code,) = seed(1)
    page = new_page("id")
    sign_in(page, live_server)
    page.goto(f"/instansi/laporan/{code}")
    page.locator("#start-submit").press("Enter")
    page.wait_for_function("() => document.activeElement.matches('[data-focus]')")
    wait_announced(page)
    expected = page.get_attribute("#case", "data-announce")
    assert expected and announcer(page) == expected
    assert "<html" not in page.locator("#case").inner_html()


# --- axe -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_inbox_pages_have_no_axe_violations(new_page, live_server, seed, lang):
    word, codes = seed(2, privacy="anonymous")
    page = new_page(lang)
    sign_in(page, live_server)
    page.goto("/instansi")
    axe_check(page, f"inbox ({lang})")
    page.goto(f"/instansi?q={word}&status=all")
    axe_check(page, f"inbox filtered ({lang})")
    page.goto(f"/instansi/laporan/{codes[0]}")
    expect(page.locator("main")).not_to_contain_text("Rina Pelapor")
    axe_check(page, f"case ({lang})")
    page.fill("#agency-query", "kesehatan")
    expect(page.locator("#agency-results input[type=radio]").first).to_be_attached()
    axe_check(page, f"case with agency results ({lang})")
    # Forward with no reason: the error summary, swapped in by htmx.
    page.locator("#agency-results input[type=radio]").first.check()
    with page.expect_response(lambda r: r.url.endswith("/teruskan")) as refused:
        page.locator("#forward-submit").click()
    assert refused.value.status == 422
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page, f"case with an error ({lang})")
    # The narrow layout (320 px, as at 400 % zoom): rows become cards, nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/instansi?q={word}&status=all")
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    axe_check(page, f"inbox at 320 px ({lang})")


# --- without JavaScript ----------------------------------------------------------------------


def test_respond_and_forward_without_javascript(new_page, live_server, seed):
    word, (respond_code, forward_code) = seed(2)
    page = new_page("en", java_script_enabled=False)
    sign_in(page, live_server)
    page.goto(f"/instansi?q={word}")
    expect(page.locator("#results .code-link")).to_have_count(2)
    page.locator(f"a[href='/instansi/laporan/{respond_code}']").click()
    page.wait_for_url(f"**/instansi/laporan/{respond_code}")

    page.locator("#respond-submit").click()  # empty: a full page with the error summary
    expect(page.locator(".error-summary")).to_contain_text("Write the response")
    assert page.title().startswith("Error:")
    page.fill("#response", "Kami akan memperbaiki lampu minggu ini.")
    page.locator("#respond-submit").click()
    page.wait_for_url(f"**/instansi/laporan/{respond_code}")
    expect(page.locator(".banner-success")).to_contain_text(respond_code)
    expect(page.locator(".staff-timeline")).to_contain_text("Kami akan memperbaiki lampu")

    # The agency chooser without JavaScript: search, reload with results, choose, send.
    page.goto(f"/instansi/laporan/{forward_code}")
    page.fill("#agency-query", "kemenkes")
    page.locator("#agency-search-submit").click()
    page.wait_for_url(re.compile(r"/instansi\?q=kemenkes"))
    page.locator("#agency-results input[value=KEMENKES]").check()
    page.fill("#reason", "Wewenang kementerian.")
    page.locator("#forward-submit").click()
    page.wait_for_url("**/instansi")
    expect(page.locator(".banner-success")).to_contain_text(forward_code)
