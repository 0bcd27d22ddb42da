"""Recovery codes in a real browser: made and used with the keyboard alone, with and without
JavaScript, and axe-clean in id and en (the codes page, the sign-in page, its error state)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import sign_in, tab_to, tab_until

pytestmark = pytest.mark.browser

CODE = re.compile(r"^[2-9A-Z]{5}-[2-9A-Z]{5}$")
SIGN_OUT = "el.form && el.form.getAttribute('action').endsWith('/keluar')"


def shown_codes(page: Page) -> list[str]:
    made = [text.strip() for text in page.locator("#recovery-codes .code").all_text_contents()]
    assert len(made) == 10 and all(CODE.match(code) for code in made), made
    return made


def staff_email(page: Page) -> str:
    """The signed-in user's email, as the codes' download file names it."""
    href = page.get_attribute("#download-codes", "href")
    return re.search(r"[\w.-]+@[\w.-]+", unquote(href)).group(0)


def test_create_codes_sign_out_and_sign_in_with_one_using_the_keyboard(new_page, live_server):
    page = new_page("id")
    sign_in(page, live_server, role="verifier", agency=None)
    tab_to(page, "new-recovery-codes")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staf/kode-pemulihan")
    tab_until(
        page,
        "el.type === 'submit' && el.form.getAttribute('action').endsWith('/staf/kode-pemulihan')",
    )
    page.keyboard.press("Enter")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    made = shown_codes(page)
    email = staff_email(page)
    expect(page.locator("[data-print]")).to_be_visible()  # JavaScript shows the print button
    tab_to(page, "codes-done")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staf")
    tab_until(page, SIGN_OUT)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")

    page.goto("/masuk/kode-pemulihan")
    tab_to(page, "email")
    page.keyboard.type(email)
    tab_to(page, "code")
    page.keyboard.type(made[0].lower())
    page.keyboard.press("Enter")
    page.wait_for_url("**/staf")
    expect(page.locator("#recovery-used")).to_contain_text("9")

    # The code is used up: signing out and trying it again shows the error, focused.
    tab_until(page, SIGN_OUT)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    page.goto("/masuk/kode-pemulihan")
    page.fill("#email", email)
    page.fill("#code", made[0])
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#code-error")).to_be_visible()
    assert page.goto("/staf").status == 401


@pytest.mark.parametrize("lang", ["id", "en"])
def test_recovery_pages_have_no_axe_violations(new_page, live_server, lang):
    page = new_page(lang)
    sign_in(page, live_server)
    page.goto("/staf")
    axe_check(page, f"staff start page with recovery codes section ({lang})")
    page.goto("/staf/kode-pemulihan")
    axe_check(page, f"create recovery codes ({lang})")
    page.locator("main form[action$='/staf/kode-pemulihan'] [type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    axe_check(page, f"recovery codes shown once ({lang})")
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    page.goto("/masuk/kode-pemulihan")
    axe_check(page, f"sign in with a recovery code ({lang})")
    page.fill("#email", "nobody@example.go.id")
    page.fill("#code", "2222-3333-44")
    page.locator("main form [type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page, f"sign in with a recovery code, error ({lang})")


def test_recovery_codes_without_javascript(new_page, live_server):
    page = new_page("en", java_script_enabled=False)
    sign_in(page, live_server, role="supervisor", agency=None)
    page.click("#new-recovery-codes")
    page.locator("main form[action$='/staf/kode-pemulihan'] [type=submit]").click()
    made = shown_codes(page)
    email = staff_email(page)
    expect(page.locator("[data-print]")).to_be_hidden()  # no print button without JavaScript
    page.click("#codes-done")
    page.locator("form[action$='/keluar'] [type=submit]").click()
    page.wait_for_url(live_server.url + "/")

    page.goto("/masuk/kode-pemulihan")
    page.fill("#email", email)
    page.fill("#code", "2222-3333-44")
    page.locator("main form [type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("do not match")
    page.fill("#code", made[9])
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/staf")
    expect(page.locator("#recovery-used")).to_contain_text("Recovery codes left: 9")
