"""The reporter's side in a real browser: unlock with the code and the secret, answer a
question, later confirm the resolution with a rating — by keyboard only, without JavaScript,
and axe-clean in both languages, error state included.

The agency's and the verifier's steps are taken through the life cycle straight in the live
server's database, as `seeded` does for complaints.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ANSWERS, axe_check
from tests.browser.helpers import (
    RECORD_ANNOUNCEMENTS,
    announced,
    focused,
    tab,
    tab_to,
    tab_until,
)

pytestmark = pytest.mark.browser

QUESTION = "Di depan nomor berapa tepatnya lubangnya?"
ANSWER = "Di depan SD Negeri 3, Jalan Dago nomor 12."
RESOLUTION = "Lubang sudah ditambal dengan aspal pada hari Selasa."


@pytest.fixture
def staff_step(live_app):
    """staff_step(code, "needs_info" | "resolved"): what the verifier and the agency do."""
    from sqlalchemy import select

    from app.complaints.lifecycle import Action, Actor, act
    from app.directory.models import Agency
    from app.extensions import db
    from app.tracking.queries import by_code

    def step(code: str, to: str) -> None:
        with live_app.app_context():
            complaint = by_code(code)
            if to == "needs_info":
                act(complaint, Action.REQUEST_INFO, Actor.VERIFIER, reason=QUESTION)
            else:
                agency = db.session.scalar(select(Agency).where(Agency.code == "PEMKOT3273"))
                act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency)
                act(complaint, Action.START, Actor.OFFICER)
                act(complaint, Action.RESOLVE, Actor.OFFICER, reason=RESOLUTION)
            db.session.commit()
            db.engine.dispose()

    return step


@pytest.fixture
def filed(live_app):
    """filed(privacy="public") → (code, secret) of a new complaint on the live server."""
    from app.complaints.models import Channel
    from app.complaints.operations import create_complaint
    from app.extensions import db

    def make(privacy: str = "public") -> tuple[str, str]:
        data = {
            "type": "complaint",
            "title": ANSWERS["title"],
            "description": ANSWERS["description"],
            "region_code": ANSWERS["district"],
            "category": ANSWERS["category"],
            "privacy": privacy,
            "email": "warga@example.org" if privacy == "public" else None,
        }
        with live_app.app_context():
            complaint, secret = create_complaint(data, channel=Channel.WEB, locale="id")
            db.session.commit()
            code = complaint.tracking_code
            db.engine.dispose()
        return code, secret

    return make


def unlock_by_keyboard(page: Page, code: str, secret: str) -> None:
    page.goto("/lacak")
    tab_to(page, "code", most=30)
    page.keyboard.type(code)
    assert tab(page) == "secret"
    page.keyboard.type(secret)
    assert tab(page) == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/lacak/{code}")


def test_answer_and_confirm_with_the_keyboard_only(page: Page, filed, staff_step):
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    code, secret = filed()
    staff_step(code, "needs_info")

    # Someone with only the code sees the report but no forms: a link to unlock instead.
    page.goto(f"/lacak/{code}")
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.locator("main a[href$='/lacak']").first).to_be_visible()

    unlock_by_keyboard(page, code, secret)
    expect(page.locator("blockquote")).to_contain_text(QUESTION)
    tab_to(page, "reply-text", most=40)
    page.keyboard.type(ANSWER)
    tab_until(page, "el.matches('form[action$=\"/balas\"] button[type=submit]')", most=3)
    page.keyboard.press("Enter")

    # htmx swaps the region in place: the live region says so, focus goes to the new status.
    announced(page, "report")
    expect(page.locator("#report-status")).to_be_focused()
    expect(page.locator("#report-status")).to_contain_text("Diterima")
    expect(page.locator(".timeline")).to_contain_text(ANSWER)
    expect(page.locator("textarea")).to_have_count(0)  # received: nothing to do for now

    # The agency resolves it; the reporter comes back and confirms with a rating of 4.
    staff_step(code, "resolved")
    page.goto(f"/lacak/{code}")
    expect(page.locator("main")).to_contain_text(RESOLUTION)
    tab_to(page, "confirm-rating-0", most=40)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert focused(page) == "confirm-rating-3" and page.is_checked("#confirm-rating-3")
    assert tab(page) == "confirm-comment"
    page.keyboard.type("Cepat ditangani, terima kasih.")
    tab_until(page, "el.matches('form[action$=\"/selesai\"] button[type=submit]')", most=3)
    page.keyboard.press("Enter")

    announced(page, "report")
    expect(page.locator("#report-status")).to_be_focused()
    expect(page.locator("#report")).to_contain_text(re.compile(r"\b4 (dari|of) 5\b"))
    expect(page.locator("form[action*='/lacak/']")).to_have_count(0)


def test_the_same_journey_without_javascript(new_page, filed, staff_step):
    page = new_page("en", java_script_enabled=False)
    code, secret = filed("anonymous")
    staff_step(code, "needs_info")
    page.goto("/lacak")
    page.fill("#code", code)
    page.fill("#secret", secret)
    page.locator("form[action$='/lacak'] [type=submit]").click()
    page.wait_for_url(f"**/lacak/{code}")
    expect(page.locator("main")).to_contain_text(QUESTION)

    # An empty answer: the error summary and the inline error, on a page of its own.
    page.locator("form[action$='/balas'] [type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#reply-text-error")).to_be_visible()
    assert page.title().startswith("Error: ")

    page.fill("#reply-text", ANSWER)
    page.locator("form[action$='/balas'] [type=submit]").click()
    page.wait_for_url(f"**/lacak/{code}")  # redirect after post
    expect(page.locator(".notice.success")).to_contain_text("Your reply was sent")
    expect(page.locator("#report-status")).to_contain_text("Received")

    staff_step(code, "resolved")
    page.goto(f"/lacak/{code}")
    page.check("#confirm-rating-3")
    page.fill("#confirm-comment", "Cepat ditangani.")
    page.locator("form[action$='/selesai'] [type=submit]").click()
    page.wait_for_url(f"**/lacak/{code}")
    expect(page.locator(".notice.success")).to_contain_text("your rating was saved")
    expect(page.locator("#report")).to_contain_text("You rated this 4 of 5.")
    expect(page.locator("#report-status")).to_contain_text("Closed")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_reporter_pages_are_axe_clean(new_page, filed, staff_step, lang: str):
    page = new_page(lang)
    code, secret = filed()
    staff_step(code, "resolved")
    page.goto(f"/lacak/{code}")
    axe_check(page, f"status page with only the code ({lang})")

    page.goto("/lacak")
    page.fill("#code", code)
    page.fill("#secret", secret)
    page.locator("form[action$='/lacak'] [type=submit]").click()
    page.wait_for_url(f"**/lacak/{code}")
    expect(page.locator("#confirm-rating-0")).to_be_visible()
    axe_check(page, f"resolved, unlocked, with the forms ({lang})")

    # Confirm without a rating: htmx swaps in the error state, focus on the summary.
    page.locator("form[action$='/selesai'] [type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#confirm-rating-error")).to_be_visible()
    axe_check(page, f"confirm without a rating ({lang})")

    page.check("#confirm-rating-4")
    page.locator("form[action$='/selesai'] [type=submit]").click()
    expect(page.locator("#report-status")).to_be_focused()
    axe_check(page, f"closed, with the rating ({lang})")
