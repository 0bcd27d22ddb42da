"""Scorecards (/rapor) in a real browser: keyboard-only filters and sorting, axe in
Indonesian and English on every scorecard page, charts with a title and a description and
the same numbers in a table, and reflow at 320 px.

Complaints are written into the live server's database in Kota Gorontalo (75.71), which no
other browser test uses; the scorecards follow them through the same signals as in
production. The server is shared, so the tests never assume national totals.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import check_layout, tab, tab_to

pytestmark = pytest.mark.browser

AGENCY = "PEMKOT7571"  # Pemerintah Kota Gorontalo
PLACE = "75.71.02"


@pytest.fixture(scope="module")
def gorontalo(live_app) -> str:
    """Three reports for Kota Gorontalo: dispatched, one responded, one resolved."""
    from sqlalchemy import select

    from app.complaints.lifecycle import Action, Actor, act
    from app.complaints.models import Channel
    from app.complaints.operations import create_complaint
    from app.directory.models import Agency
    from app.extensions import db
    from tests.helpers import API_COMPLAINT

    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == AGENCY))
        for step in ("dispatch", "respond", "resolve"):
            complaint, _ = create_complaint(
                {**API_COMPLAINT, "region_code": PLACE}, channel=Channel.WEB, locale="id"
            )
            act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency)
            if step != "dispatch":
                action = Action.RESPOND if step == "respond" else Action.RESOLVE
                act(complaint, action, Actor.OFFICER, reason="Ditindaklanjuti.")
            db.session.commit()
        db.engine.dispose()
    return AGENCY


def test_filters_and_sorting_by_keyboard_only(page: Page, live_server, gorontalo):
    page.goto(f"{live_server.url}/rapor")
    tab_to(page, "level")
    page.keyboard.press("ArrowDown")  # the first level: central
    page.keyboard.press("ArrowDown")  # provincial
    page.keyboard.press("ArrowDown")  # regency and city governments
    assert page.locator("#level").input_value() == "regency"
    for _ in range(3):
        if tab(page).startswith("button"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/rapor?*level=regency*")
    expect(page.locator("#level")).to_have_value("regency")
    expect(page.get_by_role("link", name="Pemerintah Kota Gorontalo")).to_be_visible()

    # Sort by "Received" with a link, by keyboard.
    received = page.locator("th a[href*='sort=received']")
    received.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=received*")
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")

    # The agency's own scorecard, by keyboard.
    link = page.get_by_role("link", name="Pemerintah Kota Gorontalo")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/rapor/instansi/{AGENCY}")
    # The data tables' scrolling regions take focus (keyboard users can scroll them).
    region = page.locator(".sc-scroll").first
    region.focus()
    assert region.evaluate("el => el === document.activeElement")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pages_are_axe_clean_with_described_charts_and_tables(
    page: Page, live_server, gorontalo, lang
):
    pages = [
        "/rapor",
        "/rapor?category=roads&sort=in_time&dir=desc",
        "/rapor?category=nope&level=galaxy",
        f"/rapor/instansi/{AGENCY}",
        "/rapor/wilayah/75",
        "/rapor/wilayah/75.71",
        "/rapor/kamus",
    ]
    for path in pages:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{path}")
        axe_check(page, f"{path} ({lang})")
        if "wilayah" in path or "instansi" in path:
            charts = page.locator("svg[role=img]")
            expect(charts).to_have_count(2)
            for index in range(2):
                chart = charts.nth(index)
                title_id, desc_id = chart.get_attribute("aria-labelledby").split()
                title = chart.locator(f"title#{title_id}").text_content()
                desc = chart.locator(f"desc#{desc_id}").text_content()
                assert title and desc and any(ch.isdigit() for ch in desc)
            # The same numbers in a table beside each chart.
            expect(page.locator(".sc-chart table caption")).to_have_count(2)
            if "instansi" in path:
                received = page.locator("#trend-caption").locator("xpath=..")
                assert "3" in received.locator("tbody tr").last.text_content()
        if "nope" in path:
            expect(page.locator(".error-summary")).to_be_visible()
        page.set_viewport_size({"width": 320, "height": 800})
        check_layout(page, f"{path} ({lang})")
