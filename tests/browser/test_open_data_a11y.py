"""Accessibility of what the public oversight work added: the tracking page of a published
report opened with the code only (the masked version and its link to /laporan/<code>), the
"already supported" confirmation, /data and /laporan/kamus, and the download and feed links
under the /laporan results.

axe in Indonesian and English, reflow at 320 CSS px with 24 px targets, keyboard journeys
with focus visible at every stop, headings without skipped levels, and link texts that say
where they lead out of context (a screen reader's list of links). The scorecards' agency and
region pages are checked by tests/browser/test_scorecards.py, the tracking page of an
unpublished report by tests/browser/test_axe.py.
"""

from __future__ import annotations

import random
import re
import string

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_check
from tests.browser.helpers import both_languages, check_layout, focused, tab, tab_until

pytestmark = pytest.mark.browser

REFLOW = {"width": 320, "height": 640}
NAME = "Ahmad Hidayat"  # masked to [NAME_1] in the published version

# Headings in <main> whose level is more than one below the one before (or no single h1
# first): WCAG 1.3.1 / 2.4.6, as a screen reader's list of headings shows them.
HEADING_SKIPS = """() => {
  const all = document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6");
  const levels = [...all]
    .filter(h => h.checkVisibility())
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)]);
  const problems = [];
  if (!levels.length || levels[0][0] !== 1) problems.push("the first heading is not an h1");
  if (levels.filter(([level]) => level === 1).length !== 1) problems.push("not exactly one h1");
  levels.forEach(([level, text], i) => {
    const before = i ? levels[i - 1][0] : level;
    if (level > before + 1) problems.push(`h${before} → h${level} ${text}`);
  });
  return problems;
}"""

# Every link in `selector` as [accessible text, href] (aria-label, else the text).
LINKS = """selector => [...document.querySelectorAll(selector)].flatMap(root =>
  [...root.querySelectorAll("a[href]")].map(a => [
    (a.getAttribute("aria-label") || a.textContent).replace(/\\s+/g, " ").trim(),
    a.getAttribute("href"),
  ]))"""

# A link text that says nothing alone: a bare format, an address, "here", "more"...
MEANINGLESS = re.compile(
    r"^(csv|json|xml|atom|rss|pdf|here|di sini|sini|more|selengkapnya|link|tautan|"
    r"download|unduh|click here|klik di sini|/.*|https?://.*)$",
    re.IGNORECASE,
)


def check_links_make_sense(page: Page, selector: str, where: str) -> None:
    """Link texts make sense out of context (WCAG 2.4.4 and the AAA 2.4.9 the brief asks
    for): none is a bare format or address, and one text never leads to two places."""
    links = page.evaluate(LINKS, selector)
    assert links, f"{where}: no links in {selector}"
    bad = [text for text, _href in links if not text or MEANINGLESS.match(text)]
    assert not bad, f"{where}: link texts that say nothing alone: {bad}"
    places: dict[str, set[str]] = {}
    for text, href in links:
        places.setdefault(text.casefold(), set()).add(href.split("?")[0])
    same = {text: hrefs for text, hrefs in places.items() if len(hrefs) > 1}
    assert not same, f"{where}: the same link text leads to different places: {same}"


def check_headings(page: Page, where: str) -> None:
    problems = page.evaluate(HEADING_SKIPS)
    assert not problems, f"{where}: heading order: {problems}"


def tab_through_main(page: Page, where: str) -> list[str]:
    """Tab from the top of the page through every stop in <main>, each with visible focus
    (tab() asserts it); return the href (or a description) of each stop in <main>."""
    page.locator("h1").click()  # start in <main> (the h1 is not a tab stop)
    stops: list[str] = []
    for _ in range(80):
        tab(page)
        here = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el.closest("main")) return null;
              return el.getAttribute("href") || el.getAttribute("aria-labelledby")
                || el.tagName.toLowerCase();
            }"""
        )
        if here is None:  # left <main>: the footer
            return stops
        stops.append(here)
    pytest.fail(f"{where}: Tab never left <main>; went through {stops}")


# --- reports of our own ----------------------------------------------------------------------


def word() -> str:
    return "kata" + "".join(random.choices(string.ascii_lowercase, k=10))


@pytest.fixture(scope="module")
def published(live_app) -> tuple[str, str]:
    """A public report in Kota Bandung with a name in its title, sent to the agency (so
    published, masked); returns (tracking code, a word only its title has)."""
    from sqlalchemy import select

    from app.complaints.lifecycle import Action, Actor, act
    from app.complaints.models import Channel
    from app.complaints.operations import create_complaint
    from app.directory.models import Agency
    from app.extensions import db

    unique = word()
    with live_app.app_context():
        complaint, _ = create_complaint(
            {
                "type": "complaint",
                "category": "roads",
                "privacy": "public",
                "email": "warga.a11y@example.org",
                "title": f"Got tersumbat {unique} dilaporkan {NAME}",
                "description": "Got tersumbat di depan pasar, air meluap ke jalan saat hujan.",
                "region_code": "32.73.02",
            },
            channel=Channel.WEB,
            locale="id",
        )
        db.session.flush()
        agency = db.session.scalar(select(Agency).where(Agency.code == "PEMKOT3273"))
        act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency)
        db.session.commit()
        code = complaint.tracking_code
        db.engine.dispose()
    return code, unique


def expect_masked_tracking_page(page: Page, code: str) -> None:
    expect(page.locator("#report h2").nth(1)).to_contain_text("[NAME_1]")
    assert NAME not in page.locator("main").inner_text()
    expect(page.locator(f"#report .hint a[href='/laporan/{code}']")).to_have_count(1)


# --- 1. axe, both languages --------------------------------------------------------------------


def test_masked_tracking_page_has_no_axe_violations(page: Page, live_server, published):
    code, _ = published
    page.goto(f"/lacak/{code}")
    expect_masked_tracking_page(page, code)
    both_languages(page, live_server, "tracking page, published masked version")
    check_headings(page, "tracking page, masked")
    check_links_make_sense(page, "#report .hint", "tracking page, masked")


def test_already_supported_confirmation_has_no_axe_violations(new_context, published):
    """The same browser supports the report twice: two tabs show the "Me too" button; the
    first press counts, the second says it counted already. The outcome is shown once (the
    session hands it over), so each language is a browser of its own."""
    code, _ = published
    button = f"form[action$='/lapor/dukung/{code}'] button"
    for lang in ("id", "en"):
        context = new_context(lang)
        first, second = context.new_page(), context.new_page()
        for tab_page in (first, second):
            tab_page.goto(f"/laporan/{code}")
        with first.expect_navigation():
            first.click(button)
        first.wait_for_url(f"**/lapor/dukung/{code}")
        with second.expect_navigation():
            second.click(button)
        second.wait_for_url(f"**/lapor/dukung/{code}")
        thanks, already = first.text_content("h1"), second.text_content("h1")
        assert thanks != already, f"the second press says the same as the first ({lang})"
        if lang == "en":
            assert already == "You support this report already"
        assert second.get_attribute("html", "lang") == lang
        axe_check(second, f"already supported ({lang})")
        check_headings(second, f"already supported ({lang})")


# --- 2. reflow at 320 px and target size -------------------------------------------------------


@pytest.mark.parametrize("path", ["/data", "/laporan/kamus"])
def test_open_data_pages_reflow_at_320_px(new_page, path: str):
    page = new_page("id", viewport=REFLOW)
    page.goto(path)
    check_layout(page, path)
    # The dictionary's tables scroll inside a named region the keyboard reaches, never the page.
    tables = page.locator("main table")
    for index in range(tables.count()):
        table = tables.nth(index)
        region = table.locator("xpath=..")
        assert region.get_attribute("role") == "region", f"{path}: table {index} not in a region"
        assert region.get_attribute("tabindex") == "0", f"{path}: region {index} not focusable"
        label = region.get_attribute("aria-labelledby")
        expect(page.locator(f"#{label}")).not_to_be_empty()
        assert region.evaluate("el => getComputedStyle(el).overflowX") in ("auto", "scroll")
        box, wide = region.bounding_box(), table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= REFLOW["width"], path
        if wide["width"] > box["width"]:  # wider than the screen: it scrolls, by keyboard too
            region.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    if path == "/laporan/kamus":
        assert tables.count() == 2


def test_masked_tracking_page_reflows_at_320_px(new_page, published):
    code, _ = published
    page = new_page("id", viewport=REFLOW)
    page.goto(f"/lacak/{code}")
    expect_masked_tracking_page(page, code)
    check_layout(page, "tracking page, masked")


# --- 3. keyboard -------------------------------------------------------------------------------


def test_download_and_feed_links_follow_the_results_by_tab(new_page, published):
    code, unique = published
    page = new_page("en")
    page.goto(f"/laporan?q={unique}")
    result = f"#results a[href='/laporan/{code}']"
    expect(page.locator(result)).to_have_count(1)
    tab_until(page, f"el.matches({result!r})")
    after = [page.evaluate("document.activeElement.getAttribute('href')")]
    for _ in range(5):
        tab(page)
        after.append(page.evaluate("document.activeElement.getAttribute('href')"))
    assert after == [
        f"/laporan/{code}",
        f"/laporan.csv?q={unique}",
        f"/laporan.json?q={unique}",
        "/laporan/kamus",
        f"/laporan.atom?q={unique}",
        "/data",
    ]
    check_links_make_sense(page, "#results .downloads", "the results' download line")


def test_masked_tracking_page_links_to_the_published_report_by_keyboard(new_page, published):
    code, unique = published
    page = new_page("id")
    page.goto(f"/lacak/{code}")
    expect_masked_tracking_page(page, code)
    tab_until(page, f"el.matches('#report a[href=\"/laporan/{code}\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/laporan/{code}")
    expect(page.locator("h1")).to_contain_text(unique)
    expect(page.locator("h1")).to_contain_text("[NAME_1]")
    assert focused(page) == "body"


# --- 4. focus, headings and link texts on the open data pages ---------------------------------


@pytest.mark.parametrize("path", ["/data", "/laporan/kamus"])
def test_open_data_pages_focus_headings_and_link_texts(new_page, path: str):
    page = new_page("en")
    page.goto(path)
    stops = tab_through_main(page, path)
    check_headings(page, path)
    check_links_make_sense(page, "main", path)
    if path == "/laporan/kamus":
        # both tables' regions are tab stops, then the download links
        assert stops[:2] == ["columns-caption", "timeline-caption"], stops
        assert "/laporan.csv" in stops and "/laporan.json" in stops and "/data" in stops
    else:
        assert "/laporan.csv" in stops and "/rapor/kamus" in stops, stops
