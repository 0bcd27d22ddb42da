"""Staff sign-in pages: axe-clean in id and en, and usable with the keyboard alone. Staff sign
in with a passkey (tests/browser/test_passkeys.py) or a recovery code, never with a link."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import new_staff, type_recovery_code

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sign_in_pages_have_no_axe_violations(new_page, live_server, lang):
    page = new_page(lang)
    email, code = new_staff(live_server)
    page.goto("/masuk/kode-pemulihan")
    axe_check(page, f"recovery code sign-in page ({lang})")
    page.fill("#email", email)
    page.fill("#code", code)
    page.click("#submit")
    page.wait_for_url("**/staf")
    axe_check(page, f"staff start page ({lang})")
    page.goto("/masuk/not-a-real-token")
    axe_check(page, f"unusable link ({lang})")
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    response = page.goto("/staf")
    assert response.status == 401
    axe_check(page, f"sign in to continue ({lang})")


def test_sign_in_and_out_with_the_keyboard_only(new_page, live_server):
    page = new_page("id")
    type_recovery_code(page, *new_staff(live_server, role="verifier", agency=None))

    def tab_to(element_id: str, most: int = 25) -> None:
        for _ in range(most):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    expect(page.locator("h1")).to_have_text("Anda sudah masuk")
    expect(page.locator("main")).to_contain_text("Verifikator")
    tab_to("submit")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert page.goto("/staf").status == 401


def test_sign_in_and_out_without_javascript(new_page, live_server):
    page = new_page("en", java_script_enabled=False)
    email, code = new_staff(live_server, role="supervisor", agency=None)
    page.goto("/masuk/kode-pemulihan")
    page.fill("#email", email)
    page.fill("#code", code)
    page.click("#submit")
    page.wait_for_url("**/staf")
    expect(page.locator("main")).to_contain_text("Supervisor")
    page.click("#submit")
    page.wait_for_url(live_server.url + "/")
    assert page.goto("/staf").status == 401
