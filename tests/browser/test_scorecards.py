"""Scorecards (/rapor) in a real browser: keyboard-only filters and sorting, axe in
Indonesian and English on every scorecard page, charts with a title and a description and
the same numbers in a table, and reflow at 320 px.

Complaints are written into the live server's database in Kota Gorontalo (75.71), which no
other browser test uses; the scorecards follow them through the same signals as in
production. The server is shared, so the tests never assume national totals.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import (
    RECORD_ANNOUNCEMENTS,
    announced,
    check_layout,
    focused,
    tab,
    tab_to,
)

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
        "/rapor?province=75&regency=75.71",
        "/rapor?province=75&regency=75.99",
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
        if "nope" in path or "75.99" in path:
            expect(page.locator(".error-summary")).to_be_visible()
        page.set_viewport_size({"width": 320, "height": 800})
        check_layout(page, f"{path} ({lang})")


def _press_show(page: Page) -> None:
    """Tab on to the form's "Show" button and press Enter: a plain GET of the form."""
    for _ in range(6):
        if tab(page).startswith("button"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_province_then_regency_by_keyboard_only(page: Page, live_server, gorontalo):
    """With JavaScript: choosing a province fills the regency list (htmx) without moving
    focus, the polite live region says so, and "Show" applies both."""
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.goto(f"{live_server.url}/rapor")
    expect(page.locator("#regency-field select")).to_have_count(0)
    tab_to(page, "province")
    page.keyboard.type("Gorontalo")
    page.wait_for_selector("#regency option[value='75.71']", state="attached")
    announced(page, "regency-field")
    assert focused(page) == "province"
    assert page.input_value("#province") == "75"
    assert tab(page) == "regency"
    page.keyboard.type("Kota Gorontalo")
    assert page.input_value("#regency") == "75.71"
    _press_show(page)
    assert "regency=75.71" in page.url
    expect(page.locator("#province")).to_have_value("75")
    expect(page.locator("#regency")).to_have_value("75.71")
    expect(page.get_by_role("link", name="Pemerintah Kota Gorontalo")).to_be_visible()
    # The downloads keep the place chosen.
    expect(page.locator(".sc-downloads a[href*='rapor.csv']")).to_have_attribute(
        "href", re.compile(r"region=75\.71")
    )


def test_province_then_regency_without_javascript(new_page, live_server, gorontalo):
    """Without JavaScript the same choice takes two steps: province, Show; regency, Show."""
    page = new_page("id", java_script_enabled=False)
    page.goto(f"{live_server.url}/rapor")
    assert "js" not in (page.get_attribute("html", "class") or "")  # really off
    tab_to(page, "province")
    page.keyboard.type("Gorontalo")
    _press_show(page)
    assert "province=75" in page.url
    expect(page.locator("#regency option[value='75.71']")).to_have_count(1)
    tab_to(page, "regency")
    page.keyboard.type("Kota Gorontalo")
    _press_show(page)
    expect(page.locator("#province")).to_have_value("75")
    expect(page.locator("#regency")).to_have_value("75.71")
    expect(page.get_by_role("link", name="Pemerintah Kota Gorontalo")).to_be_visible()
    # The regency's own page and its downloads work without JavaScript too.
    page.goto(f"{live_server.url}/rapor/wilayah/75.71")
    expect(page.locator(".sc-downloads a[href$='/rapor/wilayah/75.71.csv']")).to_have_count(1)
