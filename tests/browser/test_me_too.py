""" "Me too" on the check-your-answers page: a published report that looks like the
reporter's is offered with a "Support this report instead" button. With the keyboard alone,
axe-clean in both languages, without JavaScript, without getting in the way of sending, and
reflowing at 320 px.

The live server is shared by every browser test, so the look-alike is a report of its own
(a burst water pipe, nothing like the pothole the other tests file), filed through the JSON
API and published by a verifier dispatching it in the verification queue. Tests find its
button by its tracking code and read its support count before and after, never assuming
it is the only look-alike or that nobody else supported it.
"""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LOCALES, axe_check, fill_form, receipt_codes
from tests.browser.helpers import (
    RECORD_ANNOUNCEMENTS,
    announced,
    check_layout,
    focused,
    new_staff,
    tab,
    tab_to,
    tab_until,
)
from tests.browser.test_keyboard import value
from tests.browser.test_no_javascript import CONTINUE, refresh_places
from tests.helpers import API_COMPLAINT

pytestmark = pytest.mark.browser

REGENCY = "32.73"  # Kota Bandung; the reporter chooses its district Coblong (32.73.02)
PUBLISHED = {
    "title": "Pipa PDAM bocor di Jalan Cihampelas",
    "description": (
        "Pipa air PDAM bocor di depan toko di Jalan Cihampelas. Air bersih terbuang dan "
        "menggenangi trotoar, pejalan kaki harus turun ke jalan."
    ),
}
# What the second reporter writes: other words, the same problem.
MINE = {
    "title": "Pipa air PDAM bocor Cihampelas",
    "description": (
        "Air bersih dari pipa PDAM yang bocor menggenangi trotoar Jalan Cihampelas di depan "
        "toko, pejalan kaki turun ke jalan."
    ),
}
SUPPORT = "Support this report instead"
SEND = "form[action$='/lapor/kirim'] [type=submit]"
REFLOW = {"width": 320, "height": 640}


# --- the published look-alike --------------------------------------------------------------


def support_count(live_server, code: str, *, offered: bool = True) -> int | None:
    """The look-alike's support count as the public duplicates API reports it for the
    reporter's text (the tracking API does not expose it). If the API does not offer it,
    the check page would not either: fail, or return None when `offered=False`."""
    response = requests.post(
        f"{live_server.url}/api/v1/duplicates/check",
        json={"text": f"{MINE['title']}\n{MINE['description']}", "region_code": REGENCY},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    for candidate in response.json()["candidates"]:
        if candidate["tracking_code"] == code:
            return candidate["support_count"]
    assert not offered, f"{code} is not offered for the reporter's text"
    return None


@pytest.fixture(scope="module")
def lookalike(browser: Browser, live_server) -> str:
    """A published public report in Kota Bandung; returns its tracking code.

    Filed through the JSON API, then dispatched by a verifier who signs in through a
    recovery code and presses the first "Send to …" button of the review (JavaScript off:
    a plain form POST, so the test waits for a navigation, not an htmx swap).
    """
    response = requests.post(
        f"{live_server.url}/api/v1/complaints",
        json={**API_COMPLAINT, **PUBLISHED, "region_code": REGENCY, "category": "water"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    code = response.json()["tracking_code"]
    assert support_count(live_server, code, offered=False) is None, (
        "not published yet: never offered"
    )

    context = browser.new_context(
        base_url=live_server.url, locale=LOCALES["en"], java_script_enabled=False
    )
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        email, recovery_code = new_staff(live_server, role="verifier", agency=None)
        page.goto("/masuk/kode-pemulihan")
        page.fill("#email", email)
        page.fill("#code", recovery_code)
        with page.expect_navigation():
            page.click("#submit")
        page.goto(f"/verifikasi/{code}")
        with page.expect_navigation():  # the first "Send to …": the best suggestion
            page.click(".suggestions li:first-child button[name=agency]")
        expect(page.locator(".banner.success")).to_contain_text(code)
    finally:
        context.close()

    status = requests.get(f"{live_server.url}/api/v1/complaints/{code}", timeout=10).json()
    assert status["status"] == "verified", status
    assert support_count(live_server, code) == 1, "published: offered to look-alike texts"
    return code


def support_form(code: str) -> str:
    return f"form[action$='/lapor/dukung/{code}']"


def fill_mine(page: Page) -> None:
    """The conftest answers (JavaScript on), with the reporter's water-pipe text."""
    fill_form(page, privacy="anonymous")
    page.fill("#title", MINE["title"])
    page.fill("#description", MINE["description"])
    page.select_option("#category", "water")


def to_check_page(page: Page, code: str) -> None:
    """Fill /lapor (JavaScript on) and continue: the check page offers the look-alike."""
    page.goto("/lapor")
    fill_mine(page)
    page.click(CONTINUE)
    page.wait_for_url("**/lapor/periksa")
    expect(page.locator(f"{support_form(code)} button")).to_be_visible()


def expect_confirmation(page: Page, code: str, count: int) -> None:
    page.wait_for_url(f"**/lapor/dukung/{code}")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(code)
    # "“Pipa PDAM …” now has 3 supporters": the count after this support.
    said = page.locator("main p", has_text=PUBLISHED["title"])
    expect(said).to_have_count(1)
    expect(said).to_contain_text(re.compile(rf"\s{count}\s"))


# --- 1. keyboard only ----------------------------------------------------------------------


def file_by_keyboard(page: Page) -> None:
    """From /lapor to the check page with Tab, typing, arrows, Space and Enter only."""
    page.goto("/lapor")
    tab_to(page, "type-0")
    page.keyboard.press("Space")
    assert tab(page) == "title"
    page.keyboard.type(MINE["title"])
    assert tab(page) == "description"
    page.keyboard.type(MINE["description"])

    assert tab(page) == "province"
    page.keyboard.type("Jawa Barat")
    page.wait_for_selector("#regency option[value='32.73']", state="attached")
    announced(page, "regency-and-district")
    assert tab(page) == "regency"
    page.keyboard.type("Kota Bandung")
    page.wait_for_selector("#district option[value='32.73.02']", state="attached")
    announced(page, "district-field")
    assert tab(page) == "district"
    page.keyboard.type("Coblong")
    assert value(page, "district") == "32.73.02"

    tab_to(page, "category", most=5)  # past the optional date
    page.keyboard.type("Water Supply")  # the page is in English
    assert value(page, "category") == "water"
    tab_to(page, "privacy-0", most=3)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert value(page, "privacy-2") == "anonymous" and page.is_checked("#privacy-2")
    tab_to(page, "submit", most=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/lapor/periksa")


def test_support_a_look_alike_with_the_keyboard_only(new_page, live_server, lookalike: str):
    code = lookalike
    before = support_count(live_server, code)
    page = new_page("en")
    page.add_init_script(RECORD_ANNOUNCEMENTS)

    file_by_keyboard(page)
    button = f"{support_form(code)} button"
    expect(page.locator(button)).to_have_accessible_name(
        re.compile(rf"^{SUPPORT}\W+{re.escape(PUBLISHED['title'])}$")
    )
    tab_until(page, f"el.matches({button!r})")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_confirmation(page, code, before + 1)
    assert support_count(live_server, code) == before + 1

    # From the confirmation, the keyboard reaches the link to follow the report.
    tab_until(page, f"el.matches('main a[href$=\"/lacak/{code}\"]')")

    # Back: the draft is gone, so the check page is not shown again (it is never cached);
    # the form opens empty. File the same problem again in the same browser session and
    # support again: it does not count twice.
    page.go_back()
    page.wait_for_url("**/lapor")
    assert value(page, "title") == "" and value(page, "description") == ""
    file_by_keyboard(page)
    tab_until(page, f"el.matches({button!r})")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_confirmation(page, code, before + 1)
    assert support_count(live_server, code) == before + 1
    assert focused(page) == "body"  # a new page: focus starts at the top


# --- 2. axe --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_check_page_with_look_alikes_and_confirmation_have_no_axe_violations(
    page: Page, lang: str, lookalike: str
):
    to_check_page(page, lookalike)
    assert page.get_attribute("html", "lang") == lang
    axe_check(page, f"check page with look-alikes ({lang})")
    with page.expect_navigation():
        page.click(f"{support_form(lookalike)} button")
    page.wait_for_url(f"**/lapor/dukung/{lookalike}")
    axe_check(page, f"support confirmation ({lang})")


# --- 3. without JavaScript -----------------------------------------------------------------


def test_support_a_look_alike_without_javascript(new_page, live_server, lookalike: str):
    code = lookalike
    before = support_count(live_server, code)
    page = new_page("id", java_script_enabled=False)
    page.goto("/lapor")
    assert "js" not in (page.get_attribute("html", "class") or "")
    page.check("#type-0")
    page.fill("#title", MINE["title"])
    page.fill("#description", MINE["description"])
    page.select_option("#province", "32")
    refresh_places(page)
    page.select_option("#regency", REGENCY)
    refresh_places(page)
    page.select_option("#district", "32.73.02")
    page.select_option("#category", "water")
    page.check("input[name=privacy][value=anonymous]")
    with page.expect_navigation():
        page.click(CONTINUE)
    page.wait_for_url("**/lapor/periksa")

    with page.expect_navigation():
        page.click(f"{support_form(code)} button")
    expect_confirmation(page, code, before + 1)
    assert support_count(live_server, code) == before + 1
    page.reload()  # a reload shows the confirmation again without counting again
    expect_confirmation(page, code, before + 1)
    assert support_count(live_server, code) == before + 1
    # The draft was discarded: the check page sends the reporter back to the form.
    page.goto("/lapor/periksa")
    page.wait_for_url("**/lapor")


# --- 4. sending one's own report still works ---------------------------------------------


def test_sending_the_own_report_past_look_alikes_gives_a_receipt(
    page: Page, live_server, lookalike: str
):
    before = support_count(live_server, lookalike)
    to_check_page(page, lookalike)
    with page.expect_navigation():
        page.click(SEND)
    page.wait_for_url("**/lapor/tanda-terima")
    code, secret = receipt_codes(page)
    assert code != lookalike and secret, "an anonymous report's receipt shows its secret"
    assert support_count(live_server, lookalike) == before  # sending is not supporting
    response = requests.get(f"{live_server.url}/api/v1/complaints/{code}", timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "received"


# --- 5. reflow and target size -------------------------------------------------------------


def test_check_page_with_look_alikes_reflows_at_320_px(new_page, lookalike: str):
    page = new_page("id", viewport=REFLOW)
    to_check_page(page, lookalike)
    check_layout(page, "the check page with look-alikes")
    buttons = page.locator("form[action*='/lapor/dukung/'] button")
    assert buttons.count() >= 1
    for box in (b.bounding_box() for b in buttons.all()):
        assert box["width"] >= 24 and box["height"] >= 24, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= REFLOW["width"], box
    with page.expect_navigation():
        page.click(f"{support_form(lookalike)} button")
    check_layout(page, "the support confirmation")
