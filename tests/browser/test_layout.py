"""Layout and the browser's rules: reflow at 400 % zoom (WCAG 1.4.10), target size
(WCAG 2.5.8), and the strict Content-Security-Policy with htmx working under it."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from tests.browser.conftest import choose_place, fill_form
from tests.browser.helpers import check_layout

pytestmark = pytest.mark.browser

ZOOM_400 = {"width": 320, "height": 256}  # 1280 × 1024 at 400 %
DESKTOP = {"width": 1280, "height": 800}
CONTINUE = "form[action$='/lapor'] [type=submit]:not([name=refresh])"


@pytest.mark.parametrize("viewport", [ZOOM_400, DESKTOP], ids=["400-percent", "desktop"])
def test_reflow_and_target_size_through_the_journey(new_page, viewport: dict, seeded):
    page = new_page("id", viewport=viewport)
    for path in ("/", "/aksesibilitas", "/halaman-yang-tidak-ada"):
        page.goto(path)
        check_layout(page, path)

    page.goto("/lapor")
    check_layout(page, "/lapor")
    page.click(CONTINUE)
    expect(page.locator(".error-summary")).to_be_visible()
    check_layout(page, "/lapor with errors")

    page.goto("/lapor")
    fill_form(page, privacy="anonymous")
    check_layout(page, "/lapor after the cascade")
    page.click(CONTINUE)
    page.wait_for_url("**/lapor/periksa")
    check_layout(page, "/lapor/periksa")
    page.click("form[action$='/lapor/kirim'] [type=submit]")
    page.wait_for_url("**/lapor/tanda-terima")
    expect(page.locator(".secret-box")).to_be_visible()
    check_layout(page, "the receipt with its secret")

    page.goto("/lacak")
    page.fill("#code", "ZZZZ-ZZZZ")
    page.click("form[action$='/lacak'] [type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    check_layout(page, "/lacak with an error")
    page.fill("#code", seeded.anonymous_code)
    page.fill("#secret", seeded.anonymous_secret)
    page.click("form[action$='/lacak'] [type=submit]")
    page.wait_for_url(f"**/lacak/{seeded.anonymous_code}")
    expect(page.locator(".description")).to_be_visible()
    check_layout(page, "the status page")


def test_the_skip_link_is_big_enough_when_focused(new_page):
    page = new_page("id", viewport=ZOOM_400)
    page.goto("/")
    page.keyboard.press("Tab")
    box = page.locator(".skip-link").bounding_box()
    assert box["x"] >= 0 and box["width"] >= 24 and box["height"] >= 24


# --- the Content-Security-Policy -----------------------------------------------------------

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def test_csp_is_strict_and_nothing_breaks_it_while_filing(page: Page):
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # A form with errors is answered 422 on purpose; Chromium logs that as an error.
        if "status of 422" in message.text:
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"console {message.type}: {message.text}")

    def on_response(response: Response) -> None:
        # Pages may answer 404 or 422; a script, style or htmx request must not fail.
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", on_response)
    page.add_init_script(RECORD_VIOLATIONS)

    response = page.goto("/lapor")
    policy = {
        part.split()[0]: part.split()[1:]
        for part in response.headers["content-security-policy"].split(";")
        if part.strip()
    }
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]

    # Everything the scripts do on the form: the character count, the htmx cascade with its
    # announcements, the error summary's focus and links.
    page.fill("#description", "Air tidak mengalir.")
    expect(page.locator("#description-count")).not_to_have_text("")
    choose_place(page)
    page.click(CONTINUE)
    expect(page.locator(".error-summary")).to_be_focused()
    page.locator(".error-summary a").first.click()
    expect(page.locator("#type-0")).to_be_focused()
    # On the error page too, htmx still fills the lists: the cascade works under the CSP.
    choose_place(page, province="31", regency="31.71", district=None)
    expect(page.locator("#regency option[value='31.71']")).to_have_count(1)
    expect(page.locator("#regency option[value='32.73']")).to_have_count(0)

    page.goto("/lapor")
    fill_form(page, privacy="anonymous")
    page.click(CONTINUE)
    page.wait_for_url("**/lapor/periksa")
    page.click("form[action$='/lapor/kirim'] [type=submit]")
    page.wait_for_url("**/lapor/tanda-terima")
    expect(page.locator("[data-print]")).to_be_visible()  # shown by app.js

    assert page.evaluate("window.__violations") == []
    assert problems == []
