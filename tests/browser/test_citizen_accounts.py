"""Citizens' own accounts in Chromium, with the keyboard alone and axe-clean in id and en:
make an account with a passkey (Chrome DevTools Protocol virtual authenticator) → recovery
codes → my reports → sign out → sign in with the passkey → a second passkey → remove one; make
one with an emailed link (read from the outbox table, as the mail sender would) and claim a
report filed through the API; the email field's autofill offer of passkeys; no JavaScript."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import axe_check
from tests.browser.helpers import both_languages, tab_to, tab_until
from tests.browser.test_passkeys import BUTTON_ONLY, add_device
from tests.helpers import API_COMPLAINT

pytestmark = pytest.mark.browser

TOKEN = re.compile(r"/masuk/([\w-]{20,})")
SIGN_OUT = "el.form && el.form.getAttribute('action').endsWith('/akun/keluar')"


def submit_of(action: str) -> str:
    """A tab_until predicate: the submit button of the form posting to `action`."""
    return f"el.type === 'submit' && el.form && el.form.getAttribute('action').endsWith('{action}')"


def link_in_outbox(live_app, email: str) -> str:
    """The path of the latest link mailed to `email`, from the server's outbox table."""
    from app.extensions import db
    from app.notifications.models import OutboxMessage

    with live_app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == email)
            .order_by(OutboxMessage.id.desc())
        ).first()
        db.engine.dispose()
    assert body, f"no mail to {email}"
    return "/masuk/" + TOKEN.search(body).group(1)


def file_by_api(live_server) -> tuple[str, str]:
    """A report filed through the public JSON API: its tracking code and secret."""
    response = requests.post(
        f"{live_server.url}/api/v1/complaints",
        json={**API_COMPLAINT, "title": "Jembatan kayu di desa rusak"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["tracking_code"], body["secret"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_passkey_account_journey_with_the_keyboard(new_page, live_server, lang):
    page = new_page(lang)
    page.add_init_script(BUTTON_ONLY)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    first = add_device(cdp)

    # Make the account: a name, then the passkey.
    page.goto("/akun/daftar")
    both_languages(page, live_server, "/akun/daftar", lang)
    tab_to(page, "new-name")
    page.keyboard.type("Sari")
    tab_to(page, "passkey-create-account", most=5)
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun/kode-pemulihan?new=1")
    expect(page.locator("#account-ready")).to_be_visible()
    both_languages(page, live_server, "a new account's first page", lang)

    # Its recovery codes, shown once.
    tab_until(page, submit_of("/akun/kode-pemulihan"))
    page.keyboard.press("Enter")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    axe_check(page, f"recovery codes ({lang})")
    tab_to(page, "codes-done")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun")

    # My reports: none yet.
    expect(page.locator("#no-reports")).to_be_visible()
    expect(page.locator("#account-link")).to_have_attribute("href", "/akun")
    both_languages(page, live_server, "/akun, empty", lang)
    tab_until(page, SIGN_OUT)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    expect(page.locator("#account-link")).to_have_attribute("href", "/masuk")

    # Sign in with the passkey.
    page.goto("/masuk")
    both_languages(page, live_server, "/masuk", lang)
    tab_to(page, "passkey-sign-in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun")
    expect(page.locator(".passkey")).to_have_count(1)

    # A second passkey, on another device (the first refuses: it is registered already).
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    add_device(cdp)
    tab_to(page, "passkey-add", most=60)
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun?added=1")
    expect(page.locator(".passkey")).to_have_count(2)
    both_languages(page, live_server, "/akun with two passkeys", lang)

    # Remove one, after confirming.
    tab_until(page, "el.getAttribute('href') && el.getAttribute('href').endsWith('/hapus')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/hapus")
    both_languages(page, live_server, "remove a passkey", lang)
    tab_until(page, "el.type === 'submit' && el.form && el.form.action.endsWith('/hapus')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun?removed=1")
    expect(page.locator(".passkey")).to_have_count(1)

    # The last one: the page says what still signs this account in (its recovery codes).
    page.locator(".passkey-actions a[href$='/hapus']").click()
    page.wait_for_url("**/hapus")
    expect(page.locator(".notice")).to_be_visible()
    axe_check(page, f"remove the last passkey ({lang})")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_emailed_link_account_and_claim_with_the_keyboard(new_page, live_server, live_app, lang):
    page = new_page(lang)
    email = f"warga-{uuid.uuid4().hex[:8]}@example.org"

    # A bad address first: the error summary.
    page.goto("/masuk")
    tab_to(page, "email")
    page.keyboard.type("bukan-alamat")
    page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page, f"/masuk, a bad address ({lang})")

    # Ask for a link.
    tab_to(page, "email")
    page.keyboard.press("Control+A")
    page.keyboard.type(email)
    tab_until(page, submit_of("/masuk/tautan"), most=5)
    with page.expect_navigation():  # the error page had this address too (a POST's answer)
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("Check your email|Periksa email Anda"))
    both_languages(page, live_server, "check your email", lang)

    # Open it: a button first (mail scanners use nothing up), then the new account.
    link = link_in_outbox(live_app, email)
    page.goto(link)
    both_languages(page, live_server, "the link's page", lang)
    tab_to(page, "submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun")
    expect(page.locator(".notice.success")).to_contain_text(email)
    axe_check(page, f"/akun after the link ({lang})")

    # The same link again: used up.
    response = page.goto(link)
    assert response.status == 410
    axe_check(page, f"a used link ({lang})")

    # Claim a report filed through the API: a wrong secret first, then the right one.
    code, secret = file_by_api(live_server)
    page.goto("/akun")
    tab_to(page, "claim-link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun/klaim")
    both_languages(page, live_server, "/akun/klaim", lang)
    tab_to(page, "code")
    page.keyboard.type(code)
    tab_to(page, "secret", most=5)
    page.keyboard.type("2222-3333-4444-5555")
    page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page, f"/akun/klaim, a wrong secret ({lang})")
    tab_to(page, "secret", most=10)
    page.keyboard.press("Control+A")
    page.keyboard.type(secret)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/akun")
    expect(page.locator(".notice.success")).to_contain_text(code)
    expect(page.locator(".my-complaint")).to_have_count(1)
    expect(page.locator(".my-complaint-title")).to_contain_text("Jembatan kayu")

    # Its page opens as the reporter's, without the secret.
    tab_until(page, f"el.getAttribute('href') === '/lacak/{code}'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/lacak/{code}")
    expect(page.locator("main")).to_contain_text("Jembatan kayu")


def test_the_email_field_offers_passkeys(new_page, live_server):
    """Conditional mediation: with a passkey on the device, /masuk signs in through the email
    field's autofill offer (Chromium's virtual authenticator picks it at once)."""
    page = new_page("en")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    add_device(cdp)
    page.goto("/akun/daftar")
    page.locator("#passkey-create-account").click()
    page.wait_for_url("**/akun/kode-pemulihan?new=1")
    page.goto("/akun")
    page.locator("form[action$='/akun/keluar'] [type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    with page.expect_request(lambda r: r.url.endswith("/masuk/passkey")):
        page.goto("/masuk")
    page.wait_for_url("**/akun")


def test_the_register_page_without_javascript(new_page, live_server):
    page = new_page("en", java_script_enabled=False)
    page.goto("/akun/daftar")
    expect(page.locator("#passkey-create-account")).to_be_hidden()
    expect(page.locator("#new-name")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("needs JavaScript")
    page.fill("#email", f"warga-{uuid.uuid4().hex[:8]}@example.org")
    page.locator("form[action$='/akun/daftar/tautan'] [type=submit]").click()
    page.wait_for_url("**/masuk/tautan")
