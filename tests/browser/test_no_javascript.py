"""With JavaScript switched off every journey still works: the place lists fill through the
"Show the places in this area" button, and errors come back as a full page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ANSWERS, receipt_codes

pytestmark = pytest.mark.browser

CONTINUE = "form[action$='/lapor'] [type=submit]:not([name=refresh])"
REFRESH = "form[action$='/lapor'] button[name=refresh], form[action$='/lapor'] input[name=refresh]"


@pytest.fixture
def page(new_page, lang: str) -> Page:
    page = new_page(lang, java_script_enabled=False)
    return page


def refresh_places(page: Page) -> None:
    """Press the refresh button: the whole form comes back, with every answer kept."""
    button = page.locator(REFRESH)
    expect(button).to_be_visible()
    with page.expect_navigation():
        button.click()
    expect(page.locator(".error-summary")).to_have_count(0)  # not an attempt to send


def test_js_is_really_off(page: Page):
    page.goto("/lapor")
    assert "js" not in (page.get_attribute("html", "class") or "")
    assert page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works


@pytest.mark.parametrize("lang", ["id", "en"])
def test_file_a_complaint_without_javascript(page: Page, lang: str):
    page.goto("/lapor")
    page.check("#type-0")
    page.fill("#title", ANSWERS["title"])
    page.fill("#description", ANSWERS["description"])

    page.select_option("#province", ANSWERS["province"])
    expect(page.locator("#regency option[value='32.73']")).to_have_count(0)
    refresh_places(page)
    # Every answer so far is kept; the regencies of the province are offered now.
    assert page.is_checked("#type-0")
    assert page.input_value("#title") == ANSWERS["title"]
    assert page.input_value("#description") == ANSWERS["description"]
    assert page.input_value("#province") == ANSWERS["province"]
    expect(page.locator("#regency option[value='32.73']")).to_have_count(1)

    page.select_option("#regency", ANSWERS["regency"])
    refresh_places(page)
    assert page.input_value("#regency") == ANSWERS["regency"]
    page.select_option("#district", ANSWERS["district"])

    page.select_option("#category", ANSWERS["category"])
    page.check("input[name=privacy][value=confidential]")
    page.fill("#email", "warga@example.org")
    with page.expect_navigation():
        page.click(CONTINUE)

    page.wait_for_url("**/lapor/periksa")
    expect(page.locator(".summary")).to_contain_text("Coblong")
    expect(page.locator(".summary")).to_contain_text("warga@example.org")
    with page.expect_navigation():
        page.click("form[action$='/lapor/kirim'] [type=submit]")

    page.wait_for_url("**/lapor/tanda-terima")
    code, secret = receipt_codes(page)
    assert code and secret, "a confidential report's receipt shows the code and the secret"
    expect(page.locator("[data-print]")).to_be_hidden()  # needs JavaScript, so not offered


def test_errors_without_javascript(page: Page):
    page.goto("/lapor")
    page.fill("#title", "Hanya judul")
    with page.expect_navigation():
        page.click(CONTINUE)
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith("Galat: ")
    # Every summary link points at a field on the page; the answers given are kept.
    for href in page.locator(".error-summary a").evaluate_all("as => as.map(a => a.hash)"):
        expect(page.locator(href)).to_have_count(1)
    expect(page.locator("#title-error")).to_have_count(0)
    assert page.input_value("#title") == "Hanya judul"
    assert page.get_attribute("#description", "aria-invalid") == "true"
    # The summary is focused by its autofocus attribute, with no script.
    expect(summary).to_be_focused()

    page.goto("/lacak")
    page.fill("#code", "ZZZZ-ZZZZ")
    with page.expect_navigation():
        page.click("form[action$='/lacak'] [type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#code-error")).to_be_visible()
