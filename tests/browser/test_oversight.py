"""The supervisors' oversight view (/pengawasan) in a real browser: axe in both languages
(unfiltered, filtered, a wrong filter, after an htmx swap), a keyboard-only journey from
signing in to a read-only case, the filters and pagination without JavaScript, and reflow
with target sizes at 320 px.

Complaints are filed through the public API, some dispatched to Kota Ambon, then made overdue
by moving their `due_on` into the past in the server's database and running the real
`flask sla sweep`. They are all in Maluku (province 81), which no other browser test uses,
but the server is shared: the tests look for their own tracking codes and never assume the
totals.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import (
    announcer,
    check_layout,
    file_by_api,
    new_staff,
    sign_in,
    tab,
    tab_to,
    tab_until,
    type_recovery_code,
)

pytestmark = pytest.mark.browser

PROVINCE = "81"  # Maluku
REGION = "81.71.02"  # Sirimau, Kota Ambon
AGENCY = "PEMKOT8171"  # Pemerintah Kota Ambon (app/directory/operations.py names it so)
# Few stay with the verifiers: the verification queue is shared and pages at 25 too. The
# dispatched ones are more than a page of the oversight list (25), for the pagination.
WAITING = 2
DISPATCHED = 28
NARROW = {"width": 320, "height": 640}

FOUND = re.compile(r"(\d+) (laporan terlambat ditemukan|overdue reports? found)")


# --- seeding and signing in ------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    word: str
    waiting: list[str]  # received, not yet sent to an agency
    dispatched: list[str]  # verified, at Kota Ambon

    @property
    def codes(self) -> list[str]:
        return self.waiting + self.dispatched


@pytest.fixture(scope="module")
def overdue(live_server, live_app) -> Overdue:
    """Thirty overdue, escalated complaints in Maluku: two waiting for verification, the
    others at Kota Ambon. Each is a day more overdue than the one before."""
    from sqlalchemy import update

    from app.accounts.operations import find_agency
    from app.complaints.lifecycle import Action, Actor, act
    from app.complaints.models import Complaint
    from app.extensions import db

    word = f"awas{uuid.uuid4().hex[:8]}"
    codes = [
        file_by_api(
            live_server, title=f"Saluran air tersumbat {word} nomor {i + 1}", region_code=REGION
        )
        for i in range(WAITING + DISPATCHED)
    ]
    waiting, dispatched = codes[:WAITING], codes[WAITING:]
    with live_app.app_context():
        ambon = find_agency("81.71")
        assert ambon is not None and ambon.code == AGENCY
        for code in dispatched:
            complaint = db.session.scalar(db.select(Complaint).filter_by(tracking_code=code))
            act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=ambon)
        db.session.commit()
        # The test's only shortcut: the server's clock is real, so the deadlines move back.
        for i, code in enumerate(codes):
            db.session.execute(
                update(Complaint)
                .where(Complaint.tracking_code == code)
                .values(due_on=date.today() - timedelta(days=20 + i))
            )
        db.session.commit()
        db.engine.dispose()
    assert "escalated" in live_server.flask("sla", "sweep")
    return Overdue(word, waiting, dispatched)


def found(page: Page) -> int:
    """The number in the results heading."""
    match = FOUND.search(page.locator("#results-title").inner_text())
    assert match, page.locator("#results-title").inner_text()
    return int(match.group(1))


def listed(page: Page) -> list[str]:
    """Tracking codes in the results table on this page."""
    return [
        t.strip() for t in page.locator("#oversight-body tbody th[scope=row]").all_inner_texts()
    ]


# --- keyboard helpers -------------------------------------------------------------------------


def arrow_to(page: Page, select_id: str, value: str, most: int = 80) -> None:
    """Move a focused, closed select to `value` with ArrowDown only."""
    for _ in range(most):
        if page.input_value(f"#{select_id}") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"ArrowDown never chose {value!r} in #{select_id}")


# --- axe ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_oversight_has_no_axe_violations(new_page, live_server, overdue, lang):
    page = new_page(lang)
    sign_in(page, live_server, role="supervisor", agency=None)

    page.goto("/pengawasan")
    expect(page.locator("h1")).to_have_count(1)
    assert overdue.codes[-1] in listed(page)  # the most overdue of ours is there
    expect(page.locator("#per-agency-title + .table-scroll table")).to_be_visible()
    axe_check(page, f"/pengawasan ({lang})")

    # Filtered through the form (htmx on): the results are swapped, focus on their heading.
    page.select_option("#province", PROVINCE)
    page.select_option("#status", "received")
    with page.expect_response(lambda r: "/pengawasan?" in r.url):
        page.locator("#oversight-body form button[type=submit]").click()
    page.wait_for_function("() => document.activeElement.id === 'results-title'")
    assert set(overdue.waiting) <= set(listed(page))
    assert not set(overdue.dispatched) & set(listed(page))
    axe_check(page, f"/pengawasan after an htmx filter ({lang})")

    # The same filter as a page of its own (the address a plain GET gives).
    page.goto(f"/pengawasan?province={PROVINCE}&status=verified")
    assert found(page) >= DISPATCHED
    axe_check(page, f"/pengawasan filtered ({lang})")

    # A filter nobody can choose (an old or edited link): an error summary, not a 500.
    response = page.goto("/pengawasan?agency=NOPE")
    assert response.status == 200
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary a[href='#agency']")).to_have_count(1)
    expect(page.locator("#agency")).to_have_attribute("aria-describedby", re.compile("error"))
    axe_check(page, f"/pengawasan with a wrong filter ({lang})")

    # The same error after an htmx swap: focus goes to the summary.
    page.goto("/pengawasan")
    page.evaluate("document.querySelector('#agency').add(new Option('?', 'NOPE', true, true))")
    with page.expect_response(lambda r: "agency=NOPE" in r.url):
        page.locator("#oversight-body form button[type=submit]").click()
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    axe_check(page, f"/pengawasan with a wrong filter after htmx ({lang})")


# --- keyboard only ------------------------------------------------------------------------------


def test_a_supervisor_uses_oversight_with_the_keyboard_only(new_page, live_server, overdue):
    page = new_page("en")
    type_recovery_code(page, *new_staff(live_server, role="supervisor", agency=None))

    # The staff navigation leads to the oversight view.
    tab_until(page, "el.matches('a[href=\"/pengawasan\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pengawasan")
    expect(page.locator("h1")).to_have_text("Overdue reports")

    # Choose the agency and the state with the arrow keys; Shift+Tab goes back too.
    tab_to(page, "agency")
    arrow_to(page, "agency", AGENCY)
    assert tab(page) == "province"
    assert tab(page, "Shift+Tab") == "agency"
    assert page.input_value("#agency") == AGENCY
    tab_to(page, "status", most=3)
    arrow_to(page, "status", "verified")
    tab_until(page, "el.matches('#oversight-body form button[type=submit]')", most=3)
    with page.expect_response(lambda r: "/pengawasan?" in r.url) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    assert f"agency={AGENCY}" in answer.value.url and "status=verified" in answer.value.url

    # The results are replaced, focus is on their heading and the live region says the count.
    page.wait_for_function("() => document.activeElement.id === 'results-title'")
    count = found(page)
    assert count >= DISPATCHED
    assert len(listed(page)) == min(count, 25)
    assert overdue.dispatched[-1] in listed(page)  # the most overdue comes first
    assert not set(overdue.waiting) & set(listed(page))
    agencies = page.locator("#oversight-body tbody td:nth-of-type(1)").all_inner_texts()
    assert agencies and all("Ambon" in a for a in agencies)
    page.wait_for_function("() => document.getElementById('announcer').textContent.trim() !== ''")
    assert f"{count} overdue report" in announcer(page)
    assert announcer(page) == page.locator("#results-title").inner_text().strip()

    # Tab on to one of the reports and open it: the case is there to read, not to act on.
    code = overdue.dispatched[-1]
    tab_until(page, f"el.matches('a[href=\"/instansi/laporan/{code}\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/instansi/laporan/{code}")
    expect(page.locator("main")).to_contain_text(code)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    expect(page.locator("main form[action*='/instansi/laporan/']")).to_have_count(0)


# --- without JavaScript -------------------------------------------------------------------------


def test_filters_and_pages_work_without_javascript(new_page, live_server, overdue):
    page = new_page("en", java_script_enabled=False)
    sign_in(page, live_server, role="supervisor", agency=None)
    page.goto("/pengawasan")

    page.select_option("#province", PROVINCE)
    with page.expect_navigation():
        page.locator("#oversight-body form button[type=submit]").click()
    assert "province=81" in page.url
    total = found(page)
    assert total >= WAITING + DISPATCHED > 25
    first = listed(page)
    assert len(first) == 25
    expect(page.locator("nav.pagination")).to_contain_text("Page 1 of")
    expect(page.locator("nav.pagination a[rel=prev]")).to_have_count(0)

    with page.expect_navigation():
        page.locator("nav.pagination a[rel=next]").click()
    assert "page=2" in page.url and "province=81" in page.url  # the filter is kept
    expect(page.locator("nav.pagination")).to_contain_text("Page 2 of")
    second = listed(page)
    assert second and not set(first) & set(second)
    # Most overdue first: ours were given ever older deadlines, so the oldest comes first.
    ours = [c for c in first + second if c in overdue.codes]
    assert ours == list(reversed(overdue.codes))

    with page.expect_navigation():
        page.locator("nav.pagination a[rel=prev]").click()
    assert listed(page) == first

    # A second filter, by state, in the same plain GET form.
    page.select_option("#status", "received")
    with page.expect_navigation():
        page.locator("#oversight-body form button[type=submit]").click()
    assert "status=received" in page.url and "province=81" in page.url
    assert found(page) >= WAITING
    assert not set(overdue.dispatched) & set(listed(page))


# --- reflow and target size ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_oversight_reflows_at_320_px(new_page, live_server, overdue, lang):
    page = new_page(lang, viewport=NARROW)
    sign_in(page, live_server, role="supervisor", agency=None)
    page.goto("/pengawasan")
    assert listed(page)
    check_layout(page, "/pengawasan")
    page.goto(f"/pengawasan?province={PROVINCE}&page=2")
    expect(page.locator("nav.pagination a[rel=prev]")).to_be_visible()
    check_layout(page, "/pengawasan, page 2")
    page.goto("/pengawasan?agency=NOPE")
    expect(page.locator(".error-summary")).to_be_visible()
    check_layout(page, "/pengawasan with a wrong filter")
