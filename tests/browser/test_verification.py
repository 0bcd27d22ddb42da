"""The verifier's queue in a real browser: every action with the keyboard alone, the error
state, axe in both languages, the same journeys with JavaScript off, and reflow at 320 px.

The live server is shared by every browser test, so the queue is never assumed empty: each
test files its own complaints through the JSON API (unique titles) and opens them by code.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import axe_check
from tests.browser.helpers import (
    RECORD_ANNOUNCEMENTS,
    check_layout,
    file_by_api,
    new_staff,
    sign_in,
    tab_until,
    type_recovery_code,
)

pytestmark = pytest.mark.browser

REFLOW = {"width": 320, "height": 640}
KEMENKES = re.compile(r"Kementerian Kesehatan|Ministry of Health")


# --- helpers -------------------------------------------------------------------------------


def file_complaint(live_server, what: str = "Lampu jalan mati") -> str:
    """A new public complaint in the live server's database; returns its tracking code."""
    return file_by_api(
        live_server,
        title=f"{what} {uuid.uuid4().hex[:8]}",
        description="Lampu jalan di depan sekolah mati sejak tiga minggu, jalan gelap.",
    )


def status(live_server, code: str) -> str:
    response = requests.get(f"{live_server.url}/api/v1/complaints/{code}", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["status"]


def focus_is(page: Page, predicate: str) -> bool:
    return page.evaluate(f"(el => Boolean({predicate}))(document.activeElement)")


def expect_next_heading_focused(page: Page, code: str) -> None:
    """After an action: focus is on the heading of the next report (or of the empty queue),
    which is not the report just handled."""
    try:
        page.wait_for_function("() => document.activeElement.matches('#workspace h2[data-focus]')")
    except PlaywrightTimeoutError:
        where = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        pytest.fail(f"after handling {code}, focus is on {where}, not the next heading")
    heading = page.evaluate("document.activeElement.textContent")
    assert code not in heading


def answered(response: Response, expected: int) -> None:
    """The action's answer has the status expected; if not, show what the server said."""
    if response.status != expected:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text()))
        pytest.fail(f"{response.url} answered {response.status}, not {expected}: {text[-600:]}")


def matches(selector: str) -> str:
    """A predicate for tab_until and focus_is: the focused element matches `selector`."""
    return f"el.matches({json.dumps(selector)})"


def action_form(action: str) -> str:
    return f"form[action$='/{action}']"


# --- 1. keyboard only ----------------------------------------------------------------------


def test_verify_with_the_keyboard_only(new_page, live_server):
    suggested = file_complaint(live_server)
    question = file_complaint(live_server)
    searched = file_complaint(live_server)
    page = new_page("en")
    page.add_init_script(RECORD_ANNOUNCEMENTS)

    type_recovery_code(page, *new_staff(live_server, role="verifier", agency=None))
    assert page.url.endswith("/staf")

    # One keypress on the best suggestion sends it; focus lands on the next report.
    page.goto(f"/verifikasi/{suggested}")
    tab_until(page, "el.matches('.suggestions li:first-child button')")
    with page.expect_response(f"**/verifikasi/{suggested}/dispatch") as answer:
        page.keyboard.press("Enter")
    answered(answer.value, 200)  # the htmx fragment, not a redirect
    expect_next_heading_focused(page, suggested)
    expect(page.locator("#announcer")).to_contain_text(suggested)
    assert status(live_server, suggested) == "verified"

    # Ask the reporter a question: the disclosure opens with Enter.
    page.goto(f"/verifikasi/{question}")
    tab_until(
        page,
        "el.matches('details.action summary')"
        " && el.textContent.includes('Ask the reporter for more information')",
    )
    page.keyboard.press("Enter")
    expect(page.locator(f"details:has({action_form('request_info')})")).to_have_attribute(
        "open", ""
    )
    page.keyboard.press("Tab")
    assert focus_is(page, matches(f"{action_form('request_info')} textarea"))
    page.keyboard.type("Boleh kirim foto lampu yang mati dan nama jalannya?")
    tab_until(page, matches(f"{action_form('request_info')} button[type=submit]"), most=3)
    with page.expect_response(f"**/verifikasi/{question}/request_info") as answer:
        page.keyboard.press("Enter")
    answered(answer.value, 200)
    expect_next_heading_focused(page, question)
    expect(page.locator("#announcer")).to_contain_text(question)
    assert status(live_server, question) == "needs_info"

    # Search any agency: Enter in the search field fetches the results in place (htmx),
    # focus stays in the field, and Tab reaches the result's button.
    page.goto(f"/verifikasi/{searched}")
    tab_until(page, "el.id === 'instansi'")
    page.keyboard.type("kesehatan")
    with page.expect_response(f"**/verifikasi/{searched}/instansi?instansi=kesehatan"):
        page.keyboard.press("Enter")
    result = page.locator("#agency-results button[value='KEMENKES']")
    expect(result).to_have_text(KEMENKES)
    assert page.url.endswith(f"/verifikasi/{searched}")  # no page load
    assert focus_is(page, "el.id === 'instansi'")
    page.wait_for_function(
        "() => window.__announced.includes("
        "document.getElementById('agency-results').getAttribute('data-announce'))"
    )
    tab_until(page, matches("#agency-results button[value='KEMENKES']"), most=10)
    with page.expect_response(f"**/verifikasi/{searched}/dispatch") as answer:
        page.keyboard.press("Enter")
    answered(answer.value, 200)
    expect_next_heading_focused(page, searched)
    expect(page.locator("#announcer")).to_contain_text(searched)
    expect(page.locator("#announcer")).to_contain_text(KEMENKES)
    assert status(live_server, searched) == "verified"


# --- 2. the error state --------------------------------------------------------------------


def archive_without_a_reason(page: Page, code: str) -> None:
    """Open the archive disclosure and send it empty (htmx): the workspace comes back with
    the error summary, which gets focus."""
    page.goto(f"/verifikasi/{code}")
    page.locator(f"details:has({action_form('archive')}) summary").click()
    with page.expect_response(f"**/verifikasi/{code}/archive") as answer:
        page.click(f"{action_form('archive')} button[type=submit]")
    answered(answer.value, 422)
    summary = page.locator(f"{action_form('archive')} .error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_empty_reason_is_refused_focused_and_announced(new_page, live_server, lang):
    code = file_complaint(live_server)
    page = new_page(lang)
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    sign_in(page, live_server, role="verifier", agency=None)
    archive_without_a_reason(page, code)

    said = page.get_attribute("#workspace", "data-announce")
    assert said
    expect(page.locator("#announcer")).to_have_text(said)
    if lang == "en":
        assert said == "The action was not taken. Check the message."
    # The summary's link leads to this form's own reason field, not another form's.
    page.locator(f"{action_form('archive')} .error-summary a").first.click()
    assert focus_is(page, matches(f"{action_form('archive')} textarea"))
    assert status(live_server, code) == "received"


# --- 3. axe --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_queue_has_no_axe_violations(new_page, live_server, lang):
    code = file_complaint(live_server)
    page = new_page(lang)
    sign_in(page, live_server, role="verifier", agency=None)

    page.goto("/verifikasi")
    assert page.get_attribute("html", "lang") == lang
    axe_check(page, f"the queue ({lang})")

    page.goto(f"/verifikasi/{code}")
    page.fill("#instansi", "kesehatan")
    with page.expect_response(f"**/verifikasi/{code}/instansi?instansi=kesehatan"):
        page.press("#instansi", "Enter")
    expect(page.locator("#agency-results button[value='KEMENKES']")).to_be_visible()
    for summary in page.locator("details.action summary").all():
        summary.click()  # check the forms inside the disclosures too
    axe_check(page, f"a review with search results and every form open ({lang})")

    archive_without_a_reason(page, code)
    axe_check(page, f"the archive form with an error ({lang})")

    with page.expect_response(f"**/verifikasi/{code}/dispatch"):
        page.locator(".suggestions li:first-child button").click()
    expect_next_heading_focused(page, code)
    axe_check(page, f"after an htmx dispatch ({lang})")


# --- 4. without JavaScript -----------------------------------------------------------------


def test_every_journey_works_without_javascript(new_page, live_server):
    suggested = file_complaint(live_server)
    question = file_complaint(live_server)
    searched = file_complaint(live_server)
    page = new_page("en", java_script_enabled=False)
    sign_in(page, live_server, role="verifier", agency=None)
    assert "js" not in (page.get_attribute("html", "class") or "")

    page.goto(f"/verifikasi/{suggested}")
    with page.expect_navigation():
        page.click(".suggestions li:first-child button")
    assert page.url.endswith("/verifikasi")
    expect(page.locator(".banner.success")).to_contain_text(suggested)
    assert status(live_server, suggested) == "verified"

    page.goto(f"/verifikasi/{question}")
    page.click("summary:has-text('Ask the reporter for more information')")
    page.fill(f"{action_form('request_info')} textarea", "Di jalan mana tepatnya?")
    with page.expect_navigation():
        page.click(f"{action_form('request_info')} button[type=submit]")
    assert page.url.endswith("/verifikasi")
    expect(page.locator(".banner.success")).to_contain_text(question)
    assert status(live_server, question) == "needs_info"

    page.goto(f"/verifikasi/{searched}")
    page.fill("#instansi", "kesehatan")
    with page.expect_navigation():
        page.click("form.agency-search button[type=submit]")
    assert "instansi=kesehatan" in page.url
    result = page.locator("#agency-results button[value='KEMENKES']")
    expect(result).to_have_text(KEMENKES)
    with page.expect_navigation():
        result.click()  # outside the dispatch form: submits it through form="dispatch-form"
    assert page.url.endswith("/verifikasi")
    expect(page.locator(".banner.success")).to_contain_text(searched)
    expect(page.locator(".banner.success")).to_contain_text(KEMENKES)
    assert status(live_server, searched) == "verified"


# --- 5. reflow and target size -------------------------------------------------------------

SMALL_SUMMARIES = """() => [...document.querySelectorAll("summary")]
  .filter(el => el.checkVisibility())
  .map(el => el.getBoundingClientRect())
  .filter(box => box.width < 24 || box.height < 24)
  .map(box => `${box.width.toFixed(1)}×${box.height.toFixed(1)}`)"""


def check_reflow(page: Page, where: str) -> None:
    check_layout(page, where)
    assert page.evaluate(SMALL_SUMMARIES) == [], f"{where}: a disclosure is under 24×24 px"


def test_the_queue_reflows_at_320_px(new_page, live_server):
    code = file_complaint(live_server, "Lampu jalan mati di Jalan Ir. H. Juanda, Dago")
    page = new_page("id", viewport=REFLOW)
    sign_in(page, live_server, role="verifier", agency=None)

    page.goto("/verifikasi")
    check_reflow(page, "the queue")
    page.goto(f"/verifikasi/{code}?instansi=kesehatan")
    expect(page.locator("#agency-results button[value='KEMENKES']")).to_be_visible()
    check_reflow(page, "a review with search results")
    for summary in page.locator("details.action summary").all():
        summary.click()
    check_reflow(page, "a review with every form open")
    archive_without_a_reason(page, code)
    check_reflow(page, "the archive form with an error")
