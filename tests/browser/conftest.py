"""Playwright journeys against the real server (`live_server`), in Debian Chromium.

Fixtures: `playwright_session` (the one Playwright driver, for persistent contexts),
`browser` (one Chromium per session), `page` (a fresh context per test, in the
language of the `lang` fixture, "id" unless a test parametrizes it), `new_page` (the same,
with other context options such as java_script_enabled=False), `axe_check(page)`,
`seeded` (complaints written straight into the server's database, so tests that only need
one to exist do not file it through the UI) and `live_app` (an app on that database).
Helpers that are not fixtures live in tests/browser/helpers.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE_CONFIG = ROOT / "accessibility" / "axe.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCALES = {"id": "id-ID", "en": "en-GB"}
TRACKING_CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")
SECRET = re.compile(r"^[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}$")

# The answers the non-keyboard journeys file with (see tests/conftest.py VALID).
ANSWERS = {
    "title": "Jalan berlubang di depan sekolah",
    "description": "Lubang besar sudah dua bulan, motor sering jatuh kalau hujan.",
    "province": "32",
    "regency": "32.73",
    "district": "32.73.02",
    "category": "roads",
}


# --- browser, contexts, pages --------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_session():
    """The one Playwright driver of the session (sync_playwright cannot be nested)."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def persistent_context(
    playwright_session, live_server, profile: Path, **options: object
) -> BrowserContext:
    """A Chromium whose profile lives in the folder `profile`, so that a restart keeps its
    service worker, IndexedDB and cookies (the phone of the offline journeys)."""
    context = playwright_session.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        base_url=live_server.url,
        **options,
    )
    context.set_default_timeout(15_000)
    return context


def set_language(context: BrowserContext, live_server, lang: str) -> None:
    """The `lang` cookie, as the language switch sets it."""
    context.add_cookies(
        [
            {
                "name": "lang",
                "value": lang,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


@pytest.fixture
def lang() -> str:
    """The interface language of `page`; parametrize `lang` to change it."""
    return "id"


@pytest.fixture
def new_context(browser: Browser, live_server):
    """Factory: new_context(lang="en", java_script_enabled=False, ...) → a fresh context
    on the live server, with the `lang` cookie set as the language switch would set it."""
    contexts: list[BrowserContext] = []

    def make(lang: str = "id", **options: object) -> BrowserContext:
        options.setdefault("locale", LOCALES[lang])
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(5_000)
        context.set_default_navigation_timeout(10_000)
        set_language(context, live_server, lang)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(new_context):
    """Factory: new_page(lang="id", **context_options) → a page in a fresh context."""

    def make(lang: str = "id", **options: object) -> Page:
        return new_context(lang, **options).new_page()

    return make


@pytest.fixture
def page(new_page, lang: str) -> Page:
    return new_page(lang)


# --- axe -----------------------------------------------------------------------------------


def axe_options() -> dict:
    return json.loads(AXE_CONFIG.read_text(encoding="utf-8"))["options"]


_AXE = Axe()


def axe_check(page: Page, label: str = "") -> None:
    """Fail with each violated rule and the elements it found, if axe finds anything.

    axe runs as a script in the page: in a context with java_script_enabled=False it never
    finishes. To check the no-JavaScript rendering, block the app's scripts instead
    (see test_axe.py).
    """
    results = _AXE.run(page, options=axe_options())
    if results.violations_count == 0:
        return
    lines = [f"axe found {results.violations_count} violation(s) on {label or page.url}:"]
    for violation in results.response["violations"]:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + " ".join(summary.split()))
    pytest.fail("\n".join(lines), pytrace=False)


# --- filing through the UI (not the keyboard tests) ----------------------------------------


def choose_place(
    page: Page, province: str = "32", regency: str = "32.73", district: str | None = "32.73.02"
) -> None:
    """Choose the place with JavaScript on: each new choice waits for its htmx swap."""
    if page.input_value("#province") != province:
        with page.expect_response(lambda r: "/lapor/wilayah" in r.url):
            page.select_option("#province", province)
    page.wait_for_selector(f"#regency option[value='{regency}']", state="attached")
    if district:
        with page.expect_response(lambda r: "/lapor/wilayah" in r.url):
            page.select_option("#regency", regency)
        page.wait_for_selector(f"#district option[value='{district}']", state="attached")
        page.select_option("#district", district)


def fill_form(page: Page, privacy: str = "anonymous", email: str | None = None) -> None:
    """Answer every question on /lapor (the page must be open); does not submit."""
    page.check("#type-0")
    page.fill("#title", ANSWERS["title"])
    page.fill("#description", ANSWERS["description"])
    choose_place(page)
    page.select_option("#category", ANSWERS["category"])
    page.check(f"input[name=privacy][value={privacy}]")
    if email:
        page.fill("#email", email)


def file_complaint(
    page: Page, privacy: str = "anonymous", email: str | None = None, on_check=None
) -> tuple[str, str | None]:
    """Fill, continue, send; return (tracking code, secret or None) from the receipt.

    `on_check(page)` runs on the check-your-answers page before sending.
    """
    page.goto("/lapor")
    fill_form(page, privacy=privacy, email=email)
    page.locator("form[action$='/lapor'] [type=submit]:not([name=refresh])").click()
    page.wait_for_url("**/lapor/periksa")
    if on_check:
        on_check(page)
    page.locator("form[action$='/lapor/kirim'] [type=submit]").click()
    page.wait_for_url("**/lapor/tanda-terima")
    return receipt_codes(page)


def receipt_codes(page: Page) -> tuple[str, str | None]:
    codes = [" ".join(t.split()) for t in page.locator(".code").all_inner_texts()]
    tracking = next(c for c in codes if TRACKING_CODE.match(c))
    secret = next((c for c in codes if SECRET.match(c)), None)
    return tracking, secret


# --- seeding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    public_code: str
    anonymous_code: str
    anonymous_secret: str


@pytest.fixture(scope="session")
def live_app(live_server):
    """An app object on the live server's database, to write complaints and take staff steps
    straight into it (dispose of `db.engine` after each use: the server shares the file)."""
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": live_server.database_url,
            "UPLOAD_DIR": str(live_server.instance_path / "uploads"),
        }
    )


@pytest.fixture(scope="session")
def seeded(live_app) -> Seeded:
    """Two complaints written into the live server's database, not filed through the UI."""
    from app.complaints.models import Channel
    from app.complaints.operations import create_complaint
    from app.extensions import db

    app = live_app
    base = {
        "type": "complaint",
        "title": ANSWERS["title"],
        "description": ANSWERS["description"],
        "region_code": ANSWERS["district"],
        "category": ANSWERS["category"],
    }
    with app.app_context():
        public, _ = create_complaint(
            {**base, "privacy": "public", "email": "warga@example.org"},
            channel=Channel.WEB,
            locale="id",
        )
        anonymous, secret = create_complaint(
            {**base, "privacy": "anonymous"}, channel=Channel.WEB, locale="id"
        )
        db.session.commit()
        seeded = Seeded(public.tracking_code, anonymous.tracking_code, secret)
        db.engine.dispose()
    return seeded
