"""Passkeys end to end in Chromium, with a Chrome DevTools Protocol virtual authenticator:
register, sign out, sign in (keyboard only), add a second, remove one; failures shown in the
error summary and said in the live region; axe-clean in id and en; a replayed assertion is
rejected by the server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import RECORD_ANNOUNCEMENTS, sign_in, tab_to

pytestmark = pytest.mark.browser

AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


# Turns the autofill offer (conditional mediation) off, as in a browser without it. Chromium's
# virtual authenticator answers a conditional request at once, with no one picking anything,
# which would sign in before the button is pressed; tests/browser/test_citizen_accounts.py
# tests that path on its own.
BUTTON_ONLY = """
if (window.PublicKeyCredential) {
  PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
}
"""


def add_device(cdp) -> str:
    return cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})[
        "authenticatorId"
    ]


def sign_out(page: Page) -> None:
    page.locator("form[action$='/keluar'] [type=submit]").click()
    page.wait_for_url("**/")


def use_language(page: Page, live_server, lang: str) -> None:
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])


def test_passkey_journey(new_page, live_server):
    page = new_page("id")
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.add_init_script(BUTTON_ONLY)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    first = add_device(cdp)

    # Register, with the keyboard.
    sign_in(page, live_server, role="verifier", agency=None)
    tab_to(page, "passkey-add")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staf?added=1")
    expect(page.locator(".passkey")).to_have_count(1)
    expect(page.locator(".notice.success")).to_be_visible()
    sign_out(page)

    # Sign in with it, keyboard only; keep what the browser sent, to replay it later.
    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data) if r.url.endswith("/masuk/passkey") else None,
    )
    page.goto("/masuk")
    tab_to(page, "passkey-sign-in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staf")
    expect(page.locator(".passkey")).to_have_count(1)
    expect(page.locator(".passkey .hint")).not_to_contain_text(re.compile("not used|belum"))

    # The same assertion again: its challenge was used up, so it signs nobody in.
    page.goto("/masuk")
    token = page.get_attribute("#passkey-sign-in", "data-csrf")
    replay = page.request.post(
        f"{live_server.url}/masuk/passkey",
        data=sent[0],
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert replay.status == 400, replay.text()
    assert replay.json()["errors"]["_request"][0]

    # A second passkey, on another device (the first one refuses: it is registered already).
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    add_device(cdp)
    page.goto("/staf")
    page.locator("#passkey-add").click()
    page.wait_for_url("**/staf?added=1")
    expect(page.locator(".passkey")).to_have_count(2)
    for lang in ("id", "en"):
        use_language(page, live_server, lang)
        page.goto("/staf")
        axe_check(page, f"/staf with passkeys ({lang})")
    use_language(page, live_server, "id")

    # Remove the first, after confirming.
    page.goto("/staf")
    page.locator(".passkey-actions a[href$='/hapus']").first.click()
    page.wait_for_url("**/hapus")
    axe_check(page, "remove a passkey")
    page.locator("form[action$='/hapus'] [type=submit]").click()
    page.wait_for_url("**/staf?removed=1")
    expect(page.locator(".passkey")).to_have_count(1)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_failed_passkey_is_shown_and_announced(new_page, live_server, lang):
    page = new_page(lang)
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    device = add_device(cdp)
    page.goto("/masuk")
    axe_check(page, f"/masuk ({lang})")
    # The device cannot verify its user: the browser refuses, as if the person cancelled.
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": device, "isUserVerified": False})
    page.locator("#passkey-sign-in").click()
    summary = page.locator("#passkey-error")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    message = page.text_content("#passkey-error-text").strip()
    assert message
    page.wait_for_function("m => window.__announced.includes(m)", arg=message)
    axe_check(page, f"/masuk with an error ({lang})")
    assert page.url.endswith("/masuk")


def test_sign_in_page_without_javascript(new_page, live_server):
    page = new_page("en", java_script_enabled=False)
    page.goto("/masuk")
    expect(page.locator("#passkey-sign-in")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("needs JavaScript")
