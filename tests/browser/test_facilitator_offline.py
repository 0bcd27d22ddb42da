"""The facilitator's offline journey, end to end, with the keyboard alone: sign in with a
recovery code → register this device (a WebCrypto filing key) → file on someone's behalf
without a signal, consent recorded → the dashboard lists it as waiting on this device → the
session ends on the server → the signal comes back and the phone sends it → filed in the
facilitator's name → the complainant, in a browser of their own, claims it with the code and
secret → the facilitator can no longer change it. And the other way round: a revoked device's
queued report is filed without the facilitator's name, never lost. Axe-clean in id and en on
the device page and the dashboard (app/facilitation/devices.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import LOCALES, axe_check, persistent_context, set_language
from tests.browser.helpers import (
    both_languages,
    check_layout,
    focused,
    tab,
    tab_to,
    tab_until,
    type_recovery_code,
    wait_for_js,
)
from tests.browser.test_citizen_accounts import link_in_outbox, submit_of

pytestmark = pytest.mark.browser

ORGANISATION = "Kader Posyandu Melati"
RECOVERY_CODE = re.compile(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}\b")
API = "**/api/v1/complaints"
# The on-behalf form a registered device keeps (app/facilitation/offline.py).
DEVICE_FORM = "/fasilitator/lapor"
KEPT = "path => caches.match(path).then(hit => Boolean(hit))"
DROPPED = "path => caches.match(path).then(hit => !hit)"
# Every URL this browser's caches hold, whatever the cache's name.
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""
# The kept copy as if it had been kept on an earlier day: its consent date is old.
KEPT_LONG_AGO = """async path => {
  const cache = await caches.open("suara-device-form");
  const old = await cache.match(path);
  const html = (await old.text()).replace(/(id="consent_on"[^>]*value=")[^"]*/, "$12020-01-02");
  if (!html.includes('value="2020-01-02"')) throw new Error("no consent date in the kept form");
  await cache.put(path, new Response(html, {headers: old.headers}));
}"""
TODAY = "new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10)"


# --- the phone and the server ------------------------------------------------------------------


@pytest.fixture
def phone(playwright_session, live_server, tmp_path) -> Iterator[BrowserContext]:
    """The facilitator's phone: a persistent Chromium profile (its IndexedDB holds the queue
    and the filing key), in Indonesian."""
    context = persistent_context(
        playwright_session, live_server, tmp_path / "profile", locale=LOCALES["id"]
    )
    set_language(context, live_server, "id")
    yield context
    context.close()


def new_facilitator(live_server) -> tuple[str, list[str]]:
    """A facilitator of ORGANISATION made by the real `flask users create`: their email and
    recovery codes."""
    email = f"kader-{uuid.uuid4().hex[:8]}@example.org"
    output = live_server.flask(
        "users", "create", "--email", email, "--name", "Kader Wening",
        "--role", "facilitator", "--organisation", ORGANISATION,
    )  # fmt: skip
    return email, RECOVERY_CODE.findall(output)


def query(live_server, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(live_server.database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def end_sessions_on_the_server(live_server, email: str) -> None:
    """The facilitator's sessions end (idle timeout, or signed out elsewhere) while the report
    waits: the device stays registered and the account active."""
    query(
        live_server,
        "UPDATE staff_sessions SET ended_at = CURRENT_TIMESTAMP WHERE ended_at IS NULL "
        "AND user_id = (SELECT id FROM users WHERE email = :email)",
        email=email,
    )


def filed(live_server, title: str) -> list[tuple]:
    """(tracking code, facilitator's email or None, consent method) of complaints so titled."""
    return query(
        live_server,
        "SELECT c.tracking_code, u.email, c.consent_method FROM complaints c "
        "LEFT JOIN users u ON u.id = c.facilitator_id WHERE c.title = :title",
        title=title,
    )


def controlled(page: Page, path: str) -> None:
    """Open `path` once the service worker controls the page (it precaches the offline app)."""
    page.goto(path)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def register_this_device(page: Page, name: str) -> None:
    """On /fasilitator/perangkat, with the keyboard: name the device, Enter."""
    tab_to(page, "device-name")
    page.keyboard.type(name)
    tab_to(page, "device-register", most=3)
    page.keyboard.press("Enter")
    page.wait_for_url("**/fasilitator/perangkat?added=*")
    expect(page.locator("#device-registered")).to_contain_text(name)
    expect(page.locator(".device .device-this")).to_be_visible()
    expect(page.locator("#device-form")).to_be_hidden()


def file_on_behalf_by_keyboard(page: Page, title: str) -> str:
    """The filing form (already open), answered with the keyboard: someone else, spoken
    consent today, organisation shown; anonymous, no contact. Returns the queue id."""
    tab_to(page, "filing_for-0", most=60)
    page.keyboard.press("ArrowDown")
    assert focused(page) == "filing_for-1"
    assert tab(page) == "consent_method-0"
    page.keyboard.press("Space")
    assert tab(page) == "consent_on"  # today already
    tab_to(page, "organisation_shown-0", most=4)
    page.keyboard.press("Space")
    assert tab(page) == "type-0"
    page.keyboard.press("Space")
    assert tab(page) == "title"
    page.keyboard.type(title)
    assert tab(page) == "description"
    page.keyboard.type("Posyandu tidak punya air bersih sejak bulan lalu.")
    assert tab(page) == "province"
    page.keyboard.type("Jawa Barat")
    page.wait_for_selector("#regency option[value='32.73']", state="attached")
    assert tab(page) == "regency"
    page.keyboard.type("Kota Bandung")
    assert page.input_value("#regency") == "32.73"
    tab_to(page, "category", most=6)
    page.keyboard.type("Air Bersih")
    assert page.input_value("#category") == "water"
    tab_to(page, "privacy-0", most=6)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # anonymous: the third choice
    assert page.is_checked("#privacy-2")
    client_id = page.input_value("input[name=client_id]")
    tab_to(page, "submit", most=10)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/antrian?saved={client_id}")
    return client_id


def queued(page: Page, entry_id: str) -> dict:
    return page.evaluate("id => SuaraQueue.get(id)", entry_id)


def no_network(route: Route) -> None:
    route.abort("internetdisconnected")


def offline_then_signal_but_no_api(phone: BrowserContext) -> None:
    """The signal comes back for pages, but the complaints API still cannot be reached, so the
    report stays waiting while the facilitator looks at the dashboard."""
    phone.route(API, no_network)
    phone.set_offline(False)


def send_now(page: Page, phone: BrowserContext) -> None:
    phone.unroute(API, no_network)
    page.evaluate("SuaraOffline.replay(true)")


# --- the journey -------------------------------------------------------------------------------


def test_queued_offline_then_sent_after_the_session_ended_keeps_the_facilitator(
    phone, new_page, live_server, live_app
):
    email, codes = new_facilitator(live_server)
    page = phone.pages[0] if phone.pages else phone.new_page()
    type_recovery_code(page, email, codes[0])

    # Register this phone, with the keyboard, from the staff navigation.
    controlled(page, "/fasilitator/perangkat")
    both_languages(page, live_server, "/fasilitator/perangkat")
    register_this_device(page, "HP Posyandu Melati")
    both_languages(page, live_server, "/fasilitator/perangkat, registered")
    [(device_id, revoked)] = query(
        live_server,
        "SELECT d.id, d.revoked_at FROM filing_devices d JOIN users u ON u.id = d.user_id "
        "WHERE u.email = :email",
        email=email,
    )
    assert revoked is None

    # The form opened with a signal; the signal goes; the report is filed all the same.
    page.goto("/lapor")
    expect(page.locator("input[name=filing_user]")).to_have_count(1)
    phone.set_offline(True)
    title = f"Air bersih posyandu {uuid.uuid4().hex[:8]}"
    entry_id = file_on_behalf_by_keyboard(page, title)
    # The worker tries it at once, and keeps it when that fails for want of a signal.
    waiting = "id => SuaraQueue.get(id).then(e => e.state === 'waiting' && e.attempts > 0)"
    wait_for_js(page, waiting, entry_id)
    entry = queued(page, entry_id)
    assert entry["fields"]["filing_for"] == "someone_else"
    assert entry["fields"]["consent_method"] == "spoken"
    assert entry["device"]["id"] == device_id  # signed on this phone when it was queued
    assert len(entry["device"]["signature"]) == 86  # 64 bytes, base64url
    assert filed(live_server, title) == []

    # The dashboard lists it as waiting on this device.
    offline_then_signal_but_no_api(phone)
    page.goto("/fasilitator")
    queue = page.locator("#device-queue")
    expect(queue).to_be_visible()
    expect(queue.locator("#device-queue-list li")).to_have_count(1)
    expect(queue.locator(".device-entry-title")).to_have_text(title)
    both_languages(page, live_server, "/fasilitator, a report waiting on the device")
    assert filed(live_server, title) == []

    # The session ends on the server; then the phone gets through and sends it.
    end_sessions_on_the_server(live_server, email)
    send_now(page, phone)
    expect(queue).to_be_hidden(timeout=20_000)  # sent: no longer waiting on the device
    [(code, facilitator, consent)] = filed(live_server, title)
    assert facilitator == email and consent == "spoken"
    sent = queued(page, entry_id)
    assert sent["state"] == "sent" and sent["receipt"]["attributed"] is True
    secret = sent["receipt"]["secret"]
    assert page.goto("/fasilitator").status == 401  # the session really had ended

    # Signed in again, the report is on the dashboard: it was filed in their name.
    type_recovery_code(page, email, codes[1])
    page.goto("/fasilitator")
    expect(page.locator("#results")).to_contain_text(code)

    # The complainant, in a browser of their own, makes an account and claims it.
    claim_with_an_account(new_page("id"), live_server, live_app, code, secret)

    # The facilitator can still read it, but no longer change it.
    page.goto(f"/fasilitator/laporan/{code}")
    expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("form[action$='/balas']")).to_have_count(0)
    events = "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id "
    events += "WHERE c.tracking_code = :code"
    before = query(live_server, events, code=code)
    token = page.evaluate("document.querySelector('input[name=csrf_token]').value")
    answer = page.request.post(
        f"/fasilitator/laporan/{code}/balas",
        form={"csrf_token": token, "text": "Tambahan dari kader.", "version": "1"},
    )
    assert answer.status == 409
    assert query(live_server, events, code=code) == before


def claim_with_an_account(page: Page, live_server, live_app, code: str, secret: str) -> None:
    """A new citizen account through an emailed link, then /akun/klaim with the keyboard."""
    email = f"warga-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/masuk")
    tab_to(page, "email")
    page.keyboard.type(email)
    tab_until(page, submit_of("/masuk/tautan"), most=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(link_in_outbox(live_app, email))
    tab_to(page, "submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun")
    tab_to(page, "claim-link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun/klaim")
    tab_to(page, "code")
    page.keyboard.type(code)
    tab_to(page, "secret", most=5)
    page.keyboard.type(secret)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Claimed; the facilitator knew the old secret, so the complainant gets a new one.
    expect(page.locator("h1")).to_contain_text(code)
    assert page.inner_text(".secret-box .code").strip() not in ("", secret)
    tab_until(page, "el.getAttribute('href') === '/akun'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun")
    expect(page.locator(".my-complaint")).to_have_count(1)


def test_a_revoked_devices_queued_report_is_filed_without_the_facilitator(phone, live_server):
    email, codes = new_facilitator(live_server)
    page = phone.pages[0] if phone.pages else phone.new_page()
    type_recovery_code(page, email, codes[0])
    controlled(page, "/fasilitator/perangkat")
    register_this_device(page, "HP lama")
    wait_for_js(page, KEPT, DEVICE_FORM)  # kept for offline use while registered
    page.set_viewport_size({"width": 320, "height": 640})  # a small phone, or 400 % zoom
    check_layout(page, "/fasilitator/perangkat")
    page.set_viewport_size({"width": 1280, "height": 720})

    page.goto("/lapor")
    phone.set_offline(True)
    title = f"Lampu jalan padam {uuid.uuid4().hex[:8]}"
    entry_id = file_on_behalf_by_keyboard(page, title)
    assert queued(page, entry_id)["device"]

    # The phone is lost (so the facilitator thinks): they revoke it, with the keyboard.
    offline_then_signal_but_no_api(phone)
    page.goto("/fasilitator/perangkat")
    tab_until(page, "el.getAttribute('href') && el.getAttribute('href').endsWith('/cabut')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cabut")
    both_languages(page, live_server, "revoke a device")
    tab_until(page, "el.type === 'submit' && el.form && el.form.action.endsWith('/cabut')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fasilitator/perangkat?revoked=1")
    expect(page.locator(".device")).to_have_count(0)
    wait_for_js(page, DROPPED, DEVICE_FORM)  # dropped
    expect(page.locator("#device-form")).to_be_visible()  # it may be registered again

    # The report is sent: filed all the same, without the facilitator, and the dashboard
    # says so, with the receipt to hand to the complainant.
    page.goto("/fasilitator")
    end_sessions_on_the_server(live_server, email)
    send_now(page, phone)
    entry = page.locator("#device-queue .device-entry")
    expect(entry).to_contain_text(re.compile("tanpa nama Anda|without your name"), timeout=20_000)
    [(code, facilitator, consent)] = filed(live_server, title)
    assert facilitator is None and consent is None
    sent = queued(page, entry_id)
    assert sent["receipt"]["attributed"] is False and sent["receipt"]["tracking_code"] == code
    expect(entry).to_contain_text(code)
    expect(entry).to_contain_text(sent["receipt"]["secret"])
    page.set_viewport_size({"width": 320, "height": 640})
    check_layout(page, "/fasilitator with a report sent from this device")


def test_registering_without_javascript_says_it_needs_it(new_page, live_server):
    email, codes = new_facilitator(live_server)
    page = new_page("en", java_script_enabled=False)
    page.goto("/masuk/kode-pemulihan")
    page.fill("#email", email)
    page.fill("#code", codes[0])
    page.click("#submit")
    page.wait_for_url("**/staf")
    page.goto("/fasilitator/perangkat")
    expect(page.get_by_text("Registering a device needs JavaScript")).to_be_visible()
    expect(page.locator("#device-form")).to_be_hidden()


# The queue as the first version of static/js/queue.js left it: one store, one entry.
VERSION_1 = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("suara-warga", 1);
  request.onupgradeneeded = () => request.result.createObjectStore("queue", {keyPath: "id"});
  request.onsuccess = () => {
    const db = request.result, tx = db.transaction("queue", "readwrite");
    tx.objectStore("queue").put({id: "e5a3c1d2-0000-4000-8000-000000000001",
      title: "Dari versi 1", savedAt: Date.now(), state: "waiting", attempts: 0, lang: "id",
      nextAttemptAt: Date.now() + 3600000, fields: {title: "Dari versi 1"}, place: {},
      files: [], error: null, receipt: null});
    tx.oncomplete = () => { db.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
  request.onerror = () => reject(request.error);
})"""


def test_the_queue_of_the_first_version_survives_the_new_store(new_page):
    """queue.js opens version 2 (the filing keys' store): a phone's waiting reports stay."""
    page = new_page("id")
    page.goto("/healthz")  # the site's origin, without the app's scripts
    page.evaluate(VERSION_1)
    page.goto("/antrian")
    expect(page.locator(".queue-item .queue-title")).to_have_text("Dari versi 1")
    stores = page.evaluate(
        """() => new Promise(resolve => {
             const request = indexedDB.open("suara-warga");
             request.onsuccess = () => {
               const db = request.result;
               resolve([db.version, [...db.objectStoreNames]]);
               db.close();
             };
           })"""
    )
    assert stores == [2, ["devices", "queue"]]
    assert page.evaluate("SuaraQueue.device('1')") is None


# --- the on-behalf form, kept on a registered device (app/facilitation/offline.py) -----------


def kept(page: Page) -> bool:
    return page.evaluate(KEPT, DEVICE_FORM)


def test_a_registered_device_files_on_behalf_offline_from_scratch(phone, live_server):
    """Registered, then days later without a signal from the start, the session long gone:
    the facilitator opens the kept on-behalf form, records consent and files; it is signed on
    the phone and, sent when the signal comes back, filed in their name. Signing out on the
    phone removes the kept form."""
    email, codes = new_facilitator(live_server)
    page = phone.pages[0] if phone.pages else phone.new_page()
    type_recovery_code(page, email, codes[0])
    controlled(page, "/fasilitator/perangkat")
    register_this_device(page, "HP Posyandu Kenanga")
    wait_for_js(page, KEPT, DEVICE_FORM)  # device.js asked the worker to keep it
    [(device_id,)] = query(
        live_server,
        "SELECT d.id FROM filing_devices d JOIN users u ON u.id = d.user_id WHERE u.email = :e",
        e=email,
    )

    # The dashboard links to it (the keyboard way in, with a signal).
    page.goto("/fasilitator")
    tab_until(page, f"el.getAttribute('href') === '{DEVICE_FORM}'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{DEVICE_FORM}")
    expect(page.locator("input[name=filing_user]")).to_have_count(1)
    wait_for_js(page, KEPT, DEVICE_FORM)

    # Days later: the session has ended, and there is no signal from the start.
    end_sessions_on_the_server(live_server, email)
    phone.set_offline(True)
    page.evaluate(KEPT_LONG_AGO, DEVICE_FORM)  # as if kept on an earlier day
    page.goto("about:blank")
    page.goto(DEVICE_FORM)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("input[name=filing_for]")).to_have_count(2)
    expect(page.locator("#consent_on")).to_have_value(page.evaluate(TODAY))  # not the old day
    axe_check(page, f"{DEVICE_FORM}, offline")
    title = f"Sumur tercemar {uuid.uuid4().hex[:8]}"
    entry_id = file_on_behalf_by_keyboard(page, title)
    entry = queued(page, entry_id)
    assert entry["fields"]["consent_method"] == "spoken"
    assert entry["fields"]["consent_on"] == page.evaluate(TODAY)
    assert entry["device"]["id"] == device_id  # signed on this phone when it was queued
    assert filed(live_server, title) == []

    # The signal comes back: sent without any session, filed in the facilitator's name.
    phone.set_offline(False)
    page.evaluate("SuaraOffline.replay(true)")
    wait_for_js(page, "id => SuaraQueue.get(id).then(e => e.state === 'sent')", entry_id)
    [(_code, facilitator, consent)] = filed(live_server, title)
    assert facilitator == email and consent == "spoken"
    assert queued(page, entry_id)["receipt"]["attributed"] is True
    assert kept(page)  # an ended session does not drop it: the device still signs

    # Signing out on the phone removes it (someone else may use the phone next).
    type_recovery_code(page, email, codes[1])
    tab_until(page, "el.type === 'submit' && el.form && el.form.action.endsWith('/keluar')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    wait_for_js(page, DROPPED, DEVICE_FORM)
    phone.set_offline(True)
    page.goto(DEVICE_FORM)
    expect(page.locator("input[name=filing_for]")).to_have_count(0)


def test_an_unregistered_browser_never_keeps_the_on_behalf_form(phone, live_server):
    email, codes = new_facilitator(live_server)
    page = phone.pages[0] if phone.pages else phone.new_page()
    type_recovery_code(page, email, codes[0])
    controlled(page, "/fasilitator")
    for path in (DEVICE_FORM, "/fasilitator/perangkat", "/lapor", "/fasilitator"):
        response = page.goto(path)
        assert response is not None and response.status == 200
        if path == DEVICE_FORM:
            assert response.headers["cache-control"] == "no-store"
    # The worker was asked (device.js on every page above) and has answered by now.
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_timeout(500)
    assert not [url for url in page.evaluate(CACHED_URLS) if url.startswith("/fasilitator")]
    assert "suara-device-form" not in page.evaluate("caches.keys()")

    # Without a signal, that address is the offline page, never the facilitator's form.
    phone.set_offline(True)
    page.goto(DEVICE_FORM)
    expect(page.locator("input[name=filing_for]")).to_have_count(0)
    expect(page.locator("input[name=filing_user]")).to_have_count(0)
