"""Staff invitations end to end in Chromium: an administrator (signed in with a recovery
code) invites an officer with the keyboard alone; the invitee opens the link in a fresh
browser with a Chrome DevTools Protocol virtual authenticator, creates a passkey with the
keyboard, lands signed in and reaches the agency inbox. The admin page (also in its error
state) and the invitation page are axe-clean in id and en."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import (
    RECORD_ANNOUNCEMENTS,
    new_staff,
    sign_in,
    tab_to,
    tab_until,
    type_recovery_code,
)
from tests.browser.test_passkeys import add_device

pytestmark = pytest.mark.browser


def with_authenticator(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    add_device(cdp)


def invite_officer(page: Page, email: str) -> str:
    """Fill and send the invitation form with the mouse; the link the page shows once."""
    page.goto("/admin/undangan")
    page.fill("#email", email)
    page.check("#role-0")  # officer
    page.fill("#agency", "32.73")
    page.locator("form[action$='/admin/undangan'] #submit").click()
    return page.text_content("#invitation-link").strip()


def test_an_officer_is_invited_and_joins_with_the_keyboard_only(new_page, live_server):
    # The administrator, keyboard only: the staff navigation leads to the invitations.
    admin = new_page("en")
    type_recovery_code(admin, *new_staff(live_server, role="admin", agency=None))
    tab_until(admin, "el.matches('a[href=\"/admin/undangan\"]')")
    admin.keyboard.press("Enter")
    admin.wait_for_url("**/admin/undangan")
    expect(admin.locator("h1")).to_have_text("Staff invitations")

    # Sending it empty: the error summary takes focus and links to the fields.
    tab_to(admin, "submit", most=60)
    admin.keyboard.press("Enter")
    admin.wait_for_url("**/admin/undangan")
    expect(admin.locator(".error-summary")).to_be_focused()
    expect(admin.locator("#email-error")).to_be_visible()
    expect(admin.locator("#role-error")).to_be_visible()

    email = f"petugas-{uuid.uuid4().hex[:8]}@example.go.id"
    tab_to(admin, "email", most=60)
    admin.keyboard.type(email)
    tab_to(admin, "name", most=3)
    admin.keyboard.type("Petugas Undangan")
    tab_to(admin, "role-0", most=3)  # the first radio of the group: officer
    admin.keyboard.press("Space")
    assert admin.is_checked("#role-0")
    tab_to(admin, "agency", most=3)
    admin.keyboard.type("32.73")
    tab_to(admin, "submit", most=10)
    admin.keyboard.press("Enter")
    admin.wait_for_selector("#invitation-link")
    link = admin.text_content("#invitation-link").strip()
    assert link.startswith(f"{live_server.url}/undangan/")
    expect(admin.locator("main")).to_contain_text(email)

    # The invitee, in a browser of their own with a passkey-capable device.
    invitee = new_page("en")
    invitee.add_init_script(RECORD_ANNOUNCEMENTS)
    with_authenticator(invitee)
    invitee.goto(link)
    expect(invitee.locator("h1")).to_have_text("Join Suara Warga")
    expect(invitee.locator("main")).to_contain_text("Government of Kota Bandung")
    tab_to(invitee, "passkey-create")
    invitee.keyboard.press("Enter")
    invitee.wait_for_url("**/staf")
    expect(invitee.locator("#welcome")).to_be_visible()
    expect(invitee.locator(".passkey")).to_have_count(1)
    expect(invitee.locator("#no-passkey")).to_have_count(0)
    tab_until(invitee, "el.matches('a[href=\"/instansi\"]')")
    invitee.keyboard.press("Enter")
    invitee.wait_for_url("**/instansi")
    expect(invitee.locator("h1")).to_have_text("Agency inbox")

    # The link worked once; the administrator sees it accepted.
    assert invitee.goto(link).status == 410
    admin.goto("/admin/undangan")
    expect(admin.locator("main")).to_contain_text("Accepted")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_invitation_pages_have_no_axe_violations(new_page, live_server, lang):
    admin = new_page(lang)
    sign_in(admin, live_server, role="admin", agency=None)
    admin.goto("/admin/undangan")
    axe_check(admin, f"admin invitations ({lang})")
    admin.fill("#email", "bukan-email")
    admin.check("#role-1")  # a verifier…
    admin.fill("#agency", "KEMENKES")  # …with an agency
    admin.locator("form[action$='/admin/undangan'] #submit").click()
    expect(admin.locator(".error-summary")).to_be_focused()
    expect(admin.locator(".error-summary li")).to_have_count(2)
    axe_check(admin, f"admin invitations with errors ({lang})")
    link = invite_officer(admin, f"ax-{uuid.uuid4().hex[:8]}@example.go.id")
    axe_check(admin, f"admin invitations with a new link ({lang})")
    admin.locator("a[href*='/admin/undangan/cabut']").first.click()
    admin.wait_for_url("**/admin/undangan/cabut*")
    axe_check(admin, f"revoke an invitation ({lang})")

    invitee = new_page(lang)
    with_authenticator(invitee)
    invitee.goto(link)
    expect(invitee.locator("#passkey-create")).to_be_visible()
    axe_check(invitee, f"invitation page ({lang})")
    assert invitee.goto("/undangan/not-a-real-invitation").status == 410
    axe_check(invitee, f"unusable invitation ({lang})")


def test_a_revoked_invitation_and_the_page_without_javascript(new_page, live_server):
    admin = new_page("en")
    sign_in(admin, live_server, role="admin", agency=None)
    email = f"batal-{uuid.uuid4().hex[:8]}@example.go.id"
    link = invite_officer(admin, email)

    # Without JavaScript the invitation still explains itself; the button needs it.
    plain = new_page("en", java_script_enabled=False)
    plain.goto(link)
    expect(plain.locator("#passkey-create")).to_be_hidden()
    expect(plain.locator("main")).to_contain_text("needs JavaScript")

    # Revoked (after confirming, without JavaScript either): the link is gone.
    admin.goto("/admin/undangan")
    row = admin.locator("tr", has_text=email)
    row.locator("a[href*='/admin/undangan/cabut']").click()
    admin.wait_for_url("**/admin/undangan/cabut*")
    admin.locator("form[action$='/admin/undangan/cabut'] [type=submit]").click()
    admin.wait_for_url("**/admin/undangan")
    expect(admin.locator("#invitation-revoked")).to_contain_text(email)
    assert plain.goto(link).status == 410
