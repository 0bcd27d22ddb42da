"""Keyboard only: no mouse, and no click(), fill(), focus() or select_option(). The tests
press Tab, type, ArrowDown, Space and Enter, and check where focus is after every step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SECRET, TRACKING_CODE
from tests.browser.helpers import (
    RECORD_ANNOUNCEMENTS,
    announced,
    focused,
    tab,
    tab_to,
    tab_until,
)

pytestmark = pytest.mark.browser


def value(page: Page, element_id: str) -> str:
    return page.evaluate("id => document.getElementById(id).value", element_id)


# --- the page furniture --------------------------------------------------------------------


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page):
    page.goto("/lapor")
    assert tab(page) == "a[href=#main]"
    expect(page.locator(".skip-link")).to_be_in_viewport()  # visible when focused
    page.keyboard.press("Enter")
    assert focused(page) == "main"
    # The next Tab continues inside main, past the header.
    assert tab(page) == "type-0"


def test_error_summary_gets_focus_and_its_links_move_focus_to_the_field(page: Page):
    page.goto("/lapor")
    tab_to(page, "submit", most=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.evaluate("document.activeElement.matches('.error-summary')")

    assert tab(page) == "a[href=#type-0]"
    page.keyboard.press("Enter")
    assert focused(page) == "type-0"
    assert "type-error" in page.get_attribute("fieldset:has(#type-0)", "aria-describedby")

    # Send again from there: the summary has focus again; its last link leads to a radio group.
    tab_to(page, "submit", most=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.matches('.error-summary')")
    tab_until(page, "el.matches('.error-summary a[href=\"#privacy-0\"]')", most=10)
    page.keyboard.press("Enter")
    assert focused(page) == "privacy-0"
    assert "privacy-error" in page.get_attribute("fieldset:has(#privacy-0)", "aria-describedby")


# --- the whole journey ---------------------------------------------------------------------


def test_file_and_track_a_complaint_with_the_keyboard_only(page: Page):
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.goto("/lapor")

    # Header first (skip link, home, three nav links, sign in, two language buttons), then
    # the form.
    assert tab_to(page, "type-0") == [
        "a[href=#main]",
        "a[href=/]",
        "a[href=/lapor]",
        "a[href=/lacak]",
        "a[href=/laporan]",
        "account-link",
        "button",
        "button",
    ]
    page.keyboard.press("Space")
    assert page.is_checked("#type-0")

    assert tab(page) == "title"
    page.keyboard.type("Lampu jalan mati di Jalan Dago")
    assert tab(page) == "description"
    description = "Sudah tiga minggu lampu jalan mati, jalan gelap dan rawan kecelakaan."
    page.keyboard.type(description)
    expect(page.locator("#description-count")).to_contain_text(
        f"{5000 - len(description):,}".replace(",", ".")
    )

    # The cascade: type the province's name into the closed select. htmx fetches the regency
    # list; focus stays on the province select and the live region says what changed.
    assert tab(page) == "province"
    page.keyboard.type("Jawa Barat")
    page.wait_for_selector("#regency option[value='32.73']", state="attached")
    announced(page, "regency-and-district")
    assert focused(page) == "province"
    assert value(page, "province") == "32"

    assert tab(page) == "regency"
    page.keyboard.type("Kota Bandung")
    page.wait_for_selector("#district option[value='32.73.02']", state="attached")
    announced(page, "district-field")
    assert focused(page) == "regency"
    assert value(page, "regency") == "32.73"

    assert tab(page) == "district"
    page.keyboard.type("Coblong")
    assert value(page, "district") == "32.73.02"

    # The optional date: one field, several segments (day, month, year) in Chromium.
    assert tab(page) == "occurred_on"
    page.keyboard.type("01012026")  # the same whichever way round the locale puts day and month
    assert value(page, "occurred_on") == "2026-01-01"
    tab_to(page, "category", most=4)
    page.keyboard.type("Jalan dan")
    assert value(page, "category") == "roads"

    assert tab(page) == "attachments"  # no file: Tab past it
    assert tab(page) == "privacy-0"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert focused(page) == "privacy-2"
    assert page.is_checked("#privacy-2")
    assert value(page, "privacy-2") == "anonymous"

    # Anonymous: name, email and phone may stay empty.
    assert [tab(page) for _ in range(4)] == ["name", "email", "phone", "submit"]
    page.keyboard.press("Enter")

    page.wait_for_url("**/lapor/periksa")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("Coblong")
    tab_to(page, "submit", most=40)  # past the header, the "Change" links and any look-alikes
    page.keyboard.press("Enter")

    page.wait_for_url("**/lapor/tanda-terima")
    codes = [c.strip() for c in page.locator(".code").all_inner_texts()]
    code = next(c for c in codes if TRACKING_CODE.match(c))
    secret = next(c for c in codes if SECRET.match(c))

    # Track it: the receipt's own link to the tracking page, then the form, by keyboard.
    tab_until(page, "el.matches('main a[href$=\"/lacak\"]')", most=40)
    page.keyboard.press("Enter")
    page.wait_for_url("**/lacak")
    tab_to(page, "code", most=30)
    page.keyboard.type(code)
    assert tab(page) == "secret"
    page.keyboard.type(secret)
    assert tab(page) == "submit"
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/lacak/{code}")
    expect(page.locator("h1")).to_contain_text(code)
    expect(page.locator(".description")).to_contain_text(description)
    expect(page.locator(".timeline li").first).to_be_visible()
