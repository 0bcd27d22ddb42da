"""Forms kept on the phone outlive their session: nothing typed may be lost to a stale token."""

import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import persistent_context

pytestmark = pytest.mark.browser


def rows(live_server, title: str) -> list[str]:
    engine = create_engine(live_server.database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    text("select tracking_code from complaints where title = :t"), {"t": title}
                ).scalars()
            )
    finally:
        engine.dispose()


@pytest.fixture
def persistent(playwright_session, live_server, tmp_path):
    context = persistent_context(playwright_session, live_server, tmp_path / "profile")
    yield context
    context.close()


def controlled_page(context):
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/lapor")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page


def fill(page, title: str) -> None:
    page.check("#type-0")
    page.fill("#title", title)
    page.fill("#description", "Formulir ini dibuka kemarin, sesinya sudah kedaluwarsa.")
    with page.expect_response(lambda r: "/lapor/wilayah" in r.url):
        page.select_option("#province", "32")
    page.wait_for_selector("#regency option[value='32.73']", state="attached")
    page.select_option("#regency", "32.73")
    page.select_option("#category", "roads")
    page.check("#privacy-2")


def test_a_form_whose_session_expired_is_kept_and_delivered(persistent, live_server):
    page = controlled_page(persistent)
    title = f"Sesi kedaluwarsa {uuid.uuid4().hex[:8]}"
    fill(page, title)
    persistent.clear_cookies()  # the session, and with it the CSRF token's secret, is gone
    page.click("#submit")
    page.wait_for_url("**/antrian?saved=*")
    expect(page.locator(".queue-item [data-state='sent']")).to_be_visible()
    [code] = rows(live_server, title)
    expect(page.locator(".queue-code")).to_have_text(code)


def test_a_queued_report_is_delivered_days_later_without_a_session(persistent, live_server):
    page = controlled_page(persistent)
    title = f"Terkirim nanti {uuid.uuid4().hex[:8]}"
    fill(page, title)
    persistent.set_offline(True)
    page.click("#submit")
    page.wait_for_url("**/antrian?saved=*")
    expect(page.locator(".queue-item [data-state='waiting']")).to_be_visible()
    persistent.clear_cookies()  # days later: no session, no token
    persistent.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".queue-item [data-state='sent']")).to_be_visible()
    assert len(rows(live_server, title)) == 1


def test_tracking_without_signal_shows_the_offline_page(persistent):
    page = controlled_page(persistent)
    page.goto("/lacak")
    persistent.set_offline(True)
    page.reload()
    page.fill("#code", "ABCD-EFGH")
    page.click("#submit")
    expect(page.locator("h1")).to_have_text("Anda sedang tidak terhubung ke internet")
