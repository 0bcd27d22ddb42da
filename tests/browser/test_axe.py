"""axe finds nothing on any page, in Bahasa Indonesia and in English, including error
states, the page after an htmx swap, and the 404 page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check, choose_place, file_complaint

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("lang", ["id", "en"])]


def check(page: Page, lang: str, what: str) -> None:
    """The page is in the language asked for, and axe finds nothing on it."""
    assert page.get_attribute("html", "lang") == lang, f"{what}: not in {lang!r}"
    axe_check(page, f"{what} ({lang})")


def expect_error_page(page: Page) -> None:
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith(("Galat: ", "Error: "))


def test_home_and_accessibility_statement(page: Page, lang: str):
    page.goto("/")
    check(page, lang, "home")
    page.goto("/aksesibilitas")
    check(page, lang, "accessibility statement")


def test_not_found_page(page: Page, lang: str):
    response = page.goto("/tidak-ada-halaman-ini")
    assert response.status == 404
    check(page, lang, "404")


def test_filing_form_empty_with_errors_and_after_htmx_swap(page: Page, lang: str):
    page.goto("/lapor")
    check(page, lang, "/lapor empty")

    page.locator("form[action$='/lapor'] [type=submit]:not([name=refresh])").click()
    expect_error_page(page)
    check(page, lang, "/lapor with errors")

    # The cascade on the error page: the swapped-in lists must be as accessible as the page.
    choose_place(page, district=None)
    check(page, lang, "/lapor with errors, after the regency swap")


def test_filing_form_after_the_cascade(page: Page, lang: str):
    page.goto("/lapor")
    choose_place(page, district=None)
    check(page, lang, "/lapor after the regency swap")
    choose_place(page)
    check(page, lang, "/lapor after the district swap")


def test_check_answers_and_receipt_with_secret(page: Page, lang: str):
    _code, secret = file_complaint(
        page,
        privacy="anonymous",
        on_check=lambda answers: check(answers, lang, "/lapor/periksa"),
    )
    assert secret, "an anonymous report's receipt shows its secret"
    expect(page.locator(".secret-box")).to_be_visible()
    expect(page.locator("[data-print]")).to_be_visible()
    check(page, lang, "receipt with secret")


def test_track_form_error_and_status_page(page: Page, lang: str, seeded):
    page.goto("/lacak")
    check(page, lang, "/lacak")

    page.fill("#code", "ZZZZ-ZZZZ")
    page.locator("form[action$='/lacak'] [type=submit]").click()
    expect_error_page(page)
    check(page, lang, "/lacak with an error")

    page.fill("#code", seeded.anonymous_code)
    page.fill("#secret", seeded.anonymous_secret)
    page.locator("form[action$='/lacak'] [type=submit]").click()
    page.wait_for_url(f"**/lacak/{seeded.anonymous_code}")
    expect(page.locator(".timeline li").first).to_be_visible()
    check(page, lang, "status page, unlocked")

    page.goto(f"/lacak/{seeded.public_code}")
    check(page, lang, "status page, public")


def test_filing_form_as_rendered_without_javascript(new_context, lang: str):
    """axe needs scripts, so block the app's own instead of switching JavaScript off: the page
    renders as without JavaScript (no "js" class, the refresh button shown)."""
    context = new_context(lang)
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    page.goto("/lapor")
    page.select_option("#province", "32")
    refresh = page.locator("[name=refresh]")
    expect(refresh).to_be_visible()
    with page.expect_navigation():
        refresh.click()
    expect(page.locator("#regency option[value='32.73']")).to_have_count(1)
    check(page, lang, "/lapor without scripts, after a refresh")
    page.locator("form[action$='/lapor'] [type=submit]:not([name=refresh])").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, lang, "/lapor without scripts, with errors")


def test_published_reports_list_and_an_empty_search(page: Page, lang: str, seeded):
    page.goto("/laporan")
    check(page, lang, "/laporan")
    page.goto("/laporan?q=tidakadayangcocok")
    check(page, lang, "/laporan, nothing found")


def test_open_data_page_and_published_reports_dictionary(page: Page, lang: str):
    page.goto("/data")
    check(page, lang, "/data")
    page.goto("/laporan/kamus")
    check(page, lang, "/laporan/kamus")
