"""Partner API keys on /admin/kunci-api in Chromium: an administrator reaches the page from
the staff navigation, creates a key and revokes it with the keyboard alone; the new key works
once against Open311 and stops working when revoked. The page, its error state, the page
showing a new key and the confirmation are axe-clean in id and en."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import new_staff, sign_in, tab_to, tab_until, type_recovery_code

pytestmark = pytest.mark.browser

OPEN311_FORM = {
    "service_code": "roads",
    "description": "Lubang besar di jalan depan sekolah, motor sering jatuh.",
    "address_id": "32.73",
    "email": "warga@example.org",
}


def post_request(live_server, key: str) -> int:
    response = requests.post(
        f"{live_server.url}/open311/v2/requests.json",
        data={**OPEN311_FORM, "api_key": key},
        timeout=10,
    )
    return response.status_code


def test_an_admin_creates_and_revokes_a_key_with_the_keyboard_only(new_page, live_server):
    admin = new_page("en")
    type_recovery_code(admin, *new_staff(live_server, role="admin", agency=None))
    tab_until(admin, "el.matches('a[href=\"/admin/kunci-api\"]')")
    admin.keyboard.press("Enter")
    admin.wait_for_url("**/admin/kunci-api")
    expect(admin.locator("h1")).to_have_text("API keys for partners")

    # Sending it empty: the error summary takes focus and links to the fields.
    tab_to(admin, "submit", most=60)
    admin.keyboard.press("Enter")
    admin.wait_for_url("**/admin/kunci-api")
    expect(admin.locator(".error-summary")).to_be_focused()
    expect(admin.locator("#name-error")).to_be_visible()
    expect(admin.locator("#scopes-error")).to_be_visible()

    tab_to(admin, "name", most=60)
    admin.keyboard.type("Sistem Kasus Dinas")
    tab_to(admin, "scopes", most=3)  # the first permission: open311:write
    admin.keyboard.press("Space")
    assert admin.is_checked("#scopes")
    tab_to(admin, "submit", most=10)
    admin.keyboard.press("Enter")
    admin.wait_for_selector("#new-key")
    key = admin.text_content("#new-key").strip()
    assert re.fullmatch(r"swk_[A-Z2-9]{8}_[A-Za-z0-9_-]{43}", key)
    assert post_request(live_server, key) == 201

    # Shown once: a fresh look lists the prefix only.
    admin.goto("/admin/kunci-api")
    expect(admin.locator("main")).not_to_contain_text(key)
    expect(admin.locator("main")).to_contain_text(key[:12])

    tab_until(admin, "el.matches('a[href*=\"/admin/kunci-api/cabut\"]')")
    admin.keyboard.press("Enter")
    admin.wait_for_url("**/admin/kunci-api/cabut*")
    tab_to(admin, "submit", most=40)
    admin.keyboard.press("Enter")
    admin.wait_for_url("**/admin/kunci-api")
    expect(admin.locator("#key-revoked")).to_be_visible()
    assert post_request(live_server, key) == 401


def test_other_staff_are_refused(new_page, live_server):
    page = new_page("en")
    sign_in(page, live_server, role="supervisor", agency=None)
    assert page.goto("/admin/kunci-api").status == 403


@pytest.mark.parametrize("lang", ["id", "en"])
def test_api_key_pages_have_no_axe_violations(new_page, live_server, lang):
    admin: Page = new_page(lang)
    sign_in(admin, live_server, role="admin", agency=None)
    admin.goto("/admin/kunci-api")
    axe_check(admin, f"API keys ({lang})")
    admin.fill("#agency", "NOPE")
    admin.locator("form[action$='/admin/kunci-api'] #submit").click()
    expect(admin.locator(".error-summary")).to_be_focused()
    expect(admin.locator(".error-summary li")).to_have_count(3)
    axe_check(admin, f"API keys with errors ({lang})")
    admin.fill("#name", "Sistem Mitra")
    admin.fill("#agency", "")
    admin.check("#scopes")
    admin.locator("form[action$='/admin/kunci-api'] #submit").click()
    admin.wait_for_selector("#new-key")
    axe_check(admin, f"API keys with a new key ({lang})")
    admin.locator("a[href*='/admin/kunci-api/cabut']").first.click()
    admin.wait_for_url("**/admin/kunci-api/cabut*")
    axe_check(admin, f"revoke an API key ({lang})")
