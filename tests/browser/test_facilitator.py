"""A facilitator files for someone else with the keyboard alone: sign in with a recovery code,
the on-behalf questions, check your answers, the printable slip, the dashboard. Axe-clean in
id and en, the form's error state and the dashboard included. (The offline part of the
journey is tests/browser/test_facilitator_device.py's, by the device work.)"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SECRET, TRACKING_CODE, axe_check
from tests.browser.helpers import focused, tab, tab_to, type_recovery_code

pytestmark = pytest.mark.browser

ORGANISATION = "Yayasan Peduli Netra"
RECOVERY_CODE = re.compile(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}\b")


def new_facilitator(live_app, live_server) -> tuple[str, str]:
    """A facilitator of ORGANISATION on the live server, and one of their recovery codes
    (made by the real `flask users recovery-codes`)."""
    from app.accounts.models import Organisation, Role
    from app.accounts.operations import create_user
    from app.extensions import db

    email = f"fasilitator-{uuid.uuid4().hex[:8]}@example.org"
    with live_app.app_context():
        organisation = db.session.scalar(
            db.select(Organisation).where(Organisation.name == ORGANISATION)
        ) or Organisation(name=ORGANISATION)
        db.session.add(organisation)
        db.session.flush()
        create_user(email, "Fasilitator Uji", Role.FACILITATOR, organisation=organisation)
        db.session.commit()
        db.engine.dispose()
    output = live_server.flask("users", "recovery-codes", "--email", email)
    return email, RECOVERY_CODE.search(output).group(0)


def value(page: Page, element_id: str) -> str:
    return page.evaluate("id => document.getElementById(id).value", element_id)


def test_a_facilitator_files_for_someone_with_the_keyboard_only(new_page, live_app, live_server):
    page = new_page("en")
    type_recovery_code(page, *new_facilitator(live_app, live_server))
    page.goto("/lapor")

    # Who the report is for comes first: someone else, with spoken consent, given today.
    tab_to(page, "filing_for-0")
    page.keyboard.press("ArrowDown")
    assert focused(page) == "filing_for-1" and page.is_checked("#filing_for-1")
    assert tab(page) == "consent_method-0"
    page.keyboard.press("Space")
    assert page.is_checked("#consent_method-0")
    assert tab(page) == "consent_on"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value(page, "consent_on"))  # today already
    tab_to(page, "organisation_shown-0", most=4)  # past the date's segments
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#organisation_shown-1")  # no: the agency does not see it

    assert tab(page) == "type-0"
    page.keyboard.press("Space")
    assert tab(page) == "title"
    page.keyboard.type("Trotoar tanpa jalur pemandu tunanetra")
    assert tab(page) == "description"
    page.keyboard.type("Jalur pemandu di Jalan Dago terputus dan tertutup pedagang.")
    assert tab(page) == "province"
    page.keyboard.type("Jawa Barat")
    page.wait_for_selector("#regency option[value='32.73']", state="attached")
    assert tab(page) == "regency"
    page.keyboard.type("Kota Bandung")
    page.wait_for_selector("#district option[value='32.73.02']", state="attached")
    assert tab(page) == "district"
    page.keyboard.type("Coblong")
    tab_to(page, "category", most=5)  # past the optional date
    page.keyboard.type("Roads and")
    assert value(page, "category") == "roads"
    assert tab(page) == "attachments"
    assert tab(page) == "privacy-0"
    page.keyboard.press("Space")  # public
    # Someone else without an email or phone: allowed, the receipt is handed over.
    assert [tab(page) for _ in range(4)] == ["name", "email", "phone", "submit"]
    page.keyboard.press("Enter")

    page.wait_for_url("**/lapor/periksa")
    expect(page.locator(".summary")).to_contain_text("Someone else, with their consent")
    tab_to(page, "submit", most=40)
    page.keyboard.press("Enter")

    page.wait_for_url("**/lapor/tanda-terima")
    codes = [c.strip() for c in page.locator(".code").all_inner_texts()]
    code = next(c for c in codes if TRACKING_CODE.match(c))
    assert any(SECRET.match(c) for c in codes)
    expect(page.locator(".slip")).to_contain_text(ORGANISATION)
    expect(page.locator("[data-print]")).to_be_visible()
    # Printed, the slip keeps the code and secret but not the facilitator's part.
    page.emulate_media(media="print")
    expect(page.locator(".no-print")).to_be_hidden()
    expect(page.locator(".slip")).to_be_visible()
    expect(page.locator(".secret-box")).to_be_visible()
    page.emulate_media(media="screen")

    tab_to(page, "a[href=/fasilitator]", most=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#results")).to_contain_text(code)
    expect(page.locator("#results")).to_contain_text("You")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_facilitator_pages_have_no_axe_violations(new_page, live_app, live_server, lang):
    page = new_page(lang)
    email, code = new_facilitator(live_app, live_server)
    page.goto("/masuk/kode-pemulihan")
    page.fill("#email", email)
    page.fill("#code", code)
    page.click("#submit")
    page.wait_for_url("**/staf")

    page.goto("/lapor")
    axe_check(page, f"filing form for a facilitator ({lang})")
    page.locator("form[action$='/lapor'] [type=submit]:not([name=refresh])").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary a[href='#filing_for-0']")).to_be_visible()
    axe_check(page, f"filing form for a facilitator, errors ({lang})")

    page.check("#filing_for-1")
    page.check("#consent_method-2")
    page.check("#organisation_shown-0")
    page.check("#type-0")
    page.fill("#title", "Halte bus tanpa bidang miring")
    page.fill("#description", "Pengguna kursi roda tidak bisa naik ke halte.")
    with page.expect_response(lambda r: "/lapor/wilayah" in r.url):
        page.select_option("#province", "32")
    page.wait_for_selector("#regency option[value='32.73']", state="attached")
    page.select_option("#regency", "32.73")
    page.select_option("#category", "transport")
    page.check("input[name=privacy][value=anonymous]")
    page.locator("form[action$='/lapor'] [type=submit]:not([name=refresh])").click()
    page.wait_for_url("**/lapor/periksa")
    axe_check(page, f"check your answers, on behalf ({lang})")
    page.locator("form[action$='/lapor/kirim'] [type=submit]").click()
    page.wait_for_url("**/lapor/tanda-terima")
    axe_check(page, f"receipt slip ({lang})")

    page.goto("/fasilitator")
    axe_check(page, f"facilitator dashboard ({lang})")
    page.select_option("#status", "received")
    with page.expect_response(lambda r: "/fasilitator" in r.url):
        page.click("#apply-filters")
    expect(page.locator("#results-heading")).to_be_focused()
    axe_check(page, f"facilitator dashboard, filtered ({lang})")
    page.locator("#results a.code-link").first.click()
    page.wait_for_url("**/fasilitator/laporan/*")
    axe_check(page, f"facilitator case page ({lang})")
